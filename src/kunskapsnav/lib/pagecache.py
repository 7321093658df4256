"""A cache of whole public pages for anonymous readers.

An anonymous reader without a session sees the same page as every other anonymous reader in
the same language, so the rendered page can be kept and sent again without asking the
database. A page is kept only when nothing in it belongs to one visitor: answer 200, not
streamed, no cookie set, the CSRF token not used (a form with a token must never be shared),
and not marked private or no-store. The key is the host, the scheme, the full path with its
query, the chosen language and the htmx headers a view may answer differently to.

Staleness. Every page is stored together with the *content generation* it was rendered
under; a page is sent again only while that generation is still the current one. Any write
to the platform's tables, from any process (web workers, the task worker, management
commands), replaces the generation after its transaction commits, so a publication is
visible to the next anonymous reader at once. What changes with the date alone (a remiss
that closes at midnight, a review date passed) is covered by the time a page is kept at
most (`PAGE_CACHE_SECONDS`, from KUNSKAPSNAV_PAGE_CACHE_SECONDS; 0 turns the cache off).

Why the write is noticed at the database connection and not by a signal receiver: this is
infrastructure that must see every write, and the domain functions write in ways that send no
model signal (QuerySet.update of a run's progress, bulk_create of indicator values and of
codes, the search index's own SQL). A post_save receiver would miss those and keep serving
a stale indicator page. Watching the statements the connection executes sees them all, and
it keeps the domain functions free of cache calls (no hidden side effect in their code: they
write, and the cache follows from the write). The generation is a fresh random value, not a
counter, so two processes that replace it at once cannot both write the same next value.
"""

import re
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from kunskapsnav.lib.middleware import chosen_language

GENERATION_KEY = "kunskapsnav:content-generation"
PAGE_PREFIX = "kunskapsnav:page:"

# Paths that are never public pages, or not pages at all.
SKIPPED_PREFIXES = ("/api/", "/admin/", "/konto/", "/static/", "/media/", "/i18n/", "/healthz")
# Cookies that do not make a page personal: the language is part of the key, and a CSRF
# cookie alone says nothing about who asks (a page that *uses* the token is never stored).
NEUTRAL_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
# The htmx request headers a view may answer differently to.
HTMX_HEADERS = ("HX-Request", "HX-History-Restore-Request", "HX-Target")
# A response that varies on anything else than these is not stored.
KEYED_VARY = {"cookie", *(h.lower() for h in HTMX_HEADERS)}

# Writes to these tables change no page: sessions, the task queue (django_tasks_db), the
# failed logins that django-axes counts (else anyone could empty the cache by failing to log
# in), the token ids a journal's CDS Hooks calls spend (one per call: else every call would
# empty the cache, and write the new generation to the cache's disk) and a database cache's
# own table (else storing a page would make it stale).
IGNORED_TABLES = {"django_session", "django_tasks_database_dbtaskresult", "axes_accessattempt",
                  "axes_accessattemptexpiration", "axes_accessfailurelog", "axes_accesslog",
                  "interop_usedtokenid"} | {
    cache["LOCATION"].lower() for cache in settings.CACHES.values() if cache["BACKEND"].endswith(".DatabaseCache")
}
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?(\w+)', re.I)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation_bump() -> str:
    """Make every stored page stale: a new generation."""
    generation = secrets.token_hex(8)
    _cache().set(GENERATION_KEY, generation, timeout=None)
    return generation


def _generation_of(value) -> str:
    return value if value is not None else generation_bump()


def _is_write(sql) -> bool:
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    return bool(match) and match.group(1).lower() not in IGNORED_TABLES


def _bump_after_commit(connection):
    # One bump per transaction and savepoint: a domain function that writes fifty rows
    # replaces the generation once. A bump registered under other savepoints does not count:
    # Django drops the callbacks of a savepoint that is rolled back.
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        if any(func is generation_bump and sids == current for sids, func, _robust in connection.run_on_commit):
            return
    transaction.on_commit(generation_bump, using=connection.alias)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if settings.PAGE_CACHE_SECONDS and _is_write(sql):
        _bump_after_commit(context["connection"])
    return result


def _on_connection_created(sender, connection, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_writes():
    """Called once at start-up (LibConfig.ready)."""
    connection_created.connect(_on_connection_created, dispatch_uid="kunskapsnav.pagecache")
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _on_connection_created(None, connection)


def _request_key(request) -> str | None:
    """The key of the page the request asks for, or None when it must not come from the cache."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(SKIPPED_PREFIXES):
        return None
    if any(name not in NEUTRAL_COOKIES for name in request.COOKIES):
        return None  # a session, messages waiting to be shown: this visitor's page is their own
    htmx = "|".join(request.headers.get(h, "") for h in HTMX_HEADERS)
    scheme = "https" if request.is_secure() else "http"
    return (f"{PAGE_PREFIX}{scheme}://{request.get_host()}{request.get_full_path()}"
            f"|{chosen_language(request)}|{htmx}")


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "csrf_cookie_needs_reset", False):
        return False  # the page holds a CSRF token: never shared between visitors
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= KEYED_VARY


class PublicPageCacheMiddleware:
    """Place right after WhiteNoise: a page from the cache skips sessions, CSRF, the user and
    the view; the headers the later middleware set are stored with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        key = _request_key(request) if seconds else None
        if key is None:
            return self.get_response(request)
        cache = _cache()
        found = cache.get_many([GENERATION_KEY, key])
        generation = _generation_of(found.get(GENERATION_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == generation:
            _stored_generation, headers, content = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        # Stored under the generation read *before* the page was rendered: a write that
        # commits while it renders makes it stale at once.
        if request.method == "GET" and _storable(request, response):
            cache.set(key, (generation, list(response.items()), response.content), timeout=seconds)
        return response
