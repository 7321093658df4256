from django.core.management.base import BaseCommand

from kunskapsnav.lowvalue.demo import demo_lowvalue_load


class Command(BaseCommand):
    help = "Load a few public low-value practices (icke-göra) as demo data, linked where the codes match (once)."

    def handle(self, *args, **options):
        created = demo_lowvalue_load()
        self.stdout.write("Registret över lågvärdig vård fylldes med demodata." if created
                          else "Registret över lågvärdig vård hade redan demodata.")
