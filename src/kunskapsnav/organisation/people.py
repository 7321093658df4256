"""Creating and changing people in the registry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunskapsnav.lib.fields import apply_changes

from . import permissions
from .hsa import hsa_id_problem
from .models import Person

EDITABLE_FIELDS = ("given_name", "family_name", "title", "home_region", "email", "hsa_id")


def _check_valid(person: Person):
    errors: dict[str, list[str]] = {}
    if not person.given_name.strip():
        errors["given_name"] = [_("Ange förnamn.")]
    if not person.family_name.strip():
        errors["family_name"] = [_("Ange efternamn.")]
    if person.email and Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk).exists():
        errors["email"] = [_("En annan person i registret har redan den e-postadressen.")]
    hsa_id = person.hsa_id.strip()
    if hsa_id:
        problem = hsa_id_problem(hsa_id)
        if problem:
            errors["hsa_id"] = [problem]
        elif Person.objects.filter(hsa_id__iexact=hsa_id).exclude(pk=person.pk).exists():
            errors["hsa_id"] = [_("En annan person i registret har redan det HSA-id:t.")]
    if errors:
        raise ValidationError(errors)


def _save(person: Person, *, by) -> Person:
    person.given_name = person.given_name.strip()
    person.family_name = person.family_name.strip()
    person.hsa_id = person.hsa_id.strip()
    person._history_user = by
    person.save()
    return person


@transaction.atomic
def person_create(*, by, **values) -> Person:
    if not permissions.can_create_person(by):
        raise PermissionDenied(_("Du får inte lägga till personer i registret."))
    person = Person(**values)
    if not (permissions.is_national_admin(by) or permissions.edited_body_ids(by)):
        # A coordinator registers people of their own region.
        if person.home_region_id not in permissions.coordinated_region_ids(by):
            raise PermissionDenied(_("Du får bara lägga till personer med hemregion i din egen region."))
    _check_valid(person)
    return _save(person, by=by)


@transaction.atomic
def person_update(*, by, person: Person, **values) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not permissions.can_edit_person(by, person):
        raise PermissionDenied(_("Du får inte ändra uppgifterna om den här personen."))
    apply_changes(person, values, editable=EDITABLE_FIELDS)
    # A coordinator may not move a person into a region they do not coordinate.
    if not permissions.can_edit_person(by, person):
        raise PermissionDenied(_("Du får inte flytta personen till en annan region."))
    _check_valid(person)
    return _save(person, by=by)
