"""Lågvärdig vård: the register of low-value practices (icke-göra), each with its source, the
practice and the condition in codes, the rationale and a link to the source, and the do-not
recommendations and indicators it is linked to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kunskapsnav.knowledge.models import CodeSystem
from kunskapsnav.organisation.models import Region


class Source(models.TextChoices):
    """Where the advice not to do something comes from."""

    NATIONAL_GUIDELINES = "socialstyrelsen", _("Socialstyrelsens nationella riktlinjer (icke-göra)")
    WISE_CHOICES = "kloka_kliniska_val", _("Kloka kliniska val")
    NATIONAL_DO_NOT = "nationell", _("Nationell icke-göra-rekommendation")
    REGIONAL_DO_NOT = "regional", _("Regional icke-göra-rekommendation")


class LowValuePractice(models.Model):
    """One practice that should not be done: what (a code), for whom (a condition), why, and
    where it is said. A regional do-not belongs to its region, every other source is national."""

    title = models.CharField(_("benämning"), max_length=200)
    source = models.CharField(_("källa"), max_length=30, choices=Source.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="low_value_practices", verbose_name=_("region"),
                               help_text=_("Bara för en regional icke-göra-rekommendation."))
    practice_system = models.CharField(_("åtgärdens kodverk"), max_length=10, choices=CodeSystem.choices)
    practice_code = models.CharField(_("åtgärdens kod"), max_length=20)
    condition_code = models.CharField(_("tillstånd (ICD-10-SE)"), max_length=10, blank=True)
    condition = models.CharField(_("tillstånd"), max_length=200)
    rationale = models.TextField(_("motivering"), max_length=4000)
    link = models.URLField(_("länk till källan"), max_length=500)
    is_synthetic = models.BooleanField(_("demodata"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lågvärdig åtgärd")
        verbose_name_plural = _("lågvärdiga åtgärder")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                name="low_value_practice_region_iff_regional",
                condition=Q(source=Source.REGIONAL_DO_NOT, region__isnull=False)
                | (~Q(source=Source.REGIONAL_DO_NOT) & Q(region__isnull=True)),
                violation_error_message=_("En regional icke-göra-rekommendation har en region; andra källor har ingen."),
            ),
            models.CheckConstraint(name="low_value_practice_has_a_rationale", condition=~Q(rationale="")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lowvalue:practice_detail", args=[self.pk])


class PracticeRecommendation(models.Model):
    """A do-not recommendation that carries the practice, by the recommendation's identity
    (`key`), which stays the same in every version of the support."""

    practice = models.ForeignKey(LowValuePractice, on_delete=models.CASCADE, related_name="recommendation_links")
    recommendation_key = models.UUIDField(_("rekommendationens identitet"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koppling till rekommendation")
        verbose_name_plural = _("kopplingar till rekommendationer")
        ordering = ["practice", "pk"]
        constraints = [models.UniqueConstraint(fields=["practice", "recommendation_key"],
                                               name="practice_recommendation_once")]

    def __str__(self):
        return str(self.recommendation_key)


class PracticeIndicator(models.Model):
    """An indicator that measures the practice, by its code (the same in every version)."""

    practice = models.ForeignKey(LowValuePractice, on_delete=models.CASCADE, related_name="indicator_links")
    indicator_code = models.CharField(_("indikator"), max_length=40)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koppling till indikator")
        verbose_name_plural = _("kopplingar till indikatorer")
        ordering = ["practice", "indicator_code"]
        constraints = [models.UniqueConstraint(fields=["practice", "indicator_code"],
                                               name="practice_indicator_once")]

    def __str__(self):
        return self.indicator_code
