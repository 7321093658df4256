"""The platform's own middleware: the language a page is in, and input refused at the door."""

from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


def chosen_language(request) -> str:
    """The visitor's language: the one chosen with the language switch, else Swedish."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """Swedish first: the language is Swedish unless the visitor chose another with the
    language switch (Django's language cookie). The browser's Accept-Language is not
    consulted: a Swedish public service answers in Swedish on an English-language computer too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is refused with 400 before any view
    runs: PostgreSQL cannot compare or store one, and no address in the platform has one.
    Form fields are refused by Django's forms (ProhibitNullCharactersValidator) and JSON
    bodies by the API's parser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request):
        message = _("Adressen innehåller ett otillåtet tecken (NUL).")
        if request.path.startswith(("/api/", "/cds-services")):
            return JsonResponse({"detail": message}, status=400)
        if request.path.startswith("/fhir/"):
            # A FHIR client reads an OperationOutcome, as for every other refusal there.
            outcome = {"resourceType": "OperationOutcome",
                       "issue": [{"severity": "error", "code": "invalid", "diagnostics": str(message)}]}
            return JsonResponse(outcome, status=400, content_type="application/fhir+json; charset=utf-8",
                                json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
