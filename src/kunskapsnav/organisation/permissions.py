"""Who may change what in the registry. The one home of these rules: domain functions call
them before they write, templates ask them only to hide buttons, and the role × region test
matrix imports them.

Roles follow from the user's flags and from their memberships today:
- national administrator (User.national_admin or superuser): everything;
- regional coordinator: a chair, process leader or member of a region's kunskapsstödsgrupp,
  for that region's bodies, memberships and people;
- national editor: the process leader of a body, for that body only;
- chair or member of a body, analyst and reader: no registry writes.
"""

import datetime

from django.utils import timezone

from .models import Body, BodyKind, Level, LEVEL_OF_KIND, Membership, Person, Role

# Roles in a kunskapsstödsgrupp that make someone their region's coordinator.
COORDINATOR_ROLES = frozenset({Role.CHAIR, Role.PROCESS_LEADER, Role.MEMBER})


def _today() -> datetime.date:
    return timezone.localdate()


def is_national_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.national_admin or user.is_superuser))


def _active_memberships(user):
    if not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.filter(person__user=user).active_on(_today()).filter(body__is_active=True)


def coordinated_regions_subquery(user):
    """Regions whose kunskapsstödsgrupp the user sits in as chair, process leader or member,
    as a subquery: a filter of a list asks it in its own query, not in one more."""
    rows = _active_memberships(user).filter(body__kind=BodyKind.SUPPORT_GROUP, role__in=COORDINATOR_ROLES)
    return rows.values("body__region_id")


def coordinated_region_ids(user) -> frozenset[int]:
    return frozenset(coordinated_regions_subquery(user).values_list("body__region_id", flat=True))


def edited_bodies_subquery(user):
    """Bodies the user leads as process leader (a national editor of an NPO, for example), as
    a subquery."""
    return _active_memberships(user).filter(role=Role.PROCESS_LEADER).values("body_id")


def edited_body_ids(user) -> frozenset[int]:
    return frozenset(edited_bodies_subquery(user).values_list("body_id", flat=True))


def is_coordinator(user) -> bool:
    return bool(coordinated_region_ids(user))


def can_create_body(user, *, kind: str, region_id: int | None) -> bool:
    if is_national_admin(user):
        return True
    return LEVEL_OF_KIND.get(kind) == Level.LOCAL and region_id in coordinated_region_ids(user)


def can_create_any_body(user) -> bool:
    return is_national_admin(user) or is_coordinator(user)


def can_edit_body(user, body: Body) -> bool:
    if is_national_admin(user):
        return True
    if body.region_id is not None and body.region_id in coordinated_region_ids(user):
        return True
    return body.pk in edited_body_ids(user)


def can_manage_membership(user, *, body: Body, role: str, represents_region_id: int | None) -> bool:
    """Those who edit the body manage its memberships. A coordinator also names their own
    region's contact person in a national body: Region Örebro län requires an LPO or a named
    contact person for every NPO."""
    if can_edit_body(user, body):
        return True
    return (
        role == Role.CONTACT
        and body.level == Level.NATIONAL
        and represents_region_id is not None
        and represents_region_id in coordinated_region_ids(user)
    )


def may_add_memberships(user, body: Body) -> bool:
    """Whether to offer the form at all; can_manage_membership decides each membership."""
    return can_edit_body(user, body) or (body.level == Level.NATIONAL and is_coordinator(user))


def can_create_person(user) -> bool:
    return is_national_admin(user) or is_coordinator(user) or bool(edited_body_ids(user))


def can_edit_person(user, person: Person) -> bool:
    if is_national_admin(user):
        return True
    if person.user_id is not None and person.user_id == user.pk:
        return True
    return person.home_region_id is not None and person.home_region_id in coordinated_region_ids(user)


def can_see_contact_details(user) -> bool:
    """E-mail addresses are for people who work in the system, not for the public."""
    return bool(user.is_authenticated and user.is_active)


def can_see_change_authors(user) -> bool:
    """Who made a change is personal data of the one who made it (a username): for people who
    work in the system. The public sees what changed and when."""
    return bool(user.is_authenticated and user.is_active)


def can_look_up_anyone(user) -> bool:
    """People who work in the system find everyone in the registry. The public finds a person
    only through a seat they hold or have held (organisation.selectors.people_visible_to):
    not a representative in a region's pool, a nominee or someone just added, who have no
    public role and, for a patient representative, would give away something about their
    health."""
    return bool(user.is_authenticated and user.is_active)
