"""Who is calling (CDS Hooks 2.0, "Trusting CDS Clients"): a journal registered by an
administrator (interop.models.CdsClient) signs each call with a JWT in the Authorization
header. The JWT is verified against the journal's public keys (RS384 or ES384 as the
specification recommends; the other RSA and EC sizes too, never `none` or a shared secret):
those registered with it, and those fetched from its registered key address
(interop.cds.keys). A `jku` in the JWT header must be that very address: the specification
asks services to keep an allowlist of jku values, and we fetch from no other. The claims
are checked: iss names an active registered journal, aud is the address called, exp has not
passed and lies at most MAX_LIFETIME ahead, iat is not in the future, and the jti has not
been used before. The jti is kept (hashed) until the JWT expires, in the database, so that a
replay is refused by every worker process.

Calls without a JWT are refused, unless settings.CDS_ALLOW_ANONYMOUS opens the services (the
demo): such a call has no region.
"""

import datetime
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from kunskapsnav.interop.fhir import systems
from kunskapsnav.interop.models import CdsClient, UsedTokenId
from kunskapsnav.organisation.hsa import hsa_id_problem

from . import keys
from .errors import CdsError

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS384", "ES384", "RS256", "ES256", "RS512", "ES512", "PS256", "PS384", "PS512"]
MAX_LIFETIME = 300  # seconds: a call's JWT is short-lived, which also bounds the jti table
LEEWAY = 60  # seconds of clock difference tolerated between the journal and this server
PRUNE_ONE_IN = 100  # every so many calls, the expired jti rows are deleted


class Caller:
    """The verified caller: the registered journal (None for an anonymous demo call), its
    region and the care unit the JWT names (its tenant claim, when that is an HSA-id)."""

    def __init__(self, client: CdsClient | None, care_unit: str = ""):
        self.client = client
        self.region = client.region if client else None
        self.care_unit = care_unit

    @property
    def region_code(self) -> str:
        return self.region.county_code if self.region else ""


def _refuse(reason: str) -> CdsError:
    return CdsError(401, _("Anropet kunde inte autentiseras: %(reason)s") % {"reason": reason},
                    log=f"CDS call refused: {reason}")


def _bearer(request) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refuse(_("ange JWT:n som Authorization: Bearer <JWT>"))
    return token.strip()


def _unverified(token: str) -> tuple[dict, str]:
    """The header and the issuer, read before the signature is checked: they say whose keys
    to check it with. Nothing else is trusted until then."""
    try:
        signature = extract_compact(token.encode())
        header, claims = signature.headers(), json.loads(signature.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        raise _refuse(_("JWT:n kan inte läsas")) from None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    if not isinstance(issuer, str) or not issuer:
        raise _refuse(_("JWT:n saknar iss"))
    return header, issuer


def _key_set(registered: "_Registered", header: dict) -> KeySet:
    """The keys to verify the JWT with. A jku names where the journal publishes its keys; we
    fetch only from the address registered for it, so any other jku is refused unread. A
    journal without a key address has its registered keys, imported once per worker."""
    client = registered.client
    jku = header.get("jku")
    if jku is not None and (not client.jwks_url or jku != client.jwks_url):
        raise _refuse(_("jku i JWT:ns huvud är inte journalsystemets registrerade nyckeladress"))
    if not client.jwks_url:
        if registered.keys is None:
            raise _refuse(_("signaturen stämmer inte med journalsystemets registrerade nycklar"))
        return registered.keys
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    found = keys.client_key_set(client, kid=kid)
    if not found["keys"]:
        raise _refuse(_("journalsystemets nycklar kunde inte hämtas från dess nyckeladress; försök igen senare"))
    try:
        return KeySet.import_key_set(found)
    except (JoseError, ValueError, TypeError, KeyError):
        raise _refuse(_("signaturen stämmer inte med journalsystemets registrerade nycklar")) from None


def _audience_ok(aud, audiences: set[str]) -> bool:
    values = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    return any(isinstance(v, str) and v.rstrip("/") in audiences for v in values)


def _check_claims(claims: dict, *, client: CdsClient, audiences: set[str]):
    now = time.time()
    for name in ("iss", "aud", "exp", "iat", "jti"):
        if name not in claims:
            raise _refuse(_("JWT:n saknar %(claim)s") % {"claim": name})
    if claims["iss"] != client.issuer:
        raise _refuse(_("fel iss"))
    if not _audience_ok(claims["aud"], audiences):
        raise _refuse(_("aud ska vara tjänstens adress, %(url)s") % {"url": sorted(audiences)[0]})
    exp, iat = claims["exp"], claims["iat"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (exp, iat)):
        raise _refuse(_("exp och iat ska vara sekunder sedan 1970"))
    if exp < now - LEEWAY:
        raise _refuse(_("JWT:n har gått ut"))
    if exp > now + MAX_LIFETIME + LEEWAY:
        raise _refuse(_("JWT:n får gälla högst %(s)s sekunder") % {"s": MAX_LIFETIME})
    if iat > now + LEEWAY:
        raise _refuse(_("iat ligger i framtiden"))
    if not isinstance(claims["jti"], str) or not claims["jti"] or len(claims["jti"]) > 512:
        raise _refuse(_("jti ska vara en textsträng"))


def used_token_ids_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the jti rows of JWTs that have expired (they are refused by exp anyway)."""
    deleted, _detail = UsedTokenId.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


def _spend(client: CdsClient, jti: str, exp: float):
    digest = hashlib.sha256(f"{client.issuer}\0{jti}".encode()).hexdigest()
    expires_at = datetime.datetime.fromtimestamp(exp + LEEWAY, tz=datetime.UTC)
    try:
        with transaction.atomic():
            UsedTokenId.objects.create(digest=digest, expires_at=expires_at)
    except IntegrityError:
        raise _refuse(_("JWT:n har redan använts (jti)")) from None
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        used_token_ids_prune()


def audiences_for(path: str, *, service_path: str | None = None) -> set[str]:
    found = {systems.site() + path.rstrip("/")}
    if service_path:
        found.add(systems.site() + service_path.rstrip("/"))
    return found


@dataclass(frozen=True)
class _Registered:
    row: tuple  # (id, JWKS as stored, key address, region id): while the row is the same, so is the rest
    client: CdsClient
    keys: KeySet
    read_at: float


_registered: dict[str, _Registered] = {}


def _registered_client(issuer: str) -> _Registered | None:
    """The active journal registered under this issuer, with its region and its keys imported.

    Each call reads the journal's row from one statement written out (building the query with
    the ORM costs ten times running it), so a journal deactivated or given new keys is seen at
    once. The worker keeps the journal, its region and its imported keys while the row is the
    same, and at most CDS_CARD_CACHE_SECONDS (a region's new name)."""
    meta = CdsClient._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in (meta.pk.column, meta.get_field("jwks").column,
                                           meta.get_field("jwks_url").column, meta.get_field("region").column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} "
                       f"WHERE {quote(meta.get_field('issuer').column)} = %s AND {quote(meta.get_field('active').column)}",
                       [issuer])
        row = cursor.fetchone()
    if row is None:
        return None
    row = (row[0], row[1] if isinstance(row[1], str) else json.dumps(row[1], sort_keys=True), row[2], row[3])
    known = _registered.get(issuer)
    if known is not None and known.row == row and time.monotonic() - known.read_at < settings.CDS_CARD_CACHE_SECONDS:
        return known
    client = CdsClient.objects.select_related("region").filter(pk=row[0], active=True).first()
    if client is None:  # deactivated between the two reads
        return None
    imported = None
    if client.jwks:  # a journal with only a key address has none registered
        try:
            imported = KeySet.import_key_set(client.jwks)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            logger.warning("CDS client %s has keys that cannot be imported: %s", client.pk, error)
    registered = _Registered(row=row, client=client, keys=imported, read_at=time.monotonic())
    _registered[issuer] = registered
    return registered


def caller(request, *, audiences: set[str]) -> Caller:
    token = _bearer(request)
    if token is None:
        if settings.CDS_ALLOW_ANONYMOUS:
            return Caller(None)
        raise _refuse(_("en JWT från ett registrerat journalsystem krävs"))
    header, issuer = _unverified(token)
    registered = _registered_client(issuer)
    if registered is None:
        raise _refuse(_("okänt eller inaktivt journalsystem (iss)"))
    client = registered.client
    key_set = _key_set(registered, header)
    try:
        verified = jwt.decode(token, key_set, algorithms=ALGORITHMS)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        logger.info("CDS JWT from %s not verified: %s", issuer, error)
        raise _refuse(_("signaturen stämmer inte med journalsystemets registrerade nycklar")) from None
    if not verified.header.get("kid"):
        raise _refuse(_("JWT:ns huvud saknar kid"))
    claims = verified.claims
    _check_claims(claims, client=client, audiences=audiences)
    _spend(client, claims["jti"], claims["exp"])
    tenant = claims.get("tenant")
    care_unit = tenant.upper() if isinstance(tenant, str) and hsa_id_problem(tenant) is None else ""
    return Caller(client, care_unit)
