from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "kunskapsnav.implementation"
    label = "implementation"
    verbose_name = _("Införande")

    def ready(self):
        from kunskapsnav.knowledge.signals import version_published

        from .adoptions import adoptions_on_publication

        version_published.connect(adoptions_on_publication, dispatch_uid="implementation.adoptions_on_publication")
