"""Who may do what with needs. The one home of these rules: the domain functions call them
before they write, pages and the API ask them what to show, and the permission matrix test
imports them.

- Submitting: anyone signed in (people who work in the system). A need is sent on behalf of
  a body where the submitter holds a seat today, or of an organisation they name (a kommun,
  a profession's association, a patient organisation). The named organisation is a label,
  shown as stated; it gives no right.
- Triage: the body that owns the area, or SKS for a need without an area. Its chair, process
  leader and members triage, and national administrators. Never a contact person: a
  coordinator names their own region's contact person in any national body
  (organisation.permissions.can_manage_membership), so that seat is a relation the same user
  can make alone, and rights never come from one.
- Reading: people who work in the system read every need, with who sent it. The public reads
  decided and answered needs only, without the submitter, the party or the free texts of the
  submission, which may describe patients (selectors.public_fields).
"""

import datetime

from django.utils import timezone

from kunskapsnav.organisation.models import Body, BodyKind, Membership, Role
from kunskapsnav.organisation.permissions import is_national_admin

from .models import Need, NeedStatus

TRIAGE_ROLES = frozenset({Role.CHAIR, Role.PROCESS_LEADER, Role.MEMBER})
PUBLIC_STATUSES = (NeedStatus.DECIDED, NeedStatus.ANSWERED)


def _today() -> datetime.date:
    return timezone.localdate()


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def works_in_system(user) -> bool:
    """As for contact details (organisation.permissions.can_see_contact_details): every
    signed-in account."""
    return _signed_in(user)


def can_submit(user) -> bool:
    return _signed_in(user)


def submitting_bodies(user):
    """The bodies a user may send a need on behalf of: those where they hold a seat today."""
    if not _signed_in(user):
        return Body.objects.none()
    seats = Membership.objects.filter(person__user=user).active_on(_today()).values("body_id")
    return Body.objects.active().filter(pk__in=seats)


def sks_body() -> Body | None:
    return Body.objects.active().filter(kind=BodyKind.SKS).first()


def triage_body(need: Need) -> Body | None:
    """The NPO that owns the need's area, else SKS."""
    if need.area_id is not None:
        return need.area
    return sks_body()


def triaged_body_ids(user) -> frozenset[int]:
    """Bodies in whose triage the user takes part (NPOs and SKS)."""
    if not _signed_in(user):
        return frozenset()
    rows = (Membership.objects.filter(person__user=user, role__in=TRIAGE_ROLES,
                                      body__kind__in=[BodyKind.NPO, BodyKind.SKS], body__is_active=True)
            .active_on(_today()))
    return frozenset(rows.values_list("body_id", flat=True))


def can_triage(user, need: Need) -> bool:
    if is_national_admin(user):
        return True
    body = triage_body(need)
    return body is not None and body.pk in triaged_body_ids(user)


def can_read(user, need: Need) -> bool:
    return works_in_system(user) or need.status in PUBLIC_STATUSES
