"""Writing the content of knowledge supports: the support itself, its versions while they
are drafts, and their recommendations with codes. Content is editable only in a draft; a
change after that is a new version."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kunskapsnav.lib.fields import apply_changes
from kunskapsnav.lib.richtext import from_editor, plain_text
from kunskapsnav.organisation.models import Body, Level

from . import changes, codes, permissions, search
from .models import (
    CodeSystem,
    Direction,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    SupportCondition,
    SupportType,
    SupportVersion,
    VersionStatus,
)

SUPPORT_FIELDS = ("type", "title", "issuer_body", "issuer_agency", "issuer_region", "owning_body")
VERSION_FIELDS = ("summary", "change_note", "review_date")
RECOMMENDATION_FIELDS = ("section", "text", "priority", "strength", "direction")
ROUTINE_TYPES = {SupportType.REGIONAL_ROUTINE, SupportType.LOCAL_ROUTINE}


# --- support ---------------------------------------------------------------------------


def _support_problems(support: KnowledgeSupport) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not support.title.strip():
        errors["title"] = [_("Ange kunskapsstödets titel.")]
    issuers = [support.issuer_body_id, support.issuer_agency or None, support.issuer_region_id]
    if sum(1 for i in issuers if i) != 1:
        errors["issuer_body"] = [_("Ange exakt en utgivare: ett organ, en myndighet eller en region.")]
    if support.issuer_body_id and support.issuer_body.level != Level.NATIONAL:
        errors["issuer_body"] = [_("Ett utgivande organ är ett nationellt organ; välj annars regionen som utgivare.")]
    owner: Body | None = support.owning_body if support.owning_body_id else None
    if owner is None:
        errors["owning_body"] = [_("Ange vilket organ som äger kunskapsstödet.")]
    elif support.type in ROUTINE_TYPES and owner.level != Level.LOCAL:
        errors["owning_body"] = [_("En regional eller lokal rutin ägs av ett organ i en region.")]
    elif support.type not in ROUTINE_TYPES and owner.level == Level.LOCAL:
        errors["owning_body"] = [_("Ett nationellt kunskapsstöd ägs av ett nationellt eller sjukvårdsregionalt organ.")]
    if support.type == SupportType.NATIONAL_GUIDELINE and support.issuer_agency != "socialstyrelsen":
        errors["issuer_agency"] = [_("Nationella riktlinjer ges ut av Socialstyrelsen.")]
    return errors


def _conditions(raw: list[str]) -> list[str]:
    result, problems = [], []
    for item in raw:
        try:
            result.append(codes.normalise(CodeSystem.ICD10SE, item))
        except codes.InvalidCode as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError({"conditions": problems})
    return sorted(set(result))


def _set_conditions(support, condition_codes):
    support.conditions.all().delete()
    SupportCondition.objects.bulk_create(SupportCondition(support=support, code=c) for c in condition_codes)


@transaction.atomic
def support_create(
    *, by, target_groups=(), conditions=(), summary: str = "", review_date: datetime.date | None = None, **values
) -> KnowledgeSupport:
    """A new knowledge support with its first version, a draft."""
    values.setdefault("issuer_agency", "")
    support = KnowledgeSupport(**values)
    support.title = support.title.strip()
    if support.owning_body_id and not permissions.can_create_support(by, owning_body=support.owning_body):
        raise PermissionDenied(_("Du får bara skapa kunskapsstöd för organ du är redaktör för."))
    errors = _support_problems(support)
    try:
        condition_codes = _conditions(list(conditions))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    support._history_user = by
    support.save()
    support.target_groups.set(target_groups)
    _set_conditions(support, condition_codes)
    version = SupportVersion(support=support, number=1, summary=from_editor(summary), review_date=review_date)
    version._history_user = by
    version.save()
    search.index_version(version)
    return support


@transaction.atomic
def support_update(*, by, support: KnowledgeSupport, target_groups=None, conditions=None, **values) -> KnowledgeSupport:
    support = KnowledgeSupport.objects.select_for_update().get(pk=support.pk)
    if not permissions.can_edit_support(by, support):
        raise PermissionDenied(_("Du får inte ändra det här kunskapsstödet."))
    apply_changes(support, values, editable=SUPPORT_FIELDS)
    support.title = support.title.strip()
    if "owning_body" in values and not permissions.can_edit_support(by, support):
        raise PermissionDenied(_("Du får inte flytta kunskapsstödet till ett organ du inte är redaktör för."))
    errors = _support_problems(support)
    condition_codes = None
    if conditions is not None:
        try:
            condition_codes = _conditions(list(conditions))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    support._history_user = by
    support.save()
    if target_groups is not None:
        support.target_groups.set(target_groups)
    if condition_codes is not None:
        _set_conditions(support, condition_codes)
    changes.support_changed(support)
    for version in support.versions.all():
        search.index_version(version)
    return support


# --- versions --------------------------------------------------------------------------


def _editable_version(by, version: SupportVersion) -> SupportVersion:
    version = SupportVersion.objects.select_for_update().select_related("support__owning_body").get(pk=version.pk)
    if not permissions.can_edit_support(by, version.support):
        raise PermissionDenied(_("Bara det ägande organets redaktörer får ändra kunskapsstödet."))
    if not version.is_editable:
        raise ValidationError(
            _("Version %(n)s har status %(status)s och kan inte ändras. Skapa en ny version.")
            % {"n": version.number, "status": version.get_status_display().lower()}
        )
    return version


@transaction.atomic
def version_update(*, by, version: SupportVersion, **values) -> SupportVersion:
    version = _editable_version(by, version)
    if "summary" in values:
        values["summary"] = from_editor(values["summary"])
    apply_changes(version, values, editable=VERSION_FIELDS)
    version._history_user = by
    version.save()
    search.index_version(version)
    return version


@transaction.atomic
def version_review_date_change(*, by, version: SupportVersion, review_date: datetime.date) -> SupportVersion:
    """Move the review date of the valid version: the one thing of a published version that
    changes without a new version (a review is postponed or brought forward)."""
    version = SupportVersion.objects.select_for_update().select_related("support__owning_body").get(pk=version.pk)
    if not permissions.can_edit_support(by, version.support):
        raise PermissionDenied(_("Bara det ägande organets redaktörer får ändra revideringsdatum."))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Revideringsdatum flyttas på den gällande versionen; ändra utkastet direkt."))
    if review_date is None:
        raise ValidationError({"review_date": [_("Ange ett revideringsdatum.")]})
    if review_date == version.review_date:
        return version
    version.review_date = review_date
    version._history_user = by
    version.save(update_fields=["review_date"])
    changes.review_date_changed(version)
    return version


@transaction.atomic
def version_create_next(*, by, support: KnowledgeSupport) -> SupportVersion:
    """A new draft, copied from the latest version: same recommendations with the same
    identities, so that what changes can be traced."""
    support = KnowledgeSupport.objects.select_for_update().get(pk=support.pk)
    if not permissions.can_edit_support(by, support):
        raise PermissionDenied(_("Bara det ägande organets redaktörer får skapa en ny version."))
    if support.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.REMISS, VersionStatus.APPROVED]).exists():
        raise ValidationError(_("Det finns redan en version under arbete. Arbeta vidare i den."))
    latest = support.versions.order_by("-number").first()
    version = SupportVersion(
        support=support,
        number=(latest.number + 1) if latest else 1,
        summary=latest.summary if latest else "",
        review_date=None,
    )
    version._history_user = by
    version.save()
    if latest is not None:
        for rec in latest.recommendations.prefetch_related("codes"):
            copy = Recommendation.objects.create(
                version=version, key=rec.key, position=rec.position, section=rec.section, text=rec.text,
                priority=rec.priority, strength=rec.strength, direction=rec.direction,
            )
            RecommendationCode.objects.bulk_create(
                RecommendationCode(recommendation=copy, system=c.system, code=c.code) for c in rec.codes.all()
            )
    search.index_version(version)
    return version


# --- recommendations -------------------------------------------------------------------


def _recommendation_problems(rec: Recommendation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not plain_text(rec.text):
        errors["text"] = [_("Skriv rekommendationens text.")]
    if rec.priority is not None and not 1 <= rec.priority <= 10:
        errors["priority"] = [_("Prioriteten anges på Socialstyrelsens skala 1–10.")]
    if rec.priority is not None and rec.strength:
        errors["strength"] = [_("Ange antingen prioritet eller styrka, inte båda.")]
    if rec.direction not in Direction.values:
        errors["direction"] = [_("Välj gör, gör inte eller FoU.")]
    return errors


def _normalised_codes(raw_codes) -> list[tuple[str, str]]:
    """[(system, code), …] from [(system, raw), …], with every format error listed."""
    result, problems = [], []
    for system, raw in raw_codes:
        try:
            result.append((system, codes.normalise(system, raw)))
        except codes.InvalidCode as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError({"codes": problems})
    return list(dict.fromkeys(result))


def _save_recommendation(rec: Recommendation, raw_codes, *, by) -> Recommendation:
    rec.text = from_editor(rec.text)
    rec.section = rec.section.strip()
    errors = _recommendation_problems(rec)
    normalised = None
    if raw_codes is not None:
        try:
            normalised = _normalised_codes(raw_codes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    rec._history_user = by
    rec.save()
    if normalised is not None:
        rec.codes.all().delete()
        RecommendationCode.objects.bulk_create(
            RecommendationCode(recommendation=rec, system=s, code=c) for s, c in normalised
        )
    search.index_version(rec.version)
    return rec


@transaction.atomic
def recommendation_create(*, by, version: SupportVersion, codes=(), key=None, **values) -> Recommendation:
    version = _editable_version(by, version)
    position = (version.recommendations.aggregate(m=Max("position"))["m"] or 0) + 1
    rec = Recommendation(version=version, position=position, **values)
    if key is not None:
        rec.key = key
    return _save_recommendation(rec, list(codes), by=by)


@transaction.atomic
def recommendation_update(*, by, recommendation: Recommendation, codes=None, **values) -> Recommendation:
    version = _editable_version(by, recommendation.version)
    rec = version.recommendations.get(pk=recommendation.pk)
    apply_changes(rec, values, editable=RECOMMENDATION_FIELDS)
    return _save_recommendation(rec, None if codes is None else list(codes), by=by)


@transaction.atomic
def recommendation_delete(*, by, recommendation: Recommendation):
    version = _editable_version(by, recommendation.version)
    rec = version.recommendations.get(pk=recommendation.pk)
    rec._history_user = by
    rec.delete()
    _renumber(version, [r.pk for r in version.recommendations.order_by("position")])
    search.index_version(version)


@transaction.atomic
def recommendation_move(*, by, recommendation: Recommendation, offset: int):
    """Move one place up (-1) or down (+1)."""
    version = _editable_version(by, recommendation.version)
    order = list(version.recommendations.order_by("position").values_list("pk", flat=True))
    index = order.index(recommendation.pk)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    _renumber(version, order)


def _renumber(version: SupportVersion, ordered_pks: list[int]):
    # Two passes so that the unique (version, position) constraint holds at every step.
    recs = {r.pk: r for r in version.recommendations.all()}
    offset = len(ordered_pks) + 1000
    for pk in ordered_pks:
        Recommendation.objects.filter(pk=pk).update(position=recs[pk].position + offset)
    for position, pk in enumerate(ordered_pks, start=1):
        Recommendation.objects.filter(pk=pk).update(position=position)
