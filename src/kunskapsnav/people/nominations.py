"""Nominations to a call: by a region's kunskapsstödsgrupp, or by the nominee themself
through the public form where the call allows it (national working groups)."""

import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.lib.addresses import address_block, client_address
from kunskapsnav.organisation.models import Person

from . import permissions
from .models import NominationCall, Nomination, NominationSource, NominationStatus, SelfNominationAttempt

logger = logging.getLogger(__name__)

OPEN_STATUSES = (NominationStatus.IN_PROGRESS, NominationStatus.APPROVED, NominationStatus.SEATED)


def sender_address(request) -> str:
    """The sender's network address, by the site's one rule (lib.addresses)."""
    return client_address(request)


def sender_block(address: str) -> str:
    """The network block the address belongs to, as the limit counts it (lib.addresses):
    the IPv4 address or the IPv6 /64. Something that is no address at all is counted as it is."""
    block = address_block(address)
    return str(block) if block is not None else address.strip()


def sender_key(address: str) -> str:
    """A keyed hash of the sender's address block: enough to count, not to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), sender_block(address).encode(), hashlib.sha256).hexdigest()


def _check_open(call: NominationCall):
    if not call.is_open_on(timezone.localdate()):
        raise ValidationError(_("Utlysningen är inte öppen för nomineringar."))


def _check_not_nominated(call: NominationCall, *, email: str = "", person: Person | None = None):
    same = call.nominations.filter(status__in=OPEN_STATUSES)
    if (person is not None and same.filter(person=person).exists()) or (
            email and same.filter(email__iexact=email).exists()):
        raise ValidationError(_("Personen är redan nominerad till den här utlysningen."))


def _check_represents(call: NominationCall, home_region, *, field: str, message: str):
    """A seat that represents a region is filled with people of that region, so that the
    region handling the nomination is always the nominee's own (Nomination.region)."""
    if call.represents_region_id is not None and call.represents_region_id != getattr(home_region, "pk", None):
        raise ValidationError({field: [message % {"region": call.represents_region}]})


def _over_the_limit(key: str) -> bool:
    since = timezone.now() - datetime.timedelta(hours=1)
    return SelfNominationAttempt.objects.filter(sender_key=key, created_at__gte=since).count() > \
        settings.SELF_NOMINATION_LIMIT_PER_HOUR


@transaction.atomic
def nomination_self_submit(*, call: NominationCall, sender: str, given_name: str, family_name: str, email: str,
                           title: str, home_region, motivation: str) -> Nomination | None:
    """A self-nomination from the public form or the API (already validated by the form).

    Returns the nomination, or None when nothing was stored: the sender is over the limit, or
    the address is already nominated to the call. Whoever asks is answered the same either
    way, and every submission counts towards the sender's limit whatever became of it, so
    that neither the answer nor the limit tells a stranger who is nominated. What depends on
    the call alone (not open, no self-nominations, a seat for another region) is refused."""
    call = NominationCall.objects.select_for_update().get(pk=call.pk)
    if not call.self_nomination_allowed:
        raise ValidationError(_("Den här utlysningen tar inte emot egna anmälningar."))
    _check_open(call)
    _check_represents(call, home_region, field="home_region",
                      message=_("Platsen företräder %(region)s. Anmäl dig bara om du arbetar där."))
    key = sender_key(sender)
    SelfNominationAttempt.objects.create(sender_key=key)
    if _over_the_limit(key):
        logger.warning("self-nomination to call %s: too many from one sender this hour, nothing stored", call.pk)
        return None
    if call.nominations.filter(status__in=OPEN_STATUSES, email__iexact=email.strip()).exists():
        logger.info("self-nomination to call %s: address already nominated, nothing stored", call.pk)
        return None
    nomination = Nomination.objects.create(
        call=call, source=NominationSource.SELF, given_name=given_name.strip(), family_name=family_name.strip(),
        email=email.strip().lower(), title=title.strip(), home_region=home_region, motivation=motivation.strip())
    logger.info("self-nomination %s to call %s", nomination.pk, call.pk)
    return nomination


@transaction.atomic
def nomination_create(*, by, call: NominationCall, person: Person, motivation: str) -> Nomination:
    """A nomination by the kunskapsstödsgrupp of the person's region."""
    call = NominationCall.objects.select_for_update().get(pk=call.pk)
    if person.home_region_id is None:
        raise ValidationError({"person": [_("Personen har ingen hemregion i registret. Ange den först.")]})
    if not permissions.can_nominate(by, person):
        raise PermissionDenied(_("Bara kunskapsstödsgruppen i personens region kan nominera personen."))
    _check_open(call)
    _check_represents(call, person.home_region, field="person",
                      message=_("Platsen företräder %(region)s. Nominera en person från %(region)s."))
    if not motivation.strip():
        raise ValidationError({"motivation": [_("Motivera nomineringen.")]})
    if not person.email:
        raise ValidationError({"person": [_("Personen saknar e-postadress i registret. Lägg till den först.")]})
    _check_not_nominated(call, person=person, email=person.email)
    return Nomination.objects.create(
        call=call, source=NominationSource.SUPPORT_GROUP, person=person, given_name=person.given_name,
        family_name=person.family_name, email=person.email.lower(), title=person.title,
        home_region=person.home_region, motivation=motivation.strip(), nominated_by=by)


@transaction.atomic
def nomination_withdraw(*, by, nomination: Nomination) -> Nomination:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not permissions.can_withdraw_nomination(by, nomination):
        raise PermissionDenied(_("Du får inte återkalla den här nomineringen."))
    if nomination.status not in (NominationStatus.IN_PROGRESS, NominationStatus.APPROVED):
        raise ValidationError(_("Nomineringen är redan avgjord och kan inte återkallas."))
    nomination.status = NominationStatus.WITHDRAWN
    nomination.save(update_fields=["status"])
    return nomination


def sender_keys_forget(*, now: datetime.datetime) -> int:
    """The limit needs the senders' keys for an hour; keep them a day, then forget them."""
    count, _deleted = SelfNominationAttempt.objects.filter(created_at__lt=now - datetime.timedelta(days=1)).delete()
    return count


def nominations_purge(*, now: datetime.datetime) -> int:
    """The retention rule for nominations that came to nothing (rejected or withdrawn): they
    go, with their steps, once they are older than the retention period. Approved ones stay
    as the basis of the seat."""
    cutoff = now - datetime.timedelta(days=settings.NOMINATION_RETENTION_DAYS)
    old = Nomination.objects.filter(status__in=[NominationStatus.REJECTED, NominationStatus.WITHDRAWN],
                                    created_at__lt=cutoff)
    count = old.count()
    old.delete()
    return count
