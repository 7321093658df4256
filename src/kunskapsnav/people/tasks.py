"""Declaration reminders: the person and their region's coordinators hear once, some weeks
before an assessed declaration lapses. Each assessment queues a sweep for the moment its
reminder falls due (`run_after`); `kunskapsnav manage remind_declarations` (cron, each
morning) sweeps too, in case the worker was down, and applies the retention rule. A lapsed
declaration flags the person's seats (people.selectors)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kunskapsnav.organisation.selectors import coordinator_emails

from .models import Assessment, Declaration, DeclarationReminder, DeclarationStatus

logger = logging.getLogger(__name__)

# Reminders go out in the morning, Swedish time, not at midnight.
SEND_AT = datetime.time(8, 0)


def _claim(declaration: Declaration, email: str) -> DeclarationReminder | None:
    try:
        with transaction.atomic():
            return DeclarationReminder.objects.create(declaration=declaration, email=email)
    except IntegrityError:
        return None


def _addresses(declaration: Declaration) -> list[str]:
    person = declaration.person
    own = person.contact_email
    emails = {own.lower()} if own else set()
    if person.home_region_id:
        emails |= {e.lower() for e in coordinator_emails(person.home_region)}
    return sorted(emails)


def remind_lapsing(*, today: datetime.date) -> int:
    """Send each due reminder once; returns how many went."""
    until = today + datetime.timedelta(days=settings.DECLARATION_REMINDER_DAYS)
    due = Declaration.objects.filter(status=DeclarationStatus.ASSESSED, valid_until__gte=today,
                                     valid_until__lte=until).exclude(assessment=Assessment.NOT_ELIGIBLE)
    sent = 0
    for declaration in due.select_related("person__user", "person__home_region"):
        subject = _("Jävsdeklarationen för %(person)s går ut %(day)s") % {
            "person": declaration.person, "day": declaration.valid_until.isoformat()}
        body = _(
            "Jävsdeklarationen för %(person)s gäller till och med %(day)s. Lämna en ny deklaration innan dess, "
            "annars flaggas personens uppdrag.\n\n%(url)s\n"
        ) % {"person": declaration.person, "day": declaration.valid_until.isoformat(),
             "url": settings.SITE_URL.rstrip("/") + "/organisation/jav/"}
        for email in _addresses(declaration):
            reminder = _claim(declaration, email)
            if reminder is None:
                continue
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
            DeclarationReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
            sent += 1
    logger.info("declaration reminders sent: %s", sent)
    return sent


def daily_work(*, now: datetime.datetime) -> dict:
    """Reminders, the retention rules for declarations and nominations, and forgetting the
    form's sender keys."""
    from . import declarations, nominations  # they queue this module's tasks

    return {
        "reminders": remind_lapsing(today=timezone.localdate(now)),
        "declarations_deleted": declarations.declarations_purge(now=now),
        "sender_keys_forgotten": nominations.sender_keys_forget(now=now),
        "nominations_deleted": nominations.nominations_purge(now=now),
    }


@task()
def daily_people_work() -> dict:
    return daily_work(now=timezone.now())


@task()
def remind_lapsing_declarations() -> int:
    return remind_lapsing(today=timezone.localdate())


def reminder_at(declaration: Declaration) -> datetime.datetime:
    day = declaration.valid_until - datetime.timedelta(days=settings.DECLARATION_REMINDER_DAYS)
    return datetime.datetime.combine(day, SEND_AT, tzinfo=timezone.get_default_timezone())


def schedule_lapse_reminder(declaration: Declaration) -> None:
    """Queue the reminder sweep for the morning the declaration's reminder falls due, once
    the assessment has committed."""
    run_after = reminder_at(declaration)
    transaction.on_commit(lambda: remind_lapsing_declarations.using(run_after=run_after).enqueue())
