from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoherenceConfig(AppConfig):
    name = "kunskapsnav.coherence"
    label = "coherence"
    verbose_name = _("Samstämmighet")

    def ready(self):
        from kunskapsnav.knowledge.signals import addition_changed, version_published

        from .tasks import detection_on_addition, detection_on_publication

        version_published.connect(detection_on_publication, dispatch_uid="coherence.detection_on_publication")
        addition_changed.connect(detection_on_addition, dispatch_uid="coherence.detection_on_addition")
