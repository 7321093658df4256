"""Samstämmighet: pairs of recommendations from different supports that may duplicate,
overlap or contradict each other (candidates), the decisions on them, and the detection runs.

A candidate names the two recommendations by their keys (the identity they keep across
versions) and by a fingerprint of what each said when the pair was raised. A later version
with the same text finds the same candidate, open or decided, and raises nothing new: a
decision sticks until one of the two texts changes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kunskapsnav.knowledge.models import KnowledgeSupport, Recommendation, RegionalAddition
from kunskapsnav.lib.bounds import INTEGER_MAX, between
from kunskapsnav.organisation.models import Body


class CandidateKind(models.TextChoices):
    DUPLICATE = "dubblett", _("Dubblett")
    OVERLAP = "overlapp", _("Överlapp")
    CONTRADICTION = "motsagelse", _("Motsägelse")
    # A region's routine or addition (regionalt tillägg) that departs from a recommendation.
    REGIONAL_DEPARTURE = "regional_avvikelse", _("Regional avvikelse från nationell rekommendation")


class CandidateStatus(models.TextChoices):
    OPEN = "oppen", _("Öppen")
    REFERRED_SKS = "hanvisad_sks", _("Hänvisad till SKS")
    DECIDED = "beslutad", _("Beslutad")
    # One of the two texts changed before anyone decided: the new text is a new candidate.
    OUTDATED = "inaktuell", _("Inaktuell")


OPEN_STATUSES = (CandidateStatus.OPEN, CandidateStatus.REFERRED_SKS)


class Candidate(models.Model):
    kind = models.CharField(_("typ"), max_length=20, choices=CandidateKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    score = models.FloatField(_("poäng"), validators=between(0, 1))
    signals = models.JSONField(_("signaler"), default=dict)
    # The pair in a fixed order (key_a < key_b), so that one pair is one row whichever side
    # was published last.
    key_a = models.UUIDField()
    key_b = models.UUIDField()
    fingerprint_a = models.CharField(max_length=64)
    fingerprint_b = models.CharField(max_length=64)
    # The latest versions of the two recommendations with these fingerprints.
    recommendation_a = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    recommendation_b = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    support_a = models.ForeignKey(KnowledgeSupport, on_delete=models.CASCADE, related_name="+")
    support_b = models.ForeignKey(KnowledgeSupport, on_delete=models.CASCADE, related_name="+")
    body_a = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    body_b = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    # A side that is a region's addition (regionalt tillägg) to its recommendation: the latest
    # addition with that text. Its key is the addition's own (detection.addition_key), so a side
    # is an addition exactly when its key is not its recommendation's; the addition may since
    # have been removed (null), and the decisions on it stay.
    addition_a = models.ForeignKey(RegionalAddition, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    addition_b = models.ForeignKey(RegionalAddition, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("samstämmighetskandidat")
        verbose_name_plural = _("samstämmighetskandidater")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_a", "key_b", "fingerprint_a", "fingerprint_b"], name="candidate_once_per_pair_of_texts",
            ),
            models.CheckConstraint(name="candidate_keys_ordered", condition=Q(key_a__lt=models.F("key_b"))),
            models.CheckConstraint(name="candidate_score_0_to_1", condition=Q(score__gte=0, score__lte=1)),
        ]
        indexes = [
            models.Index(fields=["support_a", "status"], name="candidate_support_a_idx"),
            models.Index(fields=["support_b", "status"], name="candidate_support_b_idx"),
            models.Index(fields=["key_a", "key_b"], name="candidate_pair_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.support_a} / {self.support_b}"

    def get_absolute_url(self):
        return reverse("coherence:candidate_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def a_is_addition(self) -> bool:
        return str(self.key_a) != str(self.recommendation_a.key)

    @property
    def b_is_addition(self) -> bool:
        return str(self.key_b) != str(self.recommendation_b.key)


class ConflictOutcome(models.TextChoices):
    NOT_A_CONFLICT = "ingen_konflikt", _("Ingen konflikt")
    ALIGN = "samordna", _("Samordna texterna")
    MERGE = "sla_samman", _("Slå samman")
    WITHDRAW_ONE = "aterkalla_en", _("Återkalla det ena")
    REFER_SKS = "hanvisa_sks", _("Hänvisa till SKS")
    REFER_AGENCY = "hanvisa_myndighet", _("Hänvisa till myndigheten")


class Decision(models.Model):
    """One decision on a candidate, with its reason: the candidate's history of decisions."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("beslut"), max_length=20, choices=ConflictOutcome.choices)
    reason = models.TextField(_("motivering"), max_length=4000)
    is_public = models.BooleanField(
        _("offentligt"), default=False, help_text=_("Ett offentligt beslut om en motsägelse visas för allmänheten."),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beslut om samstämmighet")
        verbose_name_plural = _("beslut om samstämmighet")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.candidate_id}: {self.get_outcome_display()}"


class DetectionScope(models.TextChoices):
    FULL = "full", _("Hela utbudet")
    INCREMENTAL = "version", _("En ny version")


class DetectionStatus(models.TextChoices):
    QUEUED = "koad", _("Köad")
    RUNNING = "pagar", _("Pågår")
    DONE = "klar", _("Klar")
    FAILED = "misslyckad", _("Misslyckad")


class DetectionRun(models.Model):
    kind = models.CharField(_("omfattning"), max_length=10, choices=DetectionScope.choices)
    status = models.CharField(_("status"), max_length=12, choices=DetectionStatus.choices, default=DetectionStatus.QUEUED)
    version = models.ForeignKey("knowledge.SupportVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    total = models.PositiveIntegerField(_("att jämföra"), default=0, validators=between(0, INTEGER_MAX))
    done = models.PositiveIntegerField(_("jämförda"), default=0, validators=between(0, INTEGER_MAX))
    raised = models.PositiveIntegerField(_("nya kandidater"), default=0, validators=between(0, INTEGER_MAX))
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("körning")
        verbose_name_plural = _("körningar")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == DetectionStatus.DONE else 0)
