"""Uppföljning pages: indicators and their values, runs with their progress, imports."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kunskapsnav.lib.forms import attach_errors
from kunskapsnav.lib.spreadsheets import csv_dict_writer, csv_writer
from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Region

from . import chart_settings, imports, labels, limits, permissions, runs, selectors
from .forms import ChartSettingsForm, ImportForm, LimitRecalculationForm, RunForm, ValuesFilterForm
from .models import IndicatorRun, LimitRecalculation


_names = selectors.geography_names


@require_GET
def indicator_list(request):
    return render(request, "indicators/list.html", {"definitions": selectors.latest_definitions(),
                                                    "can_run": permissions.can_run(request.user)})


def _rows(request, definition):
    form = ValuesFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    values = selectors.current_values(definition).filter(
        level=chosen.get("level") or "region", period_type=chosen.get("period_type") or "ar",
        stratum_type=chosen.get("stratum_type") or "alla")
    names = _names()
    rows = [selectors.shown(request.user, v) | {"name": names.get((v.level, v.geo), v.geo)}
            for v in values.order_by("-period", "geo")]
    return form, rows


@require_GET
def indicator_detail(request, code):
    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    form, rows = _rows(request, definition)
    latest_period = rows[0]["period"] if rows else None
    return render(request, "indicators/detail.html", {
        "definition": definition, "form": form, "rows": [r for r in rows if r["period"] == latest_period],
        "latest_period": latest_period,
        "latest_label": labels.period_label(rows[0]["period_type"], latest_period) if rows else "",
        "synthetic": any(r["synthetic"] for r in rows),
        "percent": definition.kind == "andel",
    })


@require_GET
def values_csv(request, code):
    """Every current value of the indicator; suppressed ones always without numbers (an
    export is public)."""
    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{definition.code}.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(["indicator", "level", "geo", "period_type", "period", "stratum_type", "stratum", "numerator",
                     "denominator", "value", "ci_low", "ci_high", "suppressed", "synthetic"])
    for v in selectors.current_values(definition).iterator():
        hide = v.suppressed
        writer.writerow([definition.code, v.level, v.geo, v.period_type, labels.period_code(v.period_type, v.period), v.stratum_type,
                         v.stratum, "" if hide else v.numerator, "" if hide or v.denominator is None else v.denominator,
                         "" if hide or v.value is None else f"{v.value:.6g}",
                         "" if hide or v.ci_low is None else f"{v.ci_low:.6g}",
                         "" if hide or v.ci_high is None else f"{v.ci_high:.6g}", int(v.suppressed),
                         int(v.synthetic)])
    return response


@require_GET
def run_list(request):
    return render(request, "indicators/runs.html", {
        "runs": IndicatorRun.objects.prefetch_related("definitions")[:50],
        "form": RunForm() if permissions.can_run(request.user) else None,
        "show_folders": permissions.can_see_run_details(request.user),
    })


@login_required
@require_POST
def run_start(request):
    if not permissions.can_run(request.user):
        raise PermissionDenied(_("Bara analytiker och nationella administratörer kör indikatorer."))
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = runs.run_queue(by=request.user, folder=form.cleaned_data["data_folder"],
                                 definitions=list(form.cleaned_data["definitions"]),
                                 backend=form.cleaned_data["backend"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Körningen är köad. Sidan visar hur långt den har kommit."))
            return redirect(run)
    return render(request, "indicators/runs.html", {"runs": IndicatorRun.objects.all()[:50], "form": form,
                                                    "show_folders": True}, status=400)


@require_GET
def run_detail(request, pk):
    run = get_object_or_404(IndicatorRun, pk=pk)
    template = "indicators/run.html#progress" if request.htmx else "indicators/run.html"
    return render(request, template, {"run": run, "definitions": run.definitions.all(),
                                      "shown": selectors.run_shown(request.user, run)})


@login_required
@require_http_methods(["GET", "POST"])
def values_import(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied(_("Bara analytiker och nationella administratörer importerar värden."))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = imports.values_import(by=request.user, data=upload.read(), file_name=upload.name)
        if report.ok:
            messages.success(request, _("%(n)s värden är importerade.") % {"n": report.batch.rows})
            return redirect("indicators:indicator_list")
    return render(request, "indicators/import.html", {"form": form, "report": report},
                  status=400 if report and not report.ok else 200)


def _analysis(request, code, *, public: bool = False):
    """The analysis as the reader may see it; `public` as anyone may (for exports)."""
    from django.contrib.auth.models import AnonymousUser

    from .analysis import Options, analyse

    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    geo = request.GET.get("omrade", "riket:SE")
    level, _sep, geo_code = geo.partition(":")
    options = Options(geo_level=level if level in ("riket", "sjukvardsregion", "region", "kommun") else "riket",
                      geo=geo_code or "SE",
                      method=request.GET.get("metod") if request.GET.get("metod") in ("exact", "normal") else "exact",
                      adjustment=request.GET.get("justering") if request.GET.get("justering") in (
                          "none", "multiplicative", "additive") else "none")
    reader = AnonymousUser() if public else request.user
    return analyse(reader, definition, _names(), options), options


def _analysis_page(request, code, *, form=None, settings_form=None, status=200):
    result, options = _analysis(request, code)
    specs = result["specs"]
    definition = result["definition"]
    may_recalculate = permissions.can_recalculate_limits(request.user, definition)
    may_change_settings = permissions.can_change_chart_settings(request.user, definition)
    return render(request, "indicators/analysis.html", result | {
        "options": options, "query": request.GET.urlencode(),
        "charts": [(name, label, specs[name]) for name, label in (
            ("jamforelse", _("Regionerna jämförda")), ("tratt", _("Trattdiagram")), ("trend", _("Trend per år")),
            ("styrdiagram", _("Styrdiagram över tid")), ("variationsbredd", _("Variationsbredd över tid (MR-diagram)")))
            if name in specs],
        "region_choices": Region.objects.order_by("county_code"),
        "recalculation_form": form or (LimitRecalculationForm(initial={
            "area": f"{options.geo_level}:{options.geo}"}) if may_recalculate else None),
        "may_recalculate": may_recalculate,
        "settings_form": settings_form or (ChartSettingsForm(definition=definition) if may_change_settings else None),
        "show_authors": registry.can_see_change_authors(request.user),
        "history": selectors.analysis_history(definition, user=request.user),
        "hide_authors": not registry.can_see_change_authors(request.user),
    }, status=status)


@require_GET
def indicator_analysis(request, code):
    return _analysis_page(request, code)


def _back_to(code, area: str):
    return redirect(f"{reverse('indicators:indicator_analysis', args=[code])}?{urlencode({'omrade': area})}")


@login_required
@require_POST
def limits_recalculate(request, code):
    """Record a recalculation of the SPC chart's limits for the area shown."""
    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    if not permissions.can_recalculate_limits(request.user, definition):
        raise PermissionDenied(_("Bara analytiker, nationella administratörer och den grupp som äger "
                                 "kunskapsstödet räknar om gränserna."))
    form = LimitRecalculationForm(request.POST)
    if form.is_valid():
        (level, geo), period = form.cleaned_data["area"], form.cleaned_data["period"]
        try:
            limits.limits_recalculate(by=request.user, definition=definition, level=level, geo=geo, period=period,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Gränserna räknas om från %(period)s.") % {"period": f"{period:%Y-%m}"})
            return _back_to(code, f"{level}:{geo}")
    request.GET = request.GET.copy()
    request.GET["omrade"] = request.POST.get("area", "riket:SE")
    return _analysis_page(request, code, form=form, status=400)


@login_required
@require_POST
def chart_settings_change(request, code):
    """Choose the indicator's chart type, kind of care and baseline."""
    definition = selectors.latest(code)
    if definition is None:
        raise Http404
    if not permissions.can_change_chart_settings(request.user, definition):
        raise PermissionDenied(_("Bara analytiker, nationella administratörer och den grupp som äger "
                                 "kunskapsstödet ändrar hur indikatorn analyseras."))
    form = ChartSettingsForm(request.POST)
    if form.is_valid():
        try:
            chart_settings.chart_settings_change(by=request.user, definition=definition, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Inställningarna för analysen är sparade."))
            return redirect("indicators:indicator_analysis", code)
    return _analysis_page(request, code, settings_form=form, status=400)


@login_required
@require_POST
def limits_recalculation_remove(request, code, pk):
    recalculation = get_object_or_404(LimitRecalculation, pk=pk, indicator_code=code)
    area = f"{recalculation.level}:{recalculation.geo}"
    limits.limits_recalculation_remove(by=request.user, recalculation=recalculation)
    messages.success(request, _("Omräkningen är borttagen."))
    return _back_to(code, area)


@require_GET
def chart_download(request, code, name, fmt):
    """A chart of the analysis as PNG or SVG (rendered on the server) or its data as CSV. An
    export is public: small numbers are left out whoever downloads it."""
    from .analysis import chart_rows
    from .charts import render as render_chart

    result, _options = _analysis(request, code, public=True)
    if name not in result["specs"]:
        raise Http404
    filename = f"{code}-{name}.{fmt}"
    if fmt == "csv":
        rows = chart_rows(result, name)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        if rows:
            writer = csv_dict_writer(response, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        content_type = "image/svg+xml" if fmt == "svg" else "image/png"
        response = HttpResponse(render_chart(result["specs"][name], fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
