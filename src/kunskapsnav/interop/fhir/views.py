"""/fhir/: one entry point that routes by the registry and answers FHIR JSON, with an
OperationOutcome for everything it refuses (never Django's HTML error pages)."""

import logging

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import search
from .capability import base, capability_statement
from .outcome import FhirError, fhir_response, outcome_response
from .registry import RESOURCE_TYPES

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 2000
READ_PARAMS = {"_summary", "_format", "_pretty"}
METADATA_PARAMS = {"_format", "_pretty"}


def _query_items(request) -> list[tuple[str, str]]:
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        raise FhirError(400, "too-long", _("Frågan är för lång (högst %(max)s tecken).") % {"max": MAX_QUERY_LENGTH})
    return [(name, value) for name, values in request.GET.lists() for value in values]


def _resource_type(name: str):
    resource_type = RESOURCE_TYPES.get(name)
    if resource_type is None:
        raise FhirError(404, "not-supported", _("Resurstypen %(name)s finns inte här. Se /fhir/metadata.") % {
            "name": name[:50]})
    return resource_type


def _metadata(items) -> tuple[dict, search.Query]:
    return capability_statement(), search.parse_query(items, {}, result_params=METADATA_PARAMS)


def _read(resource_type, resource_id: str, items) -> tuple[dict, search.Query]:
    query = search.parse_query(items, {}, result_params=READ_PARAMS)
    entry = resource_type.entry(resource_id) if search.ID_PATTERN.fullmatch(resource_id) else None
    if entry is None:
        raise FhirError(404, "not-found", _("%(type)s/%(id)s finns inte.") % {
            "type": resource_type.name, "id": resource_id[:64]})
    resource = resource_type.served(resource_type.build([entry])[0])
    return (resource_type.summary(resource) if query.summary else resource), query


def _search(resource_type, items) -> tuple[dict, search.Query]:
    query = search.parse_query(items, resource_type.search_params)
    page = resource_type.page(query)
    resources = [resource_type.served(r) for r in resource_type.build(page.entries)]
    if query.summary:
        resources = [resource_type.summary(r) for r in resources]
    bundle = search.searchset(base=base(), type_name=resource_type.name, items=items, query=query, page=page,
                              resources=resources)
    # The Bundle around the resources is plain and checked in the tests; validating it would
    # validate every resource in it once more.
    return bundle, query


def _answer(request, rest: str) -> tuple[dict, search.Query]:
    if request.method not in ("GET", "HEAD"):
        raise FhirError(405, "not-supported", _("Servern kan bara läsas (GET)."))
    items = _query_items(request)
    parts = rest.split("/")
    if parts == ["metadata"]:
        return _metadata(items)
    if len(parts) == 1 and parts[0]:
        return _search(_resource_type(parts[0]), items)
    if len(parts) == 2 and parts[0] and parts[1]:
        return _read(_resource_type(parts[0]), parts[1], items)
    raise FhirError(404, "not-found", _("Adressen finns inte. Se /fhir/metadata för det servern svarar på."))


@csrf_exempt  # nothing here writes; a POST gets its 405 OperationOutcome, not a CSRF page
def fhir(request, rest: str = ""):
    try:
        resource, query = _answer(request, rest)
        return fhir_response(resource, pretty=query.pretty)
    except FhirError as error:
        logger.info("FHIR request refused with %s: %s", error.status, request.path)
        return outcome_response(error)
