"""Conflict-of-interest declarations (jävsdeklarationer): the person declares, the designated
assessor of their region assesses, the assessment holds for a set period or until the
person declares changed ties. Declaring again supersedes the current declaration at once,
so a seat is flagged until the new one is assessed."""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kunskapsnav.lib.bounds import decimal_max, number_problems
from kunskapsnav.organisation.models import Person, Region

from . import chain, permissions, tasks
from .models import Assessment, Assessor, Declaration, DeclarationStatus, Interest, InterestCategory

logger = logging.getLogger(__name__)

INTEREST_FIELDS = ("category", "organisation", "description", "start_date", "end_date", "amount")
AMOUNT_MAX = decimal_max(12, 0)  # Interest.amount


def _interest_problems(number: int, row: dict) -> list[str]:
    problems = []
    prefix = _("Intresse %(n)s: ") % {"n": number}
    if row.get("category") not in InterestCategory.values:
        problems.append(prefix + _("välj vilket slag av intresse det är."))
    if not str(row.get("organisation") or "").strip():
        problems.append(prefix + _("ange organisation eller företag."))
    if not str(row.get("description") or "").strip():
        problems.append(prefix + _("beskriv vad det gäller."))
    start, end = row.get("start_date"), row.get("end_date")
    if start and end and end < start:
        problems.append(prefix + _("slutdatumet kan inte ligga före startdatumet."))
    amount = row.get("amount")
    if amount not in (None, ""):
        try:
            negative = Decimal(str(amount)) < 0
        except InvalidOperation:
            negative = False  # not a number at all, said below
        if negative:
            problems.append(prefix + _("beloppet kan inte vara negativt."))
        elif number_problems(Interest(amount=amount)):
            problems.append(prefix + _("ange beloppet i hela kronor, högst %(max)s kronor.")
                            % {"max": number_format(AMOUNT_MAX, force_grouping=True)})
    return problems


def _check_interests(nothing_to_declare: bool, interests: list[dict]):
    if not interests and not nothing_to_declare:
        raise ValidationError({"nothing_to_declare": [
            _("Redovisa dina intressen eller bekräfta att du inte har några att redovisa.")]})
    if interests and nothing_to_declare:
        raise ValidationError({"nothing_to_declare": [
            _("Du har redovisat intressen. Ta bort bocken för ”inga intressen att redovisa”.")]})
    problems = [p for number, row in enumerate(interests, start=1) for p in _interest_problems(number, row)]
    if problems:
        raise ValidationError({"interests": problems})


@transaction.atomic
def declaration_submit(*, by, person: Person, nothing_to_declare: bool, interests: list[dict]) -> Declaration:
    """The person's declaration of their ties. It supersedes the one in force."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not permissions.can_declare_for(by, person):
        raise PermissionDenied(_("En jävsdeklaration lämnas av personen själv."))
    _check_interests(nothing_to_declare, interests)
    now = timezone.now()
    person.declarations.exclude(status=DeclarationStatus.SUPERSEDED).update(
        status=DeclarationStatus.SUPERSEDED, superseded_at=now)
    declaration = Declaration.objects.create(person=person, nothing_to_declare=nothing_to_declare, submitted_by=by)
    Interest.objects.bulk_create([
        Interest(declaration=declaration, **{f: (row.get(f) or None) if f in ("start_date", "end_date", "amount")
                                            else str(row.get(f) or "").strip() for f in INTEREST_FIELDS})
        for row in interests])
    transaction.on_commit(lambda: _tell_assessors(declaration))
    logger.info("declaration %s submitted for person %s", declaration.pk, person.pk)
    return declaration


def _assessor_emails(person: Person) -> list[str]:
    if person.home_region_id is None:
        return []
    rows = Assessor.objects.filter(region_id=person.home_region_id).select_related("person__user")
    return sorted({a.person.contact_email for a in rows} - {""})


def _tell_assessors(declaration: Declaration):
    emails = _assessor_emails(declaration.person)
    if not emails:
        return
    path = declaration.get_absolute_url()
    send_mail(_("En jävsdeklaration väntar på bedömning"),
              _("%(person)s har lämnat en jävsdeklaration som väntar på din bedömning:\n%(url)s\n")
              % {"person": declaration.person, "url": settings.SITE_URL.rstrip("/") + path},
              settings.DEFAULT_FROM_EMAIL, emails)


@transaction.atomic
def declaration_assess(*, by, declaration: Declaration, assessment: str, reasoning: str,
                       measures: str = "") -> Declaration:
    declaration = Declaration.objects.select_for_update().select_related("person").get(pk=declaration.pk)
    if not permissions.can_assess(by, declaration):
        raise PermissionDenied(_("Bara en utsedd bedömare i personens region kan bedöma deklarationen."))
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise ValidationError(_("Deklarationen är redan bedömd eller ersatt av en nyare."))
    errors = {}
    if assessment not in Assessment.values:
        errors["assessment"] = [_("Välj en bedömning.")]
    if not reasoning.strip():
        errors["reasoning"] = [_("Motivera bedömningen.")]
    if assessment == Assessment.MEASURES and not measures.strip():
        errors["measures"] = [_("Ange vilka åtgärder som hanterar jävet, t.ex. vilka frågor personen inte deltar i.")]
    if assessment != Assessment.MEASURES and measures.strip():
        errors["measures"] = [_("Åtgärder anges bara när jävet hanteras med åtgärder.")]
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    declaration.assessment = assessment
    declaration.reasoning = reasoning.strip()
    declaration.measures = measures.strip()
    declaration.assessed_by = by
    declaration.assessed_at = timezone.now()
    declaration.valid_until = today + datetime.timedelta(days=settings.DECLARATION_VALID_DAYS)
    declaration.status = DeclarationStatus.ASSESSED
    declaration.save()
    logger.info("declaration %s assessed %s by user %s", declaration.pk, assessment, by.pk)
    if assessment != Assessment.NOT_ELIGIBLE:
        tasks.schedule_lapse_reminder(declaration)
        _seat_waiting(declaration.person, by=by)
    return declaration


def _seat_waiting(person: Person, *, by):
    """Seat the person's approved nominations; a seat the registry refuses (the body already
    has a chair, say) stays waiting for the coordinator, without undoing the assessment."""
    try:
        with transaction.atomic():
            chain.seat_waiting(person=person, by=by)
    except ValidationError as error:
        logger.warning("person %s not seated after assessment: %s", person.pk, error.messages)


@transaction.atomic
def assessor_designate(*, by, region: Region, person: Person) -> Assessor:
    if not permissions.can_designate_assessor(by, region.pk):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan utse bedömare."))
    if person.user_id is None:
        raise ValidationError({"person": [_("Bedömaren behöver ett användarkonto för att kunna bedöma.")]})
    if Assessor.objects.filter(region=region, person=person).exists():
        raise ValidationError({"person": [_("%(person)s är redan bedömare för %(region)s.")
                                          % {"person": person, "region": region}]})
    assessor = Assessor(region=region, person=person, designated_by=by)
    assessor._history_user = by
    assessor.save()
    return assessor


@transaction.atomic
def assessor_remove(*, by, assessor: Assessor) -> None:
    if not permissions.can_designate_assessor(by, assessor.region_id):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan ändra vilka som är bedömare."))
    assessor._history_user = by
    assessor.delete()


def declarations_purge(*, now: datetime.datetime) -> int:
    """The retention rule: superseded declarations older than the retention period go,
    with their interests and reminders."""
    cutoff = now - datetime.timedelta(days=settings.DECLARATION_RETENTION_DAYS)
    old = Declaration.objects.filter(status=DeclarationStatus.SUPERSEDED, superseded_at__lt=cutoff)
    count = old.count()
    old.delete()
    return count
