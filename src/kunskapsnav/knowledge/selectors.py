"""What readers see of knowledge supports: one function per question."""

import datetime

from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from kunskapsnav.organisation.models import Region

from . import permissions, uptake
from .codes import covering
from .models import (
    CodeSystem,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    RegionalAddition,
    Strength,
    SupportCondition,
    SupportVersion,
    VersionStatus,
    VersionTransition,
)

ALL_REGIONS = "alla"


def valid_version(support: KnowledgeSupport) -> SupportVersion | None:
    return support.versions.published().first()


def supports_browse(*, type=None, npo=None, target_group=None, condition=None, q: str = "") -> QuerySet:
    """Supports with a valid version, for the public portal."""
    qs = (
        KnowledgeSupport.objects.filter(versions__status=VersionStatus.PUBLISHED)
        .select_related("owning_body", "owning_body__mirrors", "issuer_body", "issuer_region")
        .prefetch_related(Prefetch("versions", queryset=SupportVersion.objects.published(), to_attr="valid_versions"))
        .distinct()
    )
    if type:
        qs = qs.filter(type=type)
    if npo is not None:
        qs = qs.filter(Q(owning_body=npo) | Q(owning_body__mirrors=npo))
    if target_group:
        qs = qs.filter(target_groups__code=target_group)
    if condition:
        code = condition.strip().upper()
        qs = qs.filter(
            Q(conditions__code__startswith=code)
            | Q(versions__status=VersionStatus.PUBLISHED, versions__recommendations__codes__code__startswith=code)
        )
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.order_by("title")


IN_WORK_SHOWN = 50


def supports_in_work(user) -> list[KnowledgeSupport]:
    """Supports with a version in draft, remiss or approved that the user may edit or approve
    (the most recently created first, at most IN_WORK_SHOWN)."""
    if not user.is_authenticated:
        return []
    in_work = SupportVersion.objects.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.REMISS, VersionStatus.APPROVED]
    ).values("support_id")
    return list(
        KnowledgeSupport.objects.filter(permissions.workable_supports(user), pk__in=in_work)
        .select_related("owning_body")
        .order_by("-created_at", "-pk")[:IN_WORK_SHOWN]
    )


def can_read_version(user, version: SupportVersion) -> bool:
    if version.status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN):
        return True
    if version.status == VersionStatus.REMISS and user.is_authenticated:
        return True  # a version on remiss is read by those asked to comment
    return permissions.can_see_unpublished(user, version.support)


def versions_visible_to(user, support: KnowledgeSupport) -> list[SupportVersion]:
    return [v for v in support.versions.order_by("-number") if can_read_version(user, v)]


def recommendations_of(version: SupportVersion) -> list[Recommendation]:
    return list(version.recommendations.prefetch_related("codes").order_by("position"))


def attachments_of(version: SupportVersion) -> list:
    """The version's attachments: whoever may read the version may download them
    (views.portal.attachment_download asks can_read_version)."""
    return list(version.attachments.order_by("title", "pk"))


def reader_region(user, requested: str | None) -> tuple[Region | None, bool]:
    """Whose regional additions to show: (region, show all). By the request (?region=18 or
    ?region=alla), else the reader's own region (their home region in the registry)."""
    if requested == ALL_REGIONS:
        return None, True
    if requested:
        return Region.objects.filter(county_code=requested).first(), False
    if not user.is_authenticated:
        return None, False
    # The home region straight from the person's row: one query, not the person and then its region.
    return Region.objects.filter(people__user=user).first(), False


def additions_by_key(version: SupportVersion, *, region: Region | None, show_all: bool) -> dict[str, list]:
    """Regional additions to the version's recommendations, by recommendation identity. An
    addition written for an earlier version of the same recommendation is included and
    says so (the region should look at it again)."""
    if region is None and not show_all:
        return {}
    keys = version.recommendations.values("key")
    qs = RegionalAddition.objects.filter(
        recommendation__version__support_id=version.support_id, recommendation__key__in=keys
    ).select_related("region", "recommendation__version")
    if not show_all:
        qs = qs.filter(region=region)
    result: dict[str, list] = {}
    latest: dict[tuple[str, int], RegionalAddition] = {}
    for addition in qs.order_by("recommendation__version__number"):
        latest[(str(addition.recommendation.key), addition.region_id)] = addition
    for (key, _region), addition in sorted(latest.items(), key=lambda kv: kv[1].region.county_code):
        addition.is_for_earlier_version = addition.recommendation.version_id != version.pk
        result.setdefault(key, []).append(addition)
    return result


def review_due(*, within_days: int = 90, day: datetime.date | None = None) -> QuerySet:
    """Valid versions whose review date has passed or falls within the coming days."""
    day = day or timezone.localdate()
    return (
        SupportVersion.objects.published()
        .filter(review_date__lte=day + datetime.timedelta(days=within_days))
        .select_related("support", "support__owning_body")
        .order_by("review_date", "support__title")
    )


def transitions_of(version: SupportVersion):
    return version.transitions.select_related("by").order_by("at", "pk")


# Publications and withdrawals are what a follower wants told; the other moves (remiss,
# approval, back to draft) concern work not yet public, and replacement is told by the
# publication that caused it.
PUBLIC_EVENTS = (VersionStatus.PUBLISHED, VersionStatus.WITHDRAWN)


def public_events(*, npo=None, type: str | None = None, limit: int = 50) -> list[VersionTransition]:
    """The latest publications and withdrawals of the supports of an NPO (owned by it or by a
    body mirroring it, as in supports_browse) or of a type, newest first. Only moves into a
    public status: a draft or a remiss version never appears."""
    qs = VersionTransition.objects.filter(new_status__in=PUBLIC_EVENTS).select_related("version__support")
    if npo is not None:
        qs = qs.filter(Q(version__support__owning_body=npo) | Q(version__support__owning_body__mirrors=npo))
    if type:
        qs = qs.filter(version__support__type=type)
    return list(qs.order_by("-at", "-pk")[:limit])


# -- recommendations for a patient's codes (the decision support in the journal) --------------


def _covering_lookup(codes) -> Q | None:
    """A condition on a code row (system, code) that holds for the codes given and for every
    broader code that covers one of them (codes.covering): an IN list per code system, which
    the index on the code answers."""
    by_system: dict[str, set[str]] = {}
    for system, code in codes:
        by_system.setdefault(system, set()).update(covering(system, code))
    if not by_system:
        return None
    wanted = Q()
    for system, values in sorted(by_system.items()):
        wanted |= Q(system=system, code__in=sorted(values))
    return wanted


def national_valid(prefix: str = "") -> Q:
    """The valid version of a national support: regional and local routines are the region's
    own and reach the journal through the region's own channels."""
    return Q(**{f"{prefix}status": VersionStatus.PUBLISHED, f"{prefix}support__issuer_region__isnull": True})


# The order in which recommendations are shown: prioritised ones by priority (1 first), then
# strong ones, then the rest; within a rank by support title and position.
RECOMMENDATION_RANK = (
    F("priority").asc(nulls_last=True),
    Case(When(strength=Strength.STRONG, then=Value(0)), default=Value(1)),
    "version__support__title", "version__support_id", "position",
)


def valid_recommendations_for(*, codes, direction: str | None = None, limit: int | None = None) -> list[Recommendation]:
    """The recommendations of valid national versions with one of the codes, or a broader code
    covering one (codes.covering), in RECOMMENDATION_RANK order (at most `limit`), with their
    codes and their support's conditions; never a draft, a replaced or a withdrawn version.
    `codes` is (system, stored code) pairs."""
    lookup = _covering_lookup(codes)
    if lookup is None:
        return []
    # Every condition inside the subquery, which the code index answers and which reaches the
    # recommendations and versions by their keys: a condition on the version outside would let
    # SQLite start from all published versions instead.
    matched = RecommendationCode.objects.filter(lookup, national_valid("recommendation__version__")).values(
        "recommendation_id")
    qs = Recommendation.objects.filter(pk__in=matched)
    if direction is not None:
        qs = qs.filter(direction=direction)
    qs = (qs.select_related("version__support__issuer_body")
          .prefetch_related("codes", "version__support__conditions")
          .order_by(*RECOMMENDATION_RANK))
    return list(qs[:limit] if limit is not None else qs)


def recommendations_ranked(*, ids: list[int]) -> list[Recommendation]:
    """The recommendations with these ids in the order given (code_index ranks them), each
    with its version, support and issuer; those no longer of a valid national version are
    left out."""
    # .order_by(): no ORDER BY to compile and run, the order is the one given
    found = {rec.pk: rec for rec in Recommendation.objects.filter(national_valid("version__"), pk__in=ids)
             .select_related("version__support__issuer_body").order_by()}
    return [found[pk] for pk in ids if pk in found]


def valid_versions_for_conditions(*, codes, limit: int | None = None) -> list[SupportVersion]:
    """The valid versions of national supports whose conditions (ICD-10-SE) are one of the
    codes or cover one; `codes` is (system, stored code) pairs, of which only ICD-10-SE counts."""
    icd = sorted({c for system, code in codes if system == CodeSystem.ICD10SE for c in covering(system, code)})
    if not icd:
        return []
    supports = SupportCondition.objects.filter(code__in=icd).values("support_id")
    qs = (SupportVersion.objects.filter(national_valid(), support_id__in=supports)
          .select_related("support__issuer_body")
          .order_by("support__title", "support_id"))
    return list(qs[:limit] if limit is not None else qs)


def versions_ranked(*, ids: list[int]) -> list[SupportVersion]:
    """The versions with these ids in the order given (code_index ranks them), each with its
    support and issuer; those no longer the valid version of a national support are left out."""
    found = {v.pk: v for v in SupportVersion.objects.filter(national_valid(), pk__in=ids)
             .select_related("support__issuer_body").order_by()}
    return [found[pk] for pk in ids if pk in found]


def recommendations_in(*, version_ids, direction: str) -> list[Recommendation]:
    """The recommendations of the given versions in one direction (do, do not), with their
    codes and their support's conditions."""
    return list(
        Recommendation.objects.filter(version_id__in=version_ids, direction=direction)
        .select_related("version__support__issuer_body")
        .prefetch_related("codes", "version__support__conditions")
        .order_by("version_id", "position")
    )


def regional_additions_for(*, recommendations, region: Region | None) -> dict[str, RegionalAddition]:
    """The region's addition to each recommendation, by recommendation identity (key): the
    one written for the same version, else the latest written for an earlier version of the
    same recommendation, as additions_by_key shows them on the support's page."""
    if region is None or not recommendations:
        return {}
    supports = {r.version.support_id for r in recommendations}
    keys = {r.key for r in recommendations}
    qs = RegionalAddition.objects.filter(
        region=region, recommendation__key__in=keys, recommendation__version__support_id__in=supports,
    ).select_related("recommendation__version").order_by("recommendation__version__number")
    latest: dict[str, RegionalAddition] = {}
    for addition in qs:
        latest[str(addition.recommendation.key)] = addition
    return latest


def version_uptake(user, version: SupportVersion, *, region: Region | None) -> list:
    """The uptake of the version's recommendations in the journals (knowledge.uptake): the
    region's figures beside the nation's when a region is given, the nation's alone
    otherwise; small counts suppressed unless the reader may see them."""
    found = uptake_by_region(user, versions=[version], region_codes={region.county_code} if region else set())
    return found[version.pk][region.county_code if region else "nation"]


def uptake_by_region(user, *, versions, region_codes: set[str]) -> dict[int, dict]:
    """The same for several versions and regions at once: {version id: {"nation": [...],
    region code: [...]}}."""
    return uptake.uptake_of(versions=versions, region_codes=region_codes,
                            small_counts=permissions.can_see_small_counts(user))
