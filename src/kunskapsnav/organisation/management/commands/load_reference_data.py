from django.core.management.base import BaseCommand

from kunskapsnav.organisation.reference import reference_data_load


class Command(BaseCommand):
    help = "Load sjukvårdsregioner, regions, kommuner and the national bodies (idempotent)."

    def handle(self, *args, **options):
        report = reference_data_load()
        for line in report.lines():
            self.stdout.write(line)
