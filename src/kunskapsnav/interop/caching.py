"""HTTP validators of the content API (RFC 9110): a strong ETag and Last-Modified on each
document and list, and 304 Not Modified to a client whose copy is current, without building
the body.

Everything an anonymous reader sees of a knowledge support changes only together with an
entry in the change feed (knowledge.changes), so the latest entry of the support (or of the
whole log, for lists) is the validator: one indexed aggregate instead of the document. The
documents also name bodies (the issuer, the NPO), which change in the registry without an
entry: the latest change of any body (its history) is a second, equally cheap part. The
tag also holds the path with its query and the language (a label such as `type_label` is
translated), and a tag of the format, to change when the documents' shape does.

Last-Modified has whole seconds, as HTTP dates do: a client that must see a second change
within the same second sends the ETag (If-None-Match), which the cursor changes with.

A logged-in reader may see drafts and remiss versions, which change without entries; their
answers get no validators and `Cache-Control: private, no-cache`, so no shared tag can hide
a draft's change from them or show it to anyone else.
"""

import copy
import functools
import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from kunskapsnav.interop.edge import MAX_ID
from kunskapsnav.knowledge import changes
from kunskapsnav.organisation.models import Body

FORMAT = "1"

HEADERS = {
    "ETag": {"description": "Stark validator; skicka den i If-None-Match", "schema": {"type": "string"}},
    "Last-Modified": {"description": "Senaste ändringen; skicka den i If-Modified-Since",
                      "schema": {"type": "string"}},
    "Cache-Control": {"description": "no-cache: fråga med validatorn innan en sparad kopia används; "
                                     "private för inloggade",
                      "schema": {"type": "string"}},
}

_OPENAPI = {
    "responses": {
        200: {"headers": HEADERS},
        304: {"description": "Inte ändrad: kopian med den här ETag eller tidpunkten är aktuell (ingen kropp). "
                             "Ges bara till anonyma läsare.",
              "headers": {"ETag": HEADERS["ETag"], "Last-Modified": HEADERS["Last-Modified"]}},
    }
}


def documented() -> dict:
    """The operation's openapi_extra: the headers of its answer and the 304 it may give (a copy
    for each, since Django Ninja merges it into the operation's own description)."""
    return copy.deepcopy(_OPENAPI)


def _support_id(kwargs) -> int | None:
    try:
        value = int(kwargs["support_id"])
    except (KeyError, TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_ID else None


def _tag(request, cursor: int | None, bodies: int | None) -> str:
    what = "\n".join((FORMAT, get_language() or "", request.path, request.META.get("QUERY_STRING", "")))
    return f'"{cursor or 0}-{bodies or 0}-{hashlib.sha256(what.encode()).hexdigest()[:20]}"'


def _validators(request, support_id: int | None) -> tuple[str, int | None]:
    latest = changes.latest(support_id)
    bodies = Body.history.order_by("-history_id").values("history_id", "history_date").first() or {}
    moments = [m for m in (latest["at"], bodies.get("history_date")) if m is not None]
    last_modified = int(max(moments).timestamp()) if moments else None
    return _tag(request, latest["cursor"], bodies.get("history_id")), last_modified


def validated_by_changes(*, per_support: bool):
    """A view decorator for Django Ninja's decorate_view: validators from the latest change of
    the support the path names (`per_support`) or of the whole log."""

    def decorator(run):
        @functools.wraps(run)
        def view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return run(request, *args, **kwargs)
            if request.user.is_authenticated:
                response = run(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            support_id = _support_id(kwargs) if per_support else None
            if per_support and support_id is None:
                return run(request, *args, **kwargs)  # the path is refused there
            etag, last_modified = _validators(request, support_id)
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = run(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
            response.headers["ETag"] = etag
            if last_modified is not None:
                response.headers["Last-Modified"] = http_date(last_modified)
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response

        return view

    return decorator
