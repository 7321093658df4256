"""The JSON API under /api/v1/ and its OpenAPI document (/api/v1/openapi.json).

Reads of public registry data need no authentication. Writes need a logged-in session (with
its CSRF token) or a bearer token (accounts.ApiToken), and go through the same domain
functions as the pages, so the same permission rules apply.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from kunskapsnav.accounts.models import ApiToken


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

api = NinjaAPI(
    title="Kunskapsnav API",
    version="1",
    description=(
        "Kunskapsnav: organisationen för kunskapsstyrning i hälso- och sjukvården, kunskapsstöd och "
        "deras införande och uppföljning. Läsning av offentliga uppgifter kräver ingen inloggning; "
        "ändringar kräver en inloggad session eller en API-nyckel (Authorization: Bearer …)."
    ),
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Åtkomst nekad.")}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": _("Uppgifterna kunde inte sparas. Rätta felen och försök igen."), "errors": errors}, status=422
    )


def _register_routers():
    from kunskapsnav.interop.consultation_api import router as consultation_router
    from kunskapsnav.interop.implementation_api import router as implementation_router
    from kunskapsnav.interop.indicators_api import router as indicators_router
    from kunskapsnav.interop.knowledge_api import router as knowledge_router
    from kunskapsnav.interop.organisation_api import router as organisation_router
    from kunskapsnav.interop.people_api import router as people_router

    api.add_router("/", organisation_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", consultation_router)
    api.add_router("/", implementation_router)
    api.add_router("/", indicators_router)
    api.add_router("/", people_router)


_register_routers()
