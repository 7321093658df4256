"""Annual follow-up reports: requested for a kind, a scope and a period, made by the worker
into a frozen snapshot of the numbers they show, commented per section, then locked and
published. A report reads the same in five years: it is rendered from its snapshot only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kunskapsnav.lib.bounds import INTEGER_MAX, between
from kunskapsnav.organisation.models import HealthcareRegion, Region


class ReportKind(models.TextChoices):
    NATIONAL = "nationell", _("Nationell årlig uppföljning")
    REGION = "region", _("Regionens årsrapport")
    STRUCTURE = "struktur", _("Uppföljning av strukturen")


class ReportStatus(models.TextChoices):
    QUEUED = "koad", _("Köad")
    GENERATING = "pagar", _("Tas fram")
    FAILED = "misslyckad", _("Misslyckades")
    DRAFT = "utkast", _("Utkast")
    FROZEN = "last", _("Låst")
    PUBLISHED = "publicerad", _("Publicerad")


class Report(models.Model):
    """One report: its kind, scope (the nation, a sjukvårdsregion or a region) and period,
    and, once made, the snapshot it is rendered from. Made again for the same kind, scope and
    period, it is a new report with the next number; the earlier ones stay as they were."""

    kind = models.CharField(_("slag"), max_length=20, choices=ReportKind.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    healthcare_region = models.ForeignKey(HealthcareRegion, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name=_("sjukvårdsregion"))
    period_start = models.DateField(_("perioden börjar"))
    period_end = models.DateField(_("perioden slutar"))
    number = models.PositiveIntegerField(_("nummer"), default=1, validators=between(1, INTEGER_MAX))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0, validators=between(0, 100))
    progress_text = models.CharField(_("arbetar med"), max_length=200, blank=True)
    # Why a run failed, as people read it; the exception is in the log.
    message = models.TextField(_("meddelande"), blank=True)
    snapshot = models.JSONField(_("underlag"), default=dict, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(_("framtagen"), null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    frozen_at = models.DateTimeField(_("låst"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["-period_end", "kind", "-number", "-pk"]
        constraints = [
            models.CheckConstraint(name="report_progress_is_percent", condition=Q(progress__gte=0, progress__lte=100)),
            models.CheckConstraint(name="report_period_in_order", condition=Q(period_start__lte=models.F("period_end"))),
            # A region's report has its region; the others the nation or one scope at most.
            models.CheckConstraint(name="report_scope_fits_kind", condition=(
                Q(kind=ReportKind.REGION, region__isnull=False, healthcare_region__isnull=True)
                | (~Q(kind=ReportKind.REGION) & (Q(region__isnull=True) | Q(healthcare_region__isnull=True)))
            )),
            models.UniqueConstraint(
                name="report_number_once", fields=["kind", "region", "healthcare_region", "period_start", "period_end",
                                                   "number"], nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.scope_name} {self.period_label} ({self.number})"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def scope_name(self) -> str:
        if self.region_id:
            return self.region.name
        if self.healthcare_region_id:
            return self.healthcare_region.name
        return str(_("hela landet"))

    @property
    def period_label(self) -> str:
        """A calendar year reads as the year, any other period as its dates."""
        start, end = self.period_start, self.period_end
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return str(start.year)
        return f"{start.isoformat()} – {end.isoformat()}"

    @property
    def is_made(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.FROZEN, ReportStatus.PUBLISHED)


class ReportTransition(models.Model):
    """Every change of a report's status: who and when (who froze it, who published it)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    old_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    new_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class Assessment(models.Model):
    """A written assessment of one section (bedömning), or a comment on one row of it, by a
    region's coordinator or the national secretariat, entered before the report is locked;
    one per section or row and author."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assessments")
    section = models.SlugField(_("avsnitt"), max_length=40)
    # A row of one of the section's tables (an NPO, a body, a region), or blank for the section.
    item = models.CharField(_("rad"), max_length=80, blank=True)
    text = models.TextField(_("bedömning"), help_text=_("Sanerad rik text."))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("skriven av"), max_length=200,
                                    help_text=_("Som den visas i rapporten: regionen eller det nationella kansliet."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
        ordering = ["section", "item", "author_label", "pk"]
        constraints = [models.UniqueConstraint(name="assessment_once_per_author",
                                               fields=["report", "section", "item", "author"])]
