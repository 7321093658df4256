"""Calls for nominations (utlysningar): drafted, published, closed."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.lib.bounds import number_problems
from kunskapsnav.lib.fields import apply_changes
from kunskapsnav.organisation.models import BodyKind, Level

from . import permissions
from .models import CallStatus, NominationCall

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("role", "represents_region", "represents_healthcare_region", "seats", "start_date", "end_date",
                   "time_share", "closes_on", "profile", "self_nomination_allowed")


def _problems(call: NominationCall) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    body = call.body
    if not body.is_active:
        add("body", _("Organet är avvecklat och kan inte få nya uppdrag."))
    if not call.profile.strip():
        add("profile", _("Beskriv vilken kompetens och erfarenhet som söks."))
    if call.seats is not None and call.seats < 1:
        add("seats", _("Ange minst en plats."))
    if call.end_date and call.start_date and call.end_date < call.start_date:
        add("end_date", _("Slutdatumet kan inte ligga före startdatumet. Rätta något av datumen."))
    if call.closes_on and call.end_date and call.closes_on > call.end_date:
        add("closes_on", _("Sista dag för nominering måste ligga före uppdragets slut."))
    if call.time_share is not None and not 0 <= call.time_share <= 100:
        add("time_share", _("Ange avsatt tid som procent mellan 0 och 100."))
    if call.represents_region_id and call.represents_healthcare_region_id:
        add("represents_region", _("En plats företräder antingen en region eller en sjukvårdsregion, inte båda."))
    if body.level == Level.LOCAL and call.represents_region_id not in (None, body.region_id):
        add("represents_region", _("Ett regionalt organ har bara platser för sin egen region."))
    if body.level == Level.HEALTHCARE_REGIONAL and call.represents_healthcare_region_id not in (
            None, body.healthcare_region_id):
        add("represents_healthcare_region",
            _("Ett sjukvårdsregionalt organ kan bara ha platser för sin egen sjukvårdsregion."))
    if call.self_nomination_allowed and body.kind != BodyKind.NAG:
        add("self_nomination_allowed",
            _("Egen anmälan är bara möjlig till nationella arbetsgrupper. Ta bort bocken eller välj en arbetsgrupp."))
    return number_problems(call) | errors


def _check_valid(call: NominationCall):
    errors = _problems(call)
    if errors:
        raise ValidationError(errors)


def _check_allowed(by, call: NominationCall):
    if not permissions.can_manage_call(by, call.body):
        raise PermissionDenied(_("Du får inte göra utlysningar till %(body)s.") % {"body": call.body})


@transaction.atomic
def call_create(*, by, body, **values) -> NominationCall:
    call = NominationCall(body=body, created_by=by, **values)
    _check_allowed(by, call)
    _check_valid(call)
    call._history_user = by
    call.save()
    return call


def _locked(call: NominationCall) -> NominationCall:
    return NominationCall.objects.select_for_update().select_related("body").get(pk=call.pk)


@transaction.atomic
def call_update(*, by, call: NominationCall, **values) -> NominationCall:
    call = _locked(call)
    _check_allowed(by, call)
    if call.status == CallStatus.CLOSED:
        raise ValidationError(_("Utlysningen är stängd och kan inte ändras."))
    apply_changes(call, values, editable=EDITABLE_FIELDS)
    _check_valid(call)
    call._history_user = by
    call.save()
    return call


@transaction.atomic
def call_publish(*, by, call: NominationCall) -> NominationCall:
    call = _locked(call)
    _check_allowed(by, call)
    if call.status != CallStatus.DRAFT:
        raise ValidationError(_("Bara ett utkast kan publiceras."))
    if call.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": [_("Sista dag för nominering har redan passerat. Ändra datumet först.")]})
    _check_valid(call)
    call.status = CallStatus.PUBLISHED
    call.published_at = timezone.now()
    call._history_user = by
    call.save()
    logger.info("call %s published by user %s", call.pk, by.pk)
    return call


@transaction.atomic
def call_close(*, by, call: NominationCall) -> NominationCall:
    call = _locked(call)
    _check_allowed(by, call)
    if call.status != CallStatus.PUBLISHED:
        raise ValidationError(_("Bara en publicerad utlysning kan stängas."))
    call.status = CallStatus.CLOSED
    call._history_user = by
    call.save()
    return call
