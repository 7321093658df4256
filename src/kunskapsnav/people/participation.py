"""The pool of patient, user and relative representatives, and their assignments."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunskapsnav.lib.bounds import number_problems
from kunskapsnav.lib.fields import apply_changes
from kunskapsnav.organisation.models import Person

from . import permissions
from .models import AssignmentKind, ParticipationAssignment, Representative

REPRESENTATIVE_FIELDS = ("kind", "recruited_through", "organisation", "experience_areas", "availability", "phone",
                         "payee_reference", "consent_on", "is_active")
ASSIGNMENT_FIELDS = ("kind", "body", "description", "start_date", "end_date", "planned_hours")


def _check_representative(rep: Representative):
    errors = {}
    if not rep.areas:
        errors["experience_areas"] = [_("Ange minst ett erfarenhetsområde.")]
    digits = "".join(ch for ch in rep.payee_reference if ch.isdigit())
    if len(digits) in (10, 12) and len(digits) == len(rep.payee_reference.replace("-", "").strip()):
        # A personal identity number does not belong here: the salary system has its own key.
        errors["payee_reference"] = [_("Det ser ut som ett personnummer. Ange regionens referens i lönesystemet i "
                                       "stället; personnummer sparas inte här.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def representative_add(*, by, person: Person, region, **values) -> Representative:
    if not permissions.can_manage_pool(by, region.pk):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan lägga till företrädare i poolen."))
    if not permissions.can_add_to_pool(by, person, region.pk):
        raise PermissionDenied(_("%(person)s hör till %(region)s. Bara den regionens kunskapsstödsgrupp kan lägga "
                                 "till personen i en pool.") % {"person": person, "region": person.home_region})
    if Representative.objects.filter(person=person).exists():
        raise ValidationError({"person": [_("%(person)s finns redan i poolen.") % {"person": person}]})
    rep = Representative(person=person, region=region, **values)
    _check_representative(rep)
    rep._history_user = by
    rep.save()
    return rep


@transaction.atomic
def representative_update(*, by, representative: Representative, **values) -> Representative:
    rep = Representative.objects.select_for_update().get(pk=representative.pk)
    if not permissions.can_manage_pool(by, rep.region_id):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan ändra uppgifterna i poolen."))
    apply_changes(rep, values, editable=REPRESENTATIVE_FIELDS)
    _check_representative(rep)
    rep._history_user = by
    rep.save()
    return rep


def _check_assignment(assignment: ParticipationAssignment):
    errors = number_problems(assignment)
    if not assignment.description.strip():
        errors["description"] = [_("Beskriv uppdraget.")]
    if assignment.kind == AssignmentKind.BODY and assignment.body_id is None:
        errors["body"] = [_("Välj organet eller arbetsgruppen.")]
    if assignment.end_date and assignment.end_date < assignment.start_date:
        errors["end_date"] = [_("Slutdatumet kan inte ligga före startdatumet.")]
    if assignment.planned_hours is not None and assignment.planned_hours < 0:
        errors["planned_hours"] = [_("Ange timmar som ett positivt tal.")]
    if not assignment.representative.is_active:
        errors["representative"] = [_("Företrädaren är inte aktiv i poolen.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assignment_create(*, by, representative: Representative, **values) -> ParticipationAssignment:
    if not permissions.can_manage_pool(by, representative.region_id):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan ge företrädare uppdrag."))
    assignment = ParticipationAssignment(representative=representative, created_by=by, **values)
    _check_assignment(assignment)
    assignment._history_user = by
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(*, by, assignment: ParticipationAssignment, **values) -> ParticipationAssignment:
    assignment = ParticipationAssignment.objects.select_for_update().select_related("representative").get(
        pk=assignment.pk)
    if not permissions.can_manage_pool(by, assignment.representative.region_id):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan ändra uppdraget."))
    apply_changes(assignment, values, editable=ASSIGNMENT_FIELDS)
    _check_assignment(assignment)
    assignment._history_user = by
    assignment.save()
    return assignment
