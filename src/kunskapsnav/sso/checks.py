"""Startup checks of the single sign-on settings: each catches a setting that would make
every sign-in through a provider fail, or send the provider's answer to the wrong address."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register()
def session_cookie_comes_back(app_configs, **kwargs):
    if settings.OIDC_PROVIDERS and str(settings.SESSION_COOKIE_SAMESITE).lower() == "strict":
        return [Error(
            "SESSION_COOKIE_SAMESITE is Strict while identity providers are configured: browsers do not send "
            "the session cookie when the provider redirects back, so every sign-in fails its state check.",
            hint='Keep "Lax", Django\'s default.', id="kunskapsnav.sso.E001",
        )]
    return []


@register(deploy=True)
def site_url_is_public_https(app_configs, **kwargs):
    if settings.OIDC_PROVIDERS and urlsplit(settings.SITE_URL).scheme != "https":
        return [Error(
            f"SITE_URL is {settings.SITE_URL!r} while identity providers are configured: the redirect URIs "
            "registered with them are built from it.",
            hint="Set SITE_URL to the public https address.", id="kunskapsnav.sso.E002",
        )]
    return []
