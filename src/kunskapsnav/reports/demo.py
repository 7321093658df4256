"""Demo reports: last year's national follow-up and Region Örebro län's annual report, made
from the demo data, assessed, locked and published; and Örebro's structure follow-up for
this year so far as a draft for its coordinator to comment on. Made here, not by the worker,
so that the demo starts with them ready.

The demo data are made on the day the demo starts. So that last year has something to report,
the demo's history is first moved back a year, to the same day last year: the bodies'
history, the publication of the supports, the adoptions with their steps and decisions. The
open remiss and what lies ahead (deadlines, review dates) stay where they are."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.implementation.models import Adoption, Decision, StageTransition
from kunskapsnav.knowledge.models import SupportVersion, VersionStatus, VersionTransition
from kunskapsnav.organisation.models import Body, Region

from . import making
from .models import Report, ReportKind, ReportStatus
from .sections.changes import year_before

PUBLISHED_ONCE = [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN]


def demo_reports_loaded() -> bool:
    return Report.objects.exists()


def demo_history_move_back(*, today: datetime.date) -> datetime.timedelta:
    """Date the demo's past a year earlier (to the same day last year); returns the shift."""
    shift = today - year_before(today)
    Body.history.update(history_date=F("history_date") - shift)
    published = SupportVersion.objects.filter(status__in=PUBLISHED_ONCE)
    published.update(published_at=F("published_at") - shift)
    published.filter(approved_at__isnull=False).update(approved_at=F("approved_at") - shift)
    VersionTransition.objects.filter(version__status__in=PUBLISHED_ONCE).update(at=F("at") - shift)
    Adoption.objects.update(created_at=F("created_at") - shift)
    StageTransition.objects.update(at=F("at") - shift)
    for decision in Decision.objects.all():
        Decision.objects.filter(pk=decision.pk).update(decided_on=decision.decided_on - shift)
    return shift


def _made(*, by, kind, start: datetime.date, end: datetime.date, **scope) -> Report:
    report = making.report_request(by=by, kind=kind, period_start=start, period_end=end, queue=False, **scope)
    return making.generate(report.pk)


def demo_reports_load() -> bool:
    if demo_reports_loaded():
        return False
    today = timezone.localdate()
    with transaction.atomic():
        demo_history_move_back(today=today)
    last_year = {"start": datetime.date(today.year - 1, 1, 1), "end": datetime.date(today.year - 1, 12, 31)}
    admin = User.objects.get(username="admin")
    coordinator = User.objects.get(username="samordnare-orebro")
    orebro = Region.objects.get(county_code="18")
    national = _made(by=admin, kind=ReportKind.NATIONAL, **last_year)
    making.assessment_save(report=national, section="struktur", by=admin,
                           text="<p>Demodata: strukturen är i stort sett på plats; några regioner saknar ännu "
                                "lokala programområden för flera NPO.</p>")
    regional = _made(by=coordinator, kind=ReportKind.REGION, region=orebro, **last_year)
    making.assessment_save(report=regional, section="inforande", by=coordinator,
                           text="<p>Demodata: Stroke och TIA är under implementering i regionen.</p>")
    for report, by in ((national, admin), (regional, coordinator)):
        making.report_move(report=report, to=ReportStatus.FROZEN, by=by)
        making.report_move(report=report, to=ReportStatus.PUBLISHED, by=by)
    _made(by=coordinator, kind=ReportKind.STRUCTURE, region=orebro, start=datetime.date(today.year, 1, 1), end=today)
    return True
