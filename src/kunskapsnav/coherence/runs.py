"""The detection runs: one new version against what it can conflict with (incremental), or
every valid version against every other (full, nightly). Both record what they find by the
same identity (the two keys and fingerprints: record_pair one at a time, the full run a slice
at a time), so a pair already raised, open or decided, is not raised again while neither text
changes."""

import logging
import uuid
from collections import defaultdict
from contextlib import contextmanager

import numpy as np

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from kunskapsnav.knowledge.models import (
    CodeSystem,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    SupportCondition,
    SupportVersion,
    VersionStatus,
)

from .additions import addition_items, addition_pairs
from .blocking import pairs_to_compare
from .detection import Item, Verdict, broader_or_same, compare, item_of
from .models import OPEN_STATUSES, Candidate, CandidateStatus, DetectionRun, DetectionScope, DetectionStatus

logger = logging.getLogger(__name__)

HIERARCHICAL_SYSTEMS = (CodeSystem.ICD10SE, CodeSystem.ATC)
PROGRESS_EVERY = 500
SQLITE_CACHE_KIB = -262144  # PRAGMA cache_size: a negative number is KiB, not pages


def items_for(recommendation_ids) -> list[Item]:
    """The recommendations as items, with their codes, conditions and target groups, in four
    queries whatever their number."""
    recs = list(
        Recommendation.objects.filter(pk__in=recommendation_ids)
        .select_related("version__support")
        .only("pk", "key", "text", "direction", "priority", "strength", "version__support__id",
              "version__support__type", "version__support__owning_body_id", "version__support__issuer_region_id")
    )
    return _items(recs)


def _items(recs) -> list[Item]:
    rec_ids = [r.pk for r in recs]
    support_ids = {r.version.support_id for r in recs}
    codes = defaultdict(set)
    for rec_id, system, code in RecommendationCode.objects.filter(recommendation_id__in=rec_ids).values_list(
        "recommendation_id", "system", "code"
    ):
        codes[rec_id].add((system, code))
    conditions = defaultdict(set)
    for support_id, code in SupportCondition.objects.filter(support_id__in=support_ids).values_list("support_id", "code"):
        conditions[support_id].add(code)
    groups = defaultdict(set)
    through = KnowledgeSupport.target_groups.through
    for support_id, group_id in through.objects.filter(knowledgesupport_id__in=support_ids).values_list(
        "knowledgesupport_id", "targetgroup_id"
    ):
        groups[support_id].add(group_id)
    return [
        item_of(recommendation=r, support=r.version.support, codes=codes[r.pk],
                support_conditions=conditions[r.version.support_id], target_groups=groups[r.version.support_id])
        for r in recs
    ]


def _ordered(a: Item, b: Item) -> tuple[Item, Item]:
    return (a, b) if a.key < b.key else (b, a)


def record_pair(a: Item, b: Item, verdict: Verdict) -> bool:
    """Store the candidate unless the same pair of texts is already known; True if raised.
    An open candidate on an earlier text of either side is outdated by the new one."""
    a, b = _ordered(a, b)
    existing = (
        Candidate.objects.filter(key_a=a.key, key_b=b.key, fingerprint_a=a.fingerprint, fingerprint_b=b.fingerprint)
        .values_list("pk", flat=True).first()
    )
    if existing:
        # The same texts in a later version: the candidate follows them, its status stays.
        Candidate.objects.filter(pk=existing).exclude(**_sides(a, b)).update(**_sides(a, b), updated_at=timezone.now())
        return False
    Candidate.objects.filter(key_a=a.key, key_b=b.key, status__in=OPEN_STATUSES).update(
        status=CandidateStatus.OUTDATED, updated_at=timezone.now()
    )
    _candidate(a, b, verdict).save()
    return True


def _sides(a: Item, b: Item) -> dict:
    """What a candidate points at on each side: the recommendation, and the region's addition
    to it when the side is one."""
    return {"recommendation_a_id": a.recommendation_id, "recommendation_b_id": b.recommendation_id,
            "addition_a_id": a.addition_id, "addition_b_id": b.addition_id}


def outdate_changed(items: list[Item], *, support_ids: set[int]):
    """Open candidates of these supports whose text on that side is no longer the valid one
    (changed or removed in the new version) are outdated: nobody needs to decide on them."""
    current = {(i.key, i.fingerprint) for i in items}
    stale = []
    for pk, sa, sb, ka, kb, fa, fb in Candidate.objects.filter(
        Q(support_a_id__in=support_ids) | Q(support_b_id__in=support_ids), status__in=OPEN_STATUSES
    ).values_list("pk", "support_a_id", "support_b_id", "key_a", "key_b", "fingerprint_a", "fingerprint_b"):
        if (sa in support_ids and (str(ka), fa) not in current) or (sb in support_ids and (str(kb), fb) not in current):
            stale.append(pk)
    Candidate.objects.filter(pk__in=stale).update(status=CandidateStatus.OUTDATED, updated_at=timezone.now())


def _published_recommendations():
    return Recommendation.objects.filter(version__status=VersionStatus.PUBLISHED)


def _could_conflict(items: list[Item], *, exclude_support_id: int) -> list[int]:
    """The recommendations of other valid versions that share a code with these, by hierarchy:
    the broader codes and the same code exactly, the narrower ones by prefix."""
    condition = Q(pk__in=[])
    for item in items:
        for system, code in item.codes:
            broader = [c for _s, c in broader_or_same(system, code)]
            condition |= Q(system=system, code__in=broader)
            if system in HIERARCHICAL_SYSTEMS:
                condition |= Q(system=system, code__startswith=code)
    return list(
        RecommendationCode.objects.filter(condition)
        .filter(recommendation__version__status=VersionStatus.PUBLISHED)
        .exclude(recommendation__version__support_id=exclude_support_id)
        .values_list("recommendation_id", flat=True).distinct()
    )


def run_incremental(run: DetectionRun) -> DetectionRun:
    """Compare one newly published version with what it can conflict with."""
    version = SupportVersion.objects.select_related("support").get(pk=run.version_id)
    _start(run)
    mine = items_for(version.recommendations.values_list("pk", flat=True))
    others = items_for(_could_conflict(mine, exclude_support_id=version.support_id))
    added = addition_items(mine + others)
    DetectionRun.objects.filter(pk=run.pk).update(total=len(mine))
    with transaction.atomic():
        outdate_changed(mine + added, support_ids={version.support_id})
        raised = 0
        for a in mine:
            for b in others:
                verdict = compare(a, b)
                if verdict and record_pair(a, b, verdict):
                    raised += 1
        raised += _record_additions(added, mine + others, support_id=version.support_id)
    return _finish(run, done=len(mine), raised=raised)


def run_full(run: DetectionRun, *, batch_size: int = 2000) -> DetectionRun:
    """Compare every valid version with every other it shares a code with, showing progress.
    Only the pairs compare() could raise are compared (blocking.pairs_to_compare); each is
    compared once, from the earlier of its two recommendations, and the candidates of a slice
    of recommendations are written together."""
    _start(run)
    rec_ids = list(_published_recommendations().order_by("pk").values_list("pk", flat=True))
    DetectionRun.objects.filter(pk=run.pk).update(total=len(rec_ids))
    items = []
    for start in range(0, len(rec_ids), batch_size):
        items += items_for(rec_ids[start:start + batch_size])
    pairs = pairs_to_compare(items)
    known = _known_candidates()
    added = addition_items(items, all_valid=True)
    outdate_changed(items + added, support_ids=set(KnowledgeSupport.objects.values_list("pk", flat=True)))
    raised = 0
    with _large_page_cache():
        for start in range(0, len(items), PROGRESS_EVERY):
            stop = min(start + PROGRESS_EVERY, len(items))
            first, last = np.searchsorted(pairs[:, 0], [start, stop])
            with transaction.atomic():
                raised += _record_slice(items, pairs[first:last], known)
            DetectionRun.objects.filter(pk=run.pk).update(done=stop, raised=raised)
    with transaction.atomic():
        raised += _record_additions(added, items)
    logger.info("coherence run %s: %s pairs compared of %s recommendations", run.pk, len(pairs), len(items))
    return _finish(run, done=len(items), raised=raised)


def _record_additions(additions: list[Item], recommendations: list[Item], *, support_id: int | None = None) -> int:
    """The regions' additions against the recommendations (coherence.additions); how many raised."""
    return sum(record_pair(a, b, verdict) for a, b, verdict in addition_pairs(additions, recommendations,
                                                                             support_id=support_id))


@contextmanager
def _large_page_cache():
    """On SQLite, a page cache of 256 MiB while the run inserts: the candidates' indexes take
    their keys in random order, and beyond SQLite's default 2 MiB every insert reads pages back
    from disk. PostgreSQL's shared buffers are the server's to set."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _known_candidates() -> dict:
    """Every candidate by its pair of texts: (key_a, key_b, fingerprint_a, fingerprint_b) →
    (pk, recommendation_a_id, recommendation_b_id)."""
    return {
        (str(ka), str(kb), fa, fb): (pk, ra, rb)
        for pk, ka, kb, fa, fb, ra, rb in Candidate.objects.values_list(
            "pk", "key_a", "key_b", "fingerprint_a", "fingerprint_b", "recommendation_a_id", "recommendation_b_id"
        )
    }


def _record_slice(items: list[Item], pairs, known: dict) -> int:
    """Compare the pairs and write the new candidates together; returns how many.

    Unlike record_pair no open candidate of the same two keys needs outdating here: the full
    run has outdated every open candidate whose text on either side is no longer the valid
    one (outdate_changed), and one on the two valid texts is in `known`."""
    new = []
    for i, j in pairs:
        a, b = _ordered(items[i], items[j])
        verdict = compare(a, b)
        if not verdict:
            continue
        identity = (a.key, b.key, a.fingerprint, b.fingerprint)
        if identity in known:
            _follow(known, identity, a, b)
            continue
        known[identity] = None
        new.append((a, b, verdict))
    _insert_candidates(new)
    return len(new)


_COLUMNS = ("kind", "status", "score", "signals", "key_a", "key_b", "fingerprint_a", "fingerprint_b",
            "recommendation_a", "recommendation_b", "support_a", "support_b", "body_a", "body_b",
            "created_at", "updated_at")


def _insert_candidates(new: list[tuple[Item, Item, Verdict]]):
    """One INSERT of many rows. Past the ORM on purpose: a full run over a large corpus raises
    millions of candidates, and bulk_create's per-value preparation costs more than the
    comparing. The values are prepared by the model's own fields (the JSON and UUID columns
    differ between SQLite and PostgreSQL). Unlike Candidate.objects.create no row is written
    to the change history: a machine-raised candidate's history starts with its first decision."""
    if not new:
        return
    fields = [Candidate._meta.get_field(name) for name in _COLUMNS]
    signals, key = fields[3], fields[4]
    now = fields[14].get_db_prep_value(timezone.now(), connection)
    keys = {}  # one item is in many pairs of a slice

    def db_key(item):
        if item.key not in keys:
            keys[item.key] = key.get_db_prep_value(uuid.UUID(item.key), connection)
        return keys[item.key]

    rows = [
        (verdict.kind, CandidateStatus.OPEN.value, verdict.score,
         connection.ops.adapt_json_value(verdict.signals, signals.encoder),
         db_key(a), db_key(b), a.fingerprint, b.fingerprint, a.recommendation_id, b.recommendation_id,
         a.support_id, b.support_id, a.body_id, b.body_id, now, now)
        for a, b, verdict in new
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Candidate._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _follow(known: dict, identity: tuple, a: Item, b: Item):
    """The same texts in a later version: the candidate follows them, its status stays."""
    existing = known[identity]
    if existing and (existing[1], existing[2]) != (a.recommendation_id, b.recommendation_id):
        Candidate.objects.filter(pk=existing[0]).update(
            recommendation_a_id=a.recommendation_id, recommendation_b_id=b.recommendation_id, updated_at=timezone.now()
        )


def _candidate(a: Item, b: Item, verdict: Verdict) -> Candidate:
    return Candidate(
        kind=verdict.kind, score=verdict.score, signals=verdict.signals,
        key_a=a.key, key_b=b.key, fingerprint_a=a.fingerprint, fingerprint_b=b.fingerprint, **_sides(a, b),
        support_a_id=a.support_id, support_b_id=b.support_id, body_a_id=a.body_id, body_b_id=b.body_id,
    )


def _start(run: DetectionRun):
    DetectionRun.objects.filter(pk=run.pk).update(status=DetectionStatus.RUNNING, started_at=timezone.now())


def _finish(run: DetectionRun, *, done: int, raised: int) -> DetectionRun:
    DetectionRun.objects.filter(pk=run.pk).update(
        status=DetectionStatus.DONE, done=done, raised=raised, finished_at=timezone.now()
    )
    run.refresh_from_db()
    logger.info("coherence run %s (%s): %s compared, %s raised", run.pk, run.kind, done, raised)
    return run


def run_create(*, kind: str, version: SupportVersion | None = None) -> DetectionRun:
    return DetectionRun.objects.create(kind=kind, version=version if kind == DetectionScope.INCREMENTAL else None)
