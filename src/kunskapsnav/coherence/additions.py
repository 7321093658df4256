"""Regional additions (regionala tillägg) in the detection.

An addition is a region's own text to a recommendation. It is written for one published
version and shown on the later ones while the recommendation keeps its key (knowledge
selectors.additions_by_key): the addition carried to a valid recommendation is the latest
the region wrote for that key. Each is compared with the recommendation it belongs to and
with other supports' valid recommendations that share its recommendation's codes
(detection.compare_addition); never with other additions: two regions' additions that differ
are regional variation, each reviewed against the national text.

The runs (runs.py) call addition_items for the recommendations they compare and
addition_pairs for the pairs to record, so the recording stays the same for both.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator

from kunskapsnav.knowledge.models import RegionalAddition, VersionStatus
from kunskapsnav.organisation.models import Body, BodyKind

from .detection import Item, Verdict, addition_item, broader_or_same, compare_addition

logger = logging.getLogger(__name__)


def reviewing_bodies(region_ids: Iterable[int]) -> dict:
    """{(region, national body) or region: body}: who reviews a region's additions. The
    region's LPO that mirrors the support's owning body where there is one, else the
    region's kunskapsstödsgrupp; either way the region's coordinators, who write the
    additions, review them too (permissions.can_review_body)."""
    found = {}
    for pk, kind, region_id, mirrors_id in (
        Body.objects.filter(region_id__in=set(region_ids), is_active=True,
                            kind__in=[BodyKind.LPO, BodyKind.SUPPORT_GROUP])
        .order_by("-pk").values_list("pk", "kind", "region_id", "mirrors_id")
    ):
        # Descending, so the oldest body of a kind is the one left.
        found[(region_id, mirrors_id) if kind == BodyKind.LPO else region_id] = pk
    return found


def _carried(carriers: dict, *, all_valid: bool):
    """The additions carried to these valid recommendations: per recommendation key and region,
    the one written for the latest version."""
    rows = RegionalAddition.objects.all()
    if all_valid:
        rows = rows.filter(recommendation__version__support__versions__status=VersionStatus.PUBLISHED)
    else:
        rows = rows.filter(recommendation__version__support_id__in={c.support_id for c in carriers.values()})
    latest = {}
    rows = rows.order_by("recommendation__version__number", "pk").values_list(
        "pk", "text", "region_id", "region__county_code", "recommendation__key", "recommendation__version__support_id"
    )
    for pk, text, region_id, county_code, key, support_id in rows:
        if (support_id, str(key)) in carriers:
            latest[(support_id, str(key), region_id)] = (pk, text, region_id, county_code)
    return latest


def addition_items(recommendations: list[Item], *, all_valid: bool = False) -> list[Item]:
    """The additions carried to these valid recommendations, as items. all_valid: the
    recommendations are every valid one (the full run), read without a list of supports."""
    carriers = {(r.support_id, r.key): r for r in recommendations if r.addition_id is None}
    latest = _carried(carriers, all_valid=all_valid)
    bodies = reviewing_bodies({region_id for _pk, _t, region_id, _c in latest.values()})
    items = []
    for (support_id, key, region_id), (pk, text, _region, county_code) in latest.items():
        carrier = carriers[(support_id, key)]
        body_id = bodies.get((region_id, carrier.body_id)) or bodies.get(region_id)
        if body_id is None:
            # Nobody in the region could review it: without a kunskapsstödsgrupp the region has no coordinators.
            logger.warning("regional addition %s not compared: region %s has no LPO or kunskapsstödsgrupp",
                           pk, county_code)
            continue
        items.append(addition_item(addition_id=pk, text=text, county_code=county_code, carrier=carrier,
                                   body_id=body_id))
    return items


def addition_pairs(additions: list[Item], recommendations: list[Item], *,
                   support_id: int | None = None) -> Iterator[tuple[Item, Item, Verdict]]:
    """Each addition against the recommendations that share a code with it by hierarchy (its
    own among them), with the verdict where there is one. support_id: only the pairs one side
    of which is that support's (the incremental run of its new version)."""
    narrower_or_same = defaultdict(list)  # a term → the recommendations whose code it covers
    for rec in recommendations:
        for system, code in rec.codes:
            for term in broader_or_same(system, code):
                narrower_or_same[term].append(rec)
    for addition in additions:
        related = {}
        for system, code in addition.codes:
            for rec in narrower_or_same.get((system, code), ()):
                related[rec.recommendation_id] = rec
            for term in broader_or_same(system, code):
                for rec in narrower_or_same.get(term, ()):
                    if term in rec.codes:
                        related[rec.recommendation_id] = rec
        for rec in related.values():
            if support_id is not None and support_id not in (addition.support_id, rec.support_id):
                continue
            verdict = compare_addition(addition, rec)
            if verdict:
                yield addition, rec, verdict
