"""Questions the pages and the API ask of the registry. One function per question, so that
every page and endpoint gets the same answer."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from kunskapsnav.lib.history import history_of

from .permissions import COORDINATOR_ROLES
from .models import Body, BodyKind, Level, Membership, Municipality, Person, Region, Role

BODY_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "kind": ("kind", "name"),
    "-kind": ("-kind", "name"),
    "owner": ("region__name", "healthcare_region__name", "name"),
    "-owner": ("-region__name", "-healthcare_region__name", "name"),
}


def bodies_search(
    *,
    q: str = "",
    level: str | None = None,
    kind: str | None = None,
    region=None,
    healthcare_region=None,
    mirrors=None,
    include_inactive: bool = False,
    sort: str = "name",
) -> QuerySet[Body]:
    qs = Body.objects.select_related("region", "healthcare_region", "mirrors", "host_region")
    if not include_inactive:
        qs = qs.active()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q) | Q(mirrors__name__icontains=q))
    if level:
        qs = qs.at_level(level)
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        # A region's bodies, and the bodies of its sjukvårdsregion it takes part in.
        qs = qs.filter(Q(region=region) | Q(healthcare_region_id=region.healthcare_region_id))
    if healthcare_region is not None:
        qs = qs.filter(Q(healthcare_region=healthcare_region) | Q(region__healthcare_region=healthcare_region))
    if mirrors is not None:
        qs = qs.filter(mirrors=mirrors)
    return qs.order_by(*BODY_SORTS.get(sort, BODY_SORTS["name"]))


def memberships_of_body(body: Body, *, day: datetime.date | None = None) -> tuple[list, list]:
    """(current, ended or future) memberships of a body."""
    day = day or timezone.localdate()
    rows = list(
        body.memberships.select_related("person", "represents_region", "represents_healthcare_region").order_by(
            "role", "person__family_name", "start_date"
        )
    )
    current = [m for m in rows if m.is_active_on(day)]
    other = [m for m in rows if not m.is_active_on(day)]
    return current, other


def memberships_of_person(person: Person) -> QuerySet[Membership]:
    return person.memberships.select_related("body", "represents_region", "represents_healthcare_region").order_by(
        "-start_date"
    )


def time_allocated(person: Person, *, day: datetime.date | None = None) -> int:
    """Sum of the shares of working time of the person's memberships active on the day."""
    day = day or timezone.localdate()
    return sum(m.time_share or 0 for m in person.memberships.active_on(day))


def body_history(body: Body):
    return history_of(
        Body.history.filter(id=body.pk),
        Membership.history.filter(body_id=body.pk),
        subject=lambda r: str(r.instance),
    )


# Contact details and the HSA-id are personal data: their changes are shown only to those who
# may see them.
CONTACT_FIELDS = frozenset({"email", "hsa_id"})


def person_history(person: Person, *, show_contact: bool):
    return history_of(
        Person.history.filter(id=person.pk),
        subject=lambda r: str(r.instance),
        hidden_fields=frozenset() if show_contact else CONTACT_FIELDS,
    )


def region_history(region):
    """Changes to the region itself and to its kommuner (names, codes, belonging)."""
    return history_of(
        Region.history.filter(id=region.pk),
        Municipality.history.filter(region_id=region.pk),
        subject=lambda r: str(r.instance),
    )


def local_bodies_of_region(region) -> QuerySet[Body]:
    return Body.objects.active().at_level(Level.LOCAL).filter(region=region).select_related("mirrors")


def _emails(memberships) -> list[str]:
    """The user's address where the person has an account, else the registry's."""
    emails = set()
    for membership in memberships.select_related("person__user"):
        email = membership.person.contact_email
        if email:
            emails.add(email.lower())
    return sorted(emails)


def coordinator_emails(region, *, day: datetime.date | None = None) -> list[str]:
    """Addresses of the region's coordinators: those sitting in its kunskapsstödsgrupp."""
    memberships = Membership.objects.active_on(day or timezone.localdate()).filter(
        body__region=region, body__kind=BodyKind.SUPPORT_GROUP, body__is_active=True, role__in=COORDINATOR_ROLES)
    return _emails(memberships)


def body_lead_emails(body: Body, *, day: datetime.date | None = None) -> list[str]:
    """Addresses of those who answer for a body's work: its chairs and process leaders, or
    every member where it has neither."""
    active = Membership.objects.active_on(day or timezone.localdate()).filter(body=body)
    leads = active.filter(role__in=[Role.CHAIR, Role.PROCESS_LEADER])
    return _emails(leads if leads.exists() else active)
