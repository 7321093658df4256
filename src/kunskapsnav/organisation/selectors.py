"""Questions the pages and the API ask of the registry. One function per question, so that
every page and endpoint gets the same answer."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from kunskapsnav.lib.history import history_of

from .permissions import COORDINATOR_ROLES, can_look_up_anyone, can_see_change_authors
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


def people_visible_to(user) -> QuerySet[Person]:
    """The people of the registry the user may look up (a person's page, the API): everyone
    for people who work in the system; for the public, those who hold or have held a seat
    in a body (permissions.can_look_up_anyone)."""
    if can_look_up_anyone(user):
        return Person.objects.all()
    return Person.objects.filter(pk__in=Membership.objects.values("person_id"))


def body_history(body: Body, *, user):
    """The public sees what changed and when, not who changed it."""
    return history_of(
        Body.history.filter(id=body.pk),
        Membership.history.filter(body_id=body.pk),
        subject=lambda r: str(r.instance),
        authors=can_see_change_authors(user),
    )


def person_history(person: Person, *, user):
    """A person's own history (earlier names, titles, regions, addresses) is for people who
    work in the system only: None for the public, who have no use for it."""
    if not can_see_change_authors(user):
        return None
    return history_of(Person.history.filter(id=person.pk), subject=lambda r: str(r.instance))


def region_history(region, *, user):
    """Changes to the region itself and to its kommuner (names, codes, belonging); the public
    sees what changed and when, not who changed it."""
    return history_of(
        Region.history.filter(id=region.pk),
        Municipality.history.filter(region_id=region.pk),
        subject=lambda r: str(r.instance),
        authors=can_see_change_authors(user),
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
