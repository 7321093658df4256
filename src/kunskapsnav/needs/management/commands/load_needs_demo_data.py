from django.core.management.base import BaseCommand

from kunskapsnav.needs.demo import demo_needs_load


class Command(BaseCommand):
    help = "Load the demo needs (does nothing if a need exists already)."

    def handle(self, *args, **options):
        created = demo_needs_load()
        self.stdout.write("Demobehoven skapades." if created else "Behov fanns redan.")
