from django.core.management.base import BaseCommand

from kunskapsnav.implementation.demo import demo_implementation_load


class Command(BaseCommand):
    help = "Load the demo införanden (does nothing if a decision order exists already)."

    def handle(self, *args, **options):
        created = demo_implementation_load()
        self.stdout.write("Demoinföranden skapades." if created else "Införanden fanns redan.")
