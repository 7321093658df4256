from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LowValueConfig(AppConfig):
    name = "kunskapsnav.lowvalue"
    label = "lowvalue"
    verbose_name = _("Lågvärdig vård")
