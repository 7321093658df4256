"""Remiss mail, run by the database-backed worker: the invitation to each invited region's
coordinators when the round opens, and reminders.

Each round and each internal assignment queues its own mail for the moment it falls due
(`run_after`); `remind_due` sweeps everything that is due, for a worker that was down at that
moment or a database restored from backup. Whichever runs, a reminder goes to an address
once: its row is claimed before the mail is sent.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kunskapsnav.organisation.selectors import body_lead_emails, coordinator_emails

from .models import STOCKHOLM, AnswerStatus, Assignment, ConsultationRound, Invitation, Reminder, ReminderKind

logger = logging.getLogger(__name__)

# Reminders go out in the morning, Swedish time, not at midnight.
SEND_AT = datetime.time(8, 0)


def party_reminder_at(round_: ConsultationRound) -> datetime.datetime:
    day = round_.closes_on - datetime.timedelta(days=settings.REMISS_PARTY_REMINDER_DAYS)
    return datetime.datetime.combine(max(day, round_.opens_on), SEND_AT, tzinfo=STOCKHOLM)


def assignee_reminder_at(assignment: Assignment) -> datetime.datetime:
    day = assignment.due_on - datetime.timedelta(days=settings.REMISS_ASSIGNEE_REMINDER_DAYS)
    return datetime.datetime.combine(day, SEND_AT, tzinfo=STOCKHOLM)


def _claim(**fields) -> Reminder | None:
    """The reminder row, if nobody has claimed it yet. The unique constraint decides between
    two workers; the loser gets None."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(**fields)
    except IntegrityError:
        return None


def _send(reminder: Reminder, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.email])
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _has_submitted(invitation: Invitation) -> bool:
    return Invitation.objects.filter(pk=invitation.pk, answer__status=AnswerStatus.SUBMITTED).exists()


def remind_parties_of(round_: ConsultationRound, *, now: datetime.datetime) -> int:
    """Remind the coordinators of every invited region that has not submitted an answer.
    Kommuner and organisations have no accounts yet: their reminders are the administrator's."""
    if not (party_reminder_at(round_) <= now < round_.closes_at):
        return 0
    support = round_.version.support
    subject = _("Påminnelse: remiss av %(title)s") % {"title": support.title}
    sent = 0
    for invitation in round_.invitations.filter(region__isnull=False).select_related("region"):
        if _has_submitted(invitation):
            continue
        body = _(
            "%(region)s har ännu inte skickat sitt remissvar på %(title)s. Sista svarsdag är %(day)s.\n\n"
            "Remissen: %(url)s\n"
        ) % {"region": invitation.region.name, "title": support.title, "day": round_.closes_on.isoformat(),
             "url": _url(invitation.get_absolute_url())}
        for email in coordinator_emails(invitation.region):
            reminder = _claim(kind=ReminderKind.PARTY, invitation=invitation, email=email)
            if reminder is not None:
                _send(reminder, subject, body)
                sent += 1
    return sent


def remind_assignees_of(assignment: Assignment, *, now: datetime.datetime) -> int:
    """Remind those given an internal assignment, unless the region has already answered."""
    invitation = assignment.invitation
    if not (assignee_reminder_at(assignment) <= now < invitation.round.closes_at) or _has_submitted(invitation):
        return 0
    if assignment.person_id:
        email = assignment.person.contact_email
        emails = [email.lower()] if email else []
    else:
        emails = body_lead_emails(assignment.body)
    support = invitation.round.version.support
    subject = _("Påminnelse: synpunkter på %(title)s senast %(day)s") % {
        "title": support.title, "day": assignment.due_on.isoformat()}
    body = _(
        "%(region)s har gett %(assignee)s i uppdrag att lämna synpunkter på remissen av %(title)s senast %(day)s.\n\n"
        "Lämna synpunkterna här: %(url)s\n"
    ) % {"region": invitation.region.name if invitation.region_id else invitation, "assignee": assignment,
         "title": support.title, "day": assignment.due_on.isoformat(), "url": _url(invitation.get_absolute_url())}
    sent = 0
    for email in emails:
        reminder = _claim(kind=ReminderKind.ASSIGNEE, assignment=assignment, email=email)
        if reminder is not None:
            _send(reminder, subject, body)
            sent += 1
    return sent


def tell_invited_regions(round_: ConsultationRound, *, now: datetime.datetime) -> int:
    """Tell the coordinators of every invited region that the round is open."""
    if not round_.is_open_at(now):
        return 0
    support = round_.version.support
    subject = _("Remiss: %(title)s, svar senast %(day)s") % {"title": support.title, "day": round_.closes_on.isoformat()}
    sent = 0
    for invitation in round_.invitations.filter(region__isnull=False).select_related("region"):
        body = _(
            "%(region)s är inbjuden att svara på remissen av %(title)s. Sista svarsdag är %(day)s.\n\n"
            "%(instructions)s\n\nFördela remissen och samla regionens synpunkter här: %(url)s\n"
        ) % {"region": invitation.region.name, "title": support.title, "day": round_.closes_on.isoformat(),
             "instructions": round_.instructions, "url": _url(invitation.get_absolute_url())}
        for email in coordinator_emails(invitation.region):
            notice = _claim(kind=ReminderKind.INVITATION, invitation=invitation, email=email)
            if notice is not None:
                _send(notice, subject, body)
                sent += 1
    return sent


@task()
def send_invitations(round_id: int) -> int:
    round_ = ConsultationRound.objects.select_related("version__support").get(pk=round_id)
    sent = tell_invited_regions(round_, now=timezone.now())
    logger.info("remiss round %s: %s invitations sent", round_id, sent)
    return sent


@task()
def remind_parties(round_id: int) -> int:
    round_ = ConsultationRound.objects.select_related("version__support").get(pk=round_id)
    sent = remind_parties_of(round_, now=timezone.now())
    logger.info("remiss round %s: %s party reminders sent", round_id, sent)
    return sent


@task()
def remind_assignees(assignment_id: int) -> int:
    assignment = Assignment.objects.select_related(
        "invitation__round__version__support", "invitation__region", "person__user", "body").get(pk=assignment_id)
    sent = remind_assignees_of(assignment, now=timezone.now())
    logger.info("remiss assignment %s: %s reminders sent", assignment_id, sent)
    return sent


@task()
def remind_due() -> int:
    """Every reminder that is due now and not yet sent."""
    now = timezone.now()
    today = timezone.localdate()
    sent = 0
    for round_ in ConsultationRound.objects.filter(closes_on__gte=today).select_related("version__support"):
        sent += tell_invited_regions(round_, now=now)
        sent += remind_parties_of(round_, now=now)
    assignments = Assignment.objects.filter(invitation__round__closes_on__gte=today).select_related(
        "invitation__round__version__support", "invitation__region", "person__user", "body")
    for assignment in assignments:
        sent += remind_assignees_of(assignment, now=now)
    logger.info("remiss sweep: %s reminders sent", sent)
    return sent


def schedule_round_mail(round_: ConsultationRound) -> None:
    """Queue the invitations for the opening and the reminder for its moment, once the round
    has committed. Also after a party is added: those already told are not told again."""
    round_id, opens_at, remind_at = round_.pk, round_.opens_at, party_reminder_at(round_)

    def enqueue():
        send_invitations.using(run_after=opens_at).enqueue(round_id)
        remind_parties.using(run_after=remind_at).enqueue(round_id)

    transaction.on_commit(enqueue)


def schedule_assignee_reminder(assignment: Assignment) -> None:
    assignment_id, run_after = assignment.pk, assignee_reminder_at(assignment)
    transaction.on_commit(lambda: remind_assignees.using(run_after=run_after).enqueue(assignment_id))
