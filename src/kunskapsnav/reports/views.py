"""Annual follow-up pages: the reports, asking for one, following it being made, reading,
assessing, locking and publishing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kunskapsnav.lib.forms import attach_errors

from . import exports, making, permissions, rendering, selectors
from .forms import AssessmentForm, MoveForm, ReportRequestForm
from .models import Report, ReportStatus


def _visible(request, pk) -> Report:
    """The report if the user may read it. A report one may not read is not found when read
    (that it exists is not told), and refused when written to."""
    report = get_object_or_404(Report.objects.select_related("region", "healthcare_region"), pk=pk)
    if not permissions.can_read(request.user, report):
        if request.method == "POST":
            raise PermissionDenied(_("Du får inte ändra den här rapporten."))
        raise Http404
    return report


@require_GET
def report_list(request):
    can_make = permissions.can_make_any(request.user)
    return render(request, "reports/list.html", {
        "reports": selectors.reports_visible_to(request.user)[:200],
        "form": ReportRequestForm() if can_make else None})


@login_required
@require_POST
def report_request(request):
    if not permissions.can_make_any(request.user):
        raise PermissionDenied(_("Du får inte ta fram rapporter."))
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        try:
            report = making.report_request(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Rapporten tas fram. Sidan visar hur långt arbetet har kommit; du kan "
                                        "lämna den och komma tillbaka."))
            return redirect(report)
    return render(request, "reports/list.html", {"reports": selectors.reports_visible_to(request.user)[:200],
                                                 "form": form}, status=400)


@require_GET
def report_detail(request, pk):
    report = _visible(request, pk)
    template = "reports/detail.html#progress" if request.htmx else "reports/detail.html"
    can_assess = permissions.can_assess(request.user, report)
    return render(request, template, {
        "report": report, "sections": rendering.sections_with_assessments(report),
        "can_assess": can_assess, "can_freeze": permissions.can_freeze(request.user, report),
        "can_publish": permissions.can_publish(request.user, report),
        "transitions": report.transitions.select_related("by") if request.user.is_authenticated else [],
        "own_assessments": rendering.own_assessments(report, request.user) if can_assess else {},
    })


@require_GET
def report_document(request, pk):
    report = _visible(request, pk)
    if not report.is_made:
        raise Http404
    return rendering.html_response(report)


def _download(report: Report, content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, extension)}"'
    return response


@require_GET
def report_pdf(request, pk):
    report = _visible(request, pk)
    if not report.is_made:
        raise Http404
    try:
        return _download(report, exports.as_pdf(report), exports.PDF, "pdf")
    except exports.ExportUnavailable as error:
        messages.error(request, str(error))
        return redirect(report)


@require_GET
def report_xlsx(request, pk):
    report = _visible(request, pk)
    if not report.is_made:
        raise Http404
    return _download(report, exports.as_xlsx(report), exports.XLSX, "xlsx")


@login_required
@require_POST
def report_move(request, pk):
    report = _visible(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in ReportStatus.values:
        messages.error(request, _("Okänd status."))
        return redirect(report)
    try:
        making.report_move(report=report, to=form.cleaned_data["to"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rapporten är låst.") if form.cleaned_data["to"] == ReportStatus.FROZEN
                         else _("Rapporten är publicerad."))
    return redirect(report)


@login_required
@require_POST
def assessment_save(request, pk):
    report = _visible(request, pk)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(report)
    try:
        making.assessment_save(report=report, section=form.cleaned_data["section"], text=form.cleaned_data["text"],
                               item=form.cleaned_data["item"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bedömningen är sparad."))
    return redirect(f"{report.get_absolute_url()}#avsnitt-{form.cleaned_data['section']}")
