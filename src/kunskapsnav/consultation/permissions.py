"""Who may do what in a remiss.

- A region's coordinators run the region's side: distribute, compile, sign and submit.
- Those the region assigned (a body's active members, or a named person) comment inside it.
- The support's editors (national side) read submitted answers, never internal comments,
  respond to each point and publish the compilation; from then on everyone reads it.
- Invitations of kommuner and organisations are handled by national administrators until
  those parties have accounts of their own in the registry.
"""

from django.utils import timezone

from kunskapsnav.knowledge import permissions as knowledge_permissions
from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Membership

from .models import Invitation


def can_coordinate(user, invitation: Invitation) -> bool:
    if registry.is_national_admin(user):
        return True
    return invitation.region_id is not None and invitation.region_id in registry.coordinated_region_ids(user)


def _is_assigned(user, invitation: Invitation) -> bool:
    if not user.is_authenticated:
        return False
    if invitation.assignments.filter(person__user=user).exists():
        return True
    bodies = invitation.assignments.filter(body__isnull=False).values("body_id")
    return Membership.objects.active_on(timezone.localdate()).filter(person__user=user, body_id__in=bodies).exists()


def can_comment(user, invitation: Invitation) -> bool:
    """Also who may read the party's internal comments."""
    return can_coordinate(user, invitation) or _is_assigned(user, invitation)


def can_open_round(user, version) -> bool:
    return knowledge_permissions.can_edit_support(user, version.support)


def can_invite(user, round_, *, region=None) -> bool:
    """Editors invite any party; in an open remiss a coordinator enters their own region."""
    if knowledge_permissions.can_edit_support(user, round_.version.support):
        return True
    return round_.open_to_all and region is not None and region.pk in registry.coordinated_region_ids(user)


def can_respond(user, round_) -> bool:
    """The owning body's editors open the round, respond to the answers and publish."""
    return knowledge_permissions.can_edit_support(user, round_.version.support)


def can_read_submitted_answers(user, round_) -> bool:
    """Before publication only the owning body reads the answers; after it, everyone."""
    return round_.compilation_published_at is not None or can_respond(user, round_)
