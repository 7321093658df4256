"""Benchmark of the annual reports over a demo-sized nation.

    .venv/bin/python bench/reports.py [--databases sqlite postgresql] [--versions 700]

For each database the script builds, in a fresh database: the reference data and the demo's
registry (21 regions, their bodies and seats), a synthetic corpus of knowledge supports
(knowledge.corpus; about a third of the versions are the supports' valid ones), every
published version published in last calendar year, an adoption of each by each of the 21
regions with its steps and, past the decision, a decision (all dated last year), and the
indicator engine's values over synthetic patient-level data, copied to 30 indicators. The
facts are written in bulk, bypassing the domain functions, as the corpus is.

Then, each in a fresh process of its own (so that its peak memory is its own), it makes last
year's national report and Region Örebro län's: the worker's part (collecting the snapshot),
the page (HTML with its charts) and the PDF, and prints the seconds of each and the process's
peak resident memory.

Goal: national report HTML + PDF ≤ 60 s and ≤ 1 GiB; a region's report ≤ 15 s.
Not a test: nothing here asserts; docs/performance.md records the results.
"""

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import drop_database, fresh_database, log

PG_BENCH_DB = "kunskapsnav_reports_bench"
INDICATORS = 30


def _django(url: str, folder: str):
    os.environ["DATABASE_URL"] = url
    os.environ["KUNSKAPSNAV_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    import django

    django.setup()


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build(args):
    """Migrate and write the nation; prints the counts as JSON."""
    _django(args.url, args.folder)
    from django.core.management import call_command
    from django.db import connection

    from kunskapsnav.implementation.models import STAGE_ORDER, Adoption, Decision, Stage, StageTransition
    from kunskapsnav.indicators import runs, synthetic
    from kunskapsnav.indicators.models import IndicatorDefinition, IndicatorRun, IndicatorValue
    from kunskapsnav.knowledge.corpus import corpus_generate
    from kunskapsnav.knowledge.models import SupportVersion, VersionStatus, VersionTransition
    from kunskapsnav.organisation.demo import demo_data_load
    from kunskapsnav.organisation.models import Region
    from kunskapsnav.organisation.reference import reference_data_load
    from kunskapsnav.accounts.models import User

    rng = random.Random(args.seed)
    year = datetime.date.today().year - 1
    started = time.monotonic()
    call_command("migrate", verbosity=0, skip_checks=True)
    reference_data_load()
    demo_data_load()
    corpus = corpus_generate(versions=args.versions, recommendations_per_version=3, seed=args.seed)
    log(f"  corpus: {corpus.supports} supports, {corpus.versions} versions, {time.monotonic() - started:.0f} s")

    # Every version that has been published was published in the year, in version order.
    published = list(SupportVersion.objects.exclude(status__in=[VersionStatus.DRAFT, VersionStatus.REMISS,
                                                                VersionStatus.APPROVED])
                     .order_by("support_id", "number").values_list("pk", "support_id", "number", "status"))
    moves, days = [], {}
    for pk, _support, number, status in published:
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=min(300, 40 * number + rng.randrange(30)))
        days[pk] = day
        moves.append(VersionTransition(version_id=pk, old_status=VersionStatus.APPROVED,
                                       new_status=VersionStatus.PUBLISHED))
        if status != VersionStatus.PUBLISHED:
            moves.append(VersionTransition(version_id=pk, old_status=VersionStatus.PUBLISHED, new_status=status))
    VersionTransition.objects.bulk_create(moves, batch_size=2000)
    for pk, day in days.items():
        SupportVersion.objects.filter(pk=pk).update(published_at=_at(day))
        VersionTransition.objects.filter(version_id=pk).update(at=_at(day))

    # Each region's adoption of each valid version, somewhere along the chain.
    valid = [(pk, support) for pk, support, _n, status in published if status == VersionStatus.PUBLISHED]
    regions = list(Region.objects.order_by("county_code"))
    chain = [*STAGE_ORDER]
    adoptions = [Adoption(region=region, support_id=support, version_id=pk,
                          stage=chain[min(len(chain) - 1, int(rng.expovariate(1.2)))])
                 for pk, support in valid for region in regions]
    Adoption.objects.bulk_create(adoptions, batch_size=2000)
    transitions, decisions = [], []
    for adoption in Adoption.objects.values("pk", "stage", "version_id"):
        day = days[adoption["version_id"]]
        reached = chain.index(adoption["stage"])
        for step in range(1, reached + 1):
            day = min(datetime.date(year, 12, 31), day + datetime.timedelta(days=rng.randrange(5, 60)))
            transitions.append(StageTransition(adoption_id=adoption["pk"], old_stage=chain[step - 1],
                                               new_stage=chain[step], at=_at(day)))
            if chain[step] == Stage.IMPLEMENTATION:
                decisions.append(Decision(adoption_id=adoption["pk"], decided_by="Hälso- och sjukvårdsdirektören",
                                          decided_on=day, outcome="bifall"))
    StageTransition.objects.bulk_create(transitions, batch_size=5000)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    Adoption.objects.update(created_at=_at(datetime.date(year, 1, 2)))
    log(f"  chain: {len(adoptions)} adoptions, {len(transitions)} steps, {len(decisions)} decisions")

    # The engine's values over synthetic data, then copied so that there are INDICATORS of them.
    data = Path(args.folder) / "indikatordata"
    synthetic.generate(data, events=args.events, years=(year - 3, year), seed=args.seed)
    definitions = runs.definitions_sync()
    run = IndicatorRun.objects.create(data_folder=str(data), started_by=User.objects.get(username="admin"))
    run.definitions.set(definitions)
    runs.execute(run)
    copies = 0
    while len(definitions) + copies < INDICATORS:
        source = definitions[copies % len(definitions)]
        values = list(IndicatorValue.objects.filter(definition=source, run=run))
        copy = IndicatorDefinition.objects.get(pk=source.pk)
        copy.pk = None
        copy.code = f"{source.code}-K{copies + 1}"[:40]
        copy.name = f"{source.name} (kopia {copies + 1})"
        copy.save()
        for value in values:
            value.pk, value.definition = None, copy
        IndicatorValue.objects.bulk_create(values, batch_size=5000)
        run.definitions.add(copy)
        copies += 1
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(json.dumps({"supports": corpus.supports, "versions": corpus.versions, "adoptions": len(adoptions),
                      "indicators": len(definitions) + copies, "seconds": round(time.monotonic() - started)}))


def measure(args):
    """Make one report, its page and its PDF; prints the seconds of each and the peak memory."""
    _django(args.url, args.folder)
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # a line per page otherwise
    from kunskapsnav.accounts.models import User
    from kunskapsnav.organisation.models import Region
    from kunskapsnav.reports import exports, making, rendering
    from kunskapsnav.reports.models import ReportKind

    year = datetime.date.today().year - 1
    scope = {"region": Region.objects.get(county_code="18")} if args.kind == ReportKind.REGION else {}
    report = making.report_request(by=User.objects.get(username="admin"), kind=args.kind, queue=False,
                                   period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                                   **scope)
    started = time.perf_counter()
    report = making.generate(report.pk)
    collected = time.perf_counter()
    page = rendering.html(report)
    rendered = time.perf_counter()
    pdf = exports.as_pdf(report)
    printed = time.perf_counter()
    print(json.dumps({"kind": args.kind, "collect_s": round(collected - started, 1),
                      "html_s": round(rendered - collected, 1), "pdf_s": round(printed - rendered, 1),
                      "total_s": round(printed - started, 1), "html_kb": len(page) // 1024, "pdf_kb": len(pdf) // 1024,
                      # ru_maxrss is in KiB on Linux.
                      "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def _child(*argv) -> dict:
    done = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit(f"{argv[0]} failed")
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    parser.add_argument("--versions", type=int, default=700)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--role", choices=["build", "measure"])
    parser.add_argument("--url")
    parser.add_argument("--folder")
    parser.add_argument("--kind")
    args = parser.parse_args()
    if args.role == "build":
        return build(args)
    if args.role == "measure":
        return measure(args)
    for database in args.databases:
        folder = Path(tempfile.mkdtemp(prefix="kunskapsnav-reports-bench-"))
        try:
            url = fresh_database(database, folder / "bench.sqlite3", PG_BENCH_DB)
            log(f"{database}: building the nation")
            built = _child("--role", "build", "--url", url, "--folder", str(folder), "--versions",
                           str(args.versions), "--events", str(args.events), "--seed", str(args.seed))
            log(f"{database}: {built}")
            for kind in ("nationell", "region"):
                result = _child("--role", "measure", "--url", url, "--folder", str(folder), "--kind", kind)
                print(json.dumps({"database": database, **result}), flush=True)
        finally:
            drop_database(database, PG_BENCH_DB)
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
