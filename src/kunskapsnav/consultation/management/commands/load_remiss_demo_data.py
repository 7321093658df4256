from django.core.management.base import BaseCommand

from kunskapsnav.consultation.demo import demo_remiss_load


class Command(BaseCommand):
    help = "Load the demo remiss round (does nothing if a round exists already)."

    def handle(self, *args, **options):
        created = demo_remiss_load()
        self.stdout.write("Demoremissen skapades." if created else "Remissomgångar fanns redan.")
