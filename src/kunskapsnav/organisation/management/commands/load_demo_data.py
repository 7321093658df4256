from django.core.management.base import BaseCommand

from kunskapsnav.organisation.demo import ACCOUNTS, DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load synthetic demo data and demo accounts (does nothing if they are there already)."

    def handle(self, *args, **options):
        created = demo_data_load()
        self.stdout.write("Demodata skapades." if created else "Demodata fanns redan.")
        self.stdout.write(f"\nDemokonton (lösenord för alla: {DEMO_PASSWORD}):")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<20} {account.role} – {account.note}")
