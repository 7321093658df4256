"""/api/v1/ annual reports: the reports the reader may see, each with its snapshot (every
number it shows) and where to download it as a page, PDF and XLSX."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema

from kunskapsnav.interop.api import READ_AUTH
from kunskapsnav.interop.edge import Id
from kunskapsnav.reports import permissions, selectors
from kunskapsnav.reports.models import Report, ReportKind, ReportStatus

router = Router(tags=["årlig uppföljning"])


class ReportOut(Schema):
    id: int
    kind: ReportKind
    scope: str = Field(..., description="Hela landet, sjukvårdsregionens eller regionens namn")
    region: str | None = Field(None, description="Regionens länskod, för en regions rapport")
    healthcare_region: str | None = Field(None, description="Sjukvårdsregionens kod")
    period_start: datetime.date
    period_end: datetime.date
    number: int = Field(..., description="Rapportens nummer för samma slag, omfattning och period")
    status: ReportStatus
    progress: int
    generated_at: datetime.datetime | None
    frozen_at: datetime.datetime | None
    published_at: datetime.datetime | None
    html_url: str | None = Field(None, description="Rapporten som webbsida, när den är framtagen")
    pdf_url: str | None
    xlsx_url: str | None = Field(None, description="Tabellerna och nyckeltalen som XLSX")


class AssessmentOut(Schema):
    section: str
    author: str = Field(..., description="Regionen eller det nationella kansliet")
    text: str = Field(..., description="Sanerad HTML")


class ReportDetailOut(ReportOut):
    snapshot: dict = Field(..., description="Underlaget rapporten visas från: avsnitt med tabeller och nyckeltal")
    assessments: list[AssessmentOut]


def _out(request, report: Report) -> dict:
    made = report.is_made

    def url(name):
        return request.build_absolute_uri(reverse(name, args=[report.pk])) if made else None

    return {
        "id": report.pk, "kind": report.kind, "scope": report.scope_name,
        "region": report.region.county_code if report.region_id else None,
        "healthcare_region": report.healthcare_region.code if report.healthcare_region_id else None,
        "period_start": report.period_start, "period_end": report.period_end, "number": report.number,
        "status": report.status, "progress": report.progress, "generated_at": report.generated_at,
        "frozen_at": report.frozen_at, "published_at": report.published_at,
        "html_url": url("reports:report_document"), "pdf_url": url("reports:report_pdf"),
        "xlsx_url": url("reports:report_xlsx"),
    }


@router.get("/reports", response=list[ReportOut], auth=READ_AUTH,
            summary="Årsrapporter: publicerade för alla, utkast för dem som tar fram dem")
def list_reports(request):
    return [_out(request, report) for report in selectors.reports_visible_to(request.user)[:500]]


@router.get("/reports/{report_id}", response=ReportDetailOut, auth=READ_AUTH,
            summary="En årsrapport med sitt underlag och sina bedömningar")
def get_report(request, report_id: Id):
    report = get_object_or_404(Report.objects.select_related("region", "healthcare_region"), pk=report_id)
    if not permissions.can_read(request.user, report):
        raise Http404
    assessments = [{"section": a.section, "author": a.author_label, "text": a.text}
                   for a in report.assessments.order_by("section", "author_label", "pk")]
    return {**_out(request, report), "snapshot": report.snapshot, "assessments": assessments}
