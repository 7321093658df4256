"""One indicator's analysis, as pages, exports and the API see it: the region comparison
with target attainment, the funnel plot, SPC over time, and the equity view by sex and age.
Values suppressed for the reader stay out of every part."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import chart_settings, charts, labels, selectors, variation
from .models import ChartType, IndicatorDefinition, VariationType
from .spec import Direction, Kind


@dataclass
class Options:
    geo_level: str = "riket"
    geo: str = "SE"
    method: str = "exact"
    adjustment: str = "none"
    # Only the years and months that begin within these days (an annual report's period);
    # None: every period there is.
    since: datetime.date | None = None
    until: datetime.date | None = None


def _rows(user, definition, names, options: Options | None = None, **filters):
    values = selectors.current_values(definition).filter(**filters)
    if options is not None and options.since is not None:
        # A year or a month that began before the period's first day but runs into it counts.
        values = values.exclude(period_type="ar", period__lt=options.since.replace(month=1, day=1)).exclude(
            period_type="manad", period__lt=options.since.replace(day=1))
    if options is not None and options.until is not None:
        values = values.filter(period__lte=options.until)
    return [selectors.shown(user, v) | {"name": names.get((v.level, v.geo), v.geo)} for v in values]


def _attains(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == Direction.HIGHER else value <= target


def analyse(user, definition: IndicatorDefinition, names: dict, options: Options) -> dict:
    percent = definition.kind == Kind.PROPORTION
    years = _rows(user, definition, names, options, level="region", period_type="ar", stratum_type="alla")
    latest = max((r["period"] for r in years), default=None)
    regions = sorted([r for r in years if r["period"] == latest], key=lambda r: r["name"])
    shown = [r for r in regions if r["value"] is not None]
    hidden = [r["name"] for r in regions if r["value"] is None]
    nation = next(iter(_rows(user, definition, names, options, level="riket", period_type="ar", stratum_type="alla",
                             period=latest)), None) if latest else None
    targets = [{"level": t["level"], "name": t["name"], "label": t["label"],
                "reached": [r["name"] for r in shown if _attains(r["value"], float(t["level"]), definition.direction)]}
               for t in definition.targets_shown]
    synthetic = any(r["synthetic"] for r in regions)
    result = {"definition": definition, "latest": latest,
              "latest_label": labels.period_label("ar", latest) if latest else "", "regions": regions, "hidden": hidden, "nation": nation,
              "targets": targets, "synthetic": synthetic, "percent": percent, "specs": {},
              "variation_reading": variation_reading(definition)}
    if shown:
        result["specs"]["jamforelse"] = charts.comparison_chart(
            shown, _("%(name)s, %(year)s") % {"name": definition.name, "year": latest.year}, percent=percent,
            targets=definition.targets_shown, synthetic=synthetic)
    if percent and len(shown) >= 3 and nation and nation["value"] is not None:
        funnel = variation.funnel([(r["name"], r["numerator"], r["denominator"]) for r in shown],
                                  theta=nation["value"], method=options.method, adjustment=options.adjustment)
        result["funnel"] = funnel
        result["specs"]["tratt"] = charts.funnel_chart(
            funnel, _("Trattdiagram, %(year)s") % {"year": latest.year}, synthetic=synthetic)
    series = sorted(_rows(user, definition, names, options, level=options.geo_level, geo=options.geo,
                          period_type="manad",
                          stratum_type="alla"), key=lambda r: r["period"])
    series = [r for r in series if r["value"] is not None]
    if len(series) >= 3:
        recalculations = list(selectors.limit_recalculations(definition, level=options.geo_level, geo=options.geo))
        chart = over_time(definition, series, recalculations=recalculations, percent=percent)
        result["spc"] = chart
        result["spc_name"] = series[0]["name"]
        result["spc_periods"] = [r["period"].isoformat() for r in series]
        result["spc_labels"] = [labels.period_label("manad", r["period"]) for r in series]
        result["spc_text"] = interpretation(chart)
        result["recalculations"] = recalculations
        if chart.kind != "run" and chart.enough:
            result["assurance"] = [
                {"name": t["name"], "level": t["level"], "label": t["label"], "assurance": variation.assurance(
                    chart, float(t["level"]), higher_is_better=definition.higher_is_better)}
                for t in definition.targets_shown]
            for a in result["assurance"]:
                a["text"] = ASSURANCE_TEXT[a["assurance"]]
                a["icon"] = ASSURANCE_ICON[a["assurance"]]
        result["specs"]["styrdiagram"] = charts.spc_chart(
            chart, [r["period"].isoformat() for r in series],
            _("%(name)s per månad") % {"name": series[0]["name"]}, percent=percent, synthetic=synthetic)
        if chart.kind == "xmr":
            result["specs"]["variationsbredd"] = charts.moving_range_chart(
                chart, [r["period"].isoformat() for r in series],
                _("%(name)s: variationsbredd per månad") % {"name": series[0]["name"]}, percent=percent,
                synthetic=synthetic)
            result["moving_ranges"] = moving_range_rows(chart, result["spc_labels"], percent=percent)
    trend = {names.get(("riket", "SE"), "Riket"): sorted(_rows(user, definition, names, options, level="riket",
                                                                geo="SE",
                                                                period_type="ar", stratum_type="alla"),
                                                          key=lambda r: r["period"])}
    if options.geo_level != "riket":
        chosen = sorted(_rows(user, definition, names, options, level=options.geo_level, geo=options.geo,
                              period_type="ar",
                              stratum_type="alla"), key=lambda r: r["period"])
        if chosen:
            trend[chosen[0]["name"]] = chosen
    if any(len(rows) >= 2 for rows in trend.values()):
        result["trend"] = trend
        result["specs"]["trend"] = charts.trend_chart(trend, _("Trend per år"), percent=percent, synthetic=synthetic)
    if latest:
        result["equity"] = sorted(
            _rows(user, definition, names, options, level="riket", period_type="ar", period=latest,
                  stratum_type__in=["kon", "aldersgrupp"]), key=lambda r: (r["stratum_type"], r["stratum"]))
    return result


# The Making Data Count icons' meanings, in words (the page never relies on colour alone).
CLASSIFICATION_TEXT = {
    variation.IMPROVEMENT: gettext_lazy("Särskild orsak av förbättrande slag"),
    variation.CONCERN: gettext_lazy("Särskild orsak av försämrande slag"),
    variation.COMMON: gettext_lazy("Slumpmässig variation"),
    variation.NON_RANDOM: gettext_lazy("Icke slumpmässig variation"),
    variation.TOO_FEW: gettext_lazy("För få punkter för att bedöma"),
}
ASSURANCE_TEXT = {
    variation.ASSURED_PASS: gettext_lazy("Målet uppnås med all sannolikhet varje gång: hela intervallet mellan "
                                  "processgränserna ligger på rätt sida om målet."),
    variation.ASSURED_FAIL: gettext_lazy("Målet missas med all sannolikhet varje gång: hela intervallet mellan "
                                  "processgränserna ligger på fel sida om målet. Processen behöver ändras."),
    variation.HIT_AND_MISS: gettext_lazy("Målet nås ibland och missas ibland: det ligger mellan processgränserna."),
}
# The Making Data Count icons, described, so that the page says what a reader of MDC
# reports would see (the icons themselves rely on colour and a letter).
CLASSIFICATION_ICON = {
    variation.IMPROVEMENT: gettext_lazy("blå cirkel med H (högre) eller L (lägre): förbättring"),
    variation.CONCERN: gettext_lazy("orange cirkel med H (högre) eller L (lägre): försämring"),
    variation.COMMON: gettext_lazy("grå cirkel: slumpmässig variation"),
    variation.NON_RANDOM: gettext_lazy("ingen egen symbol; seriediagrammets regler säger bara att variationen inte är "
                                       "slumpmässig"),
    variation.TOO_FEW: gettext_lazy("ingen symbol förrän det finns tillräckligt många punkter"),
}
ASSURANCE_ICON = {
    variation.ASSURED_PASS: gettext_lazy("blå cirkel med P: målet uppnås med säkerhet"),
    variation.ASSURED_FAIL: gettext_lazy("orange cirkel med F: målet missas med säkerhet"),
    variation.HIT_AND_MISS: gettext_lazy("grå cirkel med ?: målet nås ibland"),
}
RULE_TEXT = {
    "utanfor": gettext_lazy("en punkt utanför processgränserna"),
    "trend": gettext_lazy("en trend: %(n)s punkter i rad som stiger eller sjunker"),
    "tva_av_tre": gettext_lazy("två av tre punkter bortom två sigma på samma sida om medellinjen"),
    "skift": gettext_lazy("ett skift: %(n)s punkter i rad på samma sida om medellinjen"),
    "lang_serie": gettext_lazy("en ovanligt lång serie på samma sida om medianen"),
}
KIND_TEXT = {
    "p": gettext_lazy("p-diagram: gränser från binomialfördelningen kring medelandelen."),
    "p_prime": gettext_lazy("p′-diagram (Laney): p-diagrammets gränser vidgade med σz = %(sigma_z)s, eftersom andelarna "
                     "varierar mer mellan månaderna än binomialfördelningen tillåter (σz > 1). Med stora nämnare "
                     "skulle p-diagrammet annars larma för nästan varje punkt."),
    "xmr": gettext_lazy("XmR-diagram: gränserna är medelvärdet ± 2,66 × medelvariationsbredden; "
                 "variationsbreddsdiagrammets övre gräns är 3,267 × medelvariationsbredden."),
    "run": gettext_lazy("Seriediagram med medianen och Anhøjs regler: en serie längre än %(longest_max)s punkter på samma "
                 "sida om medianen, eller färre än %(crossings_min)s korsningar av den, är icke slumpmässig variation."),
}


def over_time(definition: IndicatorDefinition, series: list[dict], *, recalculations, percent: bool
              ) -> variation.Chart:
    """The chart over time for one area's monthly series: the chart type the definition
    chooses (or the stated default), limits from its baseline, new limits from each
    recorded recalculation of that area (selectors.limit_recalculations)."""
    periods = [r["period"] for r in series]
    rebase_at = sorted({next((i for i, p in enumerate(periods) if p >= r.period), len(periods))
                        for r in recalculations})
    kind = definition.chart_type
    nums, dens = [r["numerator"] for r in series], [r["denominator"] for r in series]
    baseline = chart_settings.baseline_length(definition, periods)
    if kind == ChartType.AUTO:
        kind = variation.default_kind(len(series), proportion=percent)
        if kind == "p":
            kind = variation.proportion_chart_kind(nums, dens, baseline=baseline)
    elif kind in (ChartType.P, ChartType.P_PRIME) and not percent:
        kind = ChartType.XMR
    common = {"higher_is_better": definition.higher_is_better, "baseline": baseline,
              "length": variation.rule_length(settings.INDICATOR_SPC_RULE_LENGTH)}
    if kind in ("p", "p_prime"):
        return variation.spc(kind, numerators=nums, denominators=dens, rebase_at=rebase_at, **common)
    return variation.spc(str(kind), values=[r["value"] for r in series], rebase_at=rebase_at, **common)


def interpretation(chart: variation.Chart) -> dict:
    """The chart's reading in words: the classification, the rule that decided it, and the
    chart type with the rule that chose it."""
    length = variation.rule_length(settings.INDICATOR_SPC_RULE_LENGTH)
    kind = KIND_TEXT[chart.kind]
    if chart.kind == "p_prime":
        kind = kind % {"sigma_z": f"{chart.sigma_z:.2f}".replace(".", ",")}
    elif chart.kind == "run":
        kind = kind % {"longest_max": chart.runs["longest_max"], "crossings_min": chart.runs["crossings_min"]}
    return {"classification": str(CLASSIFICATION_TEXT[chart.classification]),
            "icon": str(CLASSIFICATION_ICON[chart.classification]),
            "rule": str(RULE_TEXT[chart.deciding]) % {"n": length} if chart.deciding else "",
            "kind": str(kind)}


def variation_reading(definition: IndicatorDefinition) -> str:
    """How variation between areas is read, by the Dartmouth kind of care."""
    return str(VARIATION_TEXT.get(definition.variation_type, ""))


VARIATION_TEXT = {
    VariationType.EFFECTIVE: gettext_lazy("Effektiv vård: nyttan är väl belagd och nästan alla i målgruppen bör få den. "
                                   "Variation mellan områden är här oönskad, och mindre variation kring en hög nivå "
                                   "är bättre."),
    VariationType.PREFERENCE: gettext_lazy("Preferenskänslig vård: det finns fler rimliga val och patientens egna "
                                    "värderingar ska avgöra. Viss variation är väntad; frågan är om valen är "
                                    "informerade, inte om alla områden ligger lika."),
    VariationType.SUPPLY: gettext_lazy("Utbudskänslig vård: hur mycket som ges följer ofta tillgången (vårdplatser, "
                                "besök) snarare än evidens. Högre nivå är inte bättre i sig; variation pekar på "
                                "skillnader i utbud att pröva."),
}


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
        return [{"område": area, "år": labels.period_code("ar", r["period"]), "värde": r["value"], "ci_låg": r["ci_low"],
                 "ci_hög": r["ci_high"]} for area, rows in result["trend"].items() for r in rows if r["value"] is not None]
    if name == "styrdiagram" and "spc" in result:
        chart = result["spc"]
        periods = [labels.period_code("manad", datetime.date.fromisoformat(p)) for p in result["spc_periods"]]
        rows = [{"period": p, "värde": v, "centrum": c, "undre": lo, "övre": hi, "signal": " ".join(sorted(sig))}
                for p, v, c, lo, hi, sig in zip(periods, chart.values, chart.centre, chart.lower, chart.upper,
                                                chart.signals)]
        if chart.kind == "xmr":  # the moving-range chart under it
            for row, moving, mr_centre, mr_upper in zip(rows, chart.moving_ranges, chart.mr_centre, chart.mr_upper):
                row |= {"variationsbredd": moving, "vb_medel": mr_centre, "vb_övre": mr_upper}
        return rows
    if name == "variationsbredd" and "moving_ranges" in result:
        chart = result["spc"]
        return [{"period": labels.period_code("manad", datetime.date.fromisoformat(p)), "variationsbredd": moving,
                 "medel": mr_centre, "övre": mr_upper}
                for p, moving, mr_centre, mr_upper in zip(result["spc_periods"], chart.moving_ranges, chart.mr_centre,
                                                          chart.mr_upper)]
    return []


def moving_range_rows(chart: variation.Chart, periods: list[str], *, percent: bool) -> list[dict]:
    """The MR chart's table: each month's moving range against the mean and the upper limit
    (in percentage points for a proportion); no moving range for the first point of each set
    of limits."""
    scale = 100 if percent else 1
    return [{"period": p, "moving_range": None if m is None else scale * m, "centre": scale * c,
             "upper": scale * hi, "above": m is not None and m > hi}
            for p, m, c, hi in zip(periods, chart.moving_ranges, chart.mr_centre, chart.mr_upper)]
