"""Questions the pages and the API ask: a region's adoptions, an LPO's, the national
matrix, and when each region reached each stage."""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from kunskapsnav.knowledge import selectors as knowledge_selectors
from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation.coverage import CoverageMatrix
from kunskapsnav.organisation.models import Body, Region

from . import permissions
from .adoptions import Responsibility, responsibilities
from .models import OPEN_ACTION_STATUSES, Adoption, Review, Stage, StageTransition
from .work import next_review_from


def visible(user, *, access: permissions.Access | None = None):
    """A filter of the adoptions the user may see (`access`: the user's, if the caller has it)."""
    access = access or permissions.Access(user)
    if access.national_side:
        return Q()
    return Q(is_public=True) | Q(region_id__in=access.region_ids)


def current(queryset=None):
    """Adoptions of the version a region works with now: those with no successor."""
    queryset = queryset if queryset is not None else Adoption.objects.all()
    return queryset.filter(successor__isnull=True)


def _filtered(queryset, *, npo: Body | None = None, support_type: str = ""):
    if npo is not None:
        queryset = queryset.filter(Q(support__owning_body=npo) | Q(support__owning_body__mirrors=npo))
    if support_type:
        queryset = queryset.filter(support__type=support_type)
    return queryset


@dataclass
class Row:
    adoption: Adoption
    responsibility: Responsibility
    overdue: int
    next_due: datetime.date | None


def rows_of(adoptions, *, matrix: CoverageMatrix | None = None) -> list[Row]:
    """Adoptions with who is responsible, overdue actions and the next due date (the nearest
    open action or review). `matrix`: the registry's coverage, if the caller has read it."""
    today = timezone.localdate()
    # What next_review_on reads, for every row in the same query (else two queries a row).
    last_review = Review.objects.filter(adoption=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    moved = (StageTransition.objects.filter(adoption=OuterRef("pk"), new_stage=Stage.FOLLOW_UP)
             .order_by("-at").values("at")[:1])
    adoptions = list(adoptions.select_related("support__owning_body__mirrors", "region", "version").annotate(
        overdue=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES, actions__due_on__lt=today)),
        next_action=Min("actions__due_on", filter=Q(actions__status__in=OPEN_ACTION_STATUSES)),
        last_review=Subquery(last_review), moved_to_follow_up=Subquery(moved),
    ))
    responsible = responsibilities(adoptions, matrix=matrix)
    rows = []
    for adoption in adoptions:
        next_review = next_review_from(last_review=adoption.last_review,
                                       moved_to_follow_up=adoption.moved_to_follow_up,
                                       every_months=adoption.review_every_months)
        dates = [d for d in (adoption.next_action, next_review) if d is not None]
        rows.append(Row(adoption=adoption, responsibility=responsible[adoption.pk], overdue=adoption.overdue,
                        next_due=min(dates) if dates else None))
    return rows


def region_rows(user, region: Region, *, npo=None, support_type="",
                access: permissions.Access | None = None, matrix: CoverageMatrix | None = None) -> list[Row]:
    adoptions = current().filter(region=region).filter(visible(user, access=access))
    adoptions = _filtered(adoptions, npo=npo, support_type=support_type)
    return rows_of(adoptions.order_by("support__title"), matrix=matrix)


def _answered_by(body: Body) -> Q:
    """The adoptions a local body may answer for: those of the NPO it mirrors, and its own
    routines (whether it does is the responsibility's to say)."""
    if body.mirrors_id:
        return Q(region_id=body.region_id) & (Q(support__owning_body=body) | Q(support__owning_body_id=body.mirrors_id)
                                              | Q(support__owning_body__mirrors_id=body.mirrors_id))
    return Q(region_id=body.region_id, support__owning_body=body)


def body_rows(user, body: Body, *, access: permissions.Access | None = None) -> list[Row]:
    """The adoptions a local body answers for: those of the NPO it mirrors, and its own
    routines."""
    return bodies_rows(user, [body], access=access)


def bodies_rows(user, bodies: list[Body], *, access: permissions.Access | None = None) -> list[Row]:
    """body_rows of each body in turn, read in one query (the start page of someone who sits
    in several local bodies)."""
    if not bodies:
        return []
    adoptions = current().filter(reduce(operator.or_, (_answered_by(body) for body in bodies)))
    rows = rows_of(adoptions.filter(visible(user, access=access)).order_by("support__title"))
    return [row for body in bodies for row in rows if body in row.responsibility.bodies]


def overridden_often(user, adoptions: list[Adoption]) -> list[tuple[Adoption, object]]:
    """The recommendations the journals of each adoption's region set aside often
    (knowledge.uptake.is_overridden_often), as (adoption, RecommendationUptake) in the
    adoptions' order: a possible gap for the next gap analysis, shown to the LPO that answers
    for the adoption. Two queries for all the adoptions."""
    adoptions = list(adoptions)
    if not adoptions:
        return []
    found = knowledge_selectors.uptake_by_region(
        user, versions={a.version for a in adoptions}, region_codes={a.region.county_code for a in adoptions})
    return [(a, item) for a in adoptions for item in found[a.version_id][a.region.county_code] if item.flagged]


def uptake_of_adoption(user, adoption: Adoption, gap_rows) -> list:
    """The uptake of the adoption's version in its region (knowledge.uptake), and each gap
    row's `uptake_flag`: its recommendation's figures when the region's journals set it aside
    often, else None."""
    found = knowledge_selectors.version_uptake(user, adoption.version, region=adoption.region)
    flagged = {item.recommendation.pk: item for item in found if item.flagged}
    for row in gap_rows:
        row.uptake_flag = flagged.get(row.recommendation_id)
    return found


@dataclass
class Matrix:
    regions: list[Region]
    supports: list[KnowledgeSupport]
    cells: dict[tuple[int, int], Adoption | None] = field(default_factory=dict)
    hidden: set[tuple[int, int]] = field(default_factory=set)

    def row(self, support: KnowledgeSupport) -> list[tuple[Region, Adoption | None, bool]]:
        return [(r, self.cells.get((support.pk, r.pk)), (support.pk, r.pk) in self.hidden) for r in self.regions]


def matrix(user, *, npo=None, support_type="", healthcare_region=None) -> Matrix:
    """Supports × 21 regions (or one sjukvårdsregion's), each cell the current adoption, or
    hidden where the viewer may not see that region's work."""
    regions = Region.objects.order_by("county_code")
    if healthcare_region is not None:
        regions = regions.filter(healthcare_region=healthcare_region)
    regions = list(regions)
    adoptions = _filtered(current().filter(region__in=regions), npo=npo, support_type=support_type)
    adoptions = adoptions.select_related("support", "region")
    allowed = visible(user)
    seen = set(adoptions.filter(allowed).values_list("pk", flat=True))
    result = Matrix(regions=regions, supports=[])
    supports = {}
    for adoption in adoptions:
        supports[adoption.support_id] = adoption.support
        key = (adoption.support_id, adoption.region_id)
        if adoption.pk in seen:
            result.cells[key] = adoption
        else:
            result.hidden.add(key)
    result.supports = sorted(supports.values(), key=lambda s: s.title)
    return result


@dataclass
class Progress:
    region: Region
    reached: dict[str, datetime.datetime]  # stage → the first time the region's adoption got there
    stage: str

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


def progress(user, support: KnowledgeSupport) -> list[Progress]:
    """For every region whose work the viewer sees: when it first reached each stage, over
    all versions of the support, from the stage history."""
    adoptions = current(Adoption.objects.filter(support=support)).filter(visible(user)).select_related("region")
    by_region = {a.region_id: Progress(region=a.region, reached={}, stage=a.stage) for a in adoptions}
    moves = (StageTransition.objects.filter(adoption__support=support, adoption__region_id__in=by_region)
             .values("adoption__region_id", "new_stage").annotate(first=Min("at")))
    for move in moves:
        by_region[move["adoption__region_id"]].reached[move["new_stage"]] = move["first"]
    return sorted(by_region.values(), key=lambda p: p.region.county_code)


def stage_counts(rows: list[Row]) -> list[tuple[str, str, int]]:
    counts = {}
    for row in rows:
        counts[row.adoption.stage] = counts.get(row.adoption.stage, 0) + 1
    return [(value, label, counts.get(value, 0)) for value, label in Stage.choices]
