"""Who may do what with calls, nominations, declarations and participation. The one home of
these rules: the domain functions call them before they write, pages and the API ask them
what to show, and the permission matrix test imports them.

- Calls: those who edit the body (organisation.permissions), and for a national working
  group also those who edit the NPO it belongs to.
- Nominations by a kunskapsstödsgrupp: the coordinators of the nominee's region, and a seat
  that represents a region only with people of that region.
- Each step of the chain: the members (chair, process leader, member) of the body that
  takes the step (people.chain), and national administrators.
- A declaration is seen by the person, national administrators, the coordinators and the
  designated assessors of the person's home region, and the chair of a body where the person
  holds a seat that the nomination chain made. It is assessed by a designated assessor of
  the person's region (national administrators for people without a region), never by the
  person.

  Reading a declaration derives only from relations the reader cannot make alone. A chair
  can add anyone to their body, and a coordinator can nominate or give a pool assignment:
  none of that makes a declaration readable. A seat made by the chain can be: the chain
  starts with the kunskapsstödsgrupp of the person's own region, which already reads the
  declaration. A home region is set by national administrators, by the person, or by the
  coordinators of the current one, and those only to a region they coordinate as well
  (organisation.people.person_update); a self-nominee is linked to a registry person only
  in the region they named (people.nominees).
- The pool, assignments and claims of a region: its coordinators, who add people of their
  own region only; a representative also sees their own entry and may claim for their own
  assignments; nobody approves a claim they submitted themselves.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from kunskapsnav.organisation.models import Body, BodyKind, Membership, Person, Role
from kunskapsnav.organisation.permissions import (
    can_edit_body, coordinated_region_ids, edited_body_ids, is_coordinator, is_national_admin,
)

from .models import (
    Assessor, CompensationClaim, Declaration, Nomination, NominationStatus, Representative,
)

# Roles in a body that may take the body's decision in the chain.
DECIDING_ROLES = frozenset({Role.CHAIR, Role.PROCESS_LEADER, Role.MEMBER})


def _today() -> datetime.date:
    return timezone.localdate()


def _person(user) -> Person | None:
    if not (user.is_authenticated and user.is_active):
        return None
    return Person.objects.filter(user=user).first()


def can_manage_call(user, body: Body) -> bool:
    if can_edit_body(user, body):
        return True
    return body.kind == BodyKind.NAG and body.parent_id is not None and can_edit_body(user, body.parent)


def call_bodies(user):
    """The active bodies can_manage_call allows, as one query: what the call form offers."""
    bodies = Body.objects.active()
    if is_national_admin(user):
        return bodies
    edited, regions = edited_body_ids(user), coordinated_region_ids(user)
    return bodies.filter(Q(region_id__in=regions) | Q(pk__in=edited)
                         | Q(kind=BodyKind.NAG, parent_id__in=edited) | Q(kind=BodyKind.NAG, parent__region_id__in=regions))


def can_manage_any_call(user) -> bool:
    """Whether to offer "new call" at all; can_manage_call decides each body."""
    return is_national_admin(user) or is_coordinator(user) or bool(edited_body_ids(user))


def can_nominate(user, person: Person) -> bool:
    """A kunskapsstödsgrupp nominates the people of its own region. Not anyone in the
    registry: a nomination shows the nominee's chain to those who handle it and can end in a
    seat whose chair reads the declaration, so it is no relation a group may make to a
    stranger. (A seat that represents a region takes people of that region: people.nominations.)"""
    if is_national_admin(user):
        return True
    return person.home_region_id is not None and person.home_region_id in coordinated_region_ids(user)


def is_member_of(user, body: Body | None) -> bool:
    if body is None or not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(person__user=user, body=body, role__in=DECIDING_ROLES).active_on(
        _today()).exists()


def can_decide_step(user, body: Body | None) -> bool:
    return is_national_admin(user) or is_member_of(user, body)


def can_handle_nomination(user, nomination: Nomination) -> bool:
    """Withdraw it or link it to a registry person: the region's coordinators."""
    return is_national_admin(user) or nomination.region.pk in coordinated_region_ids(user)


def can_withdraw_nomination(user, nomination: Nomination) -> bool:
    """The nominee themself, or those who handle the nomination."""
    own = (user.is_authenticated and nomination.person_id is not None
           and nomination.person.user_id is not None and nomination.person.user_id == user.pk)
    return own or can_handle_nomination(user, nomination)


def _deciding_memberships(user, kind):
    return Membership.objects.filter(person__user=user, role__in=DECIDING_ROLES, body__kind=kind,
                                     body__is_active=True).active_on(_today())


def nomination_readers_scope(user) -> Q:
    """The nominations the user may see, as a filter on Nomination: the region's
    kunskapsstödsgrupp, those who manage the call, the members of every body in its chain
    (people.chain: the region's RMKS, the sjukvårdsregion's KSG, the working group's NPO),
    and the nominee. The one rule, for a single nomination and for a list alike."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if is_national_admin(user):
        return Q()
    # The region a nomination is handled in: the one the seat represents, else the nominee's.
    def in_regions(ids):
        return Q(call__represents_region_id__in=ids) | Q(call__represents_region__isnull=True, home_region_id__in=ids)

    coordinated = coordinated_region_ids(user)
    edited = edited_body_ids(user)
    rmks_regions = set(_deciding_memberships(user, BodyKind.RMKS).values_list("body__region_id", flat=True))
    ksg_regions = set(_deciding_memberships(user, BodyKind.KSG).values_list("body__healthcare_region_id", flat=True))
    npos = set(_deciding_memberships(user, BodyKind.NPO).values_list("body_id", flat=True))
    return (in_regions(coordinated) | Q(call__body__region_id__in=coordinated) | Q(call__body_id__in=edited)
            | Q(call__body__kind=BodyKind.NAG, call__body__parent_id__in=edited)
            | in_regions(rmks_regions) | Q(call__represents_healthcare_region_id__in=ksg_regions)
            | Q(call__body__kind=BodyKind.NAG, call__body__parent_id__in=npos)
            | Q(person__user=user))


def can_see_nomination(user, nomination: Nomination) -> bool:
    return Nomination.objects.filter(nomination_readers_scope(user), pk=nomination.pk).exists()


def assessor_region_ids(user) -> frozenset[int]:
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    # Through the person's user in one query; no order (the model's joins two more tables).
    rows = Assessor.objects.filter(person__user=user).order_by()
    return frozenset(rows.values_list("region_id", flat=True))


def is_assessor(user) -> bool:
    return is_national_admin(user) or bool(assessor_region_ids(user))


def _chain_seated_person_ids(user) -> set[int]:
    """People who hold a seat that the nomination chain made (people.chain.seat_if_cleared),
    now or from a later day, in a body the user chairs today. A membership entered in the
    registry does not count: whoever edits a body can enter anyone, for a day if they like."""
    today = _today()
    chaired = Membership.objects.filter(person__user=user, role=Role.CHAIR, body__is_active=True).active_on(
        today).values("body_id")
    seats = Membership.objects.filter(body_id__in=chaired, nomination__status=NominationStatus.SEATED).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today))
    return set(seats.values_list("person_id", flat=True))


def declaration_readers_scope(user) -> Q:
    """The people whose declarations the user may see, as a filter on Person: the one rule,
    for a single person and for a list alike (see the module's docstring for why these)."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if is_national_admin(user):
        return Q()
    scope = Q(user=user)
    regions = coordinated_region_ids(user) | assessor_region_ids(user)
    if regions:
        scope |= Q(home_region_id__in=regions)
    seated = _chain_seated_person_ids(user)
    if seated:
        scope |= Q(pk__in=seated)
    return scope


def can_see_declarations_of(user, person: Person) -> bool:
    return Person.objects.filter(declaration_readers_scope(user), pk=person.pk).exists()


def can_see_declaration(user, declaration: Declaration) -> bool:
    return can_see_declarations_of(user, declaration.person)


def can_declare_for(user, person: Person) -> bool:
    """A declaration is the person's own statement."""
    return bool(user.is_authenticated and user.is_active and person.user_id == user.pk)


def can_assess(user, declaration: Declaration) -> bool:
    person = declaration.person
    if person.user_id is not None and person.user_id == user.pk:
        return False  # nobody assesses their own ties
    if person.home_region_id is None:
        return is_national_admin(user)
    return person.home_region_id in assessor_region_ids(user) or (
        is_national_admin(user) and not Assessor.objects.filter(region_id=person.home_region_id).exists())


def can_designate_assessor(user, region_id: int) -> bool:
    return is_national_admin(user) or region_id in coordinated_region_ids(user)


def can_manage_pool(user, region_id: int) -> bool:
    return is_national_admin(user) or region_id in coordinated_region_ids(user)


def can_add_to_pool(user, person: Person, region_id: int) -> bool:
    """A region's coordinators add people to its pool, but not people of another region: a
    pool entry is a relation to the person (their claims, their own data) that one region's
    group must not make to another's people."""
    if not can_manage_pool(user, region_id):
        return False
    return is_national_admin(user) or person.home_region_id in (None, region_id)


def can_see_representative(user, representative: Representative) -> bool:
    """The entry with its contact details."""
    if can_manage_pool(user, representative.region_id):
        return True
    return bool(user.is_authenticated and representative.person.user_id == user.pk)


def can_claim(user, assignment) -> bool:
    return can_manage_pool(user, assignment.representative.region_id) or bool(
        user.is_authenticated and assignment.representative.person.user_id == user.pk)


def can_decide_claim(user, claim: CompensationClaim) -> bool:
    if claim.submitted_by_id == user.pk:
        return False  # four eyes: the one who claims does not approve
    return can_manage_pool(user, claim.assignment.representative.region_id)


def can_see_expert_time(user) -> bool:
    return is_national_admin(user) or is_coordinator(user)


def can_see_seat_clearance(user) -> bool:
    """A seat's declaration status, and the measures that handle a conflict of interest, are
    for people who work in the system; the public sees only whether the declaration is assessed."""
    return bool(user.is_authenticated and user.is_active)
