"""Every error the API gives, in one shape and in Swedish, and described in the OpenAPI
document for each operation that can give it.

An error is `{"detail": "<what happened>", "errors": {"<field>": ["<what to do>", …]}}`;
`errors` is there when particular fields are wrong (422), whether the schema refused them
(Django Ninja's validation) or a domain rule did (Django's ValidationError).
"""

import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


# Django Ninja's (pydantic's) error types in Swedish: one table for the whole API. What a
# type needs from the error's context is named in braces.
SCHEMA_MESSAGES = {
    "missing": "Fältet måste anges.",
    "extra_forbidden": "Fältet finns inte.",
    "int_type": "Ange ett heltal.",
    "int_parsing": "Ange ett heltal.",
    "int_from_float": "Ange ett heltal.",
    "float_type": "Ange ett tal.",
    "float_parsing": "Ange ett tal.",
    "finite_number": "Ange ett ändligt tal.",
    "decimal_type": "Ange ett tal.",
    "decimal_parsing": "Ange ett tal.",
    "decimal_max_digits": "Högst {max_digits} siffror.",
    "decimal_max_places": "Högst {decimal_places} decimaler.",
    "decimal_whole_digits": "Högst {whole_digits} siffror före decimaltecknet.",
    "greater_than": "Ange ett tal som är större än {gt}.",
    "greater_than_equal": "Ange ett tal som är minst {ge}.",
    "less_than": "Ange ett tal som är mindre än {lt}.",
    "less_than_equal": "Ange ett tal som är högst {le}.",
    "string_type": "Ange en text.",
    "string_too_short": "Texten måste ha minst {min_length} tecken.",
    "string_too_long": "Texten får ha högst {max_length} tecken.",
    "string_pattern_mismatch": "Texten har fel form.",
    "bool_type": "Ange true eller false.",
    "bool_parsing": "Ange true eller false.",
    "date_type": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_inexact": "Ange ett datum utan klockslag.",
    "datetime_type": "Ange en tidpunkt (ÅÅÅÅ-MM-DDTHH:MM:SS+01:00).",
    "datetime_parsing": "Ange en tidpunkt (ÅÅÅÅ-MM-DDTHH:MM:SS+01:00).",
    "datetime_from_date_parsing": "Ange en tidpunkt (ÅÅÅÅ-MM-DDTHH:MM:SS+01:00).",
    "day_out_of_range": "Ange ett datum mellan åren {first} och {last}.",
    "timezone_aware": "Ange tidpunkten med tidszon.",
    "enum": "Välj ett av: {expected}.",
    "literal_error": "Välj ett av: {expected}.",
    "list_type": "Ange en lista.",
    "too_long": "Listan får ha högst {max_length} element.",
    "too_short": "Listan måste ha minst {min_length} element.",
    "dict_type": "Ange ett objekt.",
    "model_type": "Ange ett objekt.",
    "model_attributes_type": "Ange ett objekt.",
    "json_invalid": "Innehållet är inte giltig JSON.",
    "json_type": "Innehållet är inte giltig JSON.",
    "is_instance_of": "Värdet har fel typ.",
    "url_parsing": "Ange en giltig adress.",
    "value_error": "Ogiltigt värde.",
    "union_tag_invalid": "Ogiltigt värde.",
}

# Where the input came from is said by the status, not the field name.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def schema_error_field(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    # A body read as one parameter (`payload`) is not a field the client sent.
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _shown(value):
    """Numbers in a message as people write them (999 999,99), like the domain's messages."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return value


def schema_error_message(error: dict) -> str:
    template = SCHEMA_MESSAGES.get(error.get("type", ""), "Ogiltigt värde.")
    try:
        return _(template).format(**{k: _shown(v) for k, v in (error.get("ctx") or {}).items()})
    except (KeyError, IndexError, ValueError):
        return _(template)


def _response(api, request, status: int, detail: str, errors=None):
    body = {"detail": detail}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def install_error_handlers(api) -> None:
    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request, exc):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(schema_error_field(error.get("loc", ())), []).append(schema_error_message(error))
        return _response(api, request, 422, _("Uppgifterna har fel. Rätta felen och försök igen."), errors)

    @api.exception_handler(ValidationError)
    def domain_invalid(request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _response(api, request, 422, _("Uppgifterna kunde inte sparas. Rätta felen och försök igen."), errors)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return _response(api, request, 403, str(exc) or _("Åtkomst nekad."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _response(api, request, 404, _("Finns inte."))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return _response(api, request, 401, _("Logga in eller skicka en giltig API-nyckel (Authorization: Bearer …)."))

    @api.exception_handler(AuthorizationError)
    def not_authorised(request, exc):
        return _response(api, request, 403, _("Åtkomst nekad."))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        # A body Django Ninja could not parse arrives here wrapping what the parser said.
        cause = exc.__cause__
        if isinstance(cause, HttpError):
            return _response(api, request, cause.status_code, cause.message)
        if exc.status_code == 400:
            return _response(api, request, 400, _("Innehållet kunde inte läsas. Skicka giltig JSON."))
        return _response(api, request, exc.status_code, exc.message)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return _response(api, request, 400, _("Innehållet är för stort."))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        logger.warning("suspicious API request refused: %s", exc)
        return _response(api, request, 400, _("Förfrågan kunde inte tas emot."))


def _auth_of(operation):
    auth = operation.auth_param
    return None if auth is NOT_SET or not auth else auth


def documented_errors(operation) -> dict[int, type[Schema]]:
    """The errors an operation can give, from what it takes:
    400 for any request (a NUL byte, a body that is not JSON, a body too big);
    401 and 403 when it authenticates (no or a wrong key; the domain's permission checks);
    404 when its path names an object; 422 when it takes input (the schema's bounds and the
    domain's rules). Statuses an operation declares itself (409, 429 …) are kept."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    errors: dict[int, type[Schema]] = {400: ErrorOut}
    if _auth_of(operation) is not None:
        errors[401] = ErrorOut
        errors[403] = ErrorOut
    if "path" in sources:
        errors[404] = ErrorOut
    if sources:
        errors[422] = ErrorOut
    return errors


def document_errors(routers) -> None:
    for router in routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for status, model in documented_errors(operation).items():
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(model)
