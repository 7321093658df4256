"""The identity providers, read from the environment by settings.py (see
docs/authentication.md). Plain Python: settings.py imports it before Django is set up.

    KUNSKAPSNAV_OIDC_PROVIDERS=inera,orebro
    KUNSKAPSNAV_OIDC_INERA_ISSUER=https://idp.example.se/oidc
    KUNSKAPSNAV_OIDC_INERA_CLIENT_ID=kunskapsnav
    KUNSKAPSNAV_OIDC_INERA_CLIENT_SECRET=…
    KUNSKAPSNAV_OIDC_INERA_LABEL=Inera (SITHS-kort)          optional: the button's text
    KUNSKAPSNAV_OIDC_INERA_HSA_ID_CLAIM=employeeHsaId       optional: the claim with the HSA-id
    KUNSKAPSNAV_OIDC_INERA_SCOPES=openid profile email     optional

No provider named: single sign-on is off and the login page shows only the local form.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PREFIX = "KUNSKAPSNAV_OIDC_"
DEFAULT_HSA_ID_CLAIM = "employeeHsaId"
DEFAULT_SCOPES = "openid profile email"
# A name is part of the callback URL and of the environment variables' names.
_NAME = re.compile(r"[a-z][a-z0-9]{0,29}")
# Plain HTTP is for an identity provider on this machine only (development and tests).
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    hsa_id_claim: str = DEFAULT_HSA_ID_CLAIM
    scopes: str = DEFAULT_SCOPES

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def origin(self) -> str:
        url = urlsplit(self.issuer)
        return f"{url.scheme}://{url.netloc}"


def providers_from_env(environ: Mapping[str, str]) -> dict[str, Provider]:
    """The providers named in KUNSKAPSNAV_OIDC_PROVIDERS, in that order; refuses to start
    with a name that has no issuer, client id or client secret."""
    names = [n.strip().lower() for n in environ.get(PREFIX + "PROVIDERS", "").split(",") if n.strip()]
    providers = {}
    for name in names:
        if not _NAME.fullmatch(name):
            raise ImproperlyConfigured(
                f"{PREFIX}PROVIDERS: {name!r} is not a provider name (a letter, then letters and digits, at most 30)"
            )
        if name in providers:
            raise ImproperlyConfigured(f"{PREFIX}PROVIDERS names {name!r} twice")

        def value(key: str, default: str | None = None) -> str:
            variable = f"{PREFIX}{name.upper()}_{key}"
            found = environ.get(variable, "").strip() or default
            if found is None:
                raise ImproperlyConfigured(f"{variable} must be set for the identity provider {name!r}")
            return found

        issuer = value("ISSUER")
        url = urlsplit(issuer)
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK):
            raise ImproperlyConfigured(f"{PREFIX}{name.upper()}_ISSUER must be an https address, got {issuer!r}")
        scopes = value("SCOPES", DEFAULT_SCOPES)
        if "openid" not in scopes.split():
            raise ImproperlyConfigured(f"{PREFIX}{name.upper()}_SCOPES must include openid")
        providers[name] = Provider(
            name=name,
            label=value("LABEL", name.capitalize()),
            issuer=issuer,
            client_id=value("CLIENT_ID"),
            client_secret=value("CLIENT_SECRET"),
            hsa_id_claim=value("HSA_ID_CLAIM", DEFAULT_HSA_ID_CLAIM),
            scopes=scopes,
        )
    return providers
