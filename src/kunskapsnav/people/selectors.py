"""Reads about people: a person's declaration and what it allows, the assessor's queue, the
seats that lack a valid declaration, the coordinator's overview."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kunskapsnav.organisation.models import Body, KINDS_BY_LEVEL, Level, Membership, Person, Role
from kunskapsnav.organisation.permissions import coordinated_region_ids, is_national_admin

from .models import (
    Assessment, Assessor, CallStatus, ClaimStatus, CompensationClaim, Declaration, DeclarationStatus, Nomination,
    NominationCall, NominationStatus,
)

# Seats for which the national system requires an assessed declaration: every national and
# healthcare-regional body. A region's contact person for an NPO holds no seat in it.
DECLARATION_REQUIRED_KINDS = KINDS_BY_LEVEL[Level.NATIONAL] | KINDS_BY_LEVEL[Level.HEALTHCARE_REGIONAL]
NOT_A_SEAT = frozenset({Role.CONTACT})

VALID, PENDING, LAPSED, NOT_ELIGIBLE, MISSING = "giltig", "bedoms", "utgangen", "ej_valbar", "saknas"
CLEARANCE_LABELS = {
    VALID: _("Jävsdeklaration bedömd"),
    PENDING: _("Jävsdeklaration väntar på bedömning"),
    LAPSED: _("Jävsdeklarationen har gått ut"),
    NOT_ELIGIBLE: _("Bedömd som ej valbar"),
    MISSING: _("Jävsdeklaration saknas"),
}


@dataclass(frozen=True)
class Clearance:
    """What a person's current declaration allows on a day."""

    status: str
    declaration: Declaration | None

    @property
    def label(self) -> str:
        return str(CLEARANCE_LABELS[self.status])

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def measures(self) -> str:
        if self.declaration is None or self.declaration.assessment != Assessment.MEASURES:
            return ""
        return self.declaration.measures


def current_declaration(person: Person) -> Declaration | None:
    return person.declarations.exclude(status=DeclarationStatus.SUPERSEDED).first()


def clearance(person: Person, day: datetime.date, *, declaration: Declaration | None = ...) -> Clearance:
    if declaration is ...:
        declaration = current_declaration(person)
    if declaration is None:
        return Clearance(MISSING, None)
    if declaration.status == DeclarationStatus.SUBMITTED:
        return Clearance(PENDING, declaration)
    if declaration.assessment == Assessment.NOT_ELIGIBLE:
        return Clearance(NOT_ELIGIBLE, declaration)
    if declaration.valid_until < day:
        return Clearance(LAPSED, declaration)
    return Clearance(VALID, declaration)


def clearances(person_ids, day: datetime.date) -> dict[int, Clearance]:
    """The clearance of many people in one query."""
    current = {d.person_id: d for d in Declaration.objects.filter(person_id__in=set(person_ids)).exclude(
        status=DeclarationStatus.SUPERSEDED)}
    return {pk: clearance(None, day, declaration=current.get(pk)) for pk in set(person_ids)}


def requires_declaration(membership: Membership) -> bool:
    return membership.body.kind in DECLARATION_REQUIRED_KINDS and membership.role not in NOT_A_SEAT


@dataclass(frozen=True)
class Seat:
    membership: Membership
    clearance: Clearance | None  # None where the body requires no declaration

    @property
    def flagged(self) -> bool:
        return self.clearance is not None and not self.clearance.ok


def seats(memberships, day: datetime.date, *, known: dict[int, Clearance] | None = None) -> list[Seat]:
    """The memberships with the clearance each needs (`known`: clearances the caller has
    already read today, by person)."""
    memberships = list(memberships)
    known = known or {}
    found = known | clearances([m.person_id for m in memberships if m.person_id not in known], day)
    return [Seat(m, found[m.person_id] if requires_declaration(m) else None) for m in memberships]


def body_seats(body: Body, day: datetime.date) -> list[Seat]:
    """The body's seats on the day and those that begin later (a newly appointed member)."""
    members = body.memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).select_related(
        "person", "body").order_by("start_date", "role", "person__family_name")
    return seats(members, day)


def conflict_measures(user, body: Body | None, day: datetime.date) -> list[tuple[Membership, str]]:
    """The measures that handle the conflicts of interest of the body's members, for those who
    work in the system: shown wherever the body's work is shown."""
    from .permissions import can_see_seat_clearance

    if body is None or not can_see_seat_clearance(user):
        return []
    members = list(body.memberships.active_on(day).select_related("person").order_by("person__family_name"))
    found = clearances([m.person_id for m in members], day)
    return [(m, found[m.person_id].measures) for m in members if found[m.person_id].measures]


def flagged_seats(day: datetime.date, *, region_ids=None) -> list[Seat]:
    """Active seats that need a declaration and have no valid one; for a coordinator, the
    seats of people from their regions."""
    members = Membership.objects.active_on(day).filter(body__kind__in=DECLARATION_REQUIRED_KINDS,
                                                       body__is_active=True).exclude(role__in=NOT_A_SEAT)
    if region_ids is not None:
        members = members.filter(person__home_region_id__in=region_ids)
    members = members.select_related("person", "body").order_by("person__family_name", "body__name")
    return [seat for seat in seats(members, day) if seat.flagged]


def lapsing(day: datetime.date, *, region_ids=None):
    """Assessed declarations that lapse within the reminder period (or have lapsed)."""
    until = day + datetime.timedelta(days=settings.DECLARATION_REMINDER_DAYS)
    rows = Declaration.objects.filter(status=DeclarationStatus.ASSESSED, valid_until__lte=until).exclude(
        assessment=Assessment.NOT_ELIGIBLE)
    if region_ids is not None:
        rows = rows.filter(person__home_region_id__in=region_ids)
    return rows.select_related("person").order_by("valid_until")


def assessor_queue(user):
    """Declarations waiting for this user's assessment."""
    from .permissions import assessor_region_ids

    regions = assessor_region_ids(user)
    waiting = Declaration.objects.filter(status=DeclarationStatus.SUBMITTED).exclude(person__user=user)
    condition = Q(person__home_region_id__in=regions)
    if is_national_admin(user):
        without_assessor = Assessor.objects.values("region_id")
        condition |= Q(person__home_region__isnull=True) | ~Q(person__home_region_id__in=without_assessor)
    return waiting.filter(condition).select_related("person", "person__home_region").order_by("submitted_at")


def calls_visible_to(user):
    """Published and closed calls for everyone; drafts for those who may manage them."""
    from .permissions import can_manage_call

    calls = NominationCall.objects.select_related("body", "represents_region", "represents_healthcare_region")
    public = calls.exclude(status=CallStatus.DRAFT)
    drafts = [c.pk for c in calls.filter(status=CallStatus.DRAFT) if can_manage_call(user, c.body)]
    return (public | calls.filter(pk__in=drafts)).order_by("-closes_on", "body__name")


def nominations_waiting(user):
    """In-progress nominations whose next step this user may take."""
    from .chain import those_user_may_decide
    from .permissions import DECIDING_ROLES

    # Cheap first: only national administrators and those who sit in a body with a deciding
    # role can take any step (permissions.can_decide_step); the start page asks everyone.
    if not user.is_authenticated:
        return []
    if not is_national_admin(user) and not Membership.objects.filter(
            person__user=user, role__in=DECIDING_ROLES).active_on(timezone.localdate()).exists():
        return []
    rows = Nomination.objects.filter(status=NominationStatus.IN_PROGRESS).select_related(
        "call__body__parent", "home_region", "call__represents_region").prefetch_related("decisions")
    return those_user_may_decide(user, rows)


def coordinator_overview(user, day: datetime.date) -> dict:
    regions = None if is_national_admin(user) else coordinated_region_ids(user)
    nominations = Nomination.objects.filter(status__in=[NominationStatus.IN_PROGRESS, NominationStatus.APPROVED])
    claims = CompensationClaim.objects.filter(status=ClaimStatus.SUBMITTED)
    if regions is not None:
        nominations = nominations.filter(Q(call__represents_region_id__in=regions)
                                         | Q(call__represents_region__isnull=True, home_region_id__in=regions))
        claims = claims.filter(assignment__representative__region_id__in=regions)
    return {
        "nominations": nominations.select_related("call__body", "home_region").order_by("created_at"),
        "lapsing": lapsing(day, region_ids=regions),
        "flagged": flagged_seats(day, region_ids=regions),
        "claims": claims.exclude(submitted_by=user).select_related("assignment__representative__person"),
    }


def declaration_to_renew(person: Person, day: datetime.date, *, memberships=None) -> Clearance | None:
    """The person's own declaration when they should act on it: missing or lapsed (or
    judged not eligible) while a seat of theirs or an approved nomination requires one, or
    lapsing within the reminder period."""
    found = clearance(person, day)
    if found.status == PENDING:
        return None  # nothing for the person to do; the assessor has it
    if found.status == VALID:
        soon = day + datetime.timedelta(days=settings.DECLARATION_REMINDER_DAYS)
        return found if found.declaration.valid_until <= soon else None
    if memberships is None:
        memberships = person.memberships.active_on(day).select_related("body")
    if any(requires_declaration(m) for m in memberships):
        return found
    return found if person.nominations.filter(status=NominationStatus.APPROVED).exists() else None


def own_person(user) -> Person | None:
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("home_region").first()

