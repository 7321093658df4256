"""Knowledge supports (kunskapsstöd): versions with a governed lifecycle, structured
recommendations with codes, regional additions and attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from kunskapsnav.lib.bounds import INTEGER_MAX, between
from kunskapsnav.organisation.models import Body, Region


class SupportType(models.TextChoices):
    CLINICAL = "klinisk", _("Kliniskt kunskapsstöd")
    CARE_PATHWAY = "vardforlopp", _("Personcentrerat och sammanhållet vårdförlopp")
    CARE_PROGRAMME = "vardprogram", _("Nationellt vårdprogram")
    CARE_GUIDELINE = "vardriktlinje", _("Vårdriktlinje")
    NATIONAL_GUIDELINE = "nationell_riktlinje", _("Nationell riktlinje (Socialstyrelsen)")
    DO_NOT_DO = "icke_gora", _("Icke-göra-rekommendation")
    REGIONAL_ROUTINE = "regional_rutin", _("Regional rutin")
    LOCAL_ROUTINE = "lokal_rutin", _("Lokal rutin")


class Agency(models.TextChoices):
    """State agencies that issue knowledge supports of their own."""

    SOCIALSTYRELSEN = "socialstyrelsen", "Socialstyrelsen"
    SBU = "sbu", "SBU"
    TLV = "tlv", "TLV"
    LAKEMEDELSVERKET = "lakemedelsverket", "Läkemedelsverket"
    FOLKHALSOMYNDIGHETEN = "folkhalsomyndigheten", "Folkhälsomyndigheten"


class TargetGroup(models.Model):
    """Målgrupp: who a support is written for. Reference data."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        verbose_name = _("målgrupp")
        verbose_name_plural = _("målgrupper")
        ordering = ["name"]

    def __str__(self):
        return self.name


class KnowledgeSupport(models.Model):
    type = models.CharField(_("typ"), max_length=30, choices=SupportType.choices)
    title = models.CharField(_("titel"), max_length=300)
    issuer_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_supports",
        verbose_name=_("utgivare (organ)"),
    )
    issuer_agency = models.CharField(_("utgivare (myndighet)"), max_length=30, choices=Agency.choices, blank=True)
    issuer_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_supports",
        verbose_name=_("utgivare (region)"),
    )
    owning_body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="owned_supports", verbose_name=_("ägande organ"),
        help_text=_("Organet som tar fram och förvaltar kunskapsstödet."),
    )
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="supports", verbose_name=_("målgrupper"))
    is_synthetic = models.BooleanField(_("demodata"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[target_groups])

    class Meta:
        verbose_name = _("kunskapsstöd")
        verbose_name_plural = pgettext_lazy("plural", "kunskapsstöd")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="support_has_exactly_one_issuer",
                condition=(
                    Q(issuer_body__isnull=False, issuer_agency="", issuer_region__isnull=True)
                    | Q(issuer_body__isnull=True, issuer_agency__gt="", issuer_region__isnull=True)
                    | Q(issuer_body__isnull=True, issuer_agency="", issuer_region__isnull=False)
                ),
                violation_error_message=_("Ett kunskapsstöd har exakt en utgivare."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:support_detail", args=[self.pk])

    @property
    def issuer(self):
        return self.issuer_body or self.issuer_region or self.get_issuer_agency_display()

    @property
    def npo(self):
        """The national programme area the support belongs to, directly or through a mirror."""
        body = self.owning_body
        if body.kind == "NPO":
            return body
        if body.mirrors_id and body.mirrors.kind == "NPO":
            return body.mirrors
        return None


class VersionStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    REMISS = "remiss", _("Remiss")
    APPROVED = "faststalld", _("Fastställd")
    PUBLISHED = "publicerad", _("Publicerad")
    SUPERSEDED = "ersatt", _("Ersatt")
    WITHDRAWN = "aterkallad", _("Återkallad")


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def public(self):
        """Versions anyone may read: the valid one and those it replaced or that were withdrawn."""
        return self.filter(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN])


class SupportVersion(models.Model):
    support = models.ForeignKey(KnowledgeSupport, on_delete=models.CASCADE, related_name="versions",
                                verbose_name=_("kunskapsstöd"))
    number = models.PositiveIntegerField(_("versionsnummer"), validators=between(1, INTEGER_MAX))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    summary = models.TextField(_("sammanfattning"), blank=True, help_text=_("Sanerad rik text."))
    change_note = models.TextField(_("vad är nytt"), blank=True)
    review_date = models.DateField(_("revideringsdatum"), null=True, blank=True)
    approved_at = models.DateTimeField(_("fastställd"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versioner")
        ordering = ["support", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["support", "number"], name="version_number_unique_per_support"),
            # Exactly one valid version: the rule the regions' patient safety rests on.
            models.UniqueConstraint(
                fields=["support"],
                condition=Q(status="publicerad"),
                name="one_published_version_per_support",
                violation_error_message=_("Ett kunskapsstöd kan bara ha en publicerad version åt gången."),
            ),
        ]
        # The public versions (published, superseded, withdrawn) in the order of support and
        # number: what the FHIR server counts and pages through for every search.
        indexes = [models.Index(fields=["status", "support", "number"], name="version_status_idx")]

    def __str__(self):
        return _("%(support)s, version %(number)s") % {"support": self.support, "number": self.number}

    def get_absolute_url(self):
        return reverse("knowledge:version_detail", args=[self.support_id, self.number])

    @property
    def is_valid(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class VersionTransition(models.Model):
    """One change of a version's status: old state, new state, who, when."""

    version = models.ForeignKey(SupportVersion, on_delete=models.CASCADE, related_name="transitions")
    old_status = models.CharField(max_length=20, choices=VersionStatus.choices)
    new_status = models.CharField(max_length=20, choices=VersionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.version}: {self.old_status} → {self.new_status}"


class Strength(models.TextChoices):
    STRONG = "stark", _("Stark")
    WEAK = "svag", _("Svag")


class Direction(models.TextChoices):
    DO = "gor", _("Gör")
    DO_NOT = "gor_inte", _("Gör inte")
    RESEARCH_ONLY = "fou", _("Endast inom forskning (FoU)")


class Recommendation(models.Model):
    version = models.ForeignKey(SupportVersion, on_delete=models.CASCADE, related_name="recommendations")
    key = models.UUIDField(
        _("identitet"), default=uuid.uuid4,
        help_text=_("Samma rekommendation har samma identitet i alla versioner, så att ändringar kan spåras."),
    )
    position = models.PositiveIntegerField(_("ordning"), validators=between(1, INTEGER_MAX))
    section = models.CharField(_("avsnitt"), max_length=200, blank=True)
    text = models.TextField(_("text"), help_text=_("Sanerad rik text."))
    priority = models.PositiveSmallIntegerField(
        _("prioritet"), null=True, blank=True, help_text=_("Socialstyrelsens skala 1–10, där 1 är högst."),
        validators=between(1, 10),
    )
    strength = models.CharField(_("styrka"), max_length=10, choices=Strength.choices, blank=True)
    direction = models.CharField(_("gör eller gör inte"), max_length=10, choices=Direction.choices, default=Direction.DO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rekommendation")
        verbose_name_plural = _("rekommendationer")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="recommendation_key_unique_per_version"),
            models.UniqueConstraint(fields=["version", "position"], name="recommendation_position_unique_per_version"),
            models.CheckConstraint(
                name="recommendation_priority_1_to_10",
                condition=Q(priority__isnull=True) | Q(priority__gte=1, priority__lte=10),
            ),
            models.CheckConstraint(
                name="recommendation_priority_or_strength",
                condition=Q(priority__isnull=True) | Q(strength=""),
                violation_error_message=_("Ange antingen prioritet eller styrka, inte båda."),
            ),
        ]

    def __str__(self):
        return _("Rekommendation %(position)s i %(version)s") % {"position": self.position, "version": self.version}

    @property
    def grade(self) -> str:
        if self.priority:
            return _("Prioritet %(p)s") % {"p": self.priority}
        return self.get_strength_display()


class CodeSystem(models.TextChoices):
    ICD10SE = "icd10se", "ICD-10-SE"
    KVA = "kva", "KVÅ"
    ATC = "atc", "ATC"
    SNOMED = "snomed", "SNOMED CT"


class RecommendationCode(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="codes")
    system = models.CharField(_("kodverk"), max_length=10, choices=CodeSystem.choices)
    code = models.CharField(_("kod"), max_length=20)

    class Meta:
        verbose_name = _("kod")
        verbose_name_plural = _("koder")
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "system", "code"], name="recommendation_code_once"),
        ]
        indexes = [models.Index(fields=["code"], name="recommendation_code_idx")]

    def __str__(self):
        return f"{self.get_system_display()} {self.code}"


class SupportCondition(models.Model):
    """A condition (ICD-10-SE) the support as a whole concerns."""

    support = models.ForeignKey(KnowledgeSupport, on_delete=models.CASCADE, related_name="conditions")
    code = models.CharField(_("ICD-10-SE"), max_length=10)

    class Meta:
        verbose_name = _("tillstånd")
        verbose_name_plural = _("tillstånd")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["support", "code"], name="support_condition_once")]
        indexes = [models.Index(fields=["code"], name="support_condition_code_idx")]

    def __str__(self):
        return self.code


class RegionalAddition(models.Model):
    """Regionalt tillägg: a region's own text to a published recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="additions")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="additions", verbose_name=_("region"))
    text = models.TextField(_("text"), help_text=_("Sanerad rik text."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regionalt tillägg")
        verbose_name_plural = _("regionala tillägg")
        ordering = ["region__county_code"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "region"], name="one_addition_per_region_and_recommendation"),
        ]

    def __str__(self):
        return _("Tillägg från %(region)s") % {"region": self.region}


def attachment_path(instance, filename):
    return f"bilagor/{instance.version.support_id}/{instance.version.number}/{filename}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    WORD = "docx", "Word"
    EXCEL = "xlsx", "Excel"
    POWERPOINT = "pptx", "PowerPoint"


# The IANA media type of each kind, for the API and for systems that store the file.
MEDIA_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentKind.EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    AttachmentKind.POWERPOINT: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class Attachment(models.Model):
    version = models.ForeignKey(SupportVersion, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("fil"), upload_to=attachment_path)
    kind = models.CharField(_("filtyp"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("storlek (byte)"), validators=between(0, INTEGER_MAX))
    extracted_text = models.TextField(blank=True, editable=False)
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, editable=False,
        help_text=_("Filens kontrollsumma, beräknad när den sparades; tom om filen saknades då."),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["extracted_text"])

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


class Subscription(models.Model):
    """A user follows a support or an NPO and is told when a new version is published."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    support = models.ForeignKey(KnowledgeSupport, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="subscriptions")
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bevakning")
        verbose_name_plural = _("bevakningar")
        constraints = [
            models.CheckConstraint(
                name="subscription_follows_one_thing",
                condition=Q(support__isnull=False, body__isnull=True) | Q(support__isnull=True, body__isnull=False),
            ),
            models.UniqueConstraint(fields=["user", "support"], name="subscription_once_per_support"),
            models.UniqueConstraint(fields=["user", "body"], name="subscription_once_per_body"),
        ]

    def __str__(self):
        return f"{self.user} → {self.support or self.body}"


class SearchDocument(models.Model):
    """What the search indexes for one version: kept by knowledge.search, never edited by hand.

    PostgreSQL adds a generated tsvector column (Swedish configuration) to this table; SQLite
    keeps a parallel FTS5 table of Snowball-stemmed text (see the migration and search.py).
    """

    version = models.OneToOneField(SupportVersion, on_delete=models.CASCADE, related_name="search_document")
    support = models.ForeignKey(KnowledgeSupport, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=VersionStatus.choices)
    title = models.TextField()
    body = models.TextField()
    codes = models.TextField(blank=True, help_text="space-separated codes, for code search")

    class Meta:
        indexes = [
            models.Index(fields=["status"], name="searchdoc_status_idx"),
            # Covers what the search reads of each match on SQLite, which would otherwise
            # follow each long body's overflow pages to the columns stored after it.
            models.Index(fields=["id", "status", "support", "version"], name="searchdoc_facets_idx"),
        ]

    def __str__(self):
        return str(self.version)


class PublicationNotice(models.Model):
    """One notice of one publication to one address: written before the mail is sent, so that
    a worker that restarts, or a second worker, never sends it twice."""

    version = models.ForeignKey(SupportVersion, on_delete=models.CASCADE, related_name="notices")
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "email"], name="publication_notice_once")]

    def __str__(self):
        return f"{self.version} → {self.email}"


class ChangeKind(models.TextChoices):
    """What happened, as the change feed (ändringsflöde) names it. The codes are the API's
    contract with the systems that mirror the content: never rename one."""

    VERSION_PUBLISHED = "version_published", _("Version publicerad")
    VERSION_SUPERSEDED = "version_superseded", _("Version ersatt")
    VERSION_WITHDRAWN = "version_withdrawn", _("Version återkallad")
    REVIEW_DATE_CHANGED = "review_date_changed", _("Revideringsdatum ändrat")
    SUPPORT_CHANGED = "support_changed", _("Kunskapsstödets uppgifter ändrade")
    ADDITION_CREATED = "addition_created", _("Regionalt tillägg skrivet")
    ADDITION_CHANGED = "addition_changed", _("Regionalt tillägg ändrat")
    ADDITION_REMOVED = "addition_removed", _("Regionalt tillägg borttaget")
    ADDITIONS_CARRIED = "additions_carried", _("Regionala tillägg förda till ny version")


class ContentChange(models.Model):
    """One entry of the change feed: something a public reader can see has changed. Written
    in the transaction of the change itself (knowledge.changes) and never changed after; the
    id is the feed's cursor."""

    kind = models.CharField(_("ändring"), max_length=30, choices=ChangeKind.choices)
    support = models.ForeignKey(KnowledgeSupport, on_delete=models.CASCADE, related_name="changes",
                                verbose_name=_("kunskapsstöd"))
    version_number = models.PositiveIntegerField(_("versionsnummer"), null=True, blank=True,
                                                 validators=between(1, INTEGER_MAX))
    # The länskod rather than a key: the entry says what the reader saw, in the reader's terms.
    region_code = models.CharField(_("länskod"), max_length=2, blank=True)
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("ändring i flödet")
        verbose_name_plural = _("ändringsflöde")
        ordering = ["id"]
        # The HTTP validators of one support's documents: the latest entry of that support.
        indexes = [models.Index(fields=["support", "id"], name="content_change_support_idx")]

    def __str__(self):
        return f"{self.pk} {self.kind} {self.support_id}"


class FeedbackOutcome(models.TextChoices):
    """What a clinician did with a card in the journal (CDS Hooks 2.0, "Feedback")."""

    ACCEPTED = "accepted", _("Följd")
    OVERRIDDEN = "overridden", _("Åsidosatt")


class UptakeOutcome(models.TextChoices):
    """What a count of a card says: shown in a journal (counted by the service itself), or
    followed or set aside (reported by the journal, FeedbackOutcome)."""

    SHOWN = "shown", _("Visad")
    ACCEPTED = FeedbackOutcome.ACCEPTED.value, FeedbackOutcome.ACCEPTED.label
    OVERRIDDEN = FeedbackOutcome.OVERRIDDEN.value, FeedbackOutcome.OVERRIDDEN.label


class OverrideReason(models.TextChoices):
    """Why a card was set aside: the reasons the decision-support service offers on every
    card. The codes are the contract with the journals: never rename one."""

    NOT_APPLICABLE = "not-applicable", _("Gäller inte patienten")
    PATIENT_DECLINES = "patient-declines", _("Patienten avböjer")
    CONTRAINDICATED = "contraindicated", _("Kontraindicerat")
    OTHER = "other", _("Annat skäl")


class CardFeedback(models.Model):
    """Uptake (följsamhet): how many times a card was shown in a journal, and how many times it
    was followed or set aside, counted per card, region, care unit, day, outcome and reason.
    Never per patient or clinician: the count is all there is. A card's uuid names one
    recommendation in one version (knowledge.uptake.card_uuid). Shown counts have no care
    unit: they are counted per card, region and day (knowledge.uptake.cards_shown)."""

    card = models.UUIDField(_("kort"))
    # The länskod rather than a key, as in the change feed: the count outlives any registry edit.
    region_code = models.CharField(_("länskod"), max_length=2, blank=True)
    care_unit = models.CharField(_("vårdenhet (HSA-id)"), max_length=31, blank=True)
    day = models.DateField(_("dag"))
    outcome = models.CharField(_("utfall"), max_length=12, choices=UptakeOutcome.choices)
    override_reason = models.CharField(_("skäl"), max_length=20, choices=OverrideReason.choices, blank=True)
    count = models.PositiveIntegerField(_("antal"), default=0, validators=between(0, INTEGER_MAX))

    class Meta:
        verbose_name = _("återkoppling från journalen")
        verbose_name_plural = _("återkoppling från journalen")
        ordering = ["-day", "card"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "region_code", "care_unit", "day", "outcome", "override_reason"],
                name="card_feedback_one_count_per_cell",
            ),
            models.CheckConstraint(
                name="card_feedback_reason_only_when_overridden",
                condition=Q(outcome="overridden") | Q(override_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.card} {self.day} {self.outcome} {self.override_reason}: {self.count}"
