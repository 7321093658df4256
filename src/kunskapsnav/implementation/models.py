"""Införande: the local process (kunskapsstödsprocessen) per region and version of a
knowledge support — gap analysis, decision, implementation, follow-up."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kunskapsnav.knowledge.models import KnowledgeSupport, Recommendation, SupportVersion
from kunskapsnav.lib.bounds import INTEGER_MAX, SMALL_INTEGER_MAX, between, decimal_max
from kunskapsnav.organisation.models import Body, Municipality, Person, Region


class Stage(models.TextChoices):
    MAPPING = "kartlaggning", _("Kartläggning")
    DECISION = "beslut", _("Beslut")
    IMPLEMENTATION = "implementering", _("Implementering")
    FOLLOW_UP = "uppfoljning", _("Uppföljning")
    CLOSED = "avslutad", _("Avslutad")
    NOT_RELEVANT = "ej_aktuell", _("Ej aktuell")


# Short forms for the national matrix, where 21 regions share one screen's width: the cell
# keeps its stage in text (not colour alone), the full name in the abbreviation's title and
# in the link's accessible name, and the legend above the matrix spells each one out.
STAGE_SHORT = {
    Stage.MAPPING: _("Kartl."), Stage.DECISION: _("Beslut"), Stage.IMPLEMENTATION: _("Impl."),
    Stage.FOLLOW_UP: _("Uppf."), Stage.CLOSED: _("Avsl."), Stage.NOT_RELEVANT: _("Ej akt."),
}


# The order of the process, for charts and for "reached at least".
STAGE_ORDER = [Stage.MAPPING, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FOLLOW_UP, Stage.CLOSED]


class CareField(models.TextChoices):
    HEALTH_CARE = "halso_och_sjukvard", _("Hälso- och sjukvård")
    DENTAL_CARE = "tandvard", _("Tandvård")


class Adoption(models.Model):
    """One region's taking in of one version of a knowledge support."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("region"))
    support = models.ForeignKey(KnowledgeSupport, on_delete=models.PROTECT, related_name="adoptions",
                                verbose_name=_("kunskapsstöd"))
    version = models.ForeignKey(SupportVersion, on_delete=models.PROTECT, related_name="adoptions",
                                verbose_name=_("version"))
    stage = models.CharField(_("steg"), max_length=20, choices=Stage.choices, default=Stage.MAPPING)
    not_relevant_reason = models.TextField(_("skäl till ej aktuell"), blank=True)
    care_field = models.CharField(_("verksamhetsområde"), max_length=20, choices=CareField.choices,
                                  default=CareField.HEALTH_CARE,
                                  help_text=_("Avgör vilken ledningsgrupp som beslutar om större förändringar."))
    is_public = models.BooleanField(
        _("delat med andra regioner"), default=False,
        help_text=_("Regionens arbete syns för regionen och den nationella nivån; andra regioner ser det när "
                    "regionen delar det."),
    )
    review_every_months = models.PositiveSmallIntegerField(_("avstämning var … månad"), null=True, blank=True,
                                                           validators=between(1, 36))
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="successor", verbose_name=_("införande av föregående version"))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("införande")
        verbose_name_plural = _("införanden")
        ordering = ["support__title", "region__county_code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="one_adoption_per_region_and_version"),
            models.CheckConstraint(
                name="not_relevant_has_a_reason",
                condition=~Q(stage="ej_aktuell") | ~Q(not_relevant_reason=""),
                violation_error_message=_("Ange varför kunskapsstödet inte är aktuellt."),
            ),
            models.CheckConstraint(
                name="adoption_review_every_1_to_36_months",
                condition=Q(review_every_months__isnull=True) | Q(review_every_months__gte=1, review_every_months__lte=36),
            ),
        ]

    def __str__(self):
        return _("Införande av %(support)s i %(region)s") % {"support": self.support.title, "region": self.region}

    def get_absolute_url(self):
        return reverse("implementation:adoption_detail", args=[self.pk])


class StageTransition(models.Model):
    """One move of an adoption's stage: the source of "when did each region reach each stage"."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="transitions")
    old_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    new_stage = models.CharField(max_length=20, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Gap(models.TextChoices):
    NONE = "ingen", _("Inget gap")
    SMALL = "litet", _("Litet gap")
    LARGE = "stort", _("Stort gap")
    UNKNOWN = "okant", _("Okänt")


class ReviewFlag(models.TextChoices):
    NEW = "ny", _("Ny rekommendation")
    CHANGED = "andrad", _("Ändrad rekommendation")


# Whole kronor, as many as the field holds.
COST_MAX = decimal_max(12, 0)


class GapRow(models.Model):
    """One row of the gap analysis (kartläggning): one recommendation of the version.

    `row_version` is the optimistic lock: a save names the row version it was based on, and
    a save based on an older one is refused rather than silently overwriting."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="gap_rows")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("rekommendation"))
    current_practice = models.TextField(_("nuvarande arbetssätt"), blank=True)
    gap = models.CharField(_("gap"), max_length=10, choices=Gap.choices, blank=True)
    units = models.CharField(_("berörda enheter"), max_length=500, blank=True)
    municipalities = models.ManyToManyField(Municipality, blank=True, related_name="+",
                                            verbose_name=_("berörda kommuner"))
    proposed_actions = models.TextField(_("förslag till åtgärder"), blank=True)
    cost_estimate = models.DecimalField(_("kostnadsuppskattning (kr)"), max_digits=12, decimal_places=0, null=True,
                                        blank=True, validators=between(0, COST_MAX))
    within_unit_budget = models.BooleanField(_("ryms i enheternas budget"), null=True, blank=True)
    review_flag = models.CharField(_("granska på nytt"), max_length=10, choices=ReviewFlag.choices, blank=True)
    row_version = models.PositiveIntegerField(default=1, validators=between(1, INTEGER_MAX))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        verbose_name = _("kartläggningsrad")
        verbose_name_plural = _("kartläggningsrader")
        ordering = ["recommendation__position"]
        constraints = [
            models.UniqueConstraint(fields=["adoption", "recommendation"], name="one_gap_row_per_recommendation"),
            models.CheckConstraint(
                name="gap_row_cost_within_its_field",
                condition=Q(cost_estimate__isnull=True) | Q(cost_estimate__gte=0, cost_estimate__lte=COST_MAX),
            ),
        ]

    def __str__(self):
        return _("Rad för rekommendation %(n)s") % {"n": self.recommendation.position}


class ParticipantKind(models.TextChoices):
    PATIENT = "patient", _("Patient")
    USER = "brukare", _("Brukare")
    RELATIVE = "narstaende", _("Närstående")


class Participant(models.Model):
    """A patient, user or relative representative taking part in the gap analysis. Only the
    registry's person is referred to: no contact data is copied here."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    kind = models.CharField(_("företräder"), max_length=20, choices=ParticipantKind.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["adoption", "person"], name="participant_once")]


class DeciderKind(models.TextChoices):
    UNITS = "verksamheterna", _("Verksamheterna")
    BODY = "organ", _("Ett organ")
    MUNICIPAL_SOCIAL_CHIEF = "socialchef", _("Kommunens socialchef")


class RuleCondition(models.TextChoices):
    WITHIN_BUDGET = "inom_budget", _("Förändringarna ryms i enheternas budget")
    BEYOND_BUDGET = "utanfor_budget", _("Förändringarna ryms inte i enheternas budget")
    AFFECTS_MUNICIPALITY = "kommun", _("Förändringarna berör en kommun")


class DecisionRule(models.Model):
    """One line of a region's decision order (beslutsordning): when a condition holds (for a
    care field, or all), who decides, who prepares and who is informed. Data, so that each
    region configures its own."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="decision_rules")
    position = models.PositiveSmallIntegerField(_("ordning"), default=1, validators=between(1, SMALL_INTEGER_MAX))
    condition = models.CharField(_("när"), max_length=20, choices=RuleCondition.choices)
    care_field = models.CharField(_("verksamhetsområde"), max_length=20, choices=CareField.choices, blank=True,
                                  help_text=_("Tomt: gäller alla."))
    decider_kind = models.CharField(_("beslutar"), max_length=20, choices=DeciderKind.choices)
    decider = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("beslutande organ"))
    preparer = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("bereds av"))
    informed = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("informeras"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutsregel")
        verbose_name_plural = _("beslutsordning")
        ordering = ["region", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="a_body_decides_when_a_body_is_named",
                condition=Q(decider_kind="organ", decider__isnull=False) | ~Q(decider_kind="organ"),
                violation_error_message=_("Ange vilket organ som beslutar."),
            ),
        ]

    def __str__(self):
        return f"{self.get_condition_display()}: {self.decider or self.get_decider_kind_display()}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "bifall", _("Bifall")
    PARTLY = "delvis", _("Delvis bifall")
    REJECTED = "avslag", _("Avslag")
    POSTPONED = "bordlagt", _("Bordlagt")


class Decision(models.Model):
    """A recorded decision (beslut), by the body or person the routing named."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.CharField(_("beslutande"), max_length=200)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("organ"))
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kommun"))
    decided_on = models.DateField(_("beslutsdatum"))
    outcome = models.CharField(_("utfall"), max_length=20, choices=DecisionOutcome.choices)
    diary_number = models.CharField(_("diarienummer"), max_length=50, blank=True)
    notes = models.TextField(_("anteckning"), blank=True)
    attachment = models.FileField(_("bilaga (PDF)"), upload_to="beslut/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["decided_on", "pk"]

    def __str__(self):
        return f"{self.decided_by} {self.decided_on:%Y-%m-%d}: {self.get_outcome_display()}"


class ActionStatus(models.TextChoices):
    PLANNED = "planerad", _("Planerad")
    ONGOING = "pagar", _("Pågår")
    DONE = "klar", _("Klar")
    CANCELLED = "avbruten", _("Avbruten")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.ONGOING)


class Action(models.Model):
    """An implementation action (åtgärd) with an owner, a due date and a status."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("åtgärd"), max_length=300)
    owner = models.CharField(_("ansvarig"), max_length=200)
    due_on = models.DateField(_("klar senast"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    done_on = models.DateField(_("klar"), null=True, blank=True)
    gap_row = models.ForeignKey(GapRow, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions",
                                verbose_name=_("för rekommendation"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_on < (today or timezone.localdate())


class MeasureKind(models.TextChoices):
    INDICATOR = "indikator", _("Indikator")
    EFFECT_GOAL = "effektmal", _("Effektmål")


class FollowUpMeasure(models.Model):
    """What the region will follow: an indicator (by its code, linked where a definition
    exists) or an effect goal (effektmål) in words."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("typ"), max_length=20, choices=MeasureKind.choices)
    name = models.CharField(_("namn"), max_length=300)
    indicator_code = models.CharField(_("indikatorkod"), max_length=50, blank=True)
    target = models.CharField(_("målnivå"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return self.name


class Review(models.Model):
    """A recorded follow-up review (avstämning)."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("datum"))
    notes = models.TextField(_("slutsatser"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
