"""The analysis charts as Vega-Lite (altair): funnel plot, SPC chart, trend and region
comparison. The same specification is drawn in the page (vendored vega-embed) and rendered
to PNG and SVG on the server (vl-convert, no browser); its data is offered as CSV."""

import altair as alt
from django.utils.translation import gettext as _

from .variation import Chart, Funnel

WIDTH = 640


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
    return (limits + centre + dots).properties(
        width=WIDTH, height=360, title=alt.Title(title, subtitle=subtitle),
        description=_("Trattdiagram: andel per område mot antal i nämnaren, med kontrollgränser kring riksvärdet.")
    ).to_dict()


def spc_chart(chart: Chart, periods: list[str], title: str, *, percent: bool, synthetic: bool) -> dict:
    scale = _percent if percent else (lambda v: None if v is None else round(v, 3))
    # Per point, so that a recalculation draws the centre and the limits as a step.
    data = [{"period": p, "värde": scale(v), "centrum": scale(c), "undre": scale(lo), "övre": scale(hi),
             "signal": ", ".join(sorted(s)) or _("ingen")}
            for p, v, c, lo, hi, s in zip(periods, chart.values, chart.centre, chart.lower, chart.upper, chart.signals)]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("period:T", title=_("Period")))
    line = base.mark_line(point=True, color="#0b3d6b").encode(
        y=alt.Y("värde:Q", title=_("Andel (%)") if percent else _("Värde")), tooltip=["period:T", "värde:Q", "signal:N"])
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
    return (line + centre + lower + upper + flagged).properties(
        width=WIDTH, height=300, title=alt.Title(title, subtitle=subtitle),
        description=_("Styrdiagram över tid med medellinje och processgränser; markerade punkter är särskilda orsaker.")
    ).to_dict()


def trend_chart(series: dict[str, list[dict]], title: str, *, percent: bool, synthetic: bool) -> dict:
    """Yearly values of a few areas (the nation and the chosen one), each with its interval."""
    scale = _percent if percent else (lambda v: v)
    data = [{"område": name, "år": r["period"].isoformat(), "värde": scale(r["value"]), "låg": scale(r["ci_low"]),
             "hög": scale(r["ci_high"])} for name, rows in series.items() for r in rows if r["value"] is not None]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("år:T", title=_("År"), timeUnit="year"),
                                                   color=alt.Color("område:N", title=_("Område")))
    line = base.mark_line(point=True).encode(y=alt.Y("värde:Q", title=_("Andel (%)") if percent else _("Värde")),
                                             shape=alt.Shape("område:N", title=_("Område")),
                                             tooltip=["område:N", "år:T", "värde:Q", "låg:Q", "hög:Q"])
    band = base.mark_area(opacity=0.2, aria=False).encode(y="låg:Q", y2="hög:Q")
    subtitle = _("Syntetiska data") if synthetic else ""
    return (band + line).properties(width=WIDTH, height=280, title=alt.Title(title, subtitle=subtitle),
                                    description=_("Trend per år med 95 % konfidensintervall.")).to_dict()


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
        lines = alt.Chart(alt.Data(values=[{"mål": scale(float(t["level"])), "namn": t["name"]} for t in targets]))
        layers += lines.mark_rule(strokeDash=[6, 3], color="#0d4d1d", aria=False).encode(
            x="mål:Q", tooltip=["namn:N", "mål:Q"])
    subtitle = _("Syntetiska data") if synthetic else ""
    return layers.properties(width=WIDTH, height=max(200, 18 * len(data)), title=alt.Title(title, subtitle=subtitle),
                             description=_("Regionerna jämförda, med 95 % konfidensintervall och målnivåer.")
                             ).to_dict()


def render(spec: dict, fmt: str) -> bytes:
    """PNG or SVG on the server, from the same specification."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)
