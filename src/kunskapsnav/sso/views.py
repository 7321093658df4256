"""Sign-in through an identity provider: off to the provider's login, and back."""

import logging

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from kunskapsnav.accounts.signout import provider_sign_out_remember

from . import identities, providers

logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "kunskapsnav_sso_next"


def _provider(name: str):
    provider = providers.provider_named(name)
    if provider is None:
        raise Http404
    return provider


def _site_address(path: str) -> str:
    # From SITE_URL, not from the request: the addresses registered with the provider must
    # match exactly, whatever Host header a proxy passes on.
    return settings.SITE_URL.rstrip("/") + path


def _failed(request, provider, *, status: int):
    return render(request, "sso/failed.html", {"provider": provider}, status=status)


@require_safe
def start(request, name):
    provider = _provider(name)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    request.session[NEXT_SESSION_KEY] = next_url
    try:
        return providers.authorization_redirect(
            request, provider, redirect_uri=_site_address(reverse("sso:callback", args=[provider.name]))
        )
    except providers.SignInFailed as failure:
        logger.warning("sign-in through %s could not start: %s", provider.name, failure)
        return _failed(request, provider, status=502)


@require_safe
def callback(request, name):
    provider = _provider(name)
    try:
        signed_in = providers.callback_claims(request, provider)
    except providers.SignInFailed as failure:
        logger.warning("sign-in through %s refused: %s", provider.name, failure)
        return _failed(request, provider, status=400)
    user, identification = identities.user_signed_in(provider=provider, claims=signed_in.claims)
    if user is None:
        return render(request, "sso/refused.html", {"provider": provider, "refusal": identification.refusal},
                      status=403)
    next_url = request.session.pop(NEXT_SESSION_KEY, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    sign_out = providers.logout_url(provider, id_token=signed_in.id_token,
                                    post_logout_redirect_uri=_site_address(reverse("home")))
    if sign_out:
        provider_sign_out_remember(request, sign_out)
    return redirect(next_url)
