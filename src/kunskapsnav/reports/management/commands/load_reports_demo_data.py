from django.core.management.base import BaseCommand

from kunskapsnav.reports.demo import demo_reports_load


class Command(BaseCommand):
    help = "Make the demo's annual reports from the demo data (does nothing if reports exist already)."

    def handle(self, *args, **options):
        created = demo_reports_load()
        self.stdout.write("Demorapporterna togs fram." if created else "Rapporter fanns redan.")
