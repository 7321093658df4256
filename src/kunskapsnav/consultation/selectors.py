"""What each side of a remiss sees."""

from . import permissions
from .models import Answer, AnswerStatus, Comment, ConsultationRound


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
