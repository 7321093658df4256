"""Demo reports: the national follow-up and Region Örebro län's annual report for this year
so far, made from the demo data, assessed, locked and published; and Örebro's structure
follow-up as a draft for its coordinator to comment on. Made here, not by the worker, so that
the demo starts with them ready. The demo data are made on the day the demo starts, so the
reports cover this year so far."""

import datetime

from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.organisation.models import Region

from . import making
from .models import Report, ReportKind, ReportStatus


def demo_reports_loaded() -> bool:
    return Report.objects.exists()


def _made(*, by, kind, **scope) -> Report:
    today = timezone.localdate()
    report = making.report_request(by=by, kind=kind, period_start=datetime.date(today.year, 1, 1), period_end=today,
                                   queue=False, **scope)
    return making.generate(report.pk)


def demo_reports_load() -> bool:
    if demo_reports_loaded():
        return False
    admin = User.objects.get(username="admin")
    coordinator = User.objects.get(username="samordnare-orebro")
    orebro = Region.objects.get(county_code="18")
    national = _made(by=admin, kind=ReportKind.NATIONAL)
    making.assessment_save(report=national, section="struktur", by=admin,
                           text="<p>Demodata: strukturen är i stort sett på plats; några regioner saknar ännu "
                                "lokala programområden för flera NPO.</p>")
    regional = _made(by=coordinator, kind=ReportKind.REGION, region=orebro)
    making.assessment_save(report=regional, section="inforande", by=coordinator,
                           text="<p>Demodata: Stroke och TIA är under implementering i regionen.</p>")
    for report, by in ((national, admin), (regional, coordinator)):
        making.report_move(report=report, to=ReportStatus.FROZEN, by=by)
        making.report_move(report=report, to=ReportStatus.PUBLISHED, by=by)
    _made(by=coordinator, kind=ReportKind.STRUCTURE, region=orebro)
    return True
