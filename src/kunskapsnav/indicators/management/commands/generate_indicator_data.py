"""Write synthetic patient-level data (persons.parquet, events.parquet) for the indicator
engine. The data are labelled SYNTETISKA DATA in the files' metadata."""

from django.core.management.base import BaseCommand, CommandError

from kunskapsnav.indicators.synthetic import generate


class Command(BaseCommand):
    help = "Generate synthetic patient-level data in the documented Parquet schema."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--events", type=int, default=1_000_000, help="about how many events (default 1 000 000)")
        parser.add_argument("--scale", type=float, default=None,
                            help="a share of Sweden's population instead of --events (1 = about 10.5 million persons)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", default="2022-2025", help="first-last year, e.g. 2022-2025")

    def handle(self, *args, folder, events, scale, seed, years, **options):
        try:
            first, last = (int(y) for y in years.split("-"))
        except ValueError:
            raise CommandError("--years must be like 2022-2025") from None
        if events < 1000 or last < first:
            raise CommandError("at least 1000 events and a last year not before the first")
        if scale is not None and not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2")

        def progress(done, total):
            self.stdout.write(f"\r{done}/{total} regioner", ending="")
            self.stdout.flush()

        size = {"scale": scale} if scale is not None else {"events": events}
        counts = generate(folder, **size, years=(first, last), seed=seed, progress=progress)
        self.stdout.write(f"\nSyntetiska data: {counts['persons']} personer, {counts['events']} händelser i {folder}")
