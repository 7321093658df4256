"""/api/v1/ resources of lågvärdig vård: the register of low-value practices with their links,
and the national view (each region's latest value and trend per low-value-care indicator,
with the adoption stage of the supports that carry the do-nots), as the reader may see it."""

import datetime
import uuid

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from kunskapsnav.implementation.models import Stage
from kunskapsnav.interop.api import READ_AUTH
from kunskapsnav.interop.edge import Id
from kunskapsnav.lowvalue import selectors

router = Router(tags=["lågvärdig vård"])


class LinkedRecommendationOut(Schema):
    key: uuid.UUID = Field(..., description="Rekommendationens identitet, densamma i alla versioner")
    recommendation: int | None = Field(..., description="Id för rekommendationen i den version som visas; "
                                                        "tomt om ingen version är offentlig")
    support: int | None
    support_title: str
    version: int | None = Field(..., description="Versionsnumret: den gällande versionen om det finns en")
    valid: bool = Field(..., description="Om versionen är den gällande (publicerade)")


class PracticeOut(Schema):
    id: int
    title: str
    source: str = Field(..., description="socialstyrelsen, kloka_kliniska_val, nationell eller regional")
    region: str | None = Field(..., description="Länskod för en regional icke-göra-rekommendation")
    practice_system: str = Field(..., description="Åtgärdens kodverk: icd10se, kva, atc eller snomed")
    practice_code: str
    condition: str
    condition_code: str = Field(..., description="ICD-10-SE; tomt om inget angetts")
    rationale: str
    link: str
    recommendations: list[LinkedRecommendationOut]
    indicators: list[str] = Field(..., description="Koder för indikatorerna som mäter åtgärden")


def _practice_out(practice, found: dict | None = None) -> dict:
    """`found`: the linked recommendations by identity, if the caller has read them for a list."""
    links = list(practice.recommendation_links.all())
    if found is None:
        found = selectors.recommendations_of([link.recommendation_key for link in links])
    recommendations = []
    for link in links:
        rec = found.get(link.recommendation_key)
        recommendations.append({
            "key": link.recommendation_key, "recommendation": rec.pk if rec else None,
            "support": rec.version.support_id if rec else None,
            "support_title": rec.version.support.title if rec else "",
            "version": rec.version.number if rec else None, "valid": bool(rec and rec.version.is_valid)})
    return {"id": practice.pk, "title": practice.title, "source": practice.source,
            "region": practice.region.county_code if practice.region else None,
            "practice_system": practice.practice_system, "practice_code": practice.practice_code,
            "condition": practice.condition, "condition_code": practice.condition_code,
            "rationale": practice.rationale, "link": practice.link, "recommendations": recommendations,
            "indicators": [link.indicator_code for link in practice.indicator_links.all()]}


@router.get("/low-value-practices", response=list[PracticeOut],
            summary="Registret över lågvärdig vård (icke-göra) med kopplade rekommendationer och indikatorer")
def list_practices(request):
    practices = list(selectors.practices())
    # Every practice's recommendations in one query rather than one a practice.
    found = selectors.recommendations_of({link.recommendation_key for p in practices
                                          for link in p.recommendation_links.all()})
    return [_practice_out(p, found) for p in practices]


@router.get("/low-value-practices/{practice_id}", response=PracticeOut, summary="En lågvärdig åtgärd")
def get_practice(request, practice_id: Id):
    return _practice_out(get_object_or_404(selectors.practices(), pk=practice_id))


class ValueShownOut(Schema):
    period: datetime.date
    numerator: int | None
    denominator: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool = Field(..., description="För få fall: talen visas bara för analytiker")


class StageOut(Schema):
    support: int
    stage: Stage | None = Field(..., description="Införandets steg i regionen (kartlaggning, beslut, "
                                               "implementering, uppfoljning …); tomt om det inte är synligt för "
                                               "läsaren eller inte påbörjat")


class RegionReadingOut(Schema):
    county_code: str
    name: str
    latest: ValueShownOut | None = Field(..., description="Det senaste årets värde")
    previous: ValueShownOut | None = Field(..., description="Året före")
    funnel_position: str = Field(..., description="Läget i trattdiagrammet för det senaste året; tomt utan tratt")
    spc: str = Field(..., description="Styrdiagrammets bedömning av regionens månadsserie; tomt vid för få punkter")
    stages: list[StageOut]


class IndicatorViewOut(Schema):
    code: str
    name: str
    percent: bool = Field(..., description="Värdena är andelar (0–1)")
    higher_is_better: bool
    practices: list[int] = Field(..., description="Id för åtgärderna indikatorn mäter")
    supports: list[int] = Field(..., description="Id för kunskapsstöden som bär gör inte-rekommendationerna")
    regions: list[RegionReadingOut]


def _shown(row):
    if row is None:
        return None
    return {name: row[name] for name in ("period", "numerator", "denominator", "value", "ci_low", "ci_high",
                                         "suppressed")}


@router.get("/low-value-care/national-view", response=list[IndicatorViewOut], auth=READ_AUTH,
            summary="Nationell bild av lågvärdig vård: regionernas värde, trend och införande per indikator",
            description="Små tal döljs för den som inte är analytiker; ett införande syns för den som får se "
                        "regionens arbete.")
def national_view(request):
    views = selectors.national_view(request.user)
    return [{"code": v.definition.code, "name": v.definition.name, "percent": v.percent,
             "higher_is_better": v.definition.higher_is_better, "practices": [p.pk for p in v.practices],
             "supports": [s.pk for s in v.supports],
             "regions": [{"county_code": r.region.county_code, "name": r.region.name, "latest": _shown(r.latest),
                          "previous": _shown(r.previous), "funnel_position": r.funnel_position, "spc": r.spc,
                          "stages": [{"support": s["support"].pk, "stage": s["stage"] or None} for s in r.stages]}
                         for r in v.readings]}
            for v in views]
