"""Keeping the register: creating and changing a low-value practice, and linking it to the
do-not recommendations that carry it and the indicators that measure it. Each function checks
permission, validates in Swedish and saves with the acting user in the history."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.knowledge.codes import InvalidCode, normalise
from kunskapsnav.knowledge.models import CodeSystem, Direction, Recommendation, SupportVersion
from kunskapsnav.lib.fields import apply_changes

from . import permissions
from .models import LowValuePractice, PracticeIndicator, PracticeRecommendation, Source

EDITABLE_FIELDS = ("title", "source", "region", "practice_system", "practice_code", "condition_code", "condition",
                   "rationale", "link")


def _problems(practice: LowValuePractice) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    practice.title, practice.condition = practice.title.strip(), practice.condition.strip()
    practice.rationale = practice.rationale.strip()
    try:
        practice.practice_code = normalise(practice.practice_system, practice.practice_code)
    except InvalidCode as error:
        errors.setdefault("practice_code", []).append(str(error))
    if practice.condition_code.strip():
        try:
            practice.condition_code = normalise(CodeSystem.ICD10SE, practice.condition_code)
        except InvalidCode as error:
            errors.setdefault("condition_code", []).append(str(error))
    else:
        practice.condition_code = ""
    if practice.source == Source.REGIONAL_DO_NOT and practice.region_id is None:
        errors.setdefault("region", []).append(_("En regional icke-göra-rekommendation hör till en region. Välj region."))
    if practice.source != Source.REGIONAL_DO_NOT and practice.region_id is not None:
        errors.setdefault("region", []).append(_("Bara en regional icke-göra-rekommendation hör till en region. "
                                                 "Lämna regionen tom."))
    try:
        # Lengths, choices, the link's form and empty required fields, with Django's messages.
        practice.full_clean(exclude=[name for name in errors] + ["is_synthetic"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _check_valid(practice: LowValuePractice) -> None:
    errors = _problems(practice)
    if errors:
        raise ValidationError(errors)


def _save(practice: LowValuePractice, *, by) -> LowValuePractice:
    practice._history_user = by
    practice.save()
    return practice


def _refuse(by, region_id):
    if not permissions.can_edit_practice(by, region_id=region_id):
        raise PermissionDenied(_("Bara den nationella administrationen och SKS ändrar registret över lågvärdig vård, "
                                 "och en regions samordnare regionens egna icke-göra-rekommendationer."))


@transaction.atomic
def practice_create(*, by, **values) -> LowValuePractice:
    practice = apply_changes(LowValuePractice(), values, editable=EDITABLE_FIELDS)
    _refuse(by, practice.region_id)
    _check_valid(practice)
    return _save(practice, by=by)


@transaction.atomic
def practice_update(*, by, practice: LowValuePractice, **values) -> LowValuePractice:
    _refuse(by, practice.region_id)
    practice = LowValuePractice.objects.select_for_update().get(pk=practice.pk)
    apply_changes(practice, values, editable=EDITABLE_FIELDS)
    # Moving a practice to another region (or to the nation) needs the right there too.
    _refuse(by, practice.region_id)
    _check_valid(practice)
    return _save(practice, by=by)


def _do_not_keys(keys: set[uuid.UUID]) -> set[uuid.UUID]:
    """The keys that name a do-not recommendation in a version anyone may read."""
    return set(Recommendation.objects.filter(
        key__in=keys, direction=Direction.DO_NOT,
        version__in=SupportVersion.objects.public()).values_list("key", flat=True))


def _indicator_codes(codes: set[str]) -> set[str]:
    return set(IndicatorDefinition.objects.filter(code__in=codes).values_list("code", flat=True))


@transaction.atomic
def practice_links_set(*, by, practice: LowValuePractice, recommendation_keys, indicator_codes
                       ) -> LowValuePractice:
    """The practice's do-not recommendations and indicators become exactly these; each link
    added or removed is a row in the history."""
    _refuse(by, practice.region_id)
    practice = LowValuePractice.objects.select_for_update().get(pk=practice.pk)
    keys, codes = set(recommendation_keys), set(indicator_codes)
    errors = {}
    unknown_keys = keys - _do_not_keys(keys)
    if unknown_keys:
        errors["recommendations"] = [_("Ingen publicerad gör inte-rekommendation har identiteten %(key)s.")
                                     % {"key": key} for key in sorted(map(str, unknown_keys))]
    unknown_codes = codes - _indicator_codes(codes)
    if unknown_codes:
        errors["indicators"] = [_("Det finns ingen indikator med koden %(code)s.") % {"code": code}
                                for code in sorted(unknown_codes)]
    if errors:
        raise ValidationError(errors)
    _replace(practice.recommendation_links, "recommendation_key", keys, PracticeRecommendation, practice, by)
    _replace(practice.indicator_links, "indicator_code", codes, PracticeIndicator, practice, by)
    return practice


def _replace(links, field: str, wanted: set, model, practice, by) -> None:
    for link in links.all():
        if getattr(link, field) in wanted:
            wanted = wanted - {getattr(link, field)}
        else:
            link._history_user = by
            link.delete()
    for value in sorted(wanted, key=str):
        link = model(practice=practice, linked_by=by, **{field: value})
        link._history_user = by
        link.save()
