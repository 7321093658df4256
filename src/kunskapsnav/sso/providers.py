"""The identity providers as OpenID Connect clients: Authlib's registry, one client per
provider, each with its metadata from the issuer's discovery document.

Authlib does the protocol: the state and the nonce kept in the session, PKCE (S256), the
code exchanged for tokens, the ID token's signature checked against the provider's JWKS
(fetched again when a new key id appears). What it leaves to the application is said here:
which claims must hold (`id_token_rules`: the issuer, our client id among the audiences,
expiry), that an ID token must be there at all, that the discovery document is the
issuer's own, and which signing algorithms count.
"""

import functools
import logging
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from joserfc.errors import JoseError

from .config import Provider

logger = logging.getLogger(__name__)

# Asymmetric signatures only: a token signed with the client secret (HS256) or not at all
# ("none") is refused even where a provider's metadata offers it.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
# Clock skew allowed between us and the provider when checking expiry and issue time.
LEEWAY_SECONDS = 60
# No request to a provider may hold up a web worker for long.
TIMEOUT_SECONDS = 10
# The discovery document is read again after this long, so that a provider's changed
# endpoints are picked up without a restart. New signing keys are fetched when a token names
# one that is not known yet.
METADATA_MAX_AGE_SECONDS = 24 * 60 * 60


class SignInFailed(Exception):
    """The provider's answer cannot be trusted or used; the message is for the log (English,
    never a token)."""


def configured() -> dict[str, Provider]:
    return settings.OIDC_PROVIDERS


def provider_named(name: str) -> Provider | None:
    return configured().get(name)


class _ProviderApp(DjangoOAuth2App):
    expected_issuer: str

    def load_server_metadata(self):
        loaded_at = self.server_metadata.get("_loaded_at")
        if loaded_at is not None and time.time() - loaded_at > METADATA_MAX_AGE_SECONDS:
            self.server_metadata.clear()
            loaded_at = None
        metadata = super().load_server_metadata()
        if loaded_at is None:
            # The discovery document must be the configured issuer's own (OpenID Connect
            # Discovery 1.0, section 4.3); otherwise tokens from another issuer could pass.
            if metadata.get("issuer") != self.expected_issuer:
                found = metadata.get("issuer")
                self.server_metadata.clear()
                raise SignInFailed(f"discovery document names issuer {found!r}, not {self.expected_issuer!r}")
            offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
            accepted = [a for a in offered if a in SIGNING_ALGORITHMS]
            if not accepted:
                self.server_metadata.clear()
                raise SignInFailed(f"provider signs ID tokens only with {offered!r}")
            metadata["id_token_signing_alg_values_supported"] = accepted
        return metadata


class _Registry(OAuth):
    oauth2_client_cls = _ProviderApp


@functools.cache
def client(provider: Provider) -> _ProviderApp:
    """The provider's client, made once per configuration (tests change the settings)."""
    registry = _Registry()
    registry.register(
        name=provider.name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
    )
    app = registry.create_client(provider.name)
    app.expected_issuer = provider.issuer
    return app


def id_token_rules(provider: Provider) -> dict:
    """The claims an ID token from `provider` must carry, and their values. Authlib checks the
    nonce, the signature and, when present, azp and at_hash itself; the audience only when
    told to, so it is told here."""
    return {
        "iss": {"essential": True, "values": [provider.issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "sub": {"essential": True},
    }


def authorization_redirect(request, provider: Provider, *, redirect_uri: str):
    """The redirect to the provider's login, with state, nonce and the PKCE challenge kept in
    the session."""
    try:
        return client(provider).authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SignInFailed(f"provider unreachable or discovery unusable: {type(error).__name__}") from None


@dataclass(frozen=True)
class SignedIn:
    claims: dict
    id_token: str


def callback_claims(request, provider: Provider) -> SignedIn:
    """The claims of the person the provider says has signed in, from the callback request:
    the state is checked against the session, the code exchanged with the PKCE verifier, the
    ID token verified (`id_token_rules`, nonce, signature). Claims from the userinfo endpoint
    are added only when their subject is the ID token's (OpenID Connect Core 1.0, 5.3.2)."""
    app = client(provider)
    issuer_parameter = request.GET.get("iss")
    if issuer_parameter is not None and issuer_parameter != provider.issuer:
        # RFC 9207: the answer comes from another issuer than the one asked (a mix-up).
        raise SignInFailed(f"authorization response from issuer {issuer_parameter!r}")
    try:
        token = app.authorize_access_token(request, claims_options=id_token_rules(provider), leeway=LEEWAY_SECONDS)
        if "userinfo" not in token:
            # Authlib verifies an ID token only when there is one; without it nobody is known.
            raise SignInFailed("token response without an ID token")
        claims = dict(token["userinfo"])
        endpoint = app.load_server_metadata().get("userinfo_endpoint")
        if endpoint:
            extra = app.userinfo(token=token)
            if extra.get("sub") == claims["sub"]:
                claims = {**extra, **claims}
            else:
                raise SignInFailed("userinfo answered for another subject")
    except OAuthError as error:
        raise SignInFailed(f"provider refused: {error.error}") from None
    except JoseError as error:
        raise SignInFailed(f"ID token refused: {error.error}: {error.description}") from None
    except requests.RequestException as error:
        raise SignInFailed(f"provider unreachable: {type(error).__name__}") from None
    return SignedIn(claims=claims, id_token=token["id_token"])


def logout_url(provider: Provider, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None when it offers none."""
    app = client(provider)
    if not app.load_server_metadata().get("end_session_endpoint"):
        return None
    return app.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token, client_id=provider.client_id
    )["url"]
