"""SearchParameter: the definitions of this server's own search parameters (those that FHIR
does not define, such as PlanDefinition's `condition`), which the CapabilityStatement names."""

import datetime

from fhir.resources.R4B.searchparameter import SearchParameter

from . import systems
from .resource import ResourceType
from .search import Entry

# The definitions change only with the code, so their last change is the release that made them.
DEFINED = datetime.datetime(2026, 12, 7, tzinfo=datetime.timezone.utc)


def canonical(resource_id: str) -> str:
    return f"{systems.site()}/fhir/SearchParameter/{resource_id}"


def custom_params() -> list[tuple[str, object]]:
    """(resource type name, parameter) for each parameter with its own definition."""
    from .registry import RESOURCE_TYPES  # the registry lists this type too

    return [(t.name, p) for t in RESOURCE_TYPES.values() for p in t.params if p.definition]


def _entries() -> list[Entry]:
    return [Entry(param.definition, DEFINED, {}, (type_name, param.name)) for type_name, param in custom_params()]


def _entry(resource_id: str) -> Entry | None:
    return next((e for e in _entries() if e.id == resource_id), None)


def _build(entries: list[Entry]) -> list[dict]:
    params = {(name, p.name): p for name, p in custom_params()}
    built = []
    for entry in entries:
        type_name, name = entry.ref
        param = params[entry.ref]
        built.append({
            "resourceType": "SearchParameter",
            "id": entry.id,
            "meta": {"lastUpdated": entry.last_updated.isoformat()},
            "url": canonical(entry.id),
            "name": name,
            "status": "active",
            "description": param.documentation,
            "code": name,
            "base": [type_name],
            "type": param.type,
            "expression": param.expression,
            "xpathUsage": "normal",
        })
    return built


SEARCH_PARAMETER = ResourceType(
    name="SearchParameter",
    model=SearchParameter,
    documentation="Definitionerna av serverns egna sökparametrar.",
    params=(),
    entries=_entries,
    entry=_entry,
    build=_build,
)
