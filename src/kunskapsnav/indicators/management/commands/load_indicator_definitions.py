from django.core.management.base import BaseCommand

from kunskapsnav.indicators.runs import definitions_sync


class Command(BaseCommand):
    help = "Load (or update) the indicator definitions shipped with the platform."

    def handle(self, *args, **options):
        self.stdout.write(f"{len(definitions_sync())} indikatordefinitioner.")
