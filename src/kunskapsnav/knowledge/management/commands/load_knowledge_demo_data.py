from django.core.management.base import BaseCommand

from kunskapsnav.knowledge.demo import demo_supports_load


class Command(BaseCommand):
    help = "Load the demo knowledge supports (does nothing if they are there already)."

    def handle(self, *args, **options):
        created = demo_supports_load()
        self.stdout.write("Demokunskapsstöd skapades." if created else "Demokunskapsstöd fanns redan.")
