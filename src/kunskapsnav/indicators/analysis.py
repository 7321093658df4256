"""One indicator's analysis, as pages, exports and the API see it: the region comparison
with target attainment, the funnel plot, SPC over time, and the equity view by sex and age.
Values suppressed for the reader stay out of every part."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import charts, selectors, variation
from .models import IndicatorDefinition
from .spec import Direction, Kind


@dataclass
class Options:
    geo_level: str = "riket"
    geo: str = "SE"
    method: str = "exact"
    adjustment: str = "none"


def _rows(user, definition, names, **filters):
    values = selectors.current_values(definition).filter(**filters)
    return [selectors.shown(user, v) | {"name": names.get((v.level, v.geo), v.geo)} for v in values]


def _attains(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == Direction.HIGHER else value <= target


def analyse(user, definition: IndicatorDefinition, names: dict, options: Options) -> dict:
    percent = definition.kind == Kind.PROPORTION
    years = _rows(user, definition, names, level="region", period_type="ar", stratum_type="alla")
    latest = max((r["period"] for r in years), default=None)
    regions = sorted([r for r in years if r["period"] == latest], key=lambda r: r["name"])
    shown = [r for r in regions if r["value"] is not None]
    hidden = [r["name"] for r in regions if r["value"] is None]
    nation = next(iter(_rows(user, definition, names, level="riket", period_type="ar", stratum_type="alla",
                             period=latest)), None) if latest else None
    targets = [{"level": t["level"], "name": t["name"],
                "reached": [r["name"] for r in shown if _attains(r["value"], float(t["level"]), definition.direction)]}
               for t in definition.targets]
    synthetic = any(r["synthetic"] for r in regions)
    result = {"definition": definition, "latest": latest, "regions": regions, "hidden": hidden, "nation": nation,
              "targets": targets, "synthetic": synthetic, "percent": percent, "specs": {}}
    if shown:
        result["specs"]["jamforelse"] = charts.comparison_chart(
            shown, _("%(name)s, %(year)s") % {"name": definition.name, "year": latest.year}, percent=percent,
            targets=definition.targets, synthetic=synthetic)
    if percent and len(shown) >= 3 and nation and nation["value"] is not None:
        funnel = variation.funnel([(r["name"], r["numerator"], r["denominator"]) for r in shown],
                                  theta=nation["value"], method=options.method, adjustment=options.adjustment)
        result["funnel"] = funnel
        result["specs"]["tratt"] = charts.funnel_chart(
            funnel, _("Trattdiagram, %(year)s") % {"year": latest.year}, synthetic=synthetic)
    series = sorted(_rows(user, definition, names, level=options.geo_level, geo=options.geo, period_type="manad",
                          stratum_type="alla"), key=lambda r: r["period"])
    series = [r for r in series if r["value"] is not None]
    if len(series) >= 3:
        if percent:
            chart = variation.spc("p", numerators=[r["numerator"] for r in series],
                                  denominators=[r["denominator"] for r in series],
                                  higher_is_better=definition.higher_is_better)
        else:
            chart = variation.spc("xmr", values=[r["value"] for r in series],
                                  higher_is_better=definition.higher_is_better)
        result["spc"] = chart
        result["spc_name"] = series[0]["name"]
        result["spc_periods"] = [r["period"].isoformat() for r in series]
        result["specs"]["styrdiagram"] = charts.spc_chart(
            chart, [r["period"].isoformat() for r in series],
            _("%(name)s per månad") % {"name": series[0]["name"]}, percent=percent, synthetic=synthetic)
    trend = {names.get(("riket", "SE"), "Riket"): sorted(_rows(user, definition, names, level="riket", geo="SE",
                                                                period_type="ar", stratum_type="alla"),
                                                          key=lambda r: r["period"])}
    if options.geo_level != "riket":
        chosen = sorted(_rows(user, definition, names, level=options.geo_level, geo=options.geo, period_type="ar",
                              stratum_type="alla"), key=lambda r: r["period"])
        if chosen:
            trend[chosen[0]["name"]] = chosen
    if any(len(rows) >= 2 for rows in trend.values()):
        result["trend"] = trend
        result["specs"]["trend"] = charts.trend_chart(trend, _("Trend per år"), percent=percent, synthetic=synthetic)
    if latest:
        result["equity"] = sorted(
            _rows(user, definition, names, level="riket", period_type="ar", period=latest,
                  stratum_type__in=["kon", "aldersgrupp"]), key=lambda r: (r["stratum_type"], r["stratum"]))
    return result


def chart_rows(result: dict, name: str) -> list[dict]:
    """The data behind one chart, for its CSV."""
    if name == "jamforelse":
        return [{"område": r["name"], "täljare": r["numerator"], "nämnare": r["denominator"], "värde": r["value"],
                 "ci_låg": r["ci_low"], "ci_hög": r["ci_high"]} for r in result["regions"] if r["value"] is not None]
    if name == "tratt" and "funnel" in result:
        return [{"område": u.name, "täljare": u.numerator, "nämnare": u.denominator, "värde": u.value,
                 "gräns_95_låg": u.limits["95"][0], "gräns_95_hög": u.limits["95"][1],
                 "gräns_998_låg": u.limits["99.8"][0], "gräns_998_hög": u.limits["99.8"][1], "utanför": u.outside}
                for u in result["funnel"].units]
    if name == "trend" and "trend" in result:
        return [{"område": area, "år": r["period"].isoformat(), "värde": r["value"], "ci_låg": r["ci_low"],
                 "ci_hög": r["ci_high"]} for area, rows in result["trend"].items() for r in rows if r["value"] is not None]
    if name == "styrdiagram" and "spc" in result:
        chart = result["spc"]
        periods = result["spc_periods"]
        return [{"period": p, "värde": v, "centrum": c, "undre": lo, "övre": hi, "signal": " ".join(sorted(sig))}
                for p, v, c, lo, hi, sig in zip(periods, chart.values, chart.centre, chart.lower, chart.upper,
                                                chart.signals)]
    return []
