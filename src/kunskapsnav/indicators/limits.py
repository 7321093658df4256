"""Recalculations of an SPC chart's limits (omräkning av gränser): after a sustained change
with a known cause, the series gets limits of its own from a period on, recorded with who
set it and why, and drawn as a step in the limits (variation.spc's `rebase_at`)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions
from .models import IndicatorDefinition, Level, LimitRecalculation

REASON_MAX = 2000
LEVELS = ("riket", "sjukvardsregion", "region", "kommun")


def _check(*, level: str, geo: str, period: datetime.date, reason: str) -> None:
    errors = {}
    if level not in LEVELS or not geo or len(geo) > 40:
        errors["area"] = [_("Välj ett område: riket, en sjukvårdsregion, en region eller en kommun.")]
    if period.day != 1:
        errors["period"] = [_("Ange den första månaden med de nya gränserna, som ÅÅÅÅ-MM.")]
    if not reason.strip():
        errors["reason"] = [_("Skriv varför gränserna räknas om, till exempel vilken förändring som förklarar skiftet.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("Skälet får vara högst %(n)s tecken.") % {"n": REASON_MAX}]
    if errors:
        raise ValidationError(errors)


def limits_recalculate(*, by, definition: IndicatorDefinition, level: str, geo: str, period: datetime.date,
                       reason: str) -> LimitRecalculation:
    """Record that the limits of the indicator's series in one area are computed anew from
    `period` on."""
    if not permissions.can_recalculate_limits(by, definition):
        raise PermissionDenied(_("Bara analytiker, nationella administratörer och den grupp som äger "
                                 "kunskapsstödet räknar om gränserna."))
    _check(level=level, geo=geo, period=period, reason=reason)
    with transaction.atomic():
        if LimitRecalculation.objects.filter(indicator_code=definition.code, level=level, geo=geo,
                                             period=period).exists():
            raise ValidationError({"period": [_("Gränserna räknas redan om från den månaden.")]})
        recalculation = LimitRecalculation(indicator_code=definition.code, level=Level(level), geo=geo,
                                           period=period, reason=reason.strip(), set_by=by)
        recalculation._history_user = by  # the history says who, also outside a request
        recalculation.save()
        return recalculation


def limits_recalculation_remove(*, by, recalculation: LimitRecalculation) -> None:
    definition = IndicatorDefinition.objects.filter(code=recalculation.indicator_code).order_by("-version").first()
    if definition is None or not permissions.can_recalculate_limits(by, definition):
        raise PermissionDenied(_("Bara analytiker, nationella administratörer och den grupp som äger "
                                 "kunskapsstödet räknar om gränserna."))
    recalculation._history_user = by
    recalculation.delete()
