from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kunskapsnav.people"
    label = "people"
    verbose_name = _("Nomineringar, jäv och medverkan")

    def ready(self):
        from kunskapsnav.organisation import extensions as registry_pages

        from . import extensions

        registry_pages.register_person_facts(extensions.person_facts)
        registry_pages.register_section_links(extensions.section_links)
