"""Uppföljning: indicator definitions, the runs of the engine that computed values, imported
batches, and the values per geography, period and stratum."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kunskapsnav.knowledge.models import KnowledgeSupport, Recommendation
from kunskapsnav.lib.bounds import INTEGER_MAX, SMALL_INTEGER_MAX, between, finite

from . import labels
from .spec import BASELINE_MIN, Direction, Kind


class ChartType(models.TextChoices):
    """The chart over time; "auto" picks by the stated rules of variation.default_kind and
    variation.proportion_chart_kind."""

    AUTO = "auto", _("Välj efter data")
    P = "p", _("p-diagram")
    P_PRIME = "p_prime", _("p′-diagram (Laney)")
    XMR = "xmr", _("XmR-diagram")
    RUN = "run", _("Seriediagram")


class VariationType(models.TextChoices):
    """The Dartmouth Atlas' kinds of care, which say how variation between areas is read."""

    UNSET = "", _("Ej angiven")
    EFFECTIVE = "effektiv", _("Effektiv vård")
    PREFERENCE = "preferenskanslig", _("Preferenskänslig vård")
    SUPPLY = "utbudskanslig", _("Utbudskänslig vård")


class IndicatorDefinition(models.Model):
    """One version of an indicator. The declarative form is kept whole (`spec`); the fields
    beside it are what pages and the API show and filter on."""

    code = models.CharField(_("kod"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1, validators=between(1, INTEGER_MAX))
    name = models.CharField(_("namn"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=[(k.value, k.value) for k in Kind])
    direction = models.CharField(_("riktning"), max_length=10, choices=[(d.value, d.value) for d in Direction])
    numerator_text = models.TextField(_("täljare"))
    denominator_text = models.TextField(_("nämnare"))
    unit = models.CharField(_("enhet"), max_length=40, default="%")
    data_source = models.CharField(_("datakälla"), max_length=300, blank=True)
    targets = models.JSONField(_("målnivåer"), default=list, blank=True)
    spec = models.JSONField(_("definition"), null=True, blank=True,
                            help_text=_("Den deklarativa definitionen; tom för värden som bara importeras."))
    support = models.ForeignKey(KnowledgeSupport, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="indicators", verbose_name=_("kunskapsstöd"))
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="indicators",
                                             verbose_name=_("rekommendationer"))
    chart_type = models.CharField(_("diagramtyp över tid"), max_length=10, choices=ChartType.choices,
                                  default=ChartType.AUTO)
    variation_type = models.CharField(_("typ av variation"), max_length=20, choices=VariationType.choices,
                                      blank=True, default=VariationType.UNSET)
    baseline_points = models.PositiveSmallIntegerField(
        _("baslinjens antal punkter"), null=True, blank=True, validators=between(BASELINE_MIN, SMALL_INTEGER_MAX),
        help_text=_("Styrdiagrammets gränser räknas från så många första punkter och hålls sedan fasta; tomt: alla."))
    baseline_end = models.DateField(
        _("baslinjen till och med"), null=True, blank=True,
        help_text=_("Styrdiagrammets gränser räknas från punkterna till och med den månaden och hålls sedan fasta."))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_code_version_unique"),
            models.CheckConstraint(name="indicator_baseline_points_in_range",
                                   condition=Q(baseline_points__isnull=True)
                                   | Q(baseline_points__gte=BASELINE_MIN, baseline_points__lte=SMALL_INTEGER_MAX)),
            models.CheckConstraint(name="indicator_baseline_points_or_period",
                                   condition=Q(baseline_points__isnull=True) | Q(baseline_end__isnull=True)),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.code])

    @property
    def kind_label(self) -> str:
        return {Kind.PROPORTION: _("Andel"), Kind.MEDIAN_TIME: _("Mediantid"),
                Kind.RATE: _("Antal per 100 000 invånare")}[Kind(self.kind)]

    @property
    def targets_shown(self) -> list[dict]:
        """The targets with their level as people read it ("80 %", not "0.80")."""
        return [t | {"label": labels.target_label(t["level"], self.kind)} for t in self.targets]

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class RunStatus(models.TextChoices):
    QUEUED = "koad", _("I kö")
    RUNNING = "pagar", _("Pågår")
    DONE = "klar", _("Klar")
    FAILED = "misslyckad", _("Misslyckades")


class IndicatorRun(models.Model):
    """One run of the engine over one data set: which definitions (and their versions), the
    data's fingerprint, the backend, and when; every computed value points here."""

    data_folder = models.CharField(_("data"), max_length=500)
    fingerprint = models.CharField(_("indatas fingeravtryck"), max_length=64, blank=True)
    synthetic = models.BooleanField(_("syntetiska data"), default=False)
    backend = models.CharField(_("motor"), max_length=20, default="duckdb")
    definitions = models.ManyToManyField(IndicatorDefinition, related_name="runs")
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0, validators=between(0, 100))
    # What anyone may read (the API and the run's page show it to everyone), and why the run
    # failed, which may name the server's files and the data's columns: for those who run
    # indicators only (selectors.run_failure).
    message = models.TextField(_("meddelande"), blank=True)
    failure_detail = models.TextField(_("orsak till felet"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("körning")
        verbose_name_plural = _("körningar")
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="run_progress_is_percent", condition=Q(progress__gte=0, progress__lte=100)),
        ]

    def get_absolute_url(self):
        return reverse("indicators:run_detail", args=[self.pk])


class ImportBatch(models.Model):
    """Aggregated values computed elsewhere, imported from one CSV file."""

    file_name = models.CharField(_("fil"), max_length=300)
    fingerprint = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0, validators=between(0, INTEGER_MAX))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)


class Level(models.TextChoices):
    NATION = "riket", _("Riket")
    HEALTHCARE_REGION = "sjukvardsregion", _("Sjukvårdsregion")
    REGION = "region", _("Region")
    MUNICIPALITY = "kommun", _("Kommun")
    CARE_UNIT = "vardenhet", _("Vårdenhet")


class PeriodType(models.TextChoices):
    YEAR = "ar", _("År")
    QUARTER = "kvartal", _("Kvartal")
    MONTH = "manad", _("Månad")


class StratumType(models.TextChoices):
    ALL = "alla", _("Alla")
    SEX = "kon", _("Kön")
    AGE = "aldersgrupp", _("Åldersgrupp")


# Counts of people and events: far beyond any real count (Sweden has about 10.5 million
# inhabitants and 100 million care contacts a year), and small enough that sums over every
# area and period stay inside 64 bits in the statistics.
COUNT_MAX = 10**15


class IndicatorValue(models.Model):
    """One value: numerator, denominator, value and its 95 % interval, and whether it is
    suppressed in anything public (too few cases, or recoverable by subtraction)."""

    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="values")
    run = models.ForeignKey(IndicatorRun, null=True, blank=True, on_delete=models.CASCADE, related_name="values")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(max_length=20, choices=Level.choices)
    geo = models.CharField(max_length=40)
    period_type = models.CharField(max_length=10, choices=PeriodType.choices)
    period = models.DateField(help_text=_("Periodens första dag"))
    stratum_type = models.CharField(max_length=20, choices=StratumType.choices, default=StratumType.ALL)
    stratum = models.CharField(max_length=20, default="alla")
    numerator = models.BigIntegerField(validators=between(0, COUNT_MAX))
    denominator = models.BigIntegerField(null=True, validators=between(0, COUNT_MAX))
    value = models.FloatField(null=True, validators=[finite])
    ci_low = models.FloatField(null=True, validators=[finite])
    ci_high = models.FloatField(null=True, validators=[finite])
    suppressed = models.BooleanField(default=False)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "geo", "period_type", "period", "stratum_type", "stratum"]
        constraints = [
            models.CheckConstraint(name="value_from_a_run_or_an_import",
                                   condition=Q(run__isnull=False, batch__isnull=True)
                                   | Q(run__isnull=True, batch__isnull=False)),
            models.CheckConstraint(name="value_counts_within_their_fields",
                                   condition=Q(numerator__gte=0, numerator__lte=COUNT_MAX)
                                   & (Q(denominator__isnull=True) | Q(denominator__gte=0, denominator__lte=COUNT_MAX))),
        ]
        indexes = [
            models.Index(fields=["definition", "level", "period_type", "stratum_type", "period"],
                         name="indicator_value_lookup"),
        ]


class LimitRecalculation(models.Model):
    """A recalculation of an SPC chart's limits (omräkning av gränser): from `period` on, the
    series of this indicator in this area gets limits of its own, after a sustained change
    (a shift) with a known cause. Kept for every version of the indicator (by code)."""

    indicator_code = models.CharField(_("indikator"), max_length=40)
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    geo = models.CharField(_("område"), max_length=40)
    period = models.DateField(_("från period"), help_text=_("Den första månaden med de nya gränserna"))
    reason = models.TextField(_("skäl"), max_length=2000)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("satt av"))
    set_at = models.DateTimeField(_("satt"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("omräkning av gränser")
        verbose_name_plural = _("omräkningar av gränser")
        ordering = ["indicator_code", "level", "geo", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_code", "level", "geo", "period"],
                                    name="limit_recalculation_once_per_period"),
            models.CheckConstraint(name="limit_recalculation_has_a_reason", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.indicator_code} {self.level}:{self.geo} {self.period:%Y-%m}"
