"""A journal's public keys fetched from its registered key address (CDS Hooks 2.0, "Trusting
CDS Clients": the client MAY publish its JWK Set at a URL named in the JWT header's `jku`,
RFC 7515 4.1.2, and services SHOULD keep an allowlist of `jku` values; ours is the one
address registered per journal, CdsClient.jwks_url).

Each worker process keeps the key set per address for settings.CDS_JWKS_CACHE_SECONDS. A JWT
naming a kid the kept set lacks (the journal rotated its key) fetches the set again early,
but a fetch of one address is tried at most once per settings.CDS_JWKS_REFETCH_SECONDS,
whatever the outcome, so a stream of made-up kids costs the journal one request per interval.
A fetch that fails keeps the set fetched before (logged); the keys registered in the admin,
if any, are trusted beside the fetched ones.

A fetch is short (settings.CDS_JWKS_FETCH_TIMEOUT_MS in all, before the call's database time
budget begins), reads at most MAX_BYTES, follows a redirect only on the same scheme, host and
port, and the document must pass the same check as a registered key set
(interop.models.validate_jwks: public RSA or EC keys, each with a kid).
"""

import json
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from joserfc.jwk import KeySet

from kunskapsnav.interop.models import CdsClient, validate_jwks

logger = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024  # a key set of a few keys is a few kB; anything near this is not one
MAX_REDIRECTS = 3
ACCEPT = "application/jwk-set+json, application/json"


class KeyFetchError(Exception):
    """Why a key set could not be fetched, for the log (never shown to the caller)."""


@dataclass
class _Kept:
    keys: list[dict]  # the last key set fetched and checked; empty until one is
    fetched_at: float = 0.0  # _clock() of that fetch
    tried_at: float = 0.0  # of the last attempt, whatever its outcome


_kept: dict[str, _Kept] = {}
_lock = threading.Lock()
_clock = time.monotonic  # the cache's clock; the tests move it on instead of waiting


def jwks_cache_clear() -> None:
    """Forget every kept key set (tests; a worker otherwise keeps them for its life)."""
    with _lock:
        _kept.clear()


def _same_origin(a: str, b: str) -> bool:
    first, second = urlsplit(a), urlsplit(b)
    return (first.scheme, first.hostname, first.port) == (second.scheme, second.hostname, second.port)


def _read_limited(response: requests.Response, deadline: float) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=8192):
        body += chunk
        if len(body) > MAX_BYTES:
            raise KeyFetchError(f"key set larger than {MAX_BYTES} bytes")
        if time.monotonic() > deadline:
            raise KeyFetchError("key set not read within the timeout")
    return bytes(body)


def _download(url: str) -> bytes:
    timeout = settings.CDS_JWKS_FETCH_TIMEOUT_MS / 1000
    deadline = time.monotonic() + timeout
    address = url
    for _hop in range(MAX_REDIRECTS + 1):
        with requests.get(address, timeout=timeout, stream=True, allow_redirects=False,
                          headers={"Accept": ACCEPT}) as response:
            if response.is_redirect:
                target = urljoin(address, response.headers.get("Location", ""))
                if not _same_origin(url, target):
                    raise KeyFetchError(f"redirect to another host refused: {target}")
                address = target
                continue
            if response.status_code != 200:
                raise KeyFetchError(f"status {response.status_code}")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_BYTES:
                raise KeyFetchError(f"key set larger than {MAX_BYTES} bytes")
            return _read_limited(response, deadline)
    raise KeyFetchError("too many redirects")


def key_set_fetch(url: str) -> list[dict]:
    """The checked public keys published at url; KeyFetchError if there are none to trust."""
    try:
        document = json.loads(_download(url))
        validate_jwks(document)
    except requests.RequestException as error:
        raise KeyFetchError(f"request failed: {error}") from error
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # json's errors are ValueErrors
        raise KeyFetchError(f"not JSON: {error}") from error
    except ValidationError as error:
        raise KeyFetchError(f"not an acceptable key set: {' '.join(error.messages)}") from error
    # The keys as read, not the entries as sent: an entry joserfc passes over (not an object,
    # an unknown kty) is dropped here rather than carried along.
    return [key.as_dict(private=False) for key in KeySet.import_key_set(document)]


def _wanted(kept: _Kept | None, kid: str | None, now: float) -> bool:
    if kept is None or not kept.keys:
        return True
    if now - kept.fetched_at >= settings.CDS_JWKS_CACHE_SECONDS:
        return True
    return bool(kid) and kid not in {key.get("kid") for key in kept.keys}


def _claim_fetch(url: str, kid: str | None) -> bool:
    """Whether this call fetches url now; marks the attempt so that others wait their turn."""
    now = _clock()
    with _lock:
        kept = _kept.get(url)
        if not _wanted(kept, kid, now):
            return False
        if kept is not None and now - kept.tried_at < settings.CDS_JWKS_REFETCH_SECONDS:
            return False
        kept = _kept.setdefault(url, _Kept(keys=[]))
        kept.tried_at = now
        return True


def fetched_keys(url: str, *, kid: str | None) -> list[dict]:
    """The keys published at url, fetched when none are kept, when the kept ones are older than
    the cache time, or when kid is not among them; at most once per refetch interval."""
    if _claim_fetch(url, kid):
        try:
            keys = key_set_fetch(url)
        except KeyFetchError as error:
            with _lock:
                kept = _kept.get(url)
            if kept and kept.keys:
                logger.warning("CDS key set at %s not fetched (%s); the one fetched before is used", url, error)
            else:
                logger.warning("CDS key set at %s not fetched (%s); no keys from it", url, error)
        else:
            now = _clock()
            with _lock:
                _kept[url] = _Kept(keys=keys, fetched_at=now, tried_at=now)
    with _lock:
        kept = _kept.get(url)
        return list(kept.keys) if kept else []


def client_key_set(client: CdsClient, *, kid: str | None) -> dict:
    """The JWK Set to verify client's JWT with: the keys fetched from its key address, if it
    has one, then its registered keys whose kid the fetched set does not already name."""
    keys = fetched_keys(client.jwks_url, kid=kid) if client.jwks_url else []
    fetched_kids = {key.get("kid") for key in keys}
    registered = [key for key in (client.jwks or {}).get("keys", []) if isinstance(key, dict)]
    return {"keys": [*keys, *(key for key in registered if key.get("kid") not in fetched_kids)]}
