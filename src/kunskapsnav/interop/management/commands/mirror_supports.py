from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunskapsnav.interop.mirror import PAGE_SIZE, Mirror, MirrorError


def _positive(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 1000:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Keep a copy of the valid knowledge supports of one region's view in a directory, one JSON and one "
        "HTML file per support, by following the change feed of a Kunskapsnav server from the last cursor "
        "(README, \"Spegla kunskapsstöden\"). Stopped runs resume where they stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True,
                            help="the server, e.g. https://kunskapsnav.example.se")
        parser.add_argument("--to", dest="directory", required=True, type=Path,
                            help="the directory of the copy (its cursor is kept there)")
        parser.add_argument("--region", help="länskod of the region whose additions to include, e.g. 18")
        parser.add_argument("--page-size", type=_positive, default=PAGE_SIZE,
                            help=f"feed entries per request, 1-1000 (default {PAGE_SIZE})")
        parser.add_argument("--max-pages", type=_positive, help="stop after this many pages of the feed")

    def handle(self, *args, source, directory, region=None, page_size=PAGE_SIZE, max_pages=None, **options):
        try:
            mirror = Mirror(source=source, directory=directory, region=region, page_size=page_size,
                            report=self.stdout.write)
            result = mirror.run(max_pages=max_pages)
        except MirrorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Klart: %(dir)s är uppdaterad till markör %(cursor)s (%(written)s kunskapsstöd skrivna, "
              "%(removed)s utan gällande version).")
            % {"dir": directory, "cursor": result.cursor, "written": result.written, "removed": result.removed}
        )
