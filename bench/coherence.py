"""Quality and speed of the coherence detection (samstämmighet) on the synthetic corpus.

    .venv/bin/python bench/coherence.py [--size 50000] [--database sqlite|postgresql]
                                        [--groups 40] [--incremental 20] [--seed 17]

In a fresh database the script builds the corpus (knowledge.corpus, as bench/search.py and
bench/content.py do) and plants a labelled evaluation set in it through the domain functions:
groups of supports, each around one drug (ATC) and one condition (ICD-10-SE) of its own, with

- a base recommendation ("Ge X till patienter med Y inom N veckor …", priority 2),
- a duplicate (the same advice in other words and word order, inflected otherwise),
- an overlap (the base advice and more),
- a contradiction (in turn: gör inte; priority 9; another number of weeks),
- a negative: a recommendation that shares the drug's code and the condition but agrees
  (a check while on the drug), which must raise nothing.

The labelled pairs are those with the base, and duplicate–contradiction. A full run
(runs.run_full) is timed over the whole corpus; precision and recall per kind are computed
over the labelled pairs (a candidate on a labelled negative, or between two groups, counts
against precision). Then --incremental new versions of planted supports are published and the
incremental run of each is timed. Not a test: it measures; docs/performance.md records it.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import drop_database, fresh_database, log, percentile  # noqa: E402

PG_BENCH_DB = "kunskapsnav_coherence_bench"
GOALS = {"motsagelse": (0.8, 0.9), "dubblett": (0.8, 0.8)}

# (name in the text, ATC) — each group takes its own drug, so groups share no intervention code.
DRUGS = [
    ("metformin", "A10BA02"), ("simvastatin", "C10AA01"), ("atorvastatin", "C10AA05"), ("warfarin", "B01AA03"),
    ("apixaban", "B01AF02"), ("furosemid", "C03CA01"), ("spironolakton", "C03DA01"), ("enalapril", "C09AA02"),
    ("losartan", "C09CA01"), ("metoprolol", "C07AB02"), ("bisoprolol", "C07AB07"), ("amlodipin", "C08CA01"),
    ("sertralin", "N06AB06"), ("escitalopram", "N06AB10"), ("mirtazapin", "N06AX11"), ("levotyroxin", "H03AA01"),
    ("alendronat", "M05BA04"), ("budesonid", "R03BA02"), ("salbutamol", "R03AC02"), ("tiotropium", "R03BB04"),
    ("omeprazol", "A02BC01"), ("paracetamol", "N02BE01"), ("ibuprofen", "M01AE01"), ("prednisolon", "H02AB06"),
    ("insulin glargin", "A10AE04"), ("dapagliflozin", "A10BK01"), ("empagliflozin", "A10BK03"),
    ("klopidogrel", "B01AC04"), ("digoxin", "C01AA05"), ("donepezil", "N06DA02"), ("levodopa", "N04BA01"),
    ("lamotrigin", "N03AX09"), ("litium", "N05AN01"), ("kvetiapin", "N05AH04"), ("allopurinol", "M04AA01"),
    ("kolkicin", "M04AC01"), ("fenoximetylpenicillin", "J01CE02"), ("doxycyklin", "J01AA02"),
    ("nitrofurantoin", "J01XE01"), ("denosumab", "M05BX04"),
]
CONDITIONS = [
    ("typ 2-diabetes", "E11"), ("hjärtsvikt", "I50"), ("förmaksflimmer", "I48"), ("depression", "F32"),
    ("astma", "J45"), ("KOL", "J44"), ("osteoporos", "M81"), ("kronisk njursjukdom", "N18"),
]
LABS = ["njurfunktion", "leverprover", "blodtryck", "kalium", "vikt", "blodstatus"]


def _texts(drug: str, condition: str, weeks: int, lab: str, other_weeks: int) -> dict:
    return {
        "base": f"Ge {drug} till patienter med {condition} inom {weeks} veckor efter diagnos.",
        "duplicate": f"Inom {weeks} veckor efter diagnosen bör patienterna med {condition} ge {drug}.",
        "overlap": (f"Ge {drug} till patienter med {condition} inom {weeks} veckor efter diagnos, och följ upp "
                    f"behandlingen med läkarbesök var tredje månad under första året samt dokumentera biverkningar."),
        "direction": f"Ge inte {drug} till patienter med {condition} inom {weeks} veckor efter diagnos.",
        "priority": f"Ge {drug} till patienter med {condition} inom {weeks} veckor efter diagnos.",
        "threshold": f"Ge {drug} till patienter med {condition} inom {other_weeks} veckor efter diagnos.",
        "negative": f"Kontrollera {lab} regelbundet hos den som behandlas med {drug}.",
    }


def plant(*, groups: int, seed: int, admin, body):
    """The planted supports, published; returns the labelled pairs {(key, key): kind} and
    the planted supports."""
    from kunskapsnav.knowledge import content, lifecycle
    from kunskapsnav.knowledge.models import Agency, Direction, SupportType, VersionStatus

    rng = random.Random(seed)
    labels, supports = {}, []
    contradiction_kinds = ["direction", "priority", "threshold"]

    def publish(title, text, *, code, icd, direction=Direction.DO, priority=2, agency=""):
        values = {"issuer_agency": agency} if agency else {"issuer_body": body}
        support = content.support_create(
            by=admin, type=SupportType.CLINICAL, title=title, owning_body=body, conditions=[icd],
            review_date=__import__("datetime").date(2030, 1, 1), **values)
        version = support.versions.get()
        rec = content.recommendation_create(by=admin, version=version, text=f"<p>{text}</p>",
                                            codes=[("atc", code), ("icd10se", icd)], direction=direction,
                                            priority=priority)
        for to in (VersionStatus.REMISS, VersionStatus.APPROVED, VersionStatus.PUBLISHED):
            lifecycle.version_transition(version=version, to=to, by=admin)
        supports.append(support)
        return str(rec.key)

    for group in range(groups):
        drug, atc = DRUGS[group % len(DRUGS)]
        condition, icd = CONDITIONS[group % len(CONDITIONS)]
        weeks = rng.choice([2, 4, 6, 8])
        texts = _texts(drug, condition, weeks, rng.choice(LABS), weeks + rng.choice([4, 8, 12]))
        kind = contradiction_kinds[group % 3]
        agency = rng.choice([a for a in Agency.values if a != Agency.SOCIALSTYRELSEN])
        base = publish(f"Plant {group} bas", texts["base"], code=atc, icd=icd)
        duplicate = publish(f"Plant {group} dubblett", texts["duplicate"], code=atc, icd=icd, agency=agency)
        overlap = publish(f"Plant {group} överlapp", texts["overlap"], code=atc, icd=icd)
        contradiction = publish(
            f"Plant {group} motsägelse", texts[kind], code=atc, icd=icd, agency=agency,
            direction=Direction.DO_NOT if kind == "direction" else Direction.DO, priority=9 if kind == "priority" else 2)
        negative = publish(f"Plant {group} negativ", texts["negative"], code=atc, icd=icd)
        labels[frozenset((base, duplicate))] = "dubblett"
        labels[frozenset((base, overlap))] = "overlapp"
        labels[frozenset((base, contradiction))] = "motsagelse"
        labels[frozenset((duplicate, contradiction))] = "motsagelse"
        labels[frozenset((base, negative))] = None
        labels[frozenset((duplicate, negative))] = None
    return labels, supports


def evaluate(labels: dict, planted_support_ids: set) -> dict:
    from kunskapsnav.coherence.models import Candidate

    found = {}
    for key_a, key_b, kind, sa, sb in Candidate.objects.values_list("key_a", "key_b", "kind", "support_a_id",
                                                                     "support_b_id"):
        if sa in planted_support_ids and sb in planted_support_ids:
            found[frozenset((str(key_a), str(key_b)))] = kind
    results = {}
    for kind in ("dubblett", "overlapp", "motsagelse"):
        truth = {pair for pair, label in labels.items() if label == kind}
        # Between planted supports, every pair that is not labelled is a negative: another
        # group (another drug) or a labelled negative.
        said = {pair for pair, k in found.items() if k == kind and (pair in labels or not _same_group(pair, labels))}
        hits = len(truth & said)
        results[kind] = {"precision": hits / len(said) if said else 1.0, "recall": hits / len(truth) if truth else 1.0,
                         "labelled": len(truth), "raised": len(said)}
    missed = [(sorted(pair), labels[pair], found.get(pair)) for pair in labels
              if labels[pair] and found.get(pair) != labels[pair]]
    results["missed"] = missed
    results["unlabelled_within_groups"] = sum(1 for pair in found if pair not in labels and _same_group(pair, labels))
    return results


def _same_group(pair, labels) -> bool:
    """Whether both keys are in one group (pairs the set does not label, like overlap against
    contradiction: not counted either way)."""
    a, b = tuple(pair)
    groups_of = {}
    for labelled in labels:
        for key in labelled:
            groups_of.setdefault(key, set()).update(labelled)
    return b in groups_of.get(a, set()) or any(b in groups_of.get(k, set()) for k in groups_of.get(a, set()))


def _show_missed(missed):
    """The labelled pairs raised as another kind or not at all, with their texts: what to look at."""
    from kunskapsnav.knowledge.models import Recommendation

    for keys, label, found in missed[:10]:
        texts = list(Recommendation.objects.filter(key__in=keys, version__status="publicerad")
                     .values_list("text", "direction", "priority"))
        log(f"  missed {label} (raised as {found}): {texts}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=50000, help="versions in the corpus")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--incremental", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="coherence-bench-"))
    url = fresh_database(args.database, folder / "bench.sqlite3", PG_BENCH_DB)
    os.environ["DATABASE_URL"] = url
    os.environ["KUNSKAPSNAV_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kunskapsnav.accounts.models import User
    from kunskapsnav.coherence.models import DetectionScope
    from kunskapsnav.coherence.runs import run_create, run_full, run_incremental
    from kunskapsnav.knowledge import content, lifecycle
    from kunskapsnav.knowledge.corpus import corpus_generate
    from kunskapsnav.knowledge.models import KnowledgeSupport, Recommendation, VersionStatus
    from kunskapsnav.organisation.models import Body
    from kunskapsnav.organisation.reference import reference_data_load

    try:
        call_command("migrate", verbosity=0, skip_checks=True)
        reference_data_load()
        log(f"corpus of {args.size} versions on {args.database}")
        report = corpus_generate(versions=args.size, recommendations_per_version=10, seed=args.seed,
                                 progress=lambda done, total, seconds: log(f"  {done}/{total} versions, {seconds:.0f} s"))
        admin = User.objects.create_user("bench-admin", national_admin=True)
        body = Body.objects.npos().order_by("pk").first()
        labels, supports = plant(groups=args.groups, seed=args.seed, admin=admin, body=body)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        published = Recommendation.objects.filter(version__status=VersionStatus.PUBLISHED).count()
        log(f"corpus: {report.versions} versions, {published} published recommendations; "
            f"planted {len(supports)} supports, {len(labels)} labelled pairs")

        started, cpu_started = time.perf_counter(), time.process_time()
        run = run_full(run_create(kind=DetectionScope.FULL))
        full_seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        # The CPU time says more than the wall time on a machine shared with other work.
        log(f"full run: {full_seconds:.1f} s ({cpu_seconds:.1f} s CPU), {run.done} recommendations, "
            f"{run.raised} candidates")

        results = evaluate(labels, {s.pk for s in supports})
        for kind in ("motsagelse", "dubblett", "overlapp"):
            r = results[kind]
            goal = GOALS.get(kind)
            met = "" if goal is None else ("  goal met" if r["precision"] >= goal[0] and r["recall"] >= goal[1]
                                           else f"  goal P ≥ {goal[0]} R ≥ {goal[1]} MISSED")
            print(f"{kind:12} precision {r['precision']:.2f}  recall {r['recall']:.2f}  "
                  f"(labelled {r['labelled']}, raised {r['raised']}){met}")
        print(f"unlabelled pairs raised within groups: {results['unlabelled_within_groups']}")
        _show_missed(results["missed"])

        timings = []
        rng = random.Random(args.seed)
        for support in rng.sample(supports, min(args.incremental, len(supports))):
            support = KnowledgeSupport.objects.get(pk=support.pk)
            version = content.version_create_next(by=admin, support=support)
            rec = version.recommendations.get()
            content.recommendation_update(by=admin, recommendation=rec, text=rec.text.replace("</p>", " Gäller vuxna.</p>"))
            version.review_date = support.versions.get(number=1).review_date
            version.save()
            for to in (VersionStatus.REMISS, VersionStatus.APPROVED, VersionStatus.PUBLISHED):
                lifecycle.version_transition(version=version, to=to, by=admin)
            started = time.perf_counter()
            run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=version))
            timings.append(time.perf_counter() - started)
        if timings:
            print(f"incremental run per new version: p50 {percentile(timings, 0.5):.3f} s, "
                  f"p95 {percentile(timings, 0.95):.3f} s, max {max(timings):.3f} s ({len(timings)} versions)")
        print(f"full run: {full_seconds:.1f} s ({cpu_seconds:.1f} s CPU) over {run.done} published recommendations "
              f"({args.size} versions), {run.raised} candidates")
    finally:
        connection.close()
        drop_database(args.database, PG_BENCH_DB)


if __name__ == "__main__":
    main()
