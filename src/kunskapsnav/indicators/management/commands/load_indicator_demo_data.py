from django.core.management.base import BaseCommand

from kunskapsnav.indicators.demo import demo_indicators_load


class Command(BaseCommand):
    help = "Load the indicator definitions and compute them over synthetic demo data (once)."

    def handle(self, *args, **options):
        created = demo_indicators_load()
        self.stdout.write("Demoindikatorer beräknades på syntetiska data." if created else "Indikatorvärden fanns redan.")
