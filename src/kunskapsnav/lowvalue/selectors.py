"""What the register's pages, the API and the annual report read: the practices with their
links, and the national view of the low-value-care indicators.

The national view reuses the indicator pages' analysis (indicators.analysis: the funnel plot
and the SPC chart with its reading) and the values as the reader may see them
(indicators.selectors.shown: small counts hidden from those who may not see them), and the
adoption stages as implementation.selectors shows them to the reader."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from kunskapsnav.implementation import selectors as adoption_selectors
from kunskapsnav.implementation.models import Adoption, Stage
from kunskapsnav.indicators import analysis
from kunskapsnav.indicators import selectors as indicator_selectors
from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.indicators.spec import Kind
from kunskapsnav.knowledge import selectors as knowledge_selectors
from kunskapsnav.knowledge.models import CodeSystem, Direction, Recommendation, SupportVersion
from kunskapsnav.organisation.models import Region

from .models import LowValuePractice, PracticeIndicator, PracticeRecommendation


def practices():
    """The register, with the links each practice has (two queries for the whole list)."""
    return LowValuePractice.objects.select_related("region").prefetch_related(
        Prefetch("recommendation_links", queryset=PracticeRecommendation.objects.order_by("pk")),
        Prefetch("indicator_links", queryset=PracticeIndicator.objects.order_by("indicator_code")))


def recommendations_of(keys) -> dict:
    """key → the recommendation in the version a reader meets first: the valid (published)
    one, else the newest version anyone may read (a support withdrawn since it was linked)."""
    found = {}
    rows = (Recommendation.objects.filter(key__in=list(keys), version__in=SupportVersion.objects.public())
            .select_related("version__support").order_by("key", "version__number"))
    for rec in rows:
        earlier = found.get(rec.key)
        if earlier is None or not earlier.version.is_valid:
            found[rec.key] = rec
    return found


def linked_recommendations(practice: LowValuePractice) -> list[Recommendation]:
    keys = [link.recommendation_key for link in practice.recommendation_links.all()]
    found = recommendations_of(keys)
    return [found[key] for key in keys if key in found]


def do_not_candidates(practice: LowValuePractice, *, limit: int = 50) -> list[Recommendation]:
    """Valid national do-not recommendations whose codes match the practice's code or its
    condition (with the code hierarchy: I50 covers I50.1), to offer when linking."""
    codes = [(practice.practice_system, practice.practice_code)]
    if practice.condition_code:
        codes.append((CodeSystem.ICD10SE, practice.condition_code))
    return knowledge_selectors.valid_recommendations_for(codes=codes, direction=Direction.DO_NOT, limit=limit)


def linked_indicators(practice: LowValuePractice) -> list[IndicatorDefinition]:
    codes = [link.indicator_code for link in practice.indicator_links.all()]
    latest = {}
    for definition in IndicatorDefinition.objects.filter(code__in=codes).order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    return [latest[code] for code in codes if code in latest]


# --- the national view ------------------------------------------------------------------

@dataclass
class RegionReading:
    """One region's line for one indicator."""

    region: Region
    latest: dict | None  # the latest year's value as the reader may see it (selectors.shown)
    previous: dict | None  # the year before
    funnel_position: str  # the funnel plot's verdict, "" when there is no funnel
    spc: str  # the SPC chart's reading of the monthly series, "" when too few points are shown
    # Per carrying support: {"support", "stage" (value, "" if not seen or not begun), "label"}.
    stages: list[dict] = field(default_factory=list)


@dataclass
class IndicatorView:
    definition: IndicatorDefinition
    practices: list[LowValuePractice]
    readings: list[RegionReading]
    supports: list = field(default_factory=list)  # the supports that carry the practices' do-nots
    result: dict = field(default_factory=dict)  # indicators.analysis.analyse for the nation, if asked

    @property
    def percent(self) -> bool:
        return self.definition.kind == Kind.PROPORTION


# The funnel plot's verdicts, in the words of its chart (indicators.charts.funnel_chart).
FUNNEL_TEXT = {"": gettext_lazy("inom gränserna"), "over95": gettext_lazy("över 95 %-gränsen"),
               "under95": gettext_lazy("under 95 %-gränsen"), "over99.8": gettext_lazy("över 99,8 %-gränsen"),
               "under99.8": gettext_lazy("under 99,8 %-gränsen")}


def _funnel_positions(result: dict) -> dict[str, str]:
    if "funnel" not in result:
        return {}
    return {u.name: str(FUNNEL_TEXT[u.outside]) for u in result["funnel"].units}


def _within(values, start: datetime.date | None, end: datetime.date | None):
    if start is not None:
        values = values.filter(period__gte=start)
    if end is not None:
        values = values.filter(period__lte=end)
    return values


def _region_series(user, definition, *, start=None, end=None) -> tuple[dict, dict]:
    """Per region (county code): the yearly values and the monthly values the reader may see,
    oldest first, read in one query."""
    values = _within(indicator_selectors.current_values(definition).filter(
        level="region", stratum_type="alla", period_type__in=["ar", "manad"]), start, end).order_by("period")
    years, months = {}, {}
    for value in values:
        row = indicator_selectors.shown(user, value)
        (years if value.period_type == "ar" else months).setdefault(value.geo, []).append(row)
    return years, months


def _spc_reading(definition, monthly: list[dict], geo: str, *, percent: bool) -> str:
    """The SPC chart's reading of a region's monthly series, exactly as on the indicator's
    analysis page for that region (suppressed points left out, the recorded recalculations)."""
    series = [r for r in monthly if r["value"] is not None]
    if len(series) < 3:
        return ""
    recalculations = list(indicator_selectors.limit_recalculations(definition, level="region", geo=geo))
    chart = analysis.over_time(definition, series, recalculations=recalculations, percent=percent)
    return analysis.interpretation(chart)["classification"]


def _carrying_supports(practice_list) -> list:
    keys = {link.recommendation_key for p in practice_list for link in p.recommendation_links.all()}
    supports = {rec.version.support_id: rec.version.support for rec in recommendations_of(keys).values()}
    return sorted(supports.values(), key=lambda s: s.title)


def _stages(user, supports, regions) -> dict[tuple[int, int], str]:
    """(support, region) → the stage of the region's current adoption, for the adoptions the
    reader may see (implementation.selectors.visible)."""
    adoptions = adoption_selectors.current(Adoption.objects.filter(
        support__in=supports, region__in=regions)).filter(adoption_selectors.visible(user))
    return {(support_id, region_id): stage
            for support_id, region_id, stage in adoptions.values_list("support_id", "region_id", "stage")}


def indicator_view(user, definition, practice_list, *, start=None, end=None, regions=None,
                   with_analysis: bool = True) -> IndicatorView:
    """One indicator's lines per region; `with_analysis`: also the nation's analysis (the
    funnel plot and the charts of the indicator's page)."""
    regions = regions if regions is not None else list(Region.objects.order_by("county_code"))
    percent = definition.kind == Kind.PROPORTION
    result = (analysis.analyse(user, definition, indicator_selectors.geography_names(), analysis.Options())
              if with_analysis else {})
    funnel = _funnel_positions(result)
    years, months = _region_series(user, definition, start=start, end=end)
    supports = _carrying_supports(practice_list)
    stages = _stages(user, supports, regions)
    readings = []
    for region in regions:
        yearly = years.get(region.county_code, [])
        readings.append(RegionReading(
            region=region, latest=yearly[-1] if yearly else None,
            previous=yearly[-2] if len(yearly) >= 2 else None,
            funnel_position=funnel.get(region.name, ""),
            spc=_spc_reading(definition, months.get(region.county_code, []), region.county_code,
                             percent=percent),
            stages=[{"support": s, "stage": stages.get((s.pk, region.pk), ""),
                     "label": str(Stage(stages[s.pk, region.pk]).label) if (s.pk, region.pk) in stages else ""}
                    for s in supports]))
    return IndicatorView(definition=definition, practices=practice_list, readings=readings, supports=supports,
                         result=result)


def _measured() -> list[tuple[IndicatorDefinition, list[LowValuePractice]]]:
    """Every indicator that measures a practice in the register (its latest version), with
    the practices it measures, in the order of the indicators' codes."""
    by_code: dict[str, list[LowValuePractice]] = {}
    for practice in practices():
        for link in practice.indicator_links.all():
            by_code.setdefault(link.indicator_code, []).append(practice)
    latest = {}
    for definition in IndicatorDefinition.objects.filter(code__in=by_code).order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    return [(latest[code], by_code[code]) for code in sorted(latest)]


def national_view(user) -> list[IndicatorView]:
    """For every low-value-care indicator: each region's latest value and trend, the funnel
    plot, and the adoption stage of the supports that carry the do-nots."""
    regions = list(Region.objects.order_by("county_code"))
    return [indicator_view(user, definition, practice_list, regions=regions)
            for definition, practice_list in _measured()]


def indicator_trends(period: tuple[datetime.date, datetime.date]) -> list[dict]:
    """The low-value-care indicators' trends over a period (first day, last day), as the
    public sees them (small counts hidden whoever asks: a report is public), for the annual
    report: per indicator its code and name, the practices it measures, and per region the
    last yearly value in the period, the one before, and the SPC reading of the months in
    the period. Plain values only, ready for a report's snapshot."""
    start, end = period
    reader = AnonymousUser()
    regions = list(Region.objects.order_by("county_code"))
    trends = []
    for definition, practice_list in _measured():
        view = indicator_view(reader, definition, practice_list, start=start, end=end, regions=regions,
                              with_analysis=False)
        trends.append({
            "code": definition.code, "name": definition.name, "percent": view.percent,
            "practices": [p.title for p in practice_list],
            "regions": [{"county_code": r.region.county_code, "name": r.region.name,
                         "year": r.latest["period"].year if r.latest else None,
                         "value": r.latest["value"] if r.latest else None,
                         "previous": r.previous["value"] if r.previous else None,
                         "suppressed": bool(r.latest and r.latest["suppressed"]),
                         "spc": r.spc} for r in view.readings],
        })
    return trends
