from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kunskapsnav.accounts"
    label = "accounts"
    verbose_name = _("Konton")

    def ready(self):
        from django.db.models.signals import pre_save

        from kunskapsnav import checks  # noqa: F401  registers the production checks
        from kunskapsnav.lib.bounds import refuse_overlong_text

        # Every model of the platform, whichever app writes it (see lib.bounds).
        pre_save.connect(refuse_overlong_text, dispatch_uid="kunskapsnav-refuse-overlong-text")
