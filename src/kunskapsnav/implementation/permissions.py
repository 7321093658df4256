"""Who may see and do what in an adoption.

- The region's coordinators (its kunskapsstödsgrupp) run the process: every stage move,
  decisions, the decision order, sharing.
- Those responsible for the adoption (active members of the responsible local body, or the
  responsible contact person) work on the gap analysis and the actions, and move the
  adoption from kartläggning to beslut and from implementering to uppföljning.
- A region's work in progress is seen by the region (its coordinators and the people in its
  local bodies) and by the national side (national administrators, analysts, members of
  national bodies); other regions and the public see it once the region shares it. A
  region's contact person for a national body is not a member of it: any coordinator names
  their region's contact (organisation.permissions.can_manage_membership), and that must
  not open every other region's work to them.
"""

from functools import cached_property

from django.utils import timezone

from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import KINDS_BY_LEVEL, Level, Membership, Role

from .models import Adoption, Stage

# Moves the responsible body may make itself; the coordinators make every move.
RESPONSIBLE_MOVES = {(Stage.MAPPING, Stage.DECISION), (Stage.IMPLEMENTATION, Stage.FOLLOW_UP)}


def _memberships(user):
    if not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.active_on(timezone.localdate()).filter(person__user=user, body__is_active=True)


class Access:
    """One user's answers to the questions below, each asked of the database at most once.
    A page that asks several of them (the region dashboard: what the user may see, whether
    they coordinate the region, whether they see all of its work) makes one per request and
    passes it along. Not kept longer than a request: memberships change."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def national_side(self) -> bool:
        user = self.user
        if registry.is_national_admin(user):
            return True
        if user.is_authenticated and user.is_active and getattr(user, "analyst", False):
            return True
        return _memberships(user).filter(body__kind__in=KINDS_BY_LEVEL[Level.NATIONAL]).exclude(
            role=Role.CONTACT).exists()

    @cached_property
    def coordinated_region_ids(self) -> frozenset[int]:
        return registry.coordinated_region_ids(self.user)

    @cached_property
    def region_ids(self) -> frozenset[int]:
        """The regions whose work in progress the user sees as one of their own."""
        ids = set(self.coordinated_region_ids)
        ids.update(_memberships(self.user).filter(body__kind__in=KINDS_BY_LEVEL[Level.LOCAL])
                   .values_list("body__region_id", flat=True))
        return frozenset(ids)

    def can_coordinate(self, region_id: int) -> bool:
        return registry.is_national_admin(self.user) or region_id in self.coordinated_region_ids

    def sees_all_of(self, region_id: int) -> bool:
        """All of the region's work, not only what it has shared."""
        return self.national_side or region_id in self.region_ids


def is_national_side(user) -> bool:
    return Access(user).national_side


def region_ids_of(user) -> frozenset[int]:
    """The regions whose work in progress the user sees as one of their own."""
    return Access(user).region_ids


def can_see(user, adoption: Adoption) -> bool:
    return adoption.is_public or Access(user).sees_all_of(adoption.region_id)


def can_see_participant_names(user) -> bool:
    """The patients, users and relatives taking part in an adoption are named to people who
    work in the system; a shared adoption shows the public how many take part, not who: being
    a patient representative says something about one's health."""
    return bool(user.is_authenticated and user.is_active)


def can_coordinate(user, region_id: int) -> bool:
    return Access(user).can_coordinate(region_id)


def can_work_on_region(user, region) -> bool:
    return can_coordinate(user, region.pk)


def is_responsible(user, responsibility) -> bool:
    """An active member of a responsible body (not a patient representative's seat alone),
    or the responsible contact person."""
    if not user.is_authenticated:
        return False
    bodies = [b.pk for b in responsibility.bodies]
    if bodies and _memberships(user).filter(body_id__in=bodies).exclude(role=Role.PATIENT_REPRESENTATIVE).exists():
        return True
    return any(p.user_id == user.pk for p in responsibility.contacts)


def can_work_on(user, adoption: Adoption, responsibility) -> bool:
    """The gap analysis and the actions."""
    return can_coordinate(user, adoption.region_id) or is_responsible(user, responsibility)


def can_move(user, adoption: Adoption, to: str, responsibility) -> bool:
    if can_coordinate(user, adoption.region_id):
        return True
    return (adoption.stage, to) in RESPONSIBLE_MOVES and is_responsible(user, responsibility)
