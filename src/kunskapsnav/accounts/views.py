"""The login page (local form and, when configured, a button per identity provider) and the
logout."""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from .signout import provider_sign_out_url

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["providers"] = list(settings.OIDC_PROVIDERS.values())
        return context


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        # Read before the session is flushed.
        provider_url = provider_sign_out_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_url:
            logger.info("sign-out: local session ended, on to the identity provider's end-session endpoint")
            return HttpResponseRedirect(provider_url)
        return response
