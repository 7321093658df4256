"""Measure: an indicator (the latest version of each), with its scoring, improvement notation,
population criteria in words and by reference to the declarative definition, and its target
levels as an extension."""

from django.urls import reverse
from fhir.resources.R4B.measure import Measure

from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.indicators.spec import Kind

from . import systems
from .resource import ResourceType
from .search import Entry, SearchParam, one_of, parse_uri, positive_integer, value_in

SCORING = {Kind.PROPORTION: "proportion", Kind.MEDIAN_TIME: "continuous-variable", Kind.RATE: "ratio"}
MEASURE_SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"


def canonical(code: str) -> str:
    """The indicator's page: the same for all versions of its definition."""
    return systems.site() + reverse("indicators:indicator_detail", args=[code])


def target_extension() -> str:
    return f"{systems.site()}/fhir/StructureDefinition/malniva"


def latest_definitions() -> list[IndicatorDefinition]:
    latest: dict[str, IndicatorDefinition] = {}
    for definition in IndicatorDefinition.objects.order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    return list(latest.values())


def _entries() -> list[Entry]:
    return [Entry(d.code, d.created_at, {"url": canonical(d.code), "version": str(d.version), "status": "active"},
                  (d.pk,)) for d in latest_definitions()]


def _entry(resource_id: str) -> Entry | None:
    return next((e for e in _entries() if e.id == resource_id), None)


def _population(code: str, text: str, definition_url: str) -> dict:
    return {"code": {"coding": [{"system": POPULATION, "code": code}]}, "description": text,
            "criteria": {"language": "application/json", "reference": definition_url, "description": text}}


def _describe(entry: Entry, definition: IndicatorDefinition) -> dict:
    # The declarative definition itself, as the JSON API serves it (docs/indicator-definitions.md).
    definition_url = f"{systems.site()}/api/v1/indicators/{definition.code}"
    higher = definition.higher_is_better
    resource = {
        "resourceType": "Measure",
        "id": entry.id,
        "meta": {"lastUpdated": entry.last_updated.isoformat()},
        "url": entry.values["url"],
        "identifier": [{"system": systems.local("indikator"), "value": definition.code}],
        "version": str(definition.version),
        "title": definition.name,
        "status": "active",
        "date": definition.created_at.isoformat(),
        "publisher": "Kunskapsnav",
        "description": definition.description or None,
        "scoring": {"coding": [{"system": MEASURE_SCORING, "code": SCORING[Kind(definition.kind)]}],
                    "text": str(definition.kind_label)},
        "improvementNotation": {"coding": [{"system": IMPROVEMENT, "code": "increase" if higher else "decrease"}]},
        "relatedArtifact": [{"type": "documentation", "display": "Deklarativ definition", "url": definition_url}],
        "group": [{"population": [
            _population("numerator", definition.numerator_text, definition_url),
            _population("denominator", definition.denominator_text, definition_url),
        ]}],
        "extension": [
            {"url": target_extension(), "extension": [
                {"url": "level", "valueQuantity": {"value": float(t["level"]), "unit": definition.unit}},
                {"url": "name", "valueString": t.get("name") or "målnivå"},
            ]} for t in definition.targets
        ] or None,
    }
    if definition.support_id:
        resource["relatedArtifact"].append({"type": "justification", "resource": systems.site() + reverse(
            "knowledge:support_detail", args=[definition.support_id])})
    return {k: v for k, v in resource.items() if v is not None}


def _build(entries: list[Entry]) -> list[dict]:
    definitions = IndicatorDefinition.objects.in_bulk([e.ref[0] for e in entries])
    return [_describe(e, definitions[e.ref[0]]) for e in entries]


MEASURE = ResourceType(
    name="Measure",
    model=Measure,
    documentation="En indikator (den senaste versionen av dess definition).",
    params=(
        SearchParam("url", "uri", "Indikatorns kanoniska url", parse_uri, matches=value_in("url")),
        SearchParam("version", "token", "Definitionens version", positive_integer, matches=value_in("version")),
        SearchParam("status", "token", "active", one_of(("active", "retired", "draft", "unknown")),
                    matches=value_in("status")),
    ),
    entries=_entries,
    entry=_entry,
    build=_build,
)
