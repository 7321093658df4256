from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kunskapsnav.accounts"
    label = "accounts"
    verbose_name = _("Konton")

    def ready(self):
        from kunskapsnav import checks  # noqa: F401  registers the production checks
