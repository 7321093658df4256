from django.core.management.base import BaseCommand

from kunskapsnav.people.demo import ACCOUNTS, demo_people_load


class Command(BaseCommand):
    help = "Load the demo calls, nominations, declarations and pool (does nothing if a call exists already)."

    def handle(self, *args, **options):
        created = demo_people_load()
        self.stdout.write("Demodata om nomineringar, jäv och medverkan skapades." if created
                          else "Demodata om nomineringar fanns redan.")
        self.stdout.write("Fler demokonton (samma lösenord):")
        for username, role in ACCOUNTS:
            self.stdout.write(f"  {username:<20} {role}")
