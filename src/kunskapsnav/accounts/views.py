"""The login page (local form and, when configured, a button per identity provider), the page
that says a login is paused (throttling.py), and the logout."""

import logging
import math

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from .signout import provider_sign_out_url
from .throttling import address_failures

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["providers"] = list(settings.OIDC_PROVIDERS.values())
        return context


def login_paused(request, original_response, credentials):
    """The answer to a login that axes has paused (AXES_LOCKOUT_CALLABLE): what happened, when
    to try again, and whom to ask; 429 with Retry-After."""
    cool_off = get_cool_off(request)
    # The failure just made is counted too, so the pause runs from now.
    until = request.axes_attempt_time + cool_off
    for_address = getattr(request, "login_paused_for_address", False)
    address = request.axes_ip_address or "an unknown address"
    if for_address:
        logger.warning("login paused for every account from %s: %d failed logins within %s; open again at %s",
                       address, address_failures(request), cool_off, timezone.localtime(until).isoformat(timespec="seconds"))
    else:
        logger.warning("login paused for account %r from %s: %d failed logins within %s; open again at %s",
                       get_client_username(request, credentials), address, request.axes_failures_since_start,
                       cool_off, timezone.localtime(until).isoformat(timespec="seconds"))
    context = {
        "for_address": for_address,
        "until": until,
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "providers": list(settings.OIDC_PROVIDERS.values()),
    }
    response = render(request, "accounts/login_paused.html", context, status=429)
    response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        # Read before the session is flushed.
        provider_url = provider_sign_out_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_url:
            logger.info("sign-out: local session ended, on to the identity provider's end-session endpoint")
            return HttpResponseRedirect(provider_url)
        return response
