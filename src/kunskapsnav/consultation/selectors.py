"""What each side of a remiss sees."""

from django.db.models import Q
from django.utils import timezone

from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Membership

from . import permissions
from .models import Answer, AnswerStatus, Comment, ConsultationRound, Invitation


def invitations_for(user):
    """The invitations of rounds not yet closed that the user works on: as coordinator of the
    region, or given the remiss personally or through a body."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    today = timezone.localdate()
    bodies = Membership.objects.active_on(today).filter(person__user=user).values("body_id")
    return (
        Invitation.objects.filter(round__closes_on__gte=today)
        .filter(Q(region_id__in=registry.coordinated_regions_subquery(user)) | Q(assignments__person__user=user)
                | Q(assignments__body_id__in=bodies))
        .distinct()
        .select_related("round__version__support", "region", "answer")
        .order_by("round__closes_on", "pk")
    )


def internal_comments_visible_to(user, round_: ConsultationRound):
    """Internal comments never leave their party: each user sees those of the parties they
    coordinate or were assigned by."""
    invitations = [i for i in round_.invitations.all() if permissions.can_comment(user, i)]
    return Comment.objects.filter(invitation__in=invitations).select_related("invitation", "recommendation")


def answers_visible_to(user, round_: ConsultationRound):
    """The national side reads submitted answers; a party reads its own answer, draft or not."""
    own = [i.pk for i in round_.invitations.all() if permissions.can_coordinate(user, i)]
    submitted = permissions.can_read_submitted_answers(user, round_)
    answers = Answer.objects.filter(invitation__round=round_).select_related("invitation")
    return [a for a in answers if a.invitation_id in own or (submitted and a.status == AnswerStatus.SUBMITTED)]
