"""People in the knowledge-governance system beyond the registry's seats: calls for
nominations and the nominations with their approval chain, conflict-of-interest
declarations (jävsdeklarationer) with their assessment, and the pool of patient, user and
relative representatives with their assignments and compensation.

Declarations, representatives' contact details and compensation claims are personal data:
who may see them is decided in people.permissions, and nothing here keeps more than the
work needs (no personal identity numbers; the salary system's own reference instead).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from kunskapsnav.lib.bounds import SMALL_INTEGER_MAX, between, decimal_max
from kunskapsnav.organisation.models import Body, HealthcareRegion, Membership, Person, Region, Role


class CallStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    PUBLISHED = "publicerad", _("Publicerad")
    CLOSED = "stangd", _("Stängd")


class NominationCall(models.Model):
    """Utlysning: a call for nominations to a seat in a body, for a period."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="nomination_calls", verbose_name=_("organ"))
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    represents_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("företräder region"))
    represents_healthcare_region = models.ForeignKey(
        HealthcareRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("företräder sjukvårdsregion"))
    seats = models.PositiveSmallIntegerField(_("antal platser"), default=1, validators=between(1, SMALL_INTEGER_MAX))
    start_date = models.DateField(_("uppdraget från"))
    end_date = models.DateField(_("uppdraget till"), null=True, blank=True)
    time_share = models.PositiveSmallIntegerField(_("avsatt tid (procent)"), null=True, blank=True,
                                                  validators=between(0, 100))
    closes_on = models.DateField(_("sista dag för nominering"))
    profile = models.TextField(_("sökt profil"), help_text=_("Kompetens och erfarenhet som söks."))
    self_nomination_allowed = models.BooleanField(
        _("egen anmälan tillåten"), default=False,
        help_text=_("Bara för nationella arbetsgrupper: vem som helst kan anmäla sitt intresse i ett öppet formulär."))
    status = models.CharField(_("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("utlysning")
        verbose_name_plural = _("utlysningar")
        ordering = ["-closes_on", "body__name"]
        constraints = [
            models.CheckConstraint(name="call_end_not_before_start",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="call_represents_one_owner",
                                   condition=Q(represents_region__isnull=True)
                                   | Q(represents_healthcare_region__isnull=True)),
            models.CheckConstraint(name="call_has_seats", condition=Q(seats__gte=1)),
            models.CheckConstraint(name="call_numbers_within_their_fields",
                                   condition=Q(seats__lte=SMALL_INTEGER_MAX)
                                   & (Q(time_share__isnull=True) | Q(time_share__gte=0, time_share__lte=100))),
        ]

    def __str__(self):
        return _("%(role)s i %(body)s") % {"role": self.get_role_display(), "body": self.body}

    def get_absolute_url(self):
        return reverse("people:call_detail", args=[self.pk])

    @property
    def represents(self):
        return self.represents_region or self.represents_healthcare_region

    def is_open_on(self, day: datetime.date) -> bool:
        return self.status == CallStatus.PUBLISHED and day <= self.closes_on


class NominationSource(models.TextChoices):
    SUPPORT_GROUP = "kunskapsstodsgrupp", _("Nominerad av kunskapsstödsgruppen")
    SELF = "egen", _("Egen anmälan")


class NominationStatus(models.TextChoices):
    IN_PROGRESS = "pagar", _("Under behandling")
    APPROVED = "godkand", _("Godkänd, väntar på bedömd jävsdeklaration")
    SEATED = "tillsatt", _("Tillsatt")
    REJECTED = "avslagen", _("Avslagen")
    WITHDRAWN = "aterkallad", _("Återkallad")


class Nomination(models.Model):
    """A nomination to a call. A self-nomination carries the nominee's own details until the
    kunskapsstödsgrupp links it to a person in the registry; a nomination by the group names
    a registry person from the start."""

    call = models.ForeignKey(NominationCall, on_delete=models.PROTECT, related_name="nominations",
                             verbose_name=_("utlysning"))
    source = models.CharField(_("källa"), max_length=20, choices=NominationSource.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations",
                               verbose_name=_("person"))
    given_name = models.CharField(_("förnamn"), max_length=100)
    family_name = models.CharField(_("efternamn"), max_length=100)
    email = models.EmailField(_("e-post"))
    title = models.CharField(_("titel"), max_length=150, blank=True, help_text=_("Yrke eller befattning."))
    home_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
                                    help_text=_("Regionen där den nominerade är anställd eller verksam."))
    motivation = models.TextField(_("motivering"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=NominationStatus.choices,
                              default=NominationStatus.IN_PROGRESS)
    membership = models.OneToOneField(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="nomination", verbose_name=_("uppdrag"))

    class Meta:
        verbose_name = _("nominering")
        verbose_name_plural = _("nomineringar")
        ordering = ["-created_at"]

    def __str__(self):
        return _("%(name)s till %(call)s") % {"name": self.full_name, "call": self.call}

    def get_absolute_url(self):
        return reverse("people:nomination_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def region(self) -> Region:
        """The region whose kunskapsstödsgrupp and RMKS handle the nomination: the one the
        seat represents, else the nominee's own."""
        return self.call.represents_region or self.home_region


class SelfNominationAttempt(models.Model):
    """One submission of the public self-nomination (form or API), counted for the limit per
    sender: a keyed hash of the sender's address block (people.nominations.sender_key), never
    the address. Every submission counts, whatever became of it, so that the limit tells a
    stranger nothing about the address nominated. Forgotten after a day."""

    sender_key = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.sender_key[:8]}… {self.created_at:%Y-%m-%d %H:%M}"


class Step(models.TextChoices):
    """The approval chain as Region Örebro län describes it (people.chain)."""

    SUPPORT_GROUP = "kunskapsstodsgrupp", _("Beredd av kunskapsstödsgruppen")
    RMKS = "rmks", _("Godkänd av RMKS")
    HEALTHCARE_REGION = "sjukvardsregion", _("Beslutad på sjukvårdsregional nivå")
    NPO = "npo", _("Beslutad av NPO")


class Outcome(models.TextChoices):
    APPROVED = "godkand", _("Godkänd")
    REJECTED = "avslagen", _("Avslagen")


class NominationDecision(models.Model):
    """One step of the chain: who decided, when, with what outcome."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(_("steg"), max_length=30, choices=Step.choices)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("kommentar eller protokollsreferens"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beslut om nominering")
        verbose_name_plural = _("beslut om nomineringar")
        ordering = ["decided_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["nomination", "step"], name="one_decision_per_step")]

    def __str__(self):
        return f"{self.get_step_display()}: {self.get_outcome_display()}"


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "inlamnad", _("Inlämnad, väntar på bedömning")
    ASSESSED = "bedomd", _("Bedömd")
    SUPERSEDED = "ersatt", _("Ersatt av en nyare")


class Assessment(models.TextChoices):
    NO_CONFLICT = "inget_jav", _("Inget jäv")
    MEASURES = "jav_med_atgarder", _("Jäv som hanteras med åtgärder")
    NOT_ELIGIBLE = "ej_valbar", _("Kan inte ha uppdraget")


class Declaration(models.Model):
    """Jävsdeklaration: a person's ties, assessed by the designated assessor of their region.
    Valid until `valid_until`, or until the person declares changed ties."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="declarations",
                               verbose_name=_("person"))
    nothing_to_declare = models.BooleanField(_("inga intressen att redovisa"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    assessment = models.CharField(_("bedömning"), max_length=20, choices=Assessment.choices, blank=True)
    reasoning = models.TextField(_("motivering"), blank=True)
    measures = models.TextField(_("åtgärder"), blank=True,
                                help_text=_("T.ex. deltar inte i beredningen av en namngiven fråga."))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("bedömd av"))
    assessed_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(_("giltig till"), null=True, blank=True)

    class Meta:
        verbose_name = _("jävsdeklaration")
        verbose_name_plural = _("jävsdeklarationer")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="declaration_assessed_completely",
                condition=Q(assessment="", assessed_at__isnull=True, valid_until__isnull=True)
                | (~Q(assessment="") & Q(assessed_at__isnull=False, valid_until__isnull=False))),
            # One declaration in force (submitted or assessed) per person at a time.
            models.UniqueConstraint(fields=["person"], condition=~Q(status="ersatt"),
                                    name="one_current_declaration_per_person"),
        ]

    def __str__(self):
        return _("Jävsdeklaration från %(person)s, %(day)s") % {
            "person": self.person, "day": self.submitted_at.date().isoformat() if self.submitted_at else "–"}

    def get_absolute_url(self):
        return reverse("people:declaration_detail", args=[self.pk])

    def is_valid_on(self, day: datetime.date) -> bool:
        """Assessed, not superseded, not lapsed, and the person may sit."""
        return (self.status == DeclarationStatus.ASSESSED and self.assessment != Assessment.NOT_ELIGIBLE
                and self.valid_until is not None and day <= self.valid_until)


class InterestCategory(models.TextChoices):
    EMPLOYMENT = "anstallning", _("Anställningar och uppdrag")
    CONSULTANCY = "konsultuppdrag", _("Konsultuppdrag och arvoden")
    OWNERSHIP = "agande", _("Ägande och aktier")
    RESEARCH_FUNDING = "forskning", _("Forskningsfinansiering")
    OTHER_TIE = "annat_band", _("Andra band till företag eller organisationer inom området")
    CLOSE_PERSON = "narstaende", _("Närståendes intressen")


class Interest(models.Model):
    """One declared tie."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="interests")
    category = models.CharField(_("slag"), max_length=20, choices=InterestCategory.choices)
    organisation = models.CharField(_("organisation eller företag"), max_length=200)
    description = models.CharField(_("vad det gäller"), max_length=300)
    start_date = models.DateField(_("från"), null=True, blank=True)
    end_date = models.DateField(_("till"), null=True, blank=True)
    amount = models.DecimalField(_("belopp (kronor)"), max_digits=12, decimal_places=0, null=True, blank=True,
                                 validators=between(0, decimal_max(12, 0)))

    class Meta:
        verbose_name = _("redovisat intresse")
        verbose_name_plural = _("redovisade intressen")
        ordering = ["category", "organisation", "pk"]
        constraints = [
            models.CheckConstraint(name="interest_end_not_before_start",
                                   condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="interest_amount_not_negative",
                                   condition=Q(amount__isnull=True) | Q(amount__gte=0)),
            models.CheckConstraint(name="interest_amount_within_its_field",
                                   condition=Q(amount__isnull=True) | Q(amount__lte=decimal_max(12, 0))),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.organisation}"


class Assessor(models.Model):
    """The person a region has designated to assess its people's declarations."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="declaration_assessors",
                               verbose_name=_("region"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessor_for",
                               verbose_name=_("bedömare"))
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("utsedd bedömare av jävsdeklarationer")
        verbose_name_plural = _("utsedda bedömare av jävsdeklarationer")
        ordering = ["region__county_code", "person__family_name"]
        constraints = [models.UniqueConstraint(fields=["region", "person"], name="assessor_once_per_region")]

    def __str__(self):
        return _("%(person)s bedömer jävsdeklarationer för %(region)s") % {
            "person": self.person, "region": self.region}


class DeclarationReminder(models.Model):
    """A reminder that a declaration lapses, to one address. Claimed before the mail goes;
    the unique constraint makes it once per declaration and address."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="reminders")
    email = models.EmailField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["declaration", "email"], name="declaration_reminder_once")]

    def __str__(self):
        return f"{self.declaration_id} {self.email}"


class RepresentativeKind(models.TextChoices):
    PATIENT = "patient", _("Patient")
    SERVICE_USER = "brukare", _("Brukare")
    RELATIVE = "narstaende", _("Närstående")


class Recruitment(models.TextChoices):
    LIVING_LIBRARY = "levande_bibliotek", _("Levande bibliotek")
    PATIENT_ORGANISATION = "patientorganisation", _("Patient- eller brukarorganisation")
    OTHER = "annat", _("Annat")


class Representative(models.Model):
    """A patient, service user or relative in a region's pool of representatives."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="representative",
                                  verbose_name=_("person"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="representatives_pool",
                               verbose_name=_("region"))
    kind = models.CharField(_("företräder som"), max_length=20, choices=RepresentativeKind.choices)
    recruited_through = models.CharField(_("rekryterad via"), max_length=30, choices=Recruitment.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True,
                                    help_text=_("Patient- eller brukarorganisationen, om någon."))
    experience_areas = models.TextField(_("erfarenhetsområden"), help_text=_("Ett område per rad."))
    availability = models.CharField(_("tillgänglighet"), max_length=300, blank=True,
                                    help_text=_("T.ex. dagtid, digitala möten, två tillfällen i månaden."))
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    payee_reference = models.CharField(
        _("referens i lönesystemet"), max_length=40, blank=True,
        help_text=_("Regionens egen referens för utbetalning. Ange aldrig personnummer här."))
    consent_on = models.DateField(_("samtycke lämnat"),
                                  help_text=_("Dagen personen samtyckte till att finnas i poolen."))
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["phone", "payee_reference"])

    class Meta:
        verbose_name = _("företrädare i poolen")
        verbose_name_plural = _("företrädare i poolen")
        ordering = ["person__family_name", "person__given_name"]

    def __str__(self):
        return f"{self.person} ({self.get_kind_display().lower()})"

    def get_absolute_url(self):
        return reverse("people:representative_detail", args=[self.pk])

    @property
    def areas(self) -> list[str]:
        return [line.strip() for line in self.experience_areas.splitlines() if line.strip()]


class AssignmentKind(models.TextChoices):
    BODY = "organ", _("Arbete i organ eller arbetsgrupp")
    GAP_ANALYSIS = "kartlaggning", _("Kartläggning")
    REMISS = "remissvar", _("Remissvar")
    OTHER = "annat", _("Annat")


class ParticipationAssignment(models.Model):
    """A representative's assignment: a seat in a body, a gap analysis, a remiss answer."""

    representative = models.ForeignKey(Representative, on_delete=models.PROTECT, related_name="assignments",
                                       verbose_name=_("företrädare"))
    kind = models.CharField(_("slag"), max_length=20, choices=AssignmentKind.choices)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("organ"))
    description = models.CharField(_("beskrivning"), max_length=300)
    start_date = models.DateField(_("från"))
    end_date = models.DateField(_("till"), null=True, blank=True)
    planned_hours = models.DecimalField(_("planerade timmar"), max_digits=6, decimal_places=1, null=True,
                                        blank=True, validators=between(0, decimal_max(6, 1)))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medverkansuppdrag")
        verbose_name_plural = _("medverkansuppdrag")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(name="assignment_end_not_before_start",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="assignment_hours_within_their_field",
                                   condition=Q(planned_hours__isnull=True)
                                   | Q(planned_hours__gte=0, planned_hours__lte=decimal_max(6, 1))),
        ]

    def __str__(self):
        return f"{self.representative.person}: {self.description}"

    @property
    def region(self) -> Region:
        return self.representative.region


class CompensationBasis(models.TextChoices):
    HOURLY = "timarvode", _("Timarvode")
    FIXED_FEE = "fast_arvode", _("Fast arvode per tillfälle")


class CompensationModel(models.Model):
    """A region's model for compensating representatives: an hourly rate or a fixed fee per
    occasion, plus travel (kilometres at a rate, and tickets)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="compensation_model",
                                  verbose_name=_("region"))
    basis = models.CharField(_("grund"), max_length=20, choices=CompensationBasis.choices)
    hourly_rate = models.DecimalField(_("timarvode (kronor)"), max_digits=8, decimal_places=2, default=0,
                                      validators=between(0, decimal_max(8, 2)))
    fixed_fee = models.DecimalField(_("arvode per tillfälle (kronor)"), max_digits=8, decimal_places=2, default=0,
                                    validators=between(0, decimal_max(8, 2)))
    mileage_rate = models.DecimalField(_("milersättning per kilometer (kronor)"), max_digits=6, decimal_places=2,
                                       default=0, validators=between(0, decimal_max(6, 2)))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ersättningsmodell")
        verbose_name_plural = _("ersättningsmodeller")
        constraints = [
            models.CheckConstraint(name="compensation_rates_not_negative",
                                   condition=Q(hourly_rate__gte=0, fixed_fee__gte=0, mileage_rate__gte=0)),
            models.CheckConstraint(name="compensation_rates_within_their_fields",
                                   condition=Q(hourly_rate__lte=decimal_max(8, 2), fixed_fee__lte=decimal_max(8, 2),
                                               mileage_rate__lte=decimal_max(6, 2))),
        ]

    def __str__(self):
        return _("Ersättningsmodell för %(region)s") % {"region": self.region}


class ClaimStatus(models.TextChoices):
    SUBMITTED = "inskickad", _("Inskickad")
    APPROVED = "godkand", _("Godkänd")
    REJECTED = "avslagen", _("Avslagen")


class PayableList(models.Model):
    """Utbetalningsunderlag: the approved claims of one region handed to the salary system
    for one period. A claim is on at most one list, so it is paid once."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="payable_lists",
                               verbose_name=_("region"))
    period = models.CharField(_("period"), max_length=7, help_text=_("År och månad, ÅÅÅÅ-MM."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utbetalningsunderlag")
        verbose_name_plural = pgettext_lazy("plural", "utbetalningsunderlag")
        ordering = ["region__county_code", "-period"]
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="one_payable_list_per_period")]

    def __str__(self):
        return _("Utbetalningsunderlag %(period)s, %(region)s") % {"period": self.period, "region": self.region}


class CompensationClaim(models.Model):
    """A claim for one occasion of work in an assignment. The amounts are fixed when the
    coordinator approves it, from the region's model at that moment."""

    assignment = models.ForeignKey(ParticipationAssignment, on_delete=models.PROTECT, related_name="claims",
                                   verbose_name=_("uppdrag"))
    worked_on = models.DateField(_("datum"))
    hours = models.DecimalField(_("timmar"), max_digits=5, decimal_places=1, validators=between(0, decimal_max(5, 1)))
    occasions = models.PositiveSmallIntegerField(_("tillfällen"), default=1, validators=between(1, SMALL_INTEGER_MAX))
    travel_km = models.DecimalField(_("resa med egen bil (km)"), max_digits=7, decimal_places=1, default=0,
                                    validators=between(0, decimal_max(7, 1)))
    travel_costs = models.DecimalField(_("biljetter och andra resekostnader (kronor)"), max_digits=8,
                                       decimal_places=2, default=0, validators=between(0, decimal_max(8, 2)))
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("kommentar till beslutet"), max_length=300, blank=True)
    fee = models.DecimalField(_("arvode (kronor)"), max_digits=10, decimal_places=2, null=True, blank=True,
                              validators=between(0, decimal_max(10, 2)))
    travel = models.DecimalField(_("reseersättning (kronor)"), max_digits=10, decimal_places=2, null=True,
                                 blank=True, validators=between(0, decimal_max(10, 2)))
    payable_list = models.ForeignKey(PayableList, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="claims", verbose_name=_("utbetalningsunderlag"))

    class Meta:
        verbose_name = _("ersättningsanspråk")
        verbose_name_plural = pgettext_lazy("plural", "ersättningsanspråk")
        ordering = ["-worked_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="claim_amounts_not_negative",
                                   condition=Q(hours__gte=0, travel_km__gte=0, travel_costs__gte=0)),
            models.CheckConstraint(name="claim_numbers_within_their_fields",
                                   condition=Q(hours__lte=decimal_max(5, 1), occasions__gte=1,
                                               occasions__lte=SMALL_INTEGER_MAX, travel_km__lte=decimal_max(7, 1),
                                               travel_costs__lte=decimal_max(8, 2))
                                   & (Q(fee__isnull=True) | Q(fee__gte=0, fee__lte=decimal_max(10, 2)))
                                   & (Q(travel__isnull=True) | Q(travel__gte=0, travel__lte=decimal_max(10, 2)))),
            models.CheckConstraint(name="claim_priced_when_approved",
                                   condition=~Q(status="godkand") | Q(fee__isnull=False, travel__isnull=False)),
            models.CheckConstraint(name="claim_paid_only_when_approved",
                                   condition=Q(payable_list__isnull=True) | Q(status="godkand")),
        ]

    def __str__(self):
        return _("%(person)s, %(day)s") % {"person": self.assignment.representative.person,
                                           "day": self.worked_on.isoformat()}

    @property
    def total(self):
        if self.fee is None or self.travel is None:
            return None
        return self.fee + self.travel
