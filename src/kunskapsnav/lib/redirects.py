"""Where a form sends the user when it is done: back to the page that asked (`next`), but only
if that page is on this site. Anything else (another site, `//evil.example`, a
`javascript:` address, plain http from an https page) is ignored for the form's own target.
This is the rule Django's log-in page applies; every other form that takes `next` asks here.
"""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default, *, name: str = "next") -> str:
    """The request's `next` (from the form, else from the address) if it stays on this
    site, otherwise `default`: a URL, a URL name or a model with get_absolute_url."""
    target = request.POST.get(name) or request.GET.get(name)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)
