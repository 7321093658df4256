"""A report's charts: Vega-Lite (altair) drawn on the server as SVG by vl-convert, from the
numbers of the table they stand beside in the snapshot and nothing else, so that a report
draws the same chart in five years. The table is the chart's text alternative.

vl-convert's SVG of the same specification is the same bytes (no random ids, no time), which
keeps the page of a report byte-equal when it is rendered again (tested)."""

import base64

import altair as alt

WIDTH = 520
BAR_HEIGHT = 16
# A table of more rows than this (the per-support table of 200 supports) is read as a table:
# a chart pages long shows no more, and doubled a region's PDF time (docs/performance.md).
MOST_ROWS = 40


def _data(block: dict) -> list[dict]:
    """One point per row and charted column: the row's label, the column's, the value."""
    chart = block["chart"]
    points = []
    for row in block["rows"]:
        for column in chart["series"]:
            if isinstance(row[column], (int, float)):
                points.append({"rad": str(row[0]), "serie": block["columns"][column]["label"], "värde": row[column]})
    return points


def spec(block: dict) -> dict | None:
    """The Vega-Lite specification of a table's chart, or None when it has nothing to draw."""
    chart = block.get("chart")
    if not chart or chart.get("type") != "bars" or len(block["rows"]) > MOST_ROWS:
        return None
    data = _data(block)
    if not data:
        return None
    series = [block["columns"][c]["label"] for c in chart["series"]]
    rows = list(dict.fromkeys(point["rad"] for point in data))
    colour = alt.Color("serie:N", title=None, sort=series, legend=alt.Legend(orient="bottom", columns=2)
                       if len(series) > 1 else None, scale=alt.Scale(domain=series, scheme="tableau10"))
    encoding = {"y": alt.Y("rad:N", title=None, sort=rows, axis=alt.Axis(labelLimit=220)),
                "x": alt.X("värde:Q", title=series[0] if len(series) == 1 else None,
                           stack="zero" if chart["stacked"] else None),
                "color": colour}
    per_row = 1 if chart["stacked"] or len(series) == 1 else len(series)
    if per_row > 1:
        encoding["yOffset"] = alt.YOffset("serie:N", sort=series)
    return (alt.Chart(alt.Data(values=data)).mark_bar().encode(**encoding)
            .properties(width=WIDTH, height=max(40, BAR_HEIGHT * per_row * len(rows)),
                        description=block["caption"])
            .configure_view(stroke=None).configure(font="DejaVu Sans")
            .to_dict())


def svg(block: dict) -> str | None:
    """The chart as SVG, with Swedish number formats; nothing is fetched from outside."""
    import vl_convert as vlc

    chart = spec(block)
    if chart is None:
        return None
    return vlc.vegalite_to_svg(chart, format_locale="sv-SE", time_format_locale="sv-SE", allowed_base_urls=[])


def data_url(block: dict) -> str | None:
    """The chart as an image address in the page itself: the page and the PDF need no second
    request, and the content security policy allows images from data: (lib/security.py)."""
    drawn = svg(block)
    if drawn is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(drawn.encode("utf-8")).decode("ascii")
