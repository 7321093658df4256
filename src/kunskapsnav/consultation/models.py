"""Remiss (consultation): a round on a version in status remiss, and the parties invited."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kunskapsnav.knowledge.models import SupportVersion
from kunskapsnav.organisation.models import Municipality, Region

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


class ConsultationRound(models.Model):
    """Remissomgång. Answers are accepted from the opening day through the whole closing day,
    Swedish time."""

    version = models.ForeignKey(SupportVersion, on_delete=models.PROTECT, related_name="consultation_rounds",
                                verbose_name=_("version"))
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("sista svarsdag"))
    instructions = models.TextField(_("instruktioner"), blank=True)
    open_to_all = models.BooleanField(
        _("öppen remiss"), default=False,
        help_text=_("Alla registrerade organisationer får svara, inte bara de inbjudna."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remissomgång")
        verbose_name_plural = _("remissomgångar")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="round_closes_after_it_opens",
                condition=Q(closes_on__gte=models.F("opens_on")),
                violation_error_message=_("Sista svarsdag kan inte ligga före öppningsdagen."),
            ),
        ]

    def __str__(self):
        return _("Remiss av %(version)s") % {"version": self.version}

    @property
    def opens_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.opens_on, datetime.time.min, tzinfo=STOCKHOLM)

    @property
    def closes_at(self) -> datetime.datetime:
        """The first moment after the closing day, Swedish time: answers must come before it."""
        return datetime.datetime.combine(self.closes_on + datetime.timedelta(days=1), datetime.time.min,
                                         tzinfo=STOCKHOLM)

    def is_open_at(self, moment: datetime.datetime) -> bool:
        return self.opens_at <= moment < self.closes_at


class Invitation(models.Model):
    """A party asked to answer: a region, a kommun, or another organisation by name (a patient
    organisation, a professional association)."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="invitations")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kommun"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            models.CheckConstraint(
                name="invitation_has_exactly_one_party",
                condition=(
                    Q(region__isnull=False, municipality__isnull=True, organisation="")
                    | Q(region__isnull=True, municipality__isnull=False, organisation="")
                    | Q(region__isnull=True, municipality__isnull=True, organisation__gt="")
                ),
            ),
            models.UniqueConstraint(fields=["round", "region"], name="invitation_region_once"),
            models.UniqueConstraint(fields=["round", "municipality"], name="invitation_municipality_once"),
            models.UniqueConstraint(fields=["round", "organisation"], condition=~Q(organisation=""),
                                    name="invitation_organisation_once"),
        ]

    def __str__(self):
        return str(self.region or self.municipality or self.organisation)

    @property
    def party(self):
        return self.region or self.municipality or self.organisation
