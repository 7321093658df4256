"""Startup checks that refuse an unsafe production configuration."""

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def production_settings(app_configs, **kwargs):
    errors = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        errors.append(
            Error("SECRET_KEY is the public demo key.", hint="Set SECRET_KEY in the environment.", id="kunskapsnav.E001")
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on in production.", hint="Unset DEBUG.", id="kunskapsnav.E002"))
    if settings.KUNSKAPSNAV_DEMO:
        errors.append(
            Error("KUNSKAPSNAV_DEMO is on in production.", hint="Unset KUNSKAPSNAV_DEMO.", id="kunskapsnav.E003")
        )
    return errors
