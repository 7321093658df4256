from django.core.management.base import BaseCommand

from kunskapsnav.indicators.demo import demo_indicators_load


class Command(BaseCommand):
    help = "Load the indicator definitions and compute them over synthetic demo data (once)."

    def handle(self, *args, **options):
        def progress(text):
            # One line rewritten in place, so that a long first start shows it is moving.
            self.stdout.write(f"\r{text}\033[K", ending="")
            self.stdout.flush()

        created = demo_indicators_load(progress=progress)
        if created:
            self.stdout.write("\r\033[K", ending="")
        self.stdout.write("Demoindikatorer beräknades på syntetiska data." if created else "Indikatorvärden fanns redan.")
