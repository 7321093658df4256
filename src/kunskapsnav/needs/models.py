"""Behov: a need for knowledge that someone working in the system submits, the triage by the
body that owns the area (the NPO, or SKS where no NPO fits), its decision, and the support
that answers it. Every step is a NeedStep row (who, when, what)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kunskapsnav.lib.bounds import between


class NeedStatus(models.TextChoices):
    SUBMITTED = "inskickat", _("Inskickat")
    IN_TRIAGE = "under_bedomning", _("Under bedömning")
    DECIDED = "beslutat", _("Beslutat")
    ANSWERED = "besvarat", _("Besvarat")


class Decision(models.TextChoices):
    NEW_SUPPORT = "nytt_stod", _("Nytt kunskapsstöd")
    REVISION = "revidering", _("Revidering av ett kunskapsstöd")
    REFERRAL = "hanvisning", _("Hänvisning till staten")
    NO_ACTION = "ingen_atgard", _("Ingen åtgärd")


class Priority(models.IntegerChoices):
    HIGH = 1, _("Hög")
    MEDIUM = 2, _("Medel")
    LOW = 3, _("Låg")


class Grade(models.TextChoices):
    """A triage criterion judged on a three-step scale, or not known."""

    HIGH = "hog", _("Hög")
    MEDIUM = "medel", _("Medel")
    LOW = "lag", _("Låg")
    UNKNOWN = "okand", _("Okänd")


class StepAction(models.TextChoices):
    SUBMITTED = "inskickat", _("Skickade in behovet")
    TRIAGE_STARTED = "bedomning_paborjad", _("Påbörjade bedömningen")
    ASSESSED = "bedomt", _("Bedömde kriterierna")
    REASSIGNED = "omfordelat", _("Flyttade behovet till ett annat område")
    DECIDED = "beslutat", _("Beslutade")
    SUPPORT_LINKED = "stod_kopplat", _("Kopplade kunskapsstödet som besvarar behovet")
    ANSWERED = "besvarat", _("Besvarade behovet")


# Long enough for a page of text, short enough that one need cannot fill the database.
TEXT_LIMIT = 5000


class Need(models.Model):
    title = models.CharField(_("rubrik"), max_length=200)
    problem = models.TextField(_("problemet"), max_length=TEXT_LIMIT)
    target_group = models.TextField(_("målgrupp"), max_length=1000)
    evidence = models.TextField(_("belägg för variation eller skada"), max_length=TEXT_LIMIT)
    existing = models.TextField(_("vad som finns i dag"), max_length=TEXT_LIMIT, blank=True)
    affected = models.TextField(_("vilka som berörs"), max_length=2000)
    area = models.ForeignKey(
        "organisation.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="needs",
        verbose_name=_("område (NPO)"), help_text=_("Tomt när den som skickar in inte vet vilket NPO som äger frågan."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="needs_submitted", verbose_name=_("inskickat av"))
    on_behalf_of = models.ForeignKey(
        "organisation.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="needs_submitted",
        verbose_name=_("för organet"), help_text=_("Ett organ där den som skickar in har ett uppdrag."))
    organisation = models.CharField(
        _("för organisationen"), max_length=200, blank=True,
        help_text=_("En kommun, en professionsförening eller en patientorganisation, som den som skickar in uppger."))
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.SUBMITTED)
    # Triage criteria (bedömningskriterier)
    severity = models.CharField(_("allvarlighet"), max_length=10, choices=Grade.choices, blank=True)
    affected_count = models.PositiveIntegerField(_("antal berörda (uppskattat)"), null=True, blank=True,
                                                 validators=between(0, 100_000_000))
    unwarranted_variation = models.CharField(_("omotiverad variation"), max_length=10, choices=Grade.choices,
                                             blank=True)
    evidence_available = models.CharField(_("tillgänglig evidens"), max_length=10, choices=Grade.choices,
                                          blank=True)
    existing_supports = models.TextField(_("befintliga kunskapsstöd"), max_length=TEXT_LIMIT, blank=True)
    priority = models.PositiveSmallIntegerField(_("prioritet"), choices=Priority.choices, null=True, blank=True)
    decision = models.CharField(_("beslut"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("motivering"), max_length=TEXT_LIMIT, blank=True)
    referred_to = models.CharField(_("hänvisat till"), max_length=200, blank=True,
                                   help_text=_("Till exempel Rådet för styrning med kunskap eller en myndighet."))
    support = models.ForeignKey(
        "knowledge.KnowledgeSupport", null=True, blank=True, on_delete=models.PROTECT, related_name="needs",
        verbose_name=_("kunskapsstöd"), help_text=_("Stödet som revideras eller som besvarar behovet."))
    answer = models.TextField(_("svar"), max_length=TEXT_LIMIT, blank=True)
    submitted_at = models.DateTimeField(_("inskickat"))
    decided_at = models.DateTimeField(_("beslutat"), null=True, blank=True)
    answered_at = models.DateTimeField(_("besvarat"), null=True, blank=True)

    class Meta:
        verbose_name = _("behov")
        verbose_name_plural = _("behov")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="need_decided_has_decision",
                condition=(Q(status__in=["inskickat", "under_bedomning"], decision="", priority__isnull=True)
                           | (Q(status__in=["beslutat", "besvarat"], priority__isnull=False) & ~Q(decision=""))),
            ),
            models.CheckConstraint(name="need_priority_in_range",
                                   condition=Q(priority__isnull=True) | Q(priority__gte=1, priority__lte=3)),
            models.CheckConstraint(name="need_affected_count_in_range",
                                   condition=Q(affected_count__isnull=True) | Q(affected_count__lte=100_000_000)),
            models.CheckConstraint(name="need_referral_names_receiver",
                                   condition=~Q(decision="hanvisning") | ~Q(referred_to="")),
            models.CheckConstraint(name="need_revision_names_support",
                                   condition=~Q(decision="revidering") | Q(support__isnull=False)),
            models.CheckConstraint(name="need_has_a_party",
                                   condition=Q(on_behalf_of__isnull=False) | ~Q(organisation="")),
        ]
        indexes = [models.Index(fields=["status", "priority"], name="need_status_priority")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("needs:need_detail", args=[self.pk])

    @property
    def party(self) -> str:
        """Whom the need comes from, as shown to people working in the system."""
        return str(self.on_behalf_of) if self.on_behalf_of_id else self.organisation


class NeedStep(models.Model):
    """One step in a need's history: who did what, when, and the status before and after."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="steps", verbose_name=_("behov"))
    action = models.CharField(_("vad"), max_length=30, choices=StepAction.choices)
    old_status = models.CharField(_("status före"), max_length=20, choices=NeedStatus.choices, blank=True)
    new_status = models.CharField(_("status efter"), max_length=20, choices=NeedStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=_("av"))
    at = models.DateTimeField(_("när"))
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("steg")
        verbose_name_plural = _("steg")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.need}: {self.get_action_display()}"
