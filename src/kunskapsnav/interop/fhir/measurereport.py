"""MeasureReport: an indicator's current value for one geography and period (a summary
report of the whole population, stratum "alla"), with small counts suppressed exactly as in
the public exports: a suppressed value has no counts and no score, and says it is masked."""

import datetime

from django.contrib.auth.models import AnonymousUser
from fhir.resources.R4B.measurereport import MeasureReport

from kunskapsnav.indicators import selectors
from kunskapsnav.indicators.models import IndicatorValue, Level, PeriodType, StratumType

from . import measure, organization
from .resource import ResourceType
from .search import ID_PATTERN, Entry, SearchParam, one_of, value_in

DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
ORGANIZATION_OF_LEVEL = {
    Level.HEALTHCARE_REGION: organization.HEALTHCARE_REGION,
    Level.REGION: organization.REGION,
    Level.MUNICIPALITY: organization.MUNICIPALITY,
}
MONTHS = {PeriodType.YEAR: 12, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}


def _period_end(start: datetime.date, period_type: str) -> datetime.date:
    months = start.month - 1 + MONTHS[PeriodType(period_type)]
    return datetime.date(start.year + months // 12, months % 12 + 1, 1) - datetime.timedelta(days=1)


def _reporter(level: str, geo: str) -> str | None:
    kind = ORGANIZATION_OF_LEVEL.get(Level(level)) if level in Level.values else None
    return f"Organization/{kind}-{geo}" if kind else None


def _report_id(code: str, level: str, geo: str, period_type: str, period: datetime.date, pk: int) -> str:
    """Stable across runs: the indicator, the geography and the period; the value's number
    only where those do not make an id FHIR accepts (a long care-unit id)."""
    stable = f"{code}-{level}-{geo}-{period_type}-{period:%Y%m}"
    return stable if ID_PATTERN.fullmatch(stable) else f"{code}-{pk}"


def _entries() -> list[Entry]:
    entries = []
    for definition in measure.latest_definitions():
        rows = (selectors.current_values(definition).filter(stratum_type=StratumType.ALL)
                .values_list("pk", "level", "geo", "period_type", "period", "run__finished_at", "batch__imported_at"))
        for pk, level, geo, period_type, period, finished, imported in rows.order_by("level", "geo", "period"):
            entries.append(Entry(
                _report_id(definition.code, level, geo, period_type, period, pk),
                finished or imported or definition.created_at,
                {"measure": measure.canonical(definition.code), "status": "complete",
                 "reporter": _reporter(level, geo)},
                (pk,),
            ))
    return entries


def _entry(resource_id: str) -> Entry | None:
    return next((e for e in _entries() if e.id == resource_id), None)


def _describe(entry: Entry, value: IndicatorValue, names: dict) -> dict:
    definition = value.definition
    shown = selectors.shown(AnonymousUser(), value)  # public: what an anonymous reader sees
    group = {}
    if shown["numerator"] is not None:
        group["population"] = [
            {"code": {"coding": [{"system": measure.POPULATION, "code": "numerator"}]}, "count": shown["numerator"]}]
        if shown["denominator"] is not None:
            group["population"].append({"code": {"coding": [{"system": measure.POPULATION, "code": "denominator"}]},
                                        "count": shown["denominator"]})
    if shown["value"] is not None:
        group["measureScore"] = {"value": shown["value"], "unit": definition.unit}
    elif value.suppressed:
        group["measureScore"] = {"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]}
    reporter = {"display": names.get((value.level, value.geo), value.geo)}
    if entry.values["reporter"]:
        reporter["reference"] = entry.values["reporter"]
    resource = {
        "resourceType": "MeasureReport",
        "id": entry.id,
        "meta": {"lastUpdated": entry.last_updated.isoformat()},
        "status": "complete",
        "type": "summary",
        "measure": f"{entry.values['measure']}|{definition.version}",
        "date": entry.last_updated.isoformat(),
        "reporter": reporter,
        "period": {"start": value.period.isoformat(), "end": _period_end(value.period, value.period_type).isoformat()},
        "group": [group] if group else None,
    }
    return {k: v for k, v in resource.items() if v is not None}


def _build(entries: list[Entry]) -> list[dict]:
    values = IndicatorValue.objects.select_related("definition").in_bulk([e.ref[0] for e in entries])
    names = selectors.geography_names()
    return [_describe(e, values[e.ref[0]], names) for e in entries]


def _parse_reference(value: str) -> str:
    return value if value.startswith("Organization/") else f"Organization/{value}"


MEASURE_REPORT = ResourceType(
    name="MeasureReport",
    model=MeasureReport,
    documentation="En indikators aktuella värde för ett område och en period (sammanfattning, hela populationen); "
                  "små tal döljs som i de öppna exporterna.",
    params=(
        SearchParam("measure", "reference", "Indikatorns kanoniska url (Measure.url)",
                    lambda v: v.split("|", 1)[0], matches=value_in("measure")),
        SearchParam("reporter", "reference", "Området som organisation (Organization/region-18)", _parse_reference,
                    matches=value_in("reporter")),
        SearchParam("status", "token", "complete", one_of(("complete", "pending", "error")),
                    matches=value_in("status")),
    ),
    entries=_entries,
    entry=_entry,
    build=_build,
)
