from django.core.management.base import BaseCommand, CommandError

from kunskapsnav.knowledge.corpus import corpus_generate


class Command(BaseCommand):
    help = (
        "Create a synthetic corpus of knowledge supports (marked as demo data) and index it for search: "
        "for demos and for measuring the search."
    )

    def add_arguments(self, parser):
        parser.add_argument("--versions", type=int, required=True, help="number of versions to create")
        parser.add_argument("--recommendations-per-version", type=int, default=10)
        parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same texts and codes")
        parser.add_argument("--batch-size", type=int, default=2000, help="versions written per transaction")

    def handle(self, *args, versions, recommendations_per_version, seed, batch_size, **options):
        if versions < 1 or recommendations_per_version < 1 or batch_size < 1:
            raise CommandError("--versions, --recommendations-per-version och --batch-size ska vara minst 1.")

        def progress(done, total, seconds):
            rate = done / seconds if seconds else 0
            self.stderr.write(
                f"  {done:>8}/{total} versioner ({100 * done // total:>3} %), {seconds:6.1f} s, {rate:,.0f}/s"
            )

        try:
            report = corpus_generate(
                versions=versions, recommendations_per_version=recommendations_per_version, seed=seed,
                batch_size=batch_size, progress=progress,
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Skapade {report.supports} kunskapsstöd, {report.versions} versioner, {report.recommendations} "
            f"rekommendationer och {report.codes} koder på {report.seconds:.1f} s."
        )
