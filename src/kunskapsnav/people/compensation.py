"""Compensation: representatives' claims priced by their region's model and approved by the
coordinator, the payable list per period for the salary system, and the time the regions
give their experts in the national system (from the registry's memberships)."""

import calendar
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kunskapsnav.lib.bounds import decimal_max, number_problems
from kunskapsnav.lib.spreadsheets import csv_writer
from kunskapsnav.organisation.models import KINDS_BY_LEVEL, Level, Membership, Region, Role

from . import permissions
from .models import (
    ClaimStatus, CompensationBasis, CompensationClaim, CompensationModel, ParticipationAssignment, PayableList,
)

ORE = Decimal("0.01")
FEE_MAX = decimal_max(10, 2)  # CompensationClaim.fee and .travel
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@transaction.atomic
def compensation_model_set(*, by, region: Region, basis: str, hourly_rate, fixed_fee, mileage_rate) -> CompensationModel:
    if not permissions.can_manage_pool(by, region.pk):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan ändra ersättningsmodellen."))
    errors = {}
    if basis not in CompensationBasis.values:
        errors["basis"] = [_("Välj timarvode eller fast arvode.")]
    for field, value in (("hourly_rate", hourly_rate), ("fixed_fee", fixed_fee), ("mileage_rate", mileage_rate)):
        if value is None or Decimal(value) < 0:
            errors[field] = [_("Ange ett belopp som är noll eller större.")]
    if basis == CompensationBasis.HOURLY and not errors.get("hourly_rate") and Decimal(hourly_rate) == 0:
        errors["hourly_rate"] = [_("Ange timarvodet.")]
    if basis == CompensationBasis.FIXED_FEE and not errors.get("fixed_fee") and Decimal(fixed_fee) == 0:
        errors["fixed_fee"] = [_("Ange arvodet per tillfälle.")]
    model = CompensationModel.objects.filter(region=region).first() or CompensationModel(region=region)
    model.basis, model.hourly_rate, model.fixed_fee, model.mileage_rate = basis, hourly_rate, fixed_fee, mileage_rate
    errors = number_problems(model) | errors
    if errors:
        raise ValidationError(errors)
    model.updated_by = by
    model._history_user = by
    model.save()
    return model


@transaction.atomic
def claim_submit(*, by, assignment: ParticipationAssignment, worked_on: datetime.date, hours, occasions: int = 1,
                 travel_km=0, travel_costs=0, note: str = "") -> CompensationClaim:
    if not permissions.can_claim(by, assignment):
        raise PermissionDenied(_("Du får inte begära ersättning för det här uppdraget."))
    errors = {}
    if worked_on < assignment.start_date or (assignment.end_date and worked_on > assignment.end_date):
        errors["worked_on"] = [_("Datumet ligger utanför uppdragets period.")]
    if worked_on > timezone.localdate():
        errors["worked_on"] = [_("Ersättning begärs för arbete som är utfört. Datumet ligger i framtiden.")]
    if Decimal(hours) <= 0 or Decimal(hours) > 24:
        errors["hours"] = [_("Ange timmar mellan 0,5 och 24.")]
    if occasions < 1:
        errors["occasions"] = [_("Ange minst ett tillfälle.")]
    if Decimal(travel_km) < 0 or Decimal(travel_costs) < 0:
        errors["travel_km"] = [_("Resor anges som noll eller mer.")]
    claim = CompensationClaim(
        assignment=assignment, worked_on=worked_on, hours=hours, occasions=occasions, travel_km=travel_km,
        travel_costs=travel_costs, note=note.strip(), submitted_by=by)
    errors = number_problems(claim) | errors
    if errors:
        raise ValidationError(errors)
    claim.save()
    return claim


def price(claim: CompensationClaim, model: CompensationModel) -> tuple[Decimal, Decimal]:
    """Fee and travel of a claim by the region's model."""
    if model.basis == CompensationBasis.HOURLY:
        fee = Decimal(claim.hours) * model.hourly_rate
    else:
        fee = claim.occasions * model.fixed_fee
    travel = Decimal(claim.travel_km) * model.mileage_rate + Decimal(claim.travel_costs)
    return fee.quantize(ORE, ROUND_HALF_UP), travel.quantize(ORE, ROUND_HALF_UP)


@transaction.atomic
def claim_decide(*, by, claim: CompensationClaim, approve: bool, note: str = "") -> CompensationClaim:
    claim = CompensationClaim.objects.select_for_update().select_related("assignment__representative").get(
        pk=claim.pk)
    if not permissions.can_decide_claim(by, claim):
        raise PermissionDenied(_("Du får inte besluta om det här anspråket. Den som begärt ersättningen "
                                 "kan inte själv godkänna den."))
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError(_("Anspråket är redan avgjort."))
    if approve:
        model = CompensationModel.objects.filter(region_id=claim.assignment.representative.region_id).first()
        if model is None:
            raise ValidationError(_("Regionen har ingen ersättningsmodell. Ange den innan anspråk godkänns."))
        claim.fee, claim.travel = price(claim, model)
        if number_problems(claim, fields=("fee", "travel")):
            raise ValidationError(_("Ersättningen blir större än ett anspråk kan betala ut (högst %(max)s kronor för "
                                    "arvode och för resor). Kontrollera anspråkets timmar och resor och regionens "
                                    "ersättningsmodell.") % {"max": number_format(FEE_MAX, force_grouping=True)})
        claim.status = ClaimStatus.APPROVED
    else:
        if not note.strip():
            raise ValidationError({"note": [_("Skriv varför anspråket avslås.")]})
        claim.status = ClaimStatus.REJECTED
    claim.decided_by, claim.decided_at, claim.decision_note = by, timezone.now(), note.strip()
    claim.save()
    return claim


def period_end(period: str) -> datetime.date:
    match = PERIOD.match(period or "")
    if not match:
        raise ValidationError({"period": [_("Ange perioden som år och månad, till exempel 2026-11.")]})
    year, month = int(match[1]), int(match[2])
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def payable_list_create(*, by, region: Region, period: str) -> PayableList:
    """The approved claims of the region up to the period's end that no earlier list holds."""
    if not permissions.can_manage_pool(by, region.pk):
        raise PermissionDenied(_("Bara regionens kunskapsstödsgrupp kan ta fram utbetalningsunderlag."))
    end = period_end(period)
    if PayableList.objects.filter(region=region, period=period).exists():
        raise ValidationError({"period": [_("Det finns redan ett utbetalningsunderlag för %(period)s.")
                                          % {"period": period}]})
    claims = CompensationClaim.objects.select_for_update().filter(
        status=ClaimStatus.APPROVED, payable_list__isnull=True, worked_on__lte=end,
        assignment__representative__region=region)
    if not claims.exists():
        raise ValidationError({"period": [_("Det finns inga godkända anspråk att betala ut till och med %(period)s.")
                                          % {"period": period}]})
    payable = PayableList.objects.create(region=region, period=period, created_by=by)
    claims.update(payable_list=payable)
    return payable


PAYABLE_COLUMNS = ["referens", "fornamn", "efternamn", "datum", "uppdrag", "timmar", "tillfallen", "arvode",
                   "reseersattning", "summa"]


def _semicolon_csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _payable_row(claim: CompensationClaim) -> list:
    rep = claim.assignment.representative
    return [rep.payee_reference, rep.person.given_name, rep.person.family_name, claim.worked_on.isoformat(),
            claim.assignment.description, _comma(claim.hours), claim.occasions, _comma(claim.fee),
            _comma(claim.travel), _comma(claim.total)]


def payable_csv(payable: PayableList) -> str:
    """One row per claim, for the salary system (semicolon-separated, decimal comma)."""
    claims = payable.claims.select_related("assignment__representative__person").order_by(
        "assignment__representative__person__family_name", "worked_on", "pk")
    return _semicolon_csv(PAYABLE_COLUMNS, map(_payable_row, claims))


def _comma(value) -> str:
    return str(value).replace(".", ",")


EXPERT_KINDS = KINDS_BY_LEVEL[Level.NATIONAL] | KINDS_BY_LEVEL[Level.HEALTHCARE_REGIONAL]


@dataclass(frozen=True)
class ExpertTime:
    body: object
    region: Region | None
    members: int
    without_share: int
    full_time_years: Decimal  # årsarbetare: time share × the part of the year served


def expert_time(year: int) -> list[ExpertTime]:
    """The time each region gives each national and healthcare-regional body in a year,
    from the memberships' time allocation, pro rata for the days served. Patient
    representatives are compensated by their claims, not here."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days_in_year = (last - first).days + 1
    rows = Membership.objects.overlapping(first, last).filter(body__kind__in=EXPERT_KINDS).exclude(
        role=Role.PATIENT_REPRESENTATIVE).select_related("body", "person__home_region", "represents_region")
    sums = defaultdict(lambda: [0, 0, Decimal(0)])
    for m in rows:
        region = m.represents_region or m.person.home_region
        key = (m.body, region)
        sums[key][0] += 1
        if m.time_share is None:
            sums[key][1] += 1
            continue
        served = (min(m.end_date or last, last) - max(m.start_date, first)).days + 1
        sums[key][2] += Decimal(m.time_share) / 100 * served / days_in_year
    result = [ExpertTime(body, region, n, missing, share.quantize(ORE, ROUND_HALF_UP))
              for (body, region), (n, missing, share) in sums.items()]
    return sorted(result, key=lambda r: (r.body.name, r.region.county_code if r.region else ""))


def expert_time_csv(year: int) -> str:
    return _semicolon_csv(["organ", "region", "ledamoter", "utan_angiven_tid", "arsarbetare"], (
        [row.body.name, row.region.name if row.region else "", row.members, row.without_share,
         _comma(row.full_time_years)]
        for row in expert_time(year)))
