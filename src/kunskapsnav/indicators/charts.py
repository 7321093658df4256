"""The analysis charts as Vega-Lite (altair): funnel plot, SPC chart, trend and region
comparison. The same specification is drawn in the page (vendored vega-embed) and rendered
to PNG and SVG on the server (vl-convert, no browser); its data is offered as CSV."""

import altair as alt
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .variation import Chart, Funnel

WIDTH = 640

# Vega's time and number locale for Swedish pages, so that a month on an axis or in a tooltip
# reads "jan 2025" and a number "72,5" as in the tables (d3's sv-SE, months in lower case as
# Swedish writes them).
SWEDISH_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
    "time": {"dateTime": "%A %e %B %Y %X", "date": "%Y-%m-%d", "time": "%H:%M:%S", "periods": ["fm", "em"],
             "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
             "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
             "months": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                        "oktober", "november", "december"],
             "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]},
}
MONTH_FORMAT = "%b %Y"


def _localised(spec: dict) -> dict:
    """The specification with the page's locale, so that the server's PNG and SVG read as the page."""
    if (get_language() or "sv").startswith("sv"):
        spec.setdefault("config", {})["locale"] = SWEDISH_LOCALE
    return spec


def _month_axis() -> alt.X:
    return alt.X("period:T", title=_("Period"), axis=alt.Axis(format=MONTH_FORMAT, labelOverlap=True))


def _month_tooltip() -> alt.Tooltip:
    return alt.Tooltip("period:T", title=_("Period"), format=MONTH_FORMAT)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 3)


def funnel_chart(result: Funnel, title: str, *, synthetic: bool) -> dict:
    points = [{"område": u.name, "nämnare": u.denominator, "värde": _percent(u.value),
               "läge": {"": _("inom gränserna"), "over95": _("över 95 %-gränsen"), "under95": _("under 95 %-gränsen"),
                        "over99.8": _("över 99,8 %-gränsen"), "under99.8": _("under 99,8 %-gränsen")}[u.outside]}
              for u in result.units]
    lines = []
    for row in result.curve:
        for key, label in (("low95", "95 %"), ("high95", "95 %"), ("low99.8", "99,8 %"), ("high99.8", "99,8 %")):
            lines.append({"nämnare": row["n"], "gräns": _percent(row[key]), "nivå": label,
                          "sida": key.startswith("low")})
    base_x = alt.X("nämnare:Q", title=_("Antal i nämnaren"), scale=alt.Scale(type="log"))
    limits = alt.Chart(alt.Data(values=lines)).mark_line(aria=False).encode(
        x=base_x, y=alt.Y("gräns:Q", title=_("Andel (%)")),
        strokeDash=alt.StrokeDash("nivå:N", title=_("Kontrollgräns")), detail="sida:N",
        color=alt.value("#555"))
    centre = alt.Chart(alt.Data(values=[{"y": _percent(result.theta)}])).mark_rule(color="#0b3d6b",
                                                                                   aria=False).encode(y="y:Q")
    dots = alt.Chart(alt.Data(values=points)).mark_point(filled=True, size=70).encode(
        x=base_x, y="värde:Q", shape=alt.Shape("läge:N", title=_("Läge")), color=alt.Color("läge:N", title=_("Läge")),
        tooltip=["område:N", "nämnare:Q", "värde:Q", "läge:N"])
    subtitle = _("Syntetiska data") if synthetic else ""
    return _localised((limits + centre + dots).properties(
        width=WIDTH, height=360, title=alt.Title(title, subtitle=subtitle),
        description=_("Trattdiagram: andel per område mot antal i nämnaren, med kontrollgränser kring riksvärdet.")
    ).to_dict())


def spc_chart(chart: Chart, periods: list[str], title: str, *, percent: bool, synthetic: bool) -> dict:
    scale = _percent if percent else (lambda v: None if v is None else round(v, 3))
    # Per point, so that a recalculation draws the centre and the limits as a step.
    data = [{"period": p, "värde": scale(v), "centrum": scale(c), "undre": scale(lo), "övre": scale(hi),
             "signal": ", ".join(sorted(s)) or _("ingen")}
            for p, v, c, lo, hi, s in zip(periods, chart.values, chart.centre, chart.lower, chart.upper, chart.signals)]
    base = alt.Chart(alt.Data(values=data)).encode(x=_month_axis())
    line = base.mark_line(point=True, color="#0b3d6b").encode(
        y=alt.Y("värde:Q", title=_("Andel (%)") if percent else _("Värde")), tooltip=[_month_tooltip(), "värde:Q", "signal:N"])
    # The lines and markers beside the series are read from the table and the text, not by
    # a screen reader mark by mark (aria=False).
    # Drawn as steps around each point: a p-chart's limits change with each denominator, and
    # a recalculation shows as a step rather than a slope.
    centre = base.mark_line(color="#555", aria=False, interpolate="step").encode(y="centrum:Q")
    lower = base.mark_line(strokeDash=[4, 4], color="#555", aria=False, interpolate="step").encode(y="undre:Q")
    upper = base.mark_line(strokeDash=[4, 4], color="#555", aria=False, interpolate="step").encode(y="övre:Q")
    flagged = base.transform_filter(alt.datum.signal != _("ingen")).mark_point(
        shape="diamond", size=120, filled=True, color="#b35c00", aria=False).encode(y="värde:Q")
    subtitle = _("Syntetiska data") if synthetic else ""
    return _localised((line + centre + lower + upper + flagged).properties(
        width=WIDTH, height=300, title=alt.Title(title, subtitle=subtitle),
        description=_("Styrdiagram över tid med medellinje och processgränser; markerade punkter är särskilda orsaker.")
    ).to_dict())


def moving_range_chart(chart: Chart, periods: list[str], title: str, *, percent: bool, synthetic: bool) -> dict:
    """The XmR chart's moving-range (MR) chart, drawn under it: each point's distance from the
    one before, the mean moving range and its upper limit 3.267 × the mean (D4); a
    recalculation shows as a step, and the first point of each segment has no moving range."""
    scale = _percent if percent else (lambda v: None if v is None else round(v, 3))
    data = [{"period": p, "variationsbredd": scale(m), "medel": scale(c), "övre": scale(hi),
             "över": _("över gränsen") if m is not None and m > hi else _("inom gränsen")}
            for p, m, c, hi in zip(periods, chart.moving_ranges, chart.mr_centre, chart.mr_upper)]
    base = alt.Chart(alt.Data(values=data)).encode(x=_month_axis())
    line = base.transform_filter(alt.datum.variationsbredd != None).mark_line(  # noqa: E711 (a Vega expression)
        point=True, color="#0b3d6b").encode(
        y=alt.Y("variationsbredd:Q", title=_("Variationsbredd (procentenheter)") if percent else _("Variationsbredd")),
        tooltip=[_month_tooltip(), "variationsbredd:Q", "över:N"])
    centre = base.mark_line(color="#555", aria=False, interpolate="step").encode(y="medel:Q")
    upper = base.mark_line(strokeDash=[4, 4], color="#555", aria=False, interpolate="step").encode(y="övre:Q")
    subtitle = _("Syntetiska data") if synthetic else ""
    return _localised((line + centre + upper).properties(
        width=WIDTH, height=200, title=alt.Title(title, subtitle=subtitle),
        description=_("Variationsbreddsdiagram: skillnaden mellan varje punkt och den före, med medelvärdet och "
                      "den övre gränsen 3,267 × medelvariationsbredden.")
    ).to_dict())


def trend_chart(series: dict[str, list[dict]], title: str, *, percent: bool, synthetic: bool) -> dict:
    """Yearly values of a few areas (the nation and the chosen one), each with its interval."""
    scale = _percent if percent else (lambda v: v)
    data = [{"område": name, "år": r["period"].isoformat(), "värde": scale(r["value"]), "låg": scale(r["ci_low"]),
             "hög": scale(r["ci_high"])} for name, rows in series.items() for r in rows if r["value"] is not None]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("år:T", title=_("År"), timeUnit="year",
                                                                         axis=alt.Axis(format="%Y")),
                                                   color=alt.Color("område:N", title=_("Område")))
    line = base.mark_line(point=True).encode(y=alt.Y("värde:Q", title=_("Andel (%)") if percent else _("Värde")),
                                             shape=alt.Shape("område:N", title=_("Område")),
                                             tooltip=["område:N", alt.Tooltip("år:T", title=_("År"), format="%Y"), "värde:Q", "låg:Q",
                                                      "hög:Q"])
    band = base.mark_area(opacity=0.2, aria=False).encode(y="låg:Q", y2="hög:Q")
    subtitle = _("Syntetiska data") if synthetic else ""
    return _localised((band + line).properties(width=WIDTH, height=280, title=alt.Title(title, subtitle=subtitle),
                                    description=_("Trend per år med 95 % konfidensintervall.")).to_dict())


def comparison_chart(rows: list[dict], title: str, *, percent: bool, targets: list[dict], synthetic: bool) -> dict:
    """Regions side by side with their intervals, and the target levels as lines."""
    scale = _percent if percent else (lambda v: v)
    data = [{"område": r["name"], "värde": scale(r["value"]), "låg": scale(r["ci_low"]), "hög": scale(r["ci_high"])}
            for r in rows if r["value"] is not None]
    base = alt.Chart(alt.Data(values=data)).encode(y=alt.Y("område:N", title=None, sort="-x"))
    bars = base.mark_bar(color="#7aa6d6").encode(x=alt.X("värde:Q", title=_("Andel (%)") if percent else _("Värde")),
                                                  tooltip=["område:N", "värde:Q", "låg:Q", "hög:Q"])
    whiskers = base.mark_rule(color="#1b1b1b", aria=False).encode(x="låg:Q", x2="hög:Q")
    layers = bars + whiskers
    if targets:
        lines = alt.Chart(alt.Data(values=[{"mål": scale(float(t["level"])), "namn": f"{t['name']} ({t['label']})"}
                                            for t in targets]))
        layers += lines.mark_rule(strokeDash=[6, 3], color="#0d4d1d", aria=False).encode(
            x="mål:Q", tooltip=["namn:N", "mål:Q"])
    subtitle = _("Syntetiska data") if synthetic else ""
    return _localised(layers.properties(width=WIDTH, height=max(200, 18 * len(data)), title=alt.Title(title, subtitle=subtitle),
                             description=_("Regionerna jämförda, med 95 % konfidensintervall och målnivåer.")
                             ).to_dict())


def render(spec: dict, fmt: str) -> bytes:
    """PNG or SVG on the server, from the same specification."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)
