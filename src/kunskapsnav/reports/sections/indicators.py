"""Follow-up: every indicator as the public sees it (small numbers suppressed exactly as on
the public pages, since the same analysis is asked for an anonymous reader): the latest
year within the period for the nation (or the region), the regions that reach each target,
the regions beyond the funnel plot's 99.8 % limits, and the SPC reading of the monthly series with its
assurance against the targets, all from the years and months that begin within the period.
The values are those current when the report is made."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from kunskapsnav.indicators import analysis, selectors
from kunskapsnav.lowvalue.selectors import indicator_trends

from . import TEXT, Scope, section, table


def _value(row, percent: bool) -> str:
    if row is None or row.get("value") is None:
        return _("döljs eller saknas")
    value = row["value"] * 100 if percent else row["value"]
    written = f"{value:.1f}".replace(".", ",")
    return f"{written}\u202f%" if percent else written


def collect(scope: Scope) -> dict:
    names = selectors.geography_names()
    reader = AnonymousUser()
    rows = []
    region = scope.region
    for definition in selectors.latest_definitions():
        options = analysis.Options(since=scope.period_start, until=scope.period_end)
        if region is not None:
            options.geo_level, options.geo = "region", region.county_code
        result = analysis.analyse(reader, definition, names, options)
        if result["latest"] is None:
            continue
        percent = result["percent"]
        own = next((r for r in result["regions"] if region is not None and r["name"] == region.name), None)
        shown = [r for r in result["regions"] if r["value"] is not None]
        targets = "; ".join(
            (_("%(target)s: nås") if region is not None and own and own["name"] in t["reached"] else
             _("%(target)s: nås inte") if region is not None else
             _("%(target)s: %(n)s av %(of)s regioner")) % {"target": t["name"], "n": len(t["reached"]),
                                                           "of": len(shown)}
            for t in result["targets"]) if (region is None or own is not None) else ""
        outliers = ""
        if "funnel" in result:
            beyond = [u for u in result["funnel"].units if u.outside.endswith("99.8")]
            if region is not None:
                beyond = [u for u in beyond if u.name == region.name]
            outliers = ", ".join(f"{u.name} ({_('över') if u.outside.startswith('over') else _('under')})"
                                 for u in beyond)
        reading = ""
        if "spc" in result:
            reading = result["spc_text"]["classification"]
            if result["spc_text"]["rule"]:
                reading += f" ({result['spc_text']['rule']})"
            for a in result.get("assurance", []):
                reading += f". {a['name']}: {a['text']}"
        rows.append([definition.name, str(result["latest"].year),
                     _value(own if region is not None else result["nation"], percent),
                     _value(result["nation"], percent) if region is not None else "", targets, outliers, reading])
    columns = [(_("Indikator"), TEXT), (_("År"), TEXT), (_("Regionen") if region is not None else _("Riket"), TEXT),
               (_("Riket") if region is not None else _("—"), TEXT), (_("Målnivåer"), TEXT),
               (_("Utanför trattens 99,8-procentsgränser"), TEXT), (_("Över tid (styrdiagram)"), TEXT)]
    if region is None:
        columns.pop(3)
        rows = [row[:3] + row[4:] for row in rows]
    return section("indikatorer", _("Uppföljning med indikatorer"), [
        table("indikatorer", _("Indikatorerna"), columns, rows,
              note=_("Som allmänheten ser dem: tal från för få fall döljs. Senaste året inom perioden med värden; "
                     "styrdiagrammet enligt Making Data Count för %(area)s per månad inom perioden.") % {
                  "area": region.name if region is not None else _("riket")}),
        _low_value_care(scope),
    ])


def _low_value_care(scope: Scope) -> dict:
    """The low-value-care indicators' trends (docs/low-value-care.md): per indicator and region
    the last year within the period, the year before it and the SPC reading of the months; a
    region's report shows its own rows. As the public sees them."""
    rows = []
    for trend in indicator_trends((scope.period_start, scope.period_end)):
        for reading in trend["regions"]:
            if scope.region is not None and reading["county_code"] != scope.region.county_code:
                continue
            rows.append([trend["name"], reading["name"], str(reading["year"] or "–"),
                         _value(reading, trend["percent"]),
                         _value({"value": reading["previous"]}, trend["percent"]), reading["spc"] or "–"])
    return table("lagvardig-vard", _("Lågvärdig vård: indikatorernas utveckling"),
                 [(_("Indikator"), TEXT), (_("Region"), TEXT), (_("År"), TEXT), (_("Värde"), TEXT),
                  (_("Året före"), TEXT), (_("Över tid (styrdiagram)"), TEXT)], rows,
                 note=_("Indikatorer som mäter åtgärder i registret över lågvärdig vård. Som allmänheten ser dem: "
                        "tal från för få fall döljs."))
