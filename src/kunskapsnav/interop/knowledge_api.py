"""/api/v1/ resources of knowledge supports: supports, versions, recommendations, regional
additions, search and the diff between versions; writes for status changes and additions."""

import datetime

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.caching import documented, validated_by_changes
from kunskapsnav.interop.edge import Id, In, Pagination, VersionNumber
from kunskapsnav.interop.references import resolve
from kunskapsnav.knowledge import additions, diff, lifecycle, search, selectors
from kunskapsnav.knowledge.models import (
    Direction,
    KnowledgeSupport,
    OverrideReason,
    Recommendation,
    Strength,
    SupportType,
    SupportVersion,
    VersionStatus,
)

router = Router(tags=["kunskapsstöd"])


class CodeOut(Schema):
    system: str
    code: str


class RecommendationOut(Schema):
    id: int
    key: str = Field(..., description="Stabil identitet över versioner")
    position: int
    section: str
    text: str = Field(..., description="Sanerad HTML")
    priority: int | None
    strength: Strength | None
    direction: Direction
    codes: list[CodeOut]

    @staticmethod
    def resolve_key(obj):
        return str(obj.key)

    @staticmethod
    def resolve_strength(obj):
        return obj.strength or None

    @staticmethod
    def resolve_codes(obj):
        return [{"system": c.system, "code": c.code} for c in obj.codes.all()]


class AttachmentOut(Schema):
    id: int
    title: str
    media_type: str = Field(..., description="IANA-medietyp, t.ex. application/pdf")
    size: int = Field(..., description="Storlek i byte")
    sha256: str | None = Field(
        ..., description="SHA-256 av filen (hex), beräknad när den sparades; null om filen saknades då"
    )
    url: str = Field(..., description="Nedladdning (samma regler för vem som får läsa som versionen)")

    @staticmethod
    def resolve_sha256(obj):
        return obj.sha256 or None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(reverse("knowledge:attachment_download", args=[obj.pk]))


class VersionSummaryOut(Schema):
    number: int
    status: VersionStatus
    is_valid: bool
    published_at: datetime.datetime | None
    review_date: datetime.date | None


class VersionOut(VersionSummaryOut):
    support: int
    summary: str
    change_note: str
    approved_at: datetime.datetime | None
    recommendations: list[RecommendationOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_support(obj):
        return obj.support_id

    @staticmethod
    def resolve_attachments(obj):
        return selectors.attachments_of(obj)

    @staticmethod
    def resolve_recommendations(obj):
        return selectors.recommendations_of(obj)


class SupportOut(Schema):
    id: int
    type: SupportType
    type_label: str
    title: str
    issuer: str
    owning_body: int
    npo: int | None
    target_groups: list[str]
    conditions: list[str]
    valid_version: int | None = Field(None, description="Numret på den gällande versionen")
    is_synthetic: bool

    @staticmethod
    def resolve_type_label(obj):
        return obj.get_type_display()

    @staticmethod
    def resolve_issuer(obj):
        return str(obj.issuer)

    @staticmethod
    def resolve_owning_body(obj):
        return obj.owning_body_id

    @staticmethod
    def resolve_npo(obj):
        return obj.npo.pk if obj.npo else None

    @staticmethod
    def resolve_target_groups(obj):
        return [g.code for g in obj.target_groups.all()]

    @staticmethod
    def resolve_conditions(obj):
        return [c.code for c in obj.conditions.all()]

    @staticmethod
    def resolve_valid_version(obj):
        version = selectors.valid_version(obj)
        return version.number if version else None


class SupportFilter(Schema):
    type: SupportType | None = None
    npo: Id | None = Field(None, description="Id för ett NPO")
    target_group: str | None = None
    condition: str | None = Field(None, description="ICD-10-SE, t.ex. I63: även mer specifika koder")


class AdditionOut(Schema):
    id: int
    recommendation_key: str
    region: str
    text: str
    written_for_version: int
    updated_at: datetime.datetime


class AdditionIn(In):
    region: str = Field(..., description="Länskod")
    text: str


class VersionTransitionIn(In):
    to: VersionStatus
    note: str = ""


class SearchHitOut(Schema):
    support: int
    title: str
    version: int
    status: VersionStatus
    snippet: str = Field(..., description="HTML med <mark> kring träffade ord")
    rank: float


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    query: str
    total: int
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetOut]]


class WordChangeOut(Schema):
    op: str
    text: str


class RecommendationChangeOut(Schema):
    key: str
    text: list[WordChangeOut]
    text_changed: bool
    grade: list[str] | None
    direction: list[str] | None
    section: list[str] | None
    codes_added: list[str]
    codes_removed: list[str]


class DiffOut(Schema):
    support: int
    from_version: int
    to_version: int
    added: list[RecommendationOut]
    removed: list[RecommendationOut]
    changed: list[RecommendationChangeOut]
    unchanged: int


class ReasonCountOut(Schema):
    reason: OverrideReason | None = Field(..., description="Skälet journalen angav; null: inget skäl angivet")
    count: int | None = Field(..., description="null när antalet är undertryckt för dig")


class UptakeFiguresOut(Schema):
    shown: int | None = Field(..., description="Gånger kortet visades i journalen; null när undertryckt för dig")
    accepted: int | None = Field(..., description="Återkopplingar: följd; null när undertryckt för dig")
    overridden: int | None = Field(..., description="Återkopplingar: åsidosatt; null när undertryckt för dig")
    overridden_by_reason: list[ReasonCountOut]
    share_followed: float | None = Field(..., description="Följd av alla återkopplingar, 0–1; null utan "
                                                          "återkopplingar eller när undertryckt för dig")
    shown_suppressed: bool = Field(..., description="Antalet visade är under gränsen för små tal, eller skulle "
                                                    "avslöja ett sådant")
    reports_suppressed: bool = Field(..., description="Återkopplingarna är färre än gränsen för små tal, eller "
                                                      "skulle avslöja ett sådant antal")


class RecommendationUptakeOut(Schema):
    recommendation_key: str = Field(..., description="Rekommendationens stabila identitet")
    position: int
    card: str = Field(..., description="Kortets uuid i CDS Hooks-svaren")
    nation: UptakeFiguresOut
    region: UptakeFiguresOut | None = Field(..., description="Regionens siffror när region anges")
    overridden_often: bool = Field(..., description="Åsidosätts ofta i regionen: minst UPTAKE_FLAG_MIN_REPORTS "
                                                    "återkopplingar och mer än UPTAKE_FLAG_OVERRIDE_PERCENT % "
                                                    "åsidosatta (ett möjligt gap för regionens LPO)")


class UptakeOut(Schema):
    version: int
    region: str | None = Field(..., description="Regionens länskod, eller null för riket")
    small_count: int = Field(..., description="Gränsen för små tal: färre än så visas inte för allmänheten")
    recommendations: list[RecommendationUptakeOut]


def _figures_out(figures) -> dict:
    reasons = figures.reasons
    return {
        "shown": figures.shown, "accepted": figures.accepted, "overridden": figures.overridden,
        "overridden_by_reason": [{"reason": code or None, "count": None if reasons is None else reasons[code]}
                                 for code in [*OverrideReason.values, ""]],
        "share_followed": figures.share_followed, "shown_suppressed": figures.shown_suppressed,
        "reports_suppressed": figures.reports_suppressed,
    }


def _version(request, support_id: Id, number: VersionNumber) -> SupportVersion:
    version = get_object_or_404(SupportVersion.objects.select_related("support"), support_id=support_id, number=number)
    if not selectors.can_read_version(request.user, version):
        raise Http404
    return version


ALL_SUPPORTS = decorate_view(validated_by_changes(per_support=False))
ONE_SUPPORT = decorate_view(validated_by_changes(per_support=True))


@router.get("/supports", response=list[SupportOut], summary="Kunskapsstöd med gällande version",
            openapi_extra=documented())
@ALL_SUPPORTS
@paginate(Pagination)
def list_supports(request, filters: Query[SupportFilter]):
    npo = resolve("npo", "body", filters.npo)
    return selectors.supports_browse(type=filters.type, npo=npo, target_group=filters.target_group,
                                     condition=filters.condition).prefetch_related("target_groups", "conditions")


@router.get("/supports/{support_id}", response=SupportOut, summary="Ett kunskapsstöd",
            openapi_extra=documented())
@ONE_SUPPORT
def get_support(request, support_id: Id):
    support = get_object_or_404(KnowledgeSupport, pk=support_id)
    if not selectors.versions_visible_to(request.user, support):
        raise Http404
    return support


@router.get("/supports/{support_id}/versions", response=list[VersionSummaryOut], summary="Versionerna du kan läsa",
            openapi_extra=documented())
@ONE_SUPPORT
def list_versions(request, support_id: Id):
    support = get_object_or_404(KnowledgeSupport, pk=support_id)
    return selectors.versions_visible_to(request.user, support)


@router.get("/supports/{support_id}/versions/{number}", response=VersionOut,
            summary="En version med rekommendationer och koder", openapi_extra=documented())
@ONE_SUPPORT
def get_version(request, support_id: Id, number: VersionNumber):
    return _version(request, support_id, number)


@router.get("/supports/{support_id}/versions/{number}/additions", response=list[AdditionOut],
            summary="Regionala tillägg till versionens rekommendationer", openapi_extra=documented())
@ONE_SUPPORT
def list_additions(request, support_id: Id, number: VersionNumber, region: str | None = None):
    version = _version(request, support_id, number)
    chosen = resolve("region", "region", region)
    grouped = selectors.additions_by_key(version, region=chosen, show_all=chosen is None)
    return [
        {
            "id": a.pk, "recommendation_key": key, "region": a.region.county_code, "text": a.text,
            "written_for_version": a.recommendation.version.number, "updated_at": a.updated_at,
        }
        for key, items in grouped.items() for a in items
    ]


@router.get("/supports/{support_id}/versions/{number}/uptake", response=UptakeOut, auth=READ_AUTH,
            summary="Följsamhet i journalen per rekommendation, för en region och riket")
def get_uptake(request, support_id: Id, number: VersionNumber, region: str | None = None):
    """Hur ofta versionens rekommendationer visades i journalerna (CDS Hooks) och hur ofta de
    följdes eller åsidosattes, med skäl; för riket och, med region, regionen. Antal under
    gränsen för små tal (och antal som skulle avslöja dem) är null utom för analytiker och
    nationella administratörer."""
    version = _version(request, support_id, number)
    chosen = resolve("region", "region", region)
    found = selectors.version_uptake(request.user, version, region=chosen)
    return {
        "version": version.number, "region": chosen.county_code if chosen else None,
        "small_count": settings.INDICATOR_SMALL_COUNT,
        "recommendations": [{
            "recommendation_key": str(item.recommendation.key), "position": item.recommendation.position,
            "card": str(item.card), "nation": _figures_out(item.nation),
            "region": _figures_out(item.region) if item.region else None, "overridden_often": item.flagged,
        } for item in found],
    }


@router.post("/recommendations/{recommendation_id}/additions", response={201: AdditionOut},
             auth=WRITE_AUTH, summary="Skriv eller ersätt regionens tillägg till en publicerad rekommendation")
def save_addition(request, recommendation_id: Id, payload: AdditionIn):
    rec = get_object_or_404(Recommendation.objects.select_related("version"), pk=recommendation_id)
    region = resolve("region", "region", payload.region, required=True)
    addition = additions.addition_save(by=request.user, recommendation=rec, region=region, text=payload.text)
    return 201, {
        "id": addition.pk, "recommendation_key": str(rec.key), "region": region.county_code, "text": addition.text,
        "written_for_version": rec.version.number, "updated_at": addition.updated_at,
    }


@router.post("/supports/{support_id}/versions/{number}/transitions",
             response={200: VersionSummaryOut}, auth=WRITE_AUTH,
             summary="Ändra versionens status (remiss, fastställ, publicera, återkalla …)")
def transition(request, support_id: Id, number: VersionNumber, payload: VersionTransitionIn):
    version = get_object_or_404(SupportVersion, support_id=support_id, number=number)
    return lifecycle.version_transition(version=version, to=payload.to, by=request.user, note=payload.note)


@router.get("/search", response=SearchOut, summary="Fritextsökning på svenska, med facetter")
def search_supports(request, q: str, include_all: bool = False, type: str | None = None, issuer: str | None = None,
                    target_group: str | None = None, status: str | None = None, limit: int = 20, offset: int = 0):
    results = search.search(q, include_all=include_all, type=type, issuer=issuer, target_group=target_group,
                            status=status, limit=min(limit, 100), offset=offset)
    return {
        "query": results.query,
        "total": results.total,
        "hits": [
            {"support": h.support.pk, "title": h.support.title, "version": h.version.number,
             "status": h.version.status, "snippet": str(h.snippet), "rank": h.rank}
            for h in results.hits
        ],
        "facets": {name: [vars(f) for f in values] for name, values in results.facets.items()},
    }


@router.get("/supports/{support_id}/diff", response=DiffOut, summary="Vad ändrades mellan två versioner")
def version_diff(request, support_id: Id, from_version: VersionNumber = Query(..., alias="from"),
                 to_version: int = Query(..., alias="to")):
    old = _version(request, support_id, from_version)
    new = _version(request, support_id, to_version)
    result = diff.version_diff(old, new)
    return {
        "support": support_id, "from_version": old.number, "to_version": new.number,
        "added": result.added, "removed": result.removed, "unchanged": result.unchanged,
        "changed": [
            {"key": c.key, "text": [vars(w) for w in c.text], "text_changed": c.text_changed,
             "grade": list(c.grade) if c.grade else None, "direction": list(c.direction) if c.direction else None,
             "section": list(c.section) if c.section else None,
             "codes_added": c.codes_added, "codes_removed": c.codes_removed}
            for c in result.changed
        ],
    }
