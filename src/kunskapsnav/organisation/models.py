"""The organisation of the knowledge-governance system at its three levels.

National bodies (SKS, NPO, NSG …), healthcare-regional bodies (KSG, RPO …) that belong to one
of the six sjukvårdsregioner, and local bodies (LPO, kunskapsstödsgrupp, RMKS …) that belong
to one of the 21 regions. People hold memberships in bodies with a role and a period.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from kunskapsnav.lib.bounds import between
from .hsa import MAX_LENGTH as HSA_ID_MAX_LENGTH, validate_hsa_id


class HealthcareRegion(models.Model):
    """Sjukvårdsregion: one of six, each a cooperation of several regions."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    short_name = models.CharField(_("kortnamn"), max_length=40)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sjukvårdsregion")
        verbose_name_plural = _("sjukvårdsregioner")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:healthcare_region_detail", args=[self.code])


class Region(models.Model):
    """Region (formerly landsting), identified by its county code (länskod)."""

    county_code = models.CharField(_("länskod"), max_length=2, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    healthcare_region = models.ForeignKey(
        HealthcareRegion,
        on_delete=models.PROTECT,
        related_name="regions",
        verbose_name=_("sjukvårdsregion"),
        help_text=_("Den sjukvårdsregion regionen tillhör i kunskapsstyrningssystemet."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["county_code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:region_detail", args=[self.county_code])


class Municipality(models.Model):
    """Kommun, identified by its municipality code (kommunkod)."""

    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Level(models.TextChoices):
    NATIONAL = "national", _("Nationell nivå")
    HEALTHCARE_REGIONAL = "healthcare_regional", _("Sjukvårdsregional nivå")
    LOCAL = "local", _("Regional nivå")


class BodyKind(models.TextChoices):
    SKS = "SKS", _("Styrgrupp för kunskapsstyrning (SKS)")
    PREPARATION_GROUP = "BEREDNINGSGRUPP", _("Beredningsgrupp")
    PRIMARY_CARE_COUNCIL = "NPR", _("Nationellt primärvårdsråd")
    NPO = "NPO", _("Nationellt programområde (NPO)")
    NSG = "NSG", _("Nationell samverkansgrupp (NSG)")
    NAG = "NAG", _("Nationell arbetsgrupp (NAG)")
    KSG = "KSG", _("Sjukvårdsregional kunskapsstyrningsgrupp (KSG)")
    RPO = "RPO", _("Regionalt programområde (RPO)")
    RSG = "RSG", _("Regional samverkansgrupp (RSG)")
    RAG = "RAG", _("Regional arbetsgrupp (RAG)")
    LPO = "LPO", _("Lokalt programområde (LPO)")
    LAG = "LAG", _("Lokal arbetsgrupp (LAG)")
    SUPPORT_GROUP = "KSTG", _("Kunskapsstödsgrupp")
    RMKS = "RMKS", _("RMKS")
    RSN = "RSN", _("RSN")
    MANAGEMENT_GROUP = "LEDNINGSGRUPP", _("Ledningsgrupp")


KINDS_BY_LEVEL = {
    Level.NATIONAL: frozenset(
        {BodyKind.SKS, BodyKind.PREPARATION_GROUP, BodyKind.PRIMARY_CARE_COUNCIL, BodyKind.NPO, BodyKind.NSG, BodyKind.NAG}
    ),
    Level.HEALTHCARE_REGIONAL: frozenset({BodyKind.KSG, BodyKind.RPO, BodyKind.RSG, BodyKind.RAG}),
    Level.LOCAL: frozenset(
        {
            BodyKind.LPO,
            BodyKind.LAG,
            BodyKind.SUPPORT_GROUP,
            BodyKind.RMKS,
            BodyKind.RSN,
            BodyKind.MANAGEMENT_GROUP,
        }
    ),
}
LEVEL_OF_KIND = {kind: level for level, kinds in KINDS_BY_LEVEL.items() for kind in kinds}

# Regional and local bodies may mirror a national one (LPO hjärta mirrors NPO hjärt- och
# kärlsjukdomar); only these national kinds are mirrored.
MIRRORABLE_KINDS = frozenset({BodyKind.NPO, BodyKind.NSG, BodyKind.NAG, BodyKind.PRIMARY_CARE_COUNCIL})
MIRRORING_KINDS = frozenset({BodyKind.RPO, BodyKind.RSG, BodyKind.RAG, BodyKind.LPO, BodyKind.LAG})
# Only NPOs and NSGs have a host region (värdregion) that carries their secretariat.
HOSTED_KINDS = frozenset({BodyKind.NPO, BodyKind.NSG})


def _kinds(level):
    return sorted(KINDS_BY_LEVEL[level])


class BodyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def at_level(self, level):
        return self.filter(kind__in=KINDS_BY_LEVEL[Level(level)])

    def npos(self):
        return self.filter(kind=BodyKind.NPO)


class Body(models.Model):
    """Organ: a group in the knowledge-governance organisation.

    A national body belongs to the nation, a healthcare-regional one to its sjukvårdsregion,
    a local one to its region; the database enforces that each has exactly its owner.
    """

    kind = models.CharField(_("typ"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("namn"), max_length=200)
    reference_key = models.SlugField(
        _("referensnyckel"),
        max_length=80,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Stabil nyckel för organ som laddas från referensdata."),
    )
    description = models.TextField(_("beskrivning"), blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("region")
    )
    healthcare_region = models.ForeignKey(
        HealthcareRegion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
        verbose_name=_("sjukvårdsregion"),
    )
    mirrors = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mirrored_by",
        verbose_name=_("speglar"),
        help_text=_("Det nationella organ som detta organ motsvarar, t.ex. det NPO ett LPO speglar."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("överordnat organ"),
        help_text=_("T.ex. det NPO en nationell arbetsgrupp tillhör."),
    )
    host_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_bodies",
        verbose_name=_("värdregion"),
    )
    is_active = models.BooleanField(_("aktivt"), default=True)
    is_synthetic = models.BooleanField(
        _("demodata"), default=False, help_text=_("Syntetiskt organ som bara finns i demodata.")
    )

    history = HistoricalRecords()
    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = pgettext_lazy("plural", "organ")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="body_owner_matches_level",
                condition=(
                    Q(kind__in=_kinds(Level.NATIONAL), region__isnull=True, healthcare_region__isnull=True)
                    | Q(
                        kind__in=_kinds(Level.HEALTHCARE_REGIONAL),
                        region__isnull=True,
                        healthcare_region__isnull=False,
                    )
                    | Q(kind__in=_kinds(Level.LOCAL), region__isnull=False, healthcare_region__isnull=True)
                ),
                violation_error_message=_("Organets ägare stämmer inte med dess nivå."),
            ),
            models.CheckConstraint(
                name="body_host_region_only_npo_nsg",
                condition=Q(host_region__isnull=True) | Q(kind__in=sorted(HOSTED_KINDS)),
            ),
            models.CheckConstraint(
                name="body_mirrors_only_regional_kinds",
                condition=Q(mirrors__isnull=True) | Q(kind__in=sorted(MIRRORING_KINDS)),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:body_detail", args=[self.pk])

    @property
    def level(self) -> Level:
        return LEVEL_OF_KIND[BodyKind(self.kind)]

    @property
    def owner(self):
        """The nation (None), the sjukvårdsregion or the region this body belongs to."""
        return self.region or self.healthcare_region


class Person(models.Model):
    """A person in the registry. Only what the work needs: name, title, region, e-mail, and
    the HSA-id by which the person is known when they sign in through their organisation."""

    given_name = models.CharField(_("förnamn"), max_length=100)
    family_name = models.CharField(_("efternamn"), max_length=100)
    title = models.CharField(_("titel"), max_length=150, blank=True, help_text=_("Yrke eller befattning."))
    home_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("hemregion"),
        help_text=_("Regionen där personen är anställd eller verksam."),
    )
    email = models.EmailField(_("e-post"), blank=True)
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=HSA_ID_MAX_LENGTH,
        blank=True,
        validators=[validate_hsa_id],
        help_text=_(
            "Personens id i HSA-katalogen, till exempel SE2321000032-abc123. Med det känns personen igen "
            "vid inloggning via sin organisation."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("användarkonto"),
    )
    is_synthetic = models.BooleanField(
        _("demodata"), default=False, help_text=_("Syntetisk person som bara finns i demodata.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["family_name", "given_name"]
        constraints = [
            # Unique when set; HSA-ids are compared without regard to letter case.
            models.UniqueConstraint(
                Upper("hsa_id"),
                name="person_hsa_id_unique",
                condition=~Q(hsa_id=""),
                violation_error_message=_("En annan person i registret har redan det HSA-id:t."),
            ),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    def get_absolute_url(self):
        return reverse("organisation:person_detail", args=[self.pk])

    @property
    def contact_email(self) -> str:
        """Where to write to the person: their account's address where they have one, else
        the registry's ("" when neither is known)."""
        return (self.user.email if self.user_id else "") or self.email


class Role(models.TextChoices):
    CHAIR = "ordforande", _("Ordförande")
    PROCESS_LEADER = "processledare", _("Processledare")
    MEMBER = "ledamot", _("Ledamot")
    DEPUTY = "ersattare", _("Ersättare")
    CONTACT = "kontaktperson", _("Kontaktperson")
    CO_OPTED = "adjungerad", _("Adjungerad")
    PATIENT_REPRESENTATIVE = "patientforetradare", _("Patient-, brukar- eller närståendeföreträdare")


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def overlapping(self, start: datetime.date, end: datetime.date | None):
        """Memberships whose period shares at least one day with [start, end]."""
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs


class Membership(models.Model):
    """Uppdrag: a person's seat in a body, with role, whom they represent and the period."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organ"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    represents_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name=_("företräder region"),
    )
    represents_healthcare_region = models.ForeignKey(
        HealthcareRegion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name=_("företräder sjukvårdsregion"),
    )
    start_date = models.DateField(_("från"))
    end_date = models.DateField(_("till"), null=True, blank=True)
    time_share = models.PositiveSmallIntegerField(
        _("avsatt tid (procent)"),
        null=True,
        blank=True,
        help_text=_("Andel av arbetstiden som är avsatt för uppdraget, 0–100 procent."),
        validators=between(0, 100),
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = pgettext_lazy("plural", "uppdrag")
        ordering = ["body__name", "role", "person__family_name"]
        constraints = [
            models.CheckConstraint(
                name="membership_end_not_before_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message=_("Slutdatumet kan inte ligga före startdatumet."),
            ),
            models.CheckConstraint(
                name="membership_time_share_is_percent",
                condition=Q(time_share__isnull=True) | Q(time_share__lte=100),
            ),
            models.CheckConstraint(
                name="membership_represents_one_owner",
                condition=Q(represents_region__isnull=True) | Q(represents_healthcare_region__isnull=True),
            ),
        ]

    def __str__(self):
        return _("%(person)s – %(role)s i %(body)s") % {
            "person": self.person,
            "role": self.get_role_display(),
            "body": self.body,
        }

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @property
    def represents(self):
        return self.represents_region or self.represents_healthcare_region


class BodyMandate(models.Model):
    """Uppdragsbeskrivning: what a body is asked to do, as adopted. A changed mandate is a
    new version; the earlier ones stay, so that what held on a given day can be read."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("organ"))
    version = models.PositiveIntegerField(_("version"), validators=between(1, 1_000_000))
    text = models.TextField(_("uppdragsbeskrivning"), help_text=_("Sanerad rik text."))
    valid_from = models.DateField(_("gäller från"))
    adopted_by = models.CharField(_("fastställd av"), max_length=200, blank=True,
                                  help_text=_("Till exempel RMKS 2025-03-12 § 4."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uppdragsbeskrivning")
        verbose_name_plural = _("uppdragsbeskrivningar")
        ordering = ["body", "-version"]
        constraints = [models.UniqueConstraint(name="mandate_version_once", fields=["body", "version"])]

    def __str__(self):
        return f"{self.body} v{self.version}"
