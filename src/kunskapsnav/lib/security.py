"""HTTPS and browser protections from the environment: the proxy's scheme header and the
content security policy (docs/security.md)."""

import re

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

CSP_MODES = ("enforce", "report-only", "off")

# An HTTP header name is a token (RFC 9110 §5.1); Django sees it in request.META upper-cased,
# with "-" as "_" and an HTTP_ prefix.
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")


def proxy_ssl_header(header: str, *, variable: str = "KUNSKAPSNAV_PROXY_SSL_HEADER") -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER for the header a TLS-terminating proxy sets to "https"
    (X-Forwarded-Proto, say); None for an empty name: no header is trusted then."""
    header = header.strip()
    if not header:
        return None
    if not _HEADER_NAME.match(header):
        raise ImproperlyConfigured(f"{variable} must be an HTTP header name such as X-Forwarded-Proto, got {header!r}")
    return ("HTTP_" + header.upper().replace("-", "_"), "https")


def csp_directives(*, form_action_origins: list[str]) -> dict[str, list[str]]:
    """The policy: everything from the site itself, nothing inline, no eval.

    img-src allows data: for the chart export menu (vega-embed makes PNG and SVG data URLs).
    form-action allows the identity providers: the logout form is answered with a redirect
    to the provider's end-session endpoint, and browsers hold that redirect to form-action.
    """
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *form_action_origins],
    }


def csp_settings(mode: str, *, form_action_origins: list[str], variable: str = "KUNSKAPSNAV_CSP") -> dict:
    """CONTENT_SECURITY_POLICY and CONTENT_SECURITY_POLICY_REPORT_ONLY (django-csp) for a mode:
    enforce, report-only (the browser reports what it would block, and blocks nothing) or off."""
    chosen = mode.strip().lower()
    if chosen not in CSP_MODES:
        raise ImproperlyConfigured(f"{variable} must be one of {', '.join(CSP_MODES)}, got {mode!r}")
    policy = {"DIRECTIVES": csp_directives(form_action_origins=form_action_origins)}
    return {
        "CONTENT_SECURITY_POLICY": policy if chosen == "enforce" else None,
        "CONTENT_SECURITY_POLICY_REPORT_ONLY": policy if chosen == "report-only" else None,
    }
