"""GET /fhir/metadata: the CapabilityStatement, written from the registry the views route by."""

from django.utils.translation import gettext as _
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from . import searchparameter, systems
from .registry import RESOURCE_TYPES
from .search import COMMON_PARAMS, FORMATS

FHIR_VERSION = "4.0.1"
RESULT_PARAMS = (
    ("_count", "number", "Antal träffar per sida, 0–100 (20 om inget anges)"),
    ("_offset", "number", "Var sidan börjar; sidornas länkar (next, previous) sätter det"),
    ("_summary", "token", "true: bara sammanfattande element"),
    ("_format", "token", "json, application/json eller application/fhir+json (xml ger 406)"),
    ("_pretty", "token", "true: JSON med indrag"),
    ("_total", "token", "none: ingen total (och ingen räkning); estimate och accurate: exakt total, som utan "
     "parametern"),
)


def base() -> str:
    return f"{systems.site()}/fhir"


def _search_param(param) -> dict:
    described = {"name": param.name, "type": param.type, "documentation": param.documentation}
    if param.definition:
        described["definition"] = searchparameter.canonical(param.definition)
    return described


def _resource(resource_type) -> dict:
    return {
        "type": resource_type.name,
        "documentation": resource_type.documentation,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "conditionalCreate": False,
        "conditionalUpdate": False,
        "conditionalDelete": "not-supported",
        "searchParam": [_search_param(p) for p in COMMON_PARAMS + resource_type.params],
    }


def capability_statement() -> dict:
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": searchparameter.DEFINED.date().isoformat(),
        "publisher": "Kunskapsnav",
        "kind": "instance",
        "software": {"name": "Kunskapsnav"},
        "implementation": {"description": _("Kunskapsnavs kunskapsstöd och organisation, endast läsning"),
                           "url": base()},
        "fhirVersion": FHIR_VERSION,
        "format": list(FORMATS[2:]) + ["json"],
        "rest": [{
            "mode": "server",
            "documentation": _("Öppet för alla utan inloggning; bara det som sidorna visar en läsare som inte är "
                               "inloggad (inga utkast eller remissversioner)."),
            "resource": [_resource(t) for t in RESOURCE_TYPES.values()],
            "searchParam": [{"name": n, "type": t, "documentation": d} for n, t, d in RESULT_PARAMS],
        }],
    }
    return CapabilityStatement.model_validate(statement).model_dump(mode="json")
