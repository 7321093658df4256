"""Creating and changing bodies (organ)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunskapsnav.lib.fields import apply_changes

from . import permissions
from .models import (
    Body,
    HOSTED_KINDS,
    LEVEL_OF_KIND,
    Level,
    MIRRORABLE_KINDS,
    MIRRORING_KINDS,
)

EDITABLE_FIELDS = ("kind", "name", "description", "region", "healthcare_region", "mirrors", "parent", "host_region", "is_active")


def _problems(body: Body) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    level = LEVEL_OF_KIND.get(body.kind)
    if not body.name.strip():
        add("name", _("Ange organets namn."))
    if level == Level.LOCAL and body.region_id is None:
        add("region", _("Ett regionalt organ måste tillhöra en region. Välj region."))
    if level != Level.LOCAL and body.region_id is not None:
        add("region", _("Bara regionala organ tillhör en region. Lämna regionen tom."))
    if level == Level.HEALTHCARE_REGIONAL and body.healthcare_region_id is None:
        add("healthcare_region", _("Ett sjukvårdsregionalt organ måste tillhöra en sjukvårdsregion. Välj sjukvårdsregion."))
    if level != Level.HEALTHCARE_REGIONAL and body.healthcare_region_id is not None:
        add("healthcare_region", _("Bara sjukvårdsregionala organ tillhör en sjukvårdsregion. Lämna fältet tomt."))
    if body.mirrors_id is not None:
        if body.kind not in MIRRORING_KINDS:
            add("mirrors", _("Bara RPO, RSG, RAG, LPO och LAG kan spegla ett nationellt organ."))
        elif body.mirrors.kind not in MIRRORABLE_KINDS:
            add("mirrors", _("Ett organ kan bara spegla ett NPO, en NSG, en nationell arbetsgrupp eller primärvårdsrådet."))
    if body.host_region_id is not None and body.kind not in HOSTED_KINDS:
        add("host_region", _("Bara NPO och NSG har en värdregion."))
    if body.parent_id is not None:
        if body.parent_id == body.pk:
            add("parent", _("Ett organ kan inte vara överordnat sig självt."))
        elif LEVEL_OF_KIND.get(body.parent.kind) != level:
            add("parent", _("Det överordnade organet måste finnas på samma nivå."))
    # Compared in Python: SQLite's case-insensitive match ignores case for ASCII only (Ö ≠ ö).
    siblings = Body.objects.filter(
        kind=body.kind, region_id=body.region_id, healthcare_region_id=body.healthcare_region_id, is_active=True
    ).exclude(pk=body.pk)
    name = body.name.strip().casefold()
    if body.is_active and any(other.casefold() == name for other in siblings.values_list("name", flat=True)):
        add("name", _("Det finns redan ett aktivt organ av samma typ med det namnet. Välj ett annat namn."))
    return errors


def _check_valid(body: Body):
    errors = _problems(body)
    if errors:
        raise ValidationError(errors)


def _save(body: Body, *, by):
    body._history_user = by
    body.save()
    return body


@transaction.atomic
def body_create(*, by, **values) -> Body:
    body = Body(**values)
    body.name = body.name.strip()
    if not permissions.can_create_body(by, kind=body.kind, region_id=body.region_id):
        raise PermissionDenied(_("Du får bara skapa organ i din egen region."))
    _check_valid(body)
    return _save(body, by=by)


@transaction.atomic
def body_update(*, by, body: Body, **values) -> Body:
    if not permissions.can_edit_body(by, body):
        raise PermissionDenied(_("Du får inte ändra det här organet."))
    body = Body.objects.select_for_update().get(pk=body.pk)
    if "kind" in values and values["kind"] != body.kind and not permissions.is_national_admin(by):
        raise PermissionDenied(_("Bara en nationell administratör kan ändra ett organs typ."))
    place = (body.region_id, body.healthcare_region_id)
    apply_changes(body, values, editable=EDITABLE_FIELDS)
    body.name = body.name.strip()
    # Moving a body to another region is a new body in the registry's eyes: the editor must
    # be allowed to create it at the destination. Leading the body is not enough: its
    # members would become people of the other region's bodies and see that region's work
    # in progress (implementation.permissions.region_ids_of).
    moved = (body.region_id, body.healthcare_region_id) != place
    if moved and not permissions.can_create_body(by, kind=body.kind, region_id=body.region_id):
        raise PermissionDenied(_("Du får inte flytta organet till en annan region."))
    _check_valid(body)
    return _save(body, by=by)
