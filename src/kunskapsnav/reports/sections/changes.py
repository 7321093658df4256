"""The year's changes: the report's key figures beside the same figures for the period a year
earlier, collected the same way when the report is made."""

import datetime

from django.utils.translation import gettext as _

from . import DECIMAL, TEXT, Scope, section, table


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _figures(sections: list[dict]) -> dict[str, tuple[str, object, str]]:
    """Every key figure of the sections, by its block and label."""
    found = {}
    for collected in sections:
        for block in collected["blocks"]:
            if block["type"] == "figures":
                for item in block["items"]:
                    found[f"{block['key']}/{item['label']}"] = (item["label"], item["value"], item["kind"])
    return found


def collect_for(scope: Scope, collected: list[dict], collectors) -> dict:
    """collected: this period's sections; collectors: the same sections' collectors, run again
    for the period a year earlier."""
    before = Scope(period_start=year_before(scope.period_start), period_end=year_before(scope.period_end),
                   region=scope.region, healthcare_region=scope.healthcare_region)
    earlier = _figures([collect(before) for collect in collectors])
    rows = []
    for key, (label, value, kind) in _figures(collected).items():
        previous = earlier.get(key, (label, None, kind))[1]
        change = None if value is None or previous is None else round(float(value) - float(previous), 1)
        rows.append([label, _shown(value, kind), _shown(previous, kind), change])
    return section("forandringar", _("Förändringar mot föregående år"), [
        table("forandringar", _("Nyckeltal"), [
            (_("Nyckeltal"), TEXT), (_("Perioden"), TEXT), (_("Ett år tidigare"), TEXT), (_("Förändring"), DECIMAL)],
            rows, note=_("Ett år tidigare: samma period förskjuten ett år, räknad på samma sätt när rapporten togs fram."))
    ], lead=_("Jämförelseperiod %(start)s – %(end)s.") % {"start": before.period_start.isoformat(),
                                                          "end": before.period_end.isoformat()})


def _shown(value, kind: str) -> str:
    from ..templatetags.reports import cell

    return cell(value, kind)
