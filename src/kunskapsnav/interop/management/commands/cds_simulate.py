import urllib.error

from django.core.management.base import BaseCommand, CommandError

from kunskapsnav.interop.cds.simulator import PROFILES, cards_as_text, patient_view


class Command(BaseCommand):
    help = ("Skicka patient-view för en påhittad patient till en körande Kunskapsnav och visa korten "
            "(en journal på kommandoraden, för demon).")

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=sorted(PROFILES), default="stroke",
                            help="patientprofil: " + "; ".join(f"{k}: {v['label']}" for k, v in PROFILES.items()))
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Kunskapsnavs adress")

    def handle(self, *args, profile, url, **options):
        self.stdout.write(f"Patient: {PROFILES[profile]['label']}\n")
        try:
            answer = patient_view(base_url=url, profile=profile)
        except urllib.error.HTTPError as error:
            raise CommandError(f"{url} svarade {error.code}: {error.read().decode(errors='replace')[:500]}") from None
        except (urllib.error.URLError, OSError) as error:
            raise CommandError(f"{url} svarar inte: {error}") from None
        self.stdout.write(cards_as_text(answer))
