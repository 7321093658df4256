"""The invited party's side of a remiss: internal assignments and comments, and the one
compiled answer that is signed, submitted (and then locked), or withdrawn before the
deadline."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions, tasks
from .models import Answer, AnswerItem, AnswerStatus, Assignment, Comment, CommentKind, Invitation
from .rounds import accepting_answers


def _invitation(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("round__version").get(pk=invitation.pk)


def _answer(invitation: Invitation) -> Answer:
    answer, _created = Answer.objects.select_for_update().get_or_create(invitation=invitation)
    return answer


def _check_recommendation(invitation: Invitation, recommendation):
    if recommendation is not None and recommendation.version_id != invitation.round.version_id:
        raise ValidationError({"recommendation": [_("Rekommendationen hör inte till versionen på remiss.")]})


@transaction.atomic
def assignment_add(*, by, invitation: Invitation, due_on: datetime.date, body=None, person=None, note: str = ""):
    invitation = _invitation(invitation)
    if not permissions.can_coordinate(by, invitation):
        raise PermissionDenied(_("Bara regionens samordnare fördelar remissen."))
    if (body is None) == (person is None):
        raise ValidationError({"body": [_("Fördela till ett organ eller till en person.")]})
    if body is not None and body.region_id != invitation.region_id:
        raise ValidationError({"body": [_("Fördela till ett organ i den egna regionen.")]})
    if due_on > invitation.round.closes_on:
        raise ValidationError({"due_on": [_("Det interna svarsdatumet måste ligga före remissens sista svarsdag, %(day)s.")
                                          % {"day": invitation.round.closes_on.isoformat()}]})
    assignment = Assignment(invitation=invitation, body=body, person=person, due_on=due_on, note=note)
    assignment._history_user = by
    assignment.save()
    tasks.schedule_assignee_reminder(assignment)
    return assignment


@transaction.atomic
def comment_add(*, by, invitation: Invitation, text: str, kind: str = CommentKind.SUBSTANCE, recommendation=None,
                section: str = "", proposed_text: str = "", at: datetime.datetime | None = None) -> Comment:
    invitation = _invitation(invitation)
    if not permissions.can_comment(by, invitation):
        raise PermissionDenied(_("Du har inte fått remissen av din region och kan inte lämna synpunkter."))
    accepting_answers(invitation.round, at=at or timezone.now())
    _check_recommendation(invitation, recommendation)
    if not text.strip():
        raise ValidationError({"text": [_("Skriv din synpunkt.")]})
    comment = Comment(invitation=invitation, recommendation=recommendation, section=section.strip(), kind=kind,
                      text=text.strip(), proposed_text=proposed_text.strip(), author=by)
    comment._history_user = by
    comment.save()
    return comment


def _editable_answer(by, invitation: Invitation, at: datetime.datetime | None) -> tuple[Invitation, Answer]:
    invitation = _invitation(invitation)
    if not permissions.can_coordinate(by, invitation):
        raise PermissionDenied(_("Bara regionens samordnare sammanställer och skickar remissvaret."))
    accepting_answers(invitation.round, at=at or timezone.now())
    return invitation, _answer(invitation)


@transaction.atomic
def answer_compose(*, by, invitation: Invitation, summary: str, signed_by: str, items: list[dict],
                   at: datetime.datetime | None = None) -> Answer:
    """Replace the draft answer: each item a point with text, kind, recommendation, section,
    proposed text and the internal comments it was made from."""
    invitation, answer = _editable_answer(by, invitation, at)
    if answer.status == AnswerStatus.SUBMITTED:
        raise ValidationError(_("Remissvaret är inskickat och låst. Dra tillbaka det först för att ändra det."))
    own_comments = set(invitation.comments.values_list("pk", flat=True))
    for item in items:
        _check_recommendation(invitation, item.get("recommendation"))
        if not item.get("text", "").strip():
            raise ValidationError({"items": [_("Varje punkt i remissvaret behöver en text.")]})
        if {c.pk for c in item.get("from_comments", [])} - own_comments:
            raise ValidationError({"items": [_("Ett remissvar byggs bara av den egna regionens synpunkter.")]})
    answer.summary, answer.signed_by = summary.strip(), signed_by.strip()
    answer._history_user = by
    answer.save()
    answer.items.all().delete()
    for item in items:
        row = AnswerItem.objects.create(
            answer=answer, recommendation=item.get("recommendation"), section=item.get("section", ""),
            kind=item.get("kind", CommentKind.SUBSTANCE), text=item["text"].strip(),
            proposed_text=item.get("proposed_text", "").strip(),
        )
        row.from_comments.set(item.get("from_comments", []))
    return answer


@transaction.atomic
def answer_submit(*, by, invitation: Invitation, at: datetime.datetime | None = None) -> Answer:
    invitation, answer = _editable_answer(by, invitation, at)
    if answer.status == AnswerStatus.SUBMITTED:
        raise ValidationError(_("Remissvaret är redan inskickat."))
    if not answer.signed_by:
        raise ValidationError({"signed_by": [_("Ange vem som undertecknar remissvaret.")]})
    if not answer.items.exists() and not answer.summary:
        raise ValidationError(_("Remissvaret är tomt. Lägg till minst en punkt eller en sammanfattning."))
    answer.status, answer.submitted_at = AnswerStatus.SUBMITTED, at or timezone.now()
    answer._history_user = by
    answer.save()
    return answer


@transaction.atomic
def answer_withdraw(*, by, invitation: Invitation, at: datetime.datetime | None = None) -> Answer:
    invitation, answer = _editable_answer(by, invitation, at)
    if answer.status != AnswerStatus.SUBMITTED:
        raise ValidationError(_("Remissvaret är inte inskickat."))
    answer.status, answer.submitted_at = AnswerStatus.DRAFT, None
    answer._change_reason = "Återkallat"
    answer._history_user = by
    answer.save()
    return answer
