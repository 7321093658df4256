"""Memberships (uppdrag): who sits in which body, in which role, for whom and when."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kunskapsnav.lib.fields import apply_changes

from . import permissions
from .models import Body, BodyKind, Level, Membership, Role

EDITABLE_FIELDS = (
    "role",
    "represents_region",
    "represents_healthcare_region",
    "start_date",
    "end_date",
    "time_share",
    "note",
)

# An NPO chair serves at most three years, without extension (the national system's rule).
NPO_CHAIR_MAX_YEARS = 3


def _period(membership: Membership) -> str:
    start = date_format(membership.start_date, "SHORT_DATE_FORMAT")
    end = date_format(membership.end_date, "SHORT_DATE_FORMAT") if membership.end_date else _("tills vidare")
    return f"{start}–{end}"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _problems(m: Membership) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    body: Body = m.body
    if not body.is_active:
        add("body", _("Organet är avvecklat och kan inte få nya uppdrag."))
    if m.end_date is not None and m.start_date is not None and m.end_date < m.start_date:
        add("end_date", _("Slutdatumet kan inte ligga före startdatumet. Rätta något av datumen."))
    if m.time_share is not None and not 0 <= m.time_share <= 100:
        add("time_share", _("Ange avsatt tid som procent mellan 0 och 100."))
    if m.represents_region_id and m.represents_healthcare_region_id:
        add("represents_region", _("Ett uppdrag företräder antingen en region eller en sjukvårdsregion, inte båda."))
    _check_representation(m, body, add)
    if m.role == Role.CONTACT and body.level == Level.NATIONAL and m.represents_region_id is None:
        add("represents_region", _("En kontaktperson för ett nationellt organ företräder en region. Välj vilken."))
    if m.start_date is not None and not errors.get("end_date"):
        _check_overlaps(m, add)
        if m.role == Role.CHAIR and body.kind == BodyKind.NPO:
            latest_end = _add_years(m.start_date, NPO_CHAIR_MAX_YEARS)
            if m.end_date is None or m.end_date > latest_end:
                add(
                    "end_date",
                    _("En ordförande i ett NPO sitter högst tre år. Ange ett slutdatum senast %(date)s.")
                    % {"date": date_format(latest_end, "SHORT_DATE_FORMAT")},
                )
    return errors


def _check_representation(m: Membership, body: Body, add):
    region = m.represents_region
    if body.level == Level.LOCAL:
        if region is not None and region.pk != body.region_id:
            add(
                "represents_region",
                _("%(body)s tillhör %(region)s; en ledamot kan inte företräda en annan region där.")
                % {"body": body, "region": body.region},
            )
        if m.represents_healthcare_region_id is not None:
            add("represents_healthcare_region", _("Ett regionalt organ har inga företrädare för sjukvårdsregioner."))
    elif body.level == Level.HEALTHCARE_REGIONAL:
        if region is not None and region.healthcare_region_id != body.healthcare_region_id:
            add(
                "represents_region",
                _("%(region)s ingår inte i %(hr)s, som %(body)s tillhör. Välj en region inom sjukvårdsregionen.")
                % {"region": region, "hr": body.healthcare_region, "body": body},
            )
        if m.represents_healthcare_region_id not in (None, body.healthcare_region_id):
            add(
                "represents_healthcare_region",
                _("Ett sjukvårdsregionalt organ kan bara ha företrädare för sin egen sjukvårdsregion."),
            )


def _check_overlaps(m: Membership, add):
    others = Membership.objects.filter(body_id=m.body_id).overlapping(m.start_date, m.end_date).exclude(pk=m.pk)
    if m.role == Role.CHAIR:
        chair = others.filter(role=Role.CHAIR).select_related("person").first()
        if chair is not None:
            add(
                "role",
                _("%(body)s har redan en ordförande under perioden: %(person)s (%(period)s). "
                  "Avsluta det uppdraget först eller välj en annan roll.")
                % {"body": m.body, "person": chair.person, "period": _period(chair)},
            )
    same = others.filter(person_id=m.person_id, role=m.role).first()
    if same is not None:
        add(
            "start_date",
            _("%(person)s har redan rollen %(role)s i organet under perioden (%(period)s). Ändra perioden.")
            % {"person": m.person, "role": m.get_role_display().lower(), "period": _period(same)},
        )


def _check_valid(m: Membership):
    errors = _problems(m)
    if errors:
        raise ValidationError(errors)


def _check_allowed(by, m: Membership):
    if not permissions.can_manage_membership(
        by, body=m.body, role=m.role, represents_region_id=m.represents_region_id
    ):
        raise PermissionDenied(_("Du får inte ändra uppdrag i %(body)s.") % {"body": m.body})


def _save(m: Membership, *, by) -> Membership:
    m._history_user = by
    m.save()
    return m


@transaction.atomic
def membership_create(*, by, body: Body, person, **values) -> Membership:
    # Lock the body so that two concurrent chair appointments are checked one after the other.
    body = Body.objects.select_for_update().get(pk=body.pk)
    m = Membership(body=body, person=person, **values)
    _check_allowed(by, m)
    _check_valid(m)
    return _save(m, by=by)


@transaction.atomic
def membership_appoint(*, by, body: Body, person, **values) -> Membership:
    """A seat whose appointment another rule has already decided (an approved nomination,
    people.chain): validated like every membership and recorded as made by `by`, but
    without the registry's editing right, which the deciding NPO chair need not have."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    m = Membership(body=body, person=person, **values)
    _check_valid(m)
    return _save(m, by=by)


@transaction.atomic
def membership_update(*, by, membership: Membership, **values) -> Membership:
    Body.objects.select_for_update().get(pk=membership.body_id)
    m = Membership.objects.select_related("body", "person").get(pk=membership.pk)
    _check_allowed(by, m)  # allowed on the membership as it is …
    apply_changes(m, values, editable=EDITABLE_FIELDS)
    _check_allowed(by, m)  # … and as it will be
    _check_valid(m)
    return _save(m, by=by)


def membership_end(*, by, membership: Membership, end_date: datetime.date) -> Membership:
    return membership_update(by=by, membership=membership, end_date=end_date)
