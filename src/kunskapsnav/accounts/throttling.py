"""Login throttling: failed password logins are counted by django-axes (settings.AXES_*,
docs/authentication.md).

The rule: an account that fails LOGIN_FAILURE_LIMIT times from one address within the
cool-off is paused from that address until the cool-off has passed since its last failure;
the same account from elsewhere, and other accounts from the same address, log in as before.
An address from which LOGIN_ADDRESS_FAILURE_LIMIT failures were made, over any accounts, is
paused for every account: that slows down trying one password on many accounts.
"""

from django.conf import settings
from django.db.models import Sum

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt

from kunskapsnav.lib.addresses import address_block, client_address


def login_client_address(request) -> str | None:
    """The address the throttle counts by (AXES_CLIENT_IP_CALLABLE): the client's address by
    the site's one rule, as its block (an IPv6 /64 counts as one address, since its holder
    may use any address in it). None when the address is no address at all (a proxy header
    with something else in it): axes stores it in an address column."""
    block = address_block(client_address(request))
    return str(block.network_address) if block is not None else None


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, over all accounts."""
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER), with the per-address limit added.

    axes compares one count with one limit. Its count here is the account's failures from
    this address (AXES_LOCKOUT_PARAMETERS); an address over its own limit reads as an account
    at its limit, so that axes pauses the login, says so, and keeps counting as usual. The
    address is not a lockout parameter of its own: axes would then also forget the address's
    failures at every successful login from it, which a sprayer with one account of their own
    could use.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        if limit and address_failures(request) >= limit:
            request.login_paused_for_address = True
            return max(failures, get_failure_limit(request, credentials))
        return failures
