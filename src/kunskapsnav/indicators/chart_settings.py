"""How an indicator's variation is read, chosen on the analysis page: the chart over time,
the Dartmouth kind of care, and the baseline its limits are computed from (the first N
points, or the points up to a month). Every change is kept in the definition's history."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions
from .models import ChartType, IndicatorDefinition, VariationType
from .spec import BASELINE_MIN, Kind

BASELINE_POINTS_MAX = 500  # 40 years of months: beyond any series the pages draw
REASON_MAX = 100  # the history's change reason (django-simple-history's column)
FIELDS = ("chart_type", "variation_type", "baseline_points", "baseline_end")


def _check(*, definition, chart_type: str, variation_type: str, baseline_points: int | None,
           baseline_end: datetime.date | None, reason: str) -> None:
    errors = {}
    if chart_type not in ChartType.values:
        errors["chart_type"] = [_("Välj en av diagramtyperna.")]
    elif chart_type in (ChartType.P, ChartType.P_PRIME) and definition.kind != Kind.PROPORTION:
        errors["chart_type"] = [_("p- och p′-diagram gäller bara andelar. Välj XmR-diagram eller seriediagram.")]
    if variation_type not in VariationType.values:
        errors["variation_type"] = [_("Välj en av typerna av vård.")]
    if baseline_points is not None and not BASELINE_MIN <= baseline_points <= BASELINE_POINTS_MAX:
        errors["baseline_points"] = [_("Baslinjen ska ha mellan %(min)s och %(max)s punkter.") % {
            "min": BASELINE_MIN, "max": BASELINE_POINTS_MAX}]
    if baseline_points is not None and baseline_end is not None:
        errors["baseline_end"] = [_("Ange baslinjen antingen som antal punkter eller som en period, inte båda.")]
    elif baseline_end is not None and baseline_end.day != 1:
        errors["baseline_end"] = [_("Ange baslinjens sista månad som ÅÅÅÅ-MM.")]
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("Skälet får vara högst %(n)s tecken.") % {"n": REASON_MAX}]
    if errors:
        raise ValidationError(errors)


def chart_settings_change(*, by, definition: IndicatorDefinition, chart_type: str, variation_type: str,
                          baseline_points: int | None, baseline_end: datetime.date | None,
                          reason: str = "") -> IndicatorDefinition:
    """Set how the indicator's variation is read; the change, who made it and why go to the
    definition's history."""
    if not permissions.can_change_chart_settings(by, definition):
        raise PermissionDenied(_("Bara analytiker, nationella administratörer och den grupp som äger "
                                 "kunskapsstödet ändrar hur indikatorn analyseras."))
    _check(definition=definition, chart_type=chart_type, variation_type=variation_type,
           baseline_points=baseline_points, baseline_end=baseline_end, reason=reason)
    with transaction.atomic():
        locked = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
        chosen = {"chart_type": chart_type, "variation_type": variation_type, "baseline_points": baseline_points,
                  "baseline_end": baseline_end}
        if all(getattr(locked, name) == value for name, value in chosen.items()):
            return locked  # nothing changed: no history entry
        for name, value in chosen.items():
            setattr(locked, name, value)
        locked._history_user = by
        locked._change_reason = reason.strip() or None
        locked.save(update_fields=list(FIELDS))
        return locked


def baseline_length(definition: IndicatorDefinition, periods: list[datetime.date]) -> int | None:
    """The number of points the limits are computed from: the chosen N, or the points up to
    and including the baseline's last month (at least BASELINE_MIN, as a shorter baseline
    gives trial limits only); None for all points."""
    if definition.baseline_end is None:
        return definition.baseline_points
    within = sum(1 for p in periods if p <= definition.baseline_end)
    return max(within, BASELINE_MIN) if within < len(periods) else None
