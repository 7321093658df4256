"""Where adoptions come from: one per region when a national support is published (and on
demand for a region's own routine), each with a gap analysis seeded from the version's
recommendations; a new version carries the old gap analysis over, row by row, by
recommendation identity."""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kunskapsnav.knowledge.models import SupportType, SupportVersion, VersionStatus
from kunskapsnav.knowledge.signals import version_published  # noqa: F401  (documented sender)
from kunskapsnav.organisation import coverage
from kunskapsnav.organisation.models import Body, Person, Region

from . import permissions
from .models import Adoption, GapRow, ReviewFlag, Stage, StageTransition

logger = logging.getLogger(__name__)

ROUTINES = (SupportType.REGIONAL_ROUTINE, SupportType.LOCAL_ROUTINE)
# What a carried row keeps; the flags say what to look at again.
CARRIED_FIELDS = ("current_practice", "gap", "units", "proposed_actions", "cost_estimate", "within_unit_budget")


def _content(recommendation) -> tuple:
    return (recommendation.text, recommendation.section, recommendation.priority, recommendation.strength,
            recommendation.direction)


def _create(region: Region, version: SupportVersion, *, previous: Adoption | None, by) -> Adoption:
    adoption = Adoption(region=region, support=version.support, version=version, previous=previous)
    if previous is not None:
        adoption.care_field = previous.care_field
        adoption.review_every_months = previous.review_every_months
    adoption._history_user = by
    adoption.save()
    StageTransition.objects.create(adoption=adoption, new_stage=Stage.MAPPING, by=by)
    _seed_gap_rows(adoption, previous, by)
    return adoption


def _seed_gap_rows(adoption: Adoption, previous: Adoption | None, by) -> None:
    old_rows = {}
    if previous is not None:
        old_rows = {row.recommendation.key: row for row in
                    previous.gap_rows.select_related("recommendation").prefetch_related("municipalities")}
    rows, municipalities = [], []
    for recommendation in adoption.version.recommendations.order_by("position"):
        row = GapRow(adoption=adoption, recommendation=recommendation)
        old = old_rows.get(recommendation.key)
        if previous is not None and old is None:
            row.review_flag = ReviewFlag.NEW
        elif old is not None:
            for name in CARRIED_FIELDS:
                setattr(row, name, getattr(old, name))
            if _content(old.recommendation) != _content(recommendation):
                row.review_flag = ReviewFlag.CHANGED
            municipalities.append((recommendation.pk, list(old.municipalities.all())))
        rows.append(row)
    bulk_create_with_history(rows, GapRow, default_user=by)
    if municipalities:
        by_recommendation = {row.recommendation_id: row for row in adoption.gap_rows.all()}
        for recommendation_id, places in municipalities:
            by_recommendation[recommendation_id].municipalities.set(places)


def adoptions_on_publication(sender, *, version: SupportVersion, replaced: SupportVersion | None, by, **kwargs):
    """A national support: an adoption for every region. A routine: for the regions that had
    adopted the version it replaces. Each carries over the region's previous adoption."""
    previous_by_region = {}
    if replaced is not None:
        previous_by_region = {a.region_id: a for a in Adoption.objects.filter(version=replaced)}
    if version.support.type in ROUTINES:
        regions = Region.objects.filter(pk__in=previous_by_region)
    else:
        regions = Region.objects.all()
    created = [_create(region, version, previous=previous_by_region.get(region.pk), by=by) for region in regions]
    logger.debug("publication of version %s: %s adoptions created", version.pk, len(created))


@transaction.atomic
def adoption_start(*, by, version: SupportVersion, region: Region) -> Adoption:
    """On demand: a region takes in its own published routine."""
    if not permissions.can_work_on_region(by, region):
        raise PermissionDenied(_("Bara regionens samordnare startar ett införande."))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Bara en publicerad version kan införas."))
    if version.support.type not in ROUTINES or version.support.issuer_region_id != region.pk:
        raise ValidationError(_("Nationella kunskapsstöd får sina införanden när de publiceras; på begäran "
                                "startas bara regionens egna rutiner."))
    if Adoption.objects.filter(version=version, region=region).exists():
        raise ValidationError(_("Införandet finns redan."))
    return _create(region, version, previous=None, by=by)


@dataclass
class Responsibility:
    """Who answers for an adoption in the region: a local body (the LPO mirroring the
    support's NPO, or the body owning a routine), else a contact person, else nobody."""

    bodies: list[Body]
    contacts: list[Person]

    @property
    def missing(self) -> bool:
        return not self.bodies and not self.contacts

    def __str__(self):
        names = [str(b) for b in self.bodies] or [str(p) for p in self.contacts]
        return ", ".join(names) if names else _("Ingen ansvarig")


def responsibilities(adoptions, *, matrix: coverage.CoverageMatrix | None = None) -> dict[int, Responsibility]:
    """For many adoptions at once, from one reading of the registry's coverage (`matrix`: a
    reading the caller has already made today, used when it covers the adoptions' regions)."""
    adoptions = list(adoptions)
    regions = {a.region_id: a.region for a in adoptions}
    if matrix is None or not matrix.covers(regions):
        matrix = coverage.region_coverage(regions=list(regions.values()))
    result = {}
    for adoption in adoptions:
        npo = adoption.support.npo
        owner = adoption.support.owning_body
        if owner.region_id == adoption.region_id:
            result[adoption.pk] = Responsibility(bodies=[owner], contacts=[])
        elif npo is not None and (adoption.region_id, npo.pk) in matrix.cells:
            cell = matrix.cells[(adoption.region_id, npo.pk)]
            result[adoption.pk] = Responsibility(bodies=cell.bodies, contacts=[] if cell.bodies else cell.contacts)
        else:
            result[adoption.pk] = Responsibility(bodies=[], contacts=[])
    return result
