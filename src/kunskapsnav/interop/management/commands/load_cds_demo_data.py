from django.core.management.base import BaseCommand

from kunskapsnav.interop.cds.demo import demo_client_load
from kunskapsnav.knowledge.demo import demo_uptake_load


class Command(BaseCommand):
    help = ("Register the demo journal for the CDS Hooks services and load four weeks of synthetic uptake "
            "(each does nothing if it is there already).")

    def handle(self, *args, **options):
        created = demo_client_load()
        self.stdout.write("Demojournalen registrerades." if created else "Demojournalen fanns redan.")
        loaded = demo_uptake_load()
        self.stdout.write("Påhittad följsamhet lästes in." if loaded else "Följsamheten fanns redan.")
