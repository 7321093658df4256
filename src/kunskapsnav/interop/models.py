"""What the interoperability layer keeps of its own: the journal systems registered to call
the decision-support services (CDS Hooks), and the token ids they have used."""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kunskapsnav.organisation.models import Region


def validate_jwks(value):
    """A JSON Web Key Set (RFC 7517) of public keys for RS384 or ES384, each with a kid."""
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    if not isinstance(value, dict) or not isinstance(value.get("keys"), list) or not value["keys"]:
        raise ValidationError(_('Ange en nyckeluppsättning (JWKS): {"keys": [ … ]} med minst en publik nyckel.'))
    try:
        keys = KeySet.import_key_set(value)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ValidationError(_("Nyckeluppsättningen kan inte läsas: %(error)s") % {"error": error}) from error
    for key in keys:
        if not key.kid:
            raise ValidationError(_("Varje nyckel behöver ett kid, som journalens JWT anger."))
        if key.key_type not in ("RSA", "EC"):
            raise ValidationError(_("Bara RSA- och EC-nycklar (RS384, ES384) tas emot."))
        if key.is_private:
            raise ValidationError(_("Registrera bara den publika nyckeln, aldrig den privata."))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_jwks_url(value):
    """Where a journal publishes its key set (CDS Hooks 2.0, "Trusting CDS Clients": the jku
    header's JWK Set URL). https, since the keys decide whom we trust; http only to this
    machine itself (a test server, a journal's local proxy), where no network lies between."""
    parts = urlsplit(value or "")
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return
    raise ValidationError(_("Nyckeladressen måste börja med https:// (http bara till den egna datorn, "
                            "till exempel http://127.0.0.1)."))


class CdsClient(models.Model):
    """A journal system (CDS client) allowed to call the decision-support services: it signs
    each call with its private key, and the JWT's iss names it. Registered by an administrator,
    with the region whose additions its users see and whose uptake its feedback counts as."""

    name = models.CharField(_("namn"), max_length=200)
    issuer = models.CharField(
        _("utfärdare (iss)"), max_length=300, unique=True,
        help_text=_("Värdet journalen sätter i JWT:ns iss, till exempel https://journal.regionorebrolan.se/."),
    )
    jwks = models.JSONField(
        _("publika nycklar (JWKS)"), validators=[validate_jwks], null=True, blank=True,
        help_text=_('Journalens publika nycklar som JSON Web Key Set: {"keys": [{"kty": "EC", "kid": …}]}.'),
    )
    jwks_url = models.URLField(
        _("nyckeladress (JWKS-URL)"), max_length=500, blank=True, validators=[validate_jwks_url],
        help_text=_("Adressen där journalen publicerar sina publika nycklar (JWT:ns jku). Nycklarna hämtas "
                    "därifrån; en JWT som anger en annan jku avvisas. Ange nycklarna ovan, adressen eller båda."),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cds_clients", verbose_name=_("region"))
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journalsystem (CDS-klient)")
        verbose_name_plural = _("journalsystem (CDS-klienter)")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="cds_client_has_keys_or_key_url",
                condition=Q(jwks__isnull=False) | ~Q(jwks_url=""),
                violation_error_message=_("Ange journalens publika nycklar (JWKS), adressen där de hämtas, "
                                          "eller båda."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # An empty document ({}) passes the field's validators (an empty value), so the rule
        # is checked here too, not only by the constraint (which sees SQL NULL only).
        if not self.jwks and not self.jwks_url:
            raise ValidationError({"jwks_url": _("Ange journalens publika nycklar (JWKS), adressen där de "
                                                 "hämtas, eller båda.")})


class UsedTokenId(models.Model):
    """A CDS Hooks JWT already used, so that a replay is refused by every worker process: the
    SHA-256 of its jti and when the JWT expires (after which it is refused anyway and the row
    is pruned). Nothing else from the request is kept."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("använt token-id")
        verbose_name_plural = _("använda token-id")

    def __str__(self):
        return self.digest
