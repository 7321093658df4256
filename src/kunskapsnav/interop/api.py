"""The JSON API under /api/v1/ and its OpenAPI document (/api/v1/openapi.json).

Reads of public registry data need no authentication. Writes need a logged-in session (with
its CSRF token) or a bearer token (accounts.ApiToken), and go through the same domain
functions as the pages, so the same permission rules apply. What the API accepts is bounded
at its edge (interop.edge) and every error it gives has one shape (interop.errors); the
OpenAPI document says both for every operation.
"""

from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, django_auth

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.interop.edge import NulRefusingParser
from kunskapsnav.interop.errors import document_errors, install_error_handlers


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user  # the domain functions take the acting user from here
        return user


WRITE_AUTH = [BearerToken(), django_auth]


def optional_token(request):
    """For reads whose answer depends on who asks: a valid bearer token acts as its user, no
    token reads as the session's user (or anonymously), a wrong token is refused (401)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return request.user
    scheme, _sep, token = header.partition(" ")
    user = ApiToken.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if user is not None:
        request.user = user
    return user


READ_AUTH = [optional_token]


class UniqueNamesSchema(OpenAPISchema):
    """The OpenAPI document, refusing two different schemas under one name: Django Ninja
    names a component by its class name, and the later one would silently describe both."""

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                raise ImproperlyConfigured(f"two different schemas are named {name!r} in the OpenAPI document")
        super().add_schema_definitions(definitions)


# No text the API takes may hold a NUL character (interop.edge, lib.middleware): said in the
# document as a pattern on every free text, so clients and test tools know it.
NO_NUL = "^[^\\x00]*$"


def _state_input_rules(node) -> None:
    """States in the document the rules the edge applies to input: no NUL in free text, and
    exact decimal bounds (interop.edge.FieldOf) as JSON numbers."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"format", "pattern", "enum", "const"} & node.keys():
            node["pattern"] = NO_NUL
        for key, value in node.items():
            if isinstance(value, Decimal):
                node[key] = int(value) if value == value.to_integral_value() else float(value)
            else:
                _state_input_rules(value)
    elif isinstance(node, list):
        for value in node:
            _state_input_rules(value)


def _one_key_per_status(responses: dict) -> dict:
    """Django Ninja keys the responses it builds by number and an operation's openapi_extra by
    text ("200"), so an operation that describes its own answer (a CSV file) would have the
    status twice in the JSON document. The operation's own description is the true one."""
    merged = {str(status): response for status, response in responses.items() if not isinstance(status, str)}
    merged.update({status: response for status, response in responses.items() if isinstance(status, str)})
    return dict(sorted(merged.items()))


class KunskapsnavAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = UniqueNamesSchema(api=self, path_prefix=path_prefix)
        for path in schema["paths"].values():
            for operation in path.values():
                operation["responses"] = _one_key_per_status(operation.get("responses", {}))
                _state_input_rules(operation.get("parameters", []))
                _state_input_rules(operation.get("requestBody", {}))
        _state_input_rules(schema["components"]["schemas"])
        return schema


api = KunskapsnavAPI(
    title="Kunskapsnav API",
    version="1",
    description=(
        "Kunskapsnav: organisationen för kunskapsstyrning i hälso- och sjukvården, kunskapsstöd och "
        "deras införande och uppföljning. Läsning av offentliga uppgifter kräver ingen inloggning; "
        "ändringar kräver en inloggad session eller en API-nyckel (Authorization: Bearer …). "
        "Alla fel har formen {\"detail\": text, \"errors\": {fält: [text]}} och beskrivs för varje operation."
    ),
    urls_namespace="api",
    parser=NulRefusingParser(),
)
install_error_handlers(api)


def _register_routers():
    from kunskapsnav.interop.changes_api import router as changes_router
    from kunskapsnav.interop.coherence_api import router as coherence_router
    from kunskapsnav.interop.consultation_api import router as consultation_router
    from kunskapsnav.interop.implementation_api import router as implementation_router
    from kunskapsnav.interop.indicators_api import router as indicators_router
    from kunskapsnav.interop.knowledge_api import router as knowledge_router
    from kunskapsnav.interop.lowvalue_api import router as lowvalue_router
    from kunskapsnav.interop.needs_api import router as needs_router
    from kunskapsnav.interop.organisation_api import router as organisation_router
    from kunskapsnav.interop.people_api import router as people_router
    from kunskapsnav.interop.reports_api import router as reports_router

    routers = [organisation_router, knowledge_router, changes_router, consultation_router, implementation_router,
               indicators_router, lowvalue_router, people_router, needs_router, coherence_router, reports_router]
    document_errors(routers)
    for router in routers:
        api.add_router("/", router)


_register_routers()
