"""Remiss (consultation): a round on a version in status remiss, and the parties invited."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
    # The remissammanställning is the owning body's until it is published; from then on it is
    # public, as remiss answers to a public body are.
    compilation_published_at = models.DateTimeField(_("sammanställningen publicerad"), null=True, blank=True)
    compilation_published_with = models.ForeignKey(
        SupportVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="published_compilations",
        verbose_name=_("publicerad med version"),
    )

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

    def get_absolute_url(self):
        return reverse("consultation:round_detail", args=[self.pk])

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

    def get_absolute_url(self):
        return reverse("consultation:invitation_detail", args=[self.pk])

    @property
    def party(self):
        return self.region or self.municipality or self.organisation

    @property
    def answer_or_none(self):
        """The party's answer, draft or submitted, or None before one is begun."""
        try:
            return self.answer
        except Answer.DoesNotExist:
            return None

    @property
    def has_answered(self) -> bool:
        answer = self.answer_or_none
        return answer is not None and answer.status == AnswerStatus.SUBMITTED


class Assignment(models.Model):
    """The region's own distribution of the remiss: to a body (an LPO), or a person, with a
    due date before the national deadline."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="assignments")
    body = models.ForeignKey("organisation.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("organ"))
    person = models.ForeignKey("organisation.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("person"))
    due_on = models.DateField(_("svara senast"))
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internt remissuppdrag")
        verbose_name_plural = _("interna remissuppdrag")
        constraints = [
            models.CheckConstraint(
                name="assignment_to_a_body_or_a_person",
                condition=Q(body__isnull=False, person__isnull=True) | Q(body__isnull=True, person__isnull=False),
            ),
        ]

    def __str__(self):
        return str(self.body or self.person)


class CommentKind(models.TextChoices):
    SUBSTANCE = "sakligt", _("Sakligt")
    EDITORIAL = "redaktionellt", _("Redaktionellt")


class Comment(models.Model):
    """An internal comment within an invited party, anchored to a recommendation, a section or
    the whole version. Seen only inside the party until its answer is submitted."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="comments")
    recommendation = models.ForeignKey("knowledge.Recommendation", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("rekommendation"))
    section = models.CharField(_("avsnitt"), max_length=200, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=CommentKind.choices, default=CommentKind.SUBSTANCE)
    text = models.TextField(_("synpunkt"))
    proposed_text = models.TextField(_("förslag till ny text"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intern synpunkt")
        verbose_name_plural = _("interna synpunkter")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class AnswerStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    SUBMITTED = "inskickat", _("Inskickat")


class Answer(models.Model):
    """Samlat remissvar: the party's one answer, compiled from its internal comments. Locked
    once submitted; it may be withdrawn (back to draft) and submitted again before the
    deadline, all of it in the history."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="answer")
    status = models.CharField(_("status"), max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.DRAFT)
    summary = models.TextField(_("sammanfattning"), blank=True)
    signed_by = models.CharField(_("undertecknas av"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("inskickat"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("samlat remissvar")
        verbose_name_plural = _("samlade remissvar")

    def __str__(self):
        return _("Remissvar från %(party)s") % {"party": self.invitation}


class AnswerItem(models.Model):
    """One point of the compiled answer: taken from internal comments, merged and edited."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="items")
    recommendation = models.ForeignKey("knowledge.Recommendation", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    section = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=CommentKind.choices, default=CommentKind.SUBSTANCE)
    text = models.TextField()
    proposed_text = models.TextField(blank=True)
    from_comments = models.ManyToManyField(Comment, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


class ResponseOutcome(models.TextChoices):
    ACCEPTED = "beaktad", _("Beaktad")
    PARTLY = "delvis", _("Delvis beaktad")
    NOT_ACCEPTED = "ej_beaktad", _("Ej beaktad")


class ItemResponse(models.Model):
    """Bemötande: the owning body's response to one point of a submitted answer."""

    item = models.OneToOneField(AnswerItem, on_delete=models.CASCADE, related_name="response")
    outcome = models.CharField(_("bedömning"), max_length=20, choices=ResponseOutcome.choices)
    reason = models.TextField(_("motivering"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bemötande")
        verbose_name_plural = _("bemötanden")

    def __str__(self):
        return self.get_outcome_display()


class ReminderKind(models.TextChoices):
    INVITATION = "inbjudan", _("Inbjudan till remissinstans")
    PARTY = "part", _("Påminnelse till remissinstans")
    ASSIGNEE = "uppdrag", _("Påminnelse om internt uppdrag")


class Reminder(models.Model):
    """One invitation notice or reminder to one address. The row is claimed before the mail goes, and the unique
    constraints decide between two workers: a reminder is sent once."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="reminder_has_its_subject",
                condition=Q(kind__in=["inbjudan", "part"], invitation__isnull=False, assignment__isnull=True)
                | Q(kind="uppdrag", invitation__isnull=True, assignment__isnull=False),
            ),
            models.UniqueConstraint(fields=["invitation", "email"], condition=Q(kind="part"),
                                    name="party_reminder_once"),
            models.UniqueConstraint(fields=["invitation", "email"], condition=Q(kind="inbjudan"),
                                    name="invitation_notice_once"),
            models.UniqueConstraint(fields=["assignment", "email"], condition=Q(kind="uppdrag"),
                                    name="assignee_reminder_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.email}"
