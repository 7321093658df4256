import sys

from django.core.management.base import BaseCommand

from kunskapsnav.knowledge.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index of every version (after a restore or a change of the index format)."

    def handle(self, *args, **options):
        def progress(done, total):
            print(f"\r{done}/{total} versioner indexerade", end="", file=sys.stderr, flush=True)

        total = rebuild_index(progress=progress)
        print(file=sys.stderr)
        self.stdout.write(f"{total} versioner indexerade.")
