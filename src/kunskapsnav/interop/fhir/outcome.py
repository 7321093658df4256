"""Answers that are not a resource: OperationOutcome with a Swedish diagnostic."""

import json

import pydantic_core

from django.http import HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

FHIR_JSON = "application/fhir+json; charset=utf-8"


class FhirError(Exception):
    """A request the server refuses: the HTTP status, the FHIR issue code and why, in Swedish."""

    def __init__(self, status: int, code: str, diagnostics: str):
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = str(diagnostics)


def fhir_response(resource: dict, *, status: int = 200, pretty: bool = False) -> HttpResponse:
    # pydantic-core (under fhir.resources and django-ninja) writes compact JSON in Rust, several
    # times faster than the json module for a page of PlanDefinitions; the same JSON values.
    body = json.dumps(resource, ensure_ascii=False, indent=2) if pretty else pydantic_core.to_json(resource)
    return HttpResponse(body, status=status, content_type=FHIR_JSON)


def outcome_response(error: FhirError) -> HttpResponse:
    outcome = OperationOutcome.model_validate({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": error.code, "diagnostics": error.diagnostics}],
    })
    response = fhir_response(outcome.model_dump(mode="json"), status=error.status)
    if error.status == 405:
        response["Allow"] = "GET, HEAD"
    return response
