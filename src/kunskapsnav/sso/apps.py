from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "kunskapsnav.sso"
    label = "sso"
    verbose_name = _("Inloggning via organisationen")

    def ready(self):
        from . import checks  # noqa: F401  registers the single sign-on checks
