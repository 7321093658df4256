"""Making a report: asked for, made by the worker section by section with its progress,
commented, locked and published. Each status change is written with who made it
(TRANSITIONS is the one table of the moves a person makes)."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kunskapsnav.lib.richtext import from_editor, plain_text
from kunskapsnav.organisation.models import HealthcareRegion, Region

from . import permissions
from .models import Assessment, Report, ReportKind, ReportStatus, ReportTransition
from .sections import Scope, chain, changes, consultation, followup, indicators, needs, production, structure

logger = logging.getLogger(__name__)
S = ReportStatus
SCHEMA = 1
# Stored in Swedish, translated where it is shown.
FAILURE_MESSAGE = gettext_noop("Rapporten kunde inte tas fram. Ingenting sparades; försök igen eller kontakta "
                               "förvaltningen om felet består.")
# A run that has not finished this long after the worker took it up was left by a worker that
# died (a national report takes about a minute, docs/performance.md): stuck_reports_fail()
# marks it failed. Stored in Swedish, translated where it is shown.
STUCK_AFTER = datetime.timedelta(hours=2)
STUCK_MESSAGE = gettext_noop("Arbetet med rapporten avbröts: den hade inte blivit klar två timmar efter att det "
                             "började. Ingenting sparades; be om rapporten igen.")
# The sections of each kind of report, in order: (key, what the progress line says, collector).
_ANNUAL = [("struktur", gettext_noop("Strukturen"), structure.collect),
           ("produktion", gettext_noop("Produktionen av kunskapsstöd"), production.collect),
           ("remiss", gettext_noop("Remisserna"), consultation.collect),
           ("inforande", gettext_noop("Införandet i regionerna"), chain.collect),
           ("indikatorer", gettext_noop("Indikatorerna"), indicators.collect),
           ("behov", gettext_noop("Behoven"), needs.collect)]
SECTIONS = {
    ReportKind.NATIONAL: _ANNUAL,
    ReportKind.REGION: _ANNUAL,
    ReportKind.STRUCTURE: [("struktur-uppfoljning", gettext_noop("Strukturen i regionerna"), followup.collect)],
}
# The annual reports end with their key figures beside the year before's.
COMPARED_WITH_THE_YEAR_BEFORE = frozenset({ReportKind.NATIONAL, ReportKind.REGION})
# The moves people make; the worker's own (queued → in the making → draft or failed) are in generate().
TRANSITIONS = {
    S.DRAFT: {S.FROZEN: permissions.can_freeze},
    S.FROZEN: {S.PUBLISHED: permissions.can_publish},
}
LONGEST_PERIOD_DAYS = 3 * 366
# Before the national system for knowledge governance there is nothing to report (and a
# comparison with the year before stays within the calendar).
EARLIEST = datetime.date(2000, 1, 1)


def _checked_scope(*, kind: str, region: Region | None, healthcare_region: HealthcareRegion | None,
                   period_start: datetime.date, period_end: datetime.date) -> None:
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = [_("Välj ett slag av rapport.")]
    if kind == ReportKind.REGION and region is None:
        errors["region"] = [_("En regions årsrapport gäller en region: välj den.")]
    if kind == ReportKind.REGION and healthcare_region is not None:
        errors["healthcare_region"] = [_("En regions årsrapport gäller en region, inte en sjukvårdsregion.")]
    if region is not None and healthcare_region is not None:
        errors["healthcare_region"] = [_("Välj en region eller en sjukvårdsregion, inte båda.")]
    if period_start < EARLIEST:
        errors["period_start"] = [_("Perioden kan inte börja före %(day)s.") % {"day": EARLIEST.isoformat()}]
    if period_start > period_end:
        errors["period_end"] = [_("Perioden slutar före den börjar.")]
    elif (period_end - period_start).days > LONGEST_PERIOD_DAYS:
        errors["period_end"] = [_("En rapport gäller högst tre år.")]
    if period_end > timezone.localdate():
        errors["period_end"] = [_("Perioden kan inte sluta i framtiden.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_request(*, by, kind: str, period_start: datetime.date, period_end: datetime.date,
                   region: Region | None = None, healthcare_region: HealthcareRegion | None = None,
                   queue: bool = True) -> Report:
    """Check the request and queue the report for the worker, with the next number for its
    kind, scope and period (queue=False: the caller makes it with generate() itself)."""
    if not permissions.can_make(by, region_id=region.pk if region else None):
        raise PermissionDenied(_("Du får inte ta fram den här rapporten."))
    _checked_scope(kind=kind, region=region, healthcare_region=healthcare_region, period_start=period_start,
                   period_end=period_end)
    same = Report.objects.select_for_update().filter(kind=kind, region=region, healthcare_region=healthcare_region,
                                                     period_start=period_start, period_end=period_end)
    number = (same.aggregate(n=Max("number"))["n"] or 0) + 1
    report = Report.objects.create(kind=kind, region=region, healthcare_region=healthcare_region,
                                   period_start=period_start, period_end=period_end, number=number, requested_by=by)
    if queue:
        from .tasks import make_report

        report_id = report.pk
        transaction.on_commit(lambda: make_report.enqueue(report_id))
    return report


def _scope(report: Report) -> Scope:
    return Scope(period_start=report.period_start, period_end=report.period_end, region=report.region,
                 healthcare_region=report.healthcare_region)


def snapshot_collect(report: Report, *, progress=None) -> dict:
    """Every section's facts for the report's scope and period, labelled in Swedish (the
    report is a Swedish document, whoever asked for it)."""
    scope = _scope(report)
    sections = SECTIONS[report.kind]
    collected = []
    compared = report.kind in COMPARED_WITH_THE_YEAR_BEFORE
    steps = len(sections) + compared
    with translation.override("sv"):
        for done, (key, label, collect) in enumerate(sections):
            if progress:
                progress(round(100 * done / steps), _(label))
            collected.append(collect(scope))
        if compared:
            if progress:
                progress(round(100 * len(sections) / steps), _("Jämförelsen med året före"))
            with_figures = [collect for (_key, _label, collect), done in zip(sections, collected, strict=True)
                            if any(block["type"] == "figures" for block in done["blocks"])]
            collected.append(changes.collect_for(scope, collected, with_figures))
        return {
            "schema": SCHEMA,
            "title": str(ReportKind(report.kind).label),
            "scope": report.scope_name,
            "period": report.period_label,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "number": report.number,
            # Made from the demo's invented data: said on the report, which outlives the demo.
            "synthetic": bool(getattr(settings, "KUNSKAPSNAV_DEMO", False)),
            "sections": collected,
        }


def generate(report_id: int) -> Report:
    """The worker's part: collect the snapshot and store it in one write, or record that it
    failed and store nothing of it."""
    claimed = Report.objects.filter(pk=report_id, status=S.QUEUED).update(status=S.GENERATING, progress=1)
    report = Report.objects.get(pk=report_id)
    if not claimed:
        logger.warning("report %s was not queued (status %s); not made again", report_id, report.status)
        return report
    ReportTransition.objects.create(report=report, old_status=S.QUEUED, new_status=S.GENERATING,
                                    by=report.requested_by)

    def progress(percent: int, text: str):
        Report.objects.filter(pk=report_id).update(progress=max(1, min(99, percent)), progress_text=text[:200])

    try:
        snapshot = snapshot_collect(report, progress=progress)
        with transaction.atomic():
            Report.objects.filter(pk=report_id).update(status=S.DRAFT, progress=100, progress_text="",
                                                       snapshot=snapshot, generated_at=timezone.now(), message="")
            ReportTransition.objects.create(report=report, old_status=S.GENERATING, new_status=S.DRAFT,
                                            by=report.requested_by)
    except Exception:  # noqa: BLE001 – the report records any failure, for the person waiting on it
        logger.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(status=S.FAILED, progress_text="", snapshot={},
                                                   message=FAILURE_MESSAGE)
        ReportTransition.objects.create(report=report, old_status=S.GENERATING, new_status=S.FAILED,
                                        by=report.requested_by)
        raise
    report.refresh_from_db()
    return report


def stuck_reports_fail(*, now: datetime.datetime) -> int:
    """Mark failed every report still in the making STUCK_AFTER after the worker took it up
    (its move to "tas fram"), keeping nothing of it; the morning sweep runs this. Only a
    report still in the making changes, so a run that finishes meanwhile keeps its draft."""
    started_before = now - STUCK_AFTER
    stuck = (ReportTransition.objects.filter(new_status=S.GENERATING, at__lt=started_before,
                                             report__status=S.GENERATING)
             .values_list("report_id", flat=True).distinct())
    failed = 0
    for report_id in list(stuck):
        with transaction.atomic():
            changed = Report.objects.filter(pk=report_id, status=S.GENERATING).update(
                status=S.FAILED, progress_text="", snapshot={}, message=STUCK_MESSAGE)
            if changed:
                ReportTransition.objects.create(report_id=report_id, old_status=S.GENERATING, new_status=S.FAILED)
                logger.warning("report %s was still in the making after %s; marked failed", report_id, STUCK_AFTER)
                failed += 1
    return failed


@transaction.atomic
def report_move(*, report: Report, to: str, by) -> Report:
    """Lock a draft, or publish a locked report, by the TRANSITIONS table."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    allowed = TRANSITIONS.get(report.status, {}).get(to)
    if allowed is None:
        raise ValidationError(_("Rapporten kan inte gå från %(old)s till %(new)s.") % {
            "old": report.get_status_display(), "new": ReportStatus(to).label if to in S.values else to})
    if not allowed(by, report):
        raise PermissionDenied(_("Du får inte ändra rapportens status."))
    ReportTransition.objects.create(report=report, old_status=report.status, new_status=to, by=by)
    report.status = to
    if to == S.FROZEN:
        report.frozen_by, report.frozen_at = by, timezone.now()
    if to == S.PUBLISHED:
        report.published_at = timezone.now()
    report.save(update_fields=["status", "frozen_by", "frozen_at", "published_at"])
    return report


ASSESSMENT_MAX_LENGTH = 20_000


def items_of(report: Report, section: str) -> dict[str, str]:
    """The rows of the section one can comment on, by key, with the label each is shown by."""
    found = {}
    for candidate in report.snapshot.get("sections", []):
        if candidate["key"] == section:
            for block in candidate["blocks"]:
                for key, row in zip(block.get("row_keys", []), block.get("rows", []), strict=False):
                    found[key] = str(row[0])
    return found


def assessment_save(*, report: Report, section: str, text: str, by, item: str = "") -> Assessment | None:
    """Write (or, with an empty text, remove) the author's assessment of a section of a draft,
    or their comment on one of its rows."""
    with transaction.atomic():
        return _assessment_save(report=report, section=section, text=text, by=by, item=item)


def _assessment_save(*, report: Report, section: str, text: str, by, item: str) -> Assessment | None:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_assess(by, report):
        raise PermissionDenied(_("Bedömningar skrivs i ett utkast, av regionens samordnare eller det nationella "
                                 "kansliet."))
    if section not in {s["key"] for s in report.snapshot.get("sections", [])}:
        raise ValidationError({"section": [_("Rapporten har inget sådant avsnitt.")]})
    if item and item not in items_of(report, section):
        raise ValidationError({"item": [_("Avsnittet har ingen sådan rad att kommentera.")]})
    if len(text or "") > ASSESSMENT_MAX_LENGTH or "\x00" in (text or ""):
        raise ValidationError({"text": [_("Bedömningen får vara högst %(n)s tecken.") % {"n": ASSESSMENT_MAX_LENGTH}]})
    cleaned = from_editor(text or "")
    if not plain_text(cleaned):
        Assessment.objects.filter(report=report, section=section, item=item, author=by).delete()
        return None
    label = report.region.name if report.region_id and not permissions.is_national_admin(by) else \
        str(_("Nationella kansliet"))
    assessment, _created = Assessment.objects.update_or_create(
        report=report, section=section, item=item, author=by, defaults={"text": cleaned, "author_label": label})
    return assessment
