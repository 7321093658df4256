from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "kunskapsnav.sso"
    label = "sso"
    verbose_name = _("Inloggning via organisationen")
