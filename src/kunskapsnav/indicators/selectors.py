"""What the pages and the API read: the current values of an indicator (those of its latest
finished run or import, whichever is newer), with small numbers hidden from those who may
not see them."""

from django.db.models import Max
from django.utils.translation import gettext as _

from kunskapsnav.lib.history import history_of
from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import HealthcareRegion, Municipality, Region

from . import permissions
from .models import IndicatorDefinition, IndicatorRun, IndicatorValue, LimitRecalculation, RunStatus


def latest(code: str) -> IndicatorDefinition | None:
    return IndicatorDefinition.objects.filter(code=code).order_by("-version").first()


def latest_definitions() -> list[IndicatorDefinition]:
    """The newest version of every indicator, by code: what the lists show."""
    latest = {}
    for definition in IndicatorDefinition.objects.select_related("support").order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    return list(latest.values())


def current_values(definition: IndicatorDefinition):
    """The values of the newest finished run or import of this definition."""
    run = (definition.runs.filter(status=RunStatus.DONE).order_by("-finished_at").values("pk", "finished_at")
           .first())
    batch = (definition.values.filter(batch__isnull=False).values("batch_id")
             .annotate(at=Max("batch__imported_at")).order_by("-at").first())
    if run and (not batch or run["finished_at"] >= batch["at"]):
        return IndicatorValue.objects.filter(definition=definition, run_id=run["pk"])
    if batch:
        return IndicatorValue.objects.filter(definition=definition, batch_id=batch["batch_id"])
    return IndicatorValue.objects.none()


def shown(user, value: IndicatorValue) -> dict:
    """A value as a reader may see it: a suppressed one without its numbers, unless the
    reader may see small counts."""
    hide = value.suppressed and not permissions.can_see_small_counts(user)
    return {
        "level": value.level, "geo": value.geo, "period_type": value.period_type, "period": value.period,
        "stratum_type": value.stratum_type, "stratum": value.stratum,
        "numerator": None if hide else value.numerator, "denominator": None if hide else value.denominator,
        "value": None if hide else value.value, "ci_low": None if hide else value.ci_low,
        "ci_high": None if hide else value.ci_high, "suppressed": value.suppressed, "synthetic": value.synthetic,
    }


def run_shown(user, run: IndicatorRun) -> dict:
    """What the reader may know of a run beyond its status and times: its message for
    everyone; its data folder and why it failed only for those who run indicators."""
    details = permissions.can_see_run_details(user)
    return {
        "message": _(run.message) if run.message else "",
        "data_folder": run.data_folder if details else "",
        "failure_detail": run.failure_detail if details else "",
    }


def geography_names() -> dict[tuple[str, str], str]:
    """(level, code) → the name people know the area by."""
    names = {("riket", "SE"): _("Riket")}
    names |= {("region", c): n for c, n in Region.objects.values_list("county_code", "name")}
    names |= {("kommun", c): n for c, n in Municipality.objects.values_list("code", "name")}
    names |= {("sjukvardsregion", c): n for c, n in HealthcareRegion.objects.values_list("code", "name")}
    return names


def limit_recalculations(definition: IndicatorDefinition, *, level: str, geo: str):
    """The recalculations of the limits of one area's series, oldest first. Public: the
    periods and reasons say nothing of small counts; who set them is shown by name only to
    those signed in (the template)."""
    return (LimitRecalculation.objects.filter(indicator_code=definition.code, level=level, geo=geo)
            .select_related("set_by").order_by("period"))


def analysis_history(definition: IndicatorDefinition, *, user):
    """Changes to how the indicator is analysed (every version's chart settings) and to its
    recalculations of limits, newest first; who made each only for those who may see authors."""
    return history_of(
        IndicatorDefinition.history.filter(code=definition.code),
        LimitRecalculation.history.filter(indicator_code=definition.code),
        subject=lambda r: str(r.instance),
        # what the engine computes is a new version, not a change the page made
        hidden_fields=frozenset({"spec", "created_at"}),
        authors=registry.can_see_change_authors(user),
    )
