"""Signing out of Kunskapsnav and, for a person who signed in through their organisation's
identity provider, of that provider too (RP-initiated logout).

The sign-in through a provider (kunskapsnav.sso) leaves the provider's end-session address
for this session here; the logout view sends the person on to it after ending the session.
Without one (a local account, or a provider that offers no end-session endpoint) the logout
is local only.
"""

SESSION_KEY = "kunskapsnav_provider_sign_out_url"


def provider_sign_out_remember(request, url: str) -> None:
    request.session[SESSION_KEY] = url


def provider_sign_out_url(request) -> str | None:
    return request.session.get(SESSION_KEY)
