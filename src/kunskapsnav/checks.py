"""Startup checks that refuse an unsafe production configuration."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)


def secret_key_is_weak(key: str) -> bool:
    """Django's own rule for a weak key (its deploy warning security.W009), which `kunskapsnav
    serve` makes an error: sessions, password resets and signed values all rest on the key."""
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


@register(deploy=True)
def production_settings(app_configs, **kwargs):
    errors = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        errors.append(
            Error("SECRET_KEY is the public demo key.", hint="Set SECRET_KEY in the environment.", id="kunskapsnav.E001")
        )
    elif secret_key_is_weak(settings.SECRET_KEY):
        errors.append(
            Error(
                f"SECRET_KEY is weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, at least "
                f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, and must not start with "
                f"'{SECRET_KEY_INSECURE_PREFIX}'.",
                hint="Generate one, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="kunskapsnav.E004",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on in production.", hint="Unset DEBUG.", id="kunskapsnav.E002"))
    if settings.KUNSKAPSNAV_DEMO:
        errors.append(
            Error("KUNSKAPSNAV_DEMO is on in production.", hint="Unset KUNSKAPSNAV_DEMO.", id="kunskapsnav.E003")
        )
    if settings.CDS_ALLOW_ANONYMOUS:
        errors.append(
            Error("KUNSKAPSNAV_CDS_ALLOW_ANONYMOUS is on in production: anyone may call the CDS Hooks services.",
                  hint="Unset it and register each journal in the admin (docs/cds-hooks.md).", id="kunskapsnav.E005")
        )
    return errors
