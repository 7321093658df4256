"""/api/v1/ resources of people: calls for nominations and the public self-nomination,
nominations with their approval chain, conflict-of-interest declarations and their
assessors, the seats of a body with their declaration status, the pool of patient, user and
relative representatives with assignments and compensation, payable lists, the regions'
expert time, and a person's own data.

Every check is the people app's: people.permissions decides who sees and does what, the
domain functions check again before they write. Declarations, the pool and claims are
personal data: their reads need a logged-in user (401 otherwise) and answer only what the
rules allow (403 for a single object, filtered lists).
"""

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import Day, FieldOf, Id, In
from kunskapsnav.interop.errors import ErrorOut
from kunskapsnav.interop.references import resolve
from kunskapsnav.organisation.models import Body, Person, Region, Role
from kunskapsnav.organisation.people import person_create
from kunskapsnav.people import (
    calls, chain, compensation, declarations, export, nominations, participation, permissions, selectors,
)
from kunskapsnav.people.forms import SelfNominationForm
from kunskapsnav.people.models import (
    Assessor,
    CallStatus,
    ClaimStatus,
    CompensationClaim,
    CompensationModel,
    Declaration,
    DeclarationStatus,
    Interest,
    Nomination,
    NominationCall,
    NominationSource,
    NominationStatus,
    Outcome,
    ParticipationAssignment,
    PayableList,
    Representative,
)

router = Router(tags=["personer"])
logger = logging.getLogger(__name__)

# Reads of personal data need a user: no session and no token is refused with 401, like a write.
LOGIN_AUTH = WRITE_AUTH


# --- input checks ----------------------------------------------------------------------


def _check_fields(model, values: dict, *, prefix: str = "", errors: dict | None = None) -> dict:
    """Lengths, formats (e-mail) and choices as the model declares them, with Django's own
    Swedish messages. The domain functions check the rules; this catches what the database
    would refuse or silently keep, before they are called."""
    errors = {} if errors is None else errors
    for name, value in values.items():
        try:
            model._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors.setdefault(name, []).extend(prefix + message for message in error.messages)
    return errors


def _raise(errors: dict):
    if errors:
        raise ValidationError(errors)


def _user_name(user) -> str | None:
    if user is None:
        return None
    person = getattr(user, "person", None)
    return str(person) if person is not None else (user.get_full_name() or user.username)


# --- schemas ---------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


class CallOut(Schema):
    id: int
    body: Ref
    role: Role
    role_label: str
    represents_region: str | None = Field(None, description="Länskod, om platsen företräder en region")
    represents_healthcare_region: str | None = Field(None, description="Kod, om platsen företräder en sjukvårdsregion")
    seats: int
    start_date: datetime.date
    end_date: datetime.date | None
    time_share: int | None = Field(None, description="Avsatt tid i procent")
    closes_on: datetime.date = Field(..., description="Sista dag för nominering")
    profile: str = Field(..., description="Sökt kompetens och erfarenhet")
    self_nomination_allowed: bool
    status: CallStatus
    published_at: datetime.datetime | None


class CallIn(In):
    body: Id = Field(..., description="Organets id")
    role: Role = Role.MEMBER
    represents_region: str | None = Field(None, description="Länskod")
    represents_healthcare_region: str | None = Field(None, description="Sjukvårdsregionens kod")
    seats: int = FieldOf(NominationCall, "seats", 1)
    start_date: Day
    end_date: Day | None = None
    time_share: int | None = FieldOf(NominationCall, "time_share", None)
    closes_on: Day
    profile: str = ""
    self_nomination_allowed: bool = False


class CallPatch(In):
    role: Role | None = None
    represents_region: str | None = None
    represents_healthcare_region: str | None = None
    seats: int | None = FieldOf(NominationCall, "seats", None)
    start_date: Day | None = None
    end_date: Day | None = None
    time_share: int | None = FieldOf(NominationCall, "time_share", None)
    closes_on: Day | None = None
    profile: str | None = None
    self_nomination_allowed: bool | None = None


class SelfNominationIn(In):
    """Checked by the public form (people.forms.SelfNominationForm), with its messages."""

    given_name: str = Field("", description="Högst 100 tecken")
    family_name: str = Field("", description="Högst 100 tecken")
    email: str = ""
    title: str = Field("", description="Yrke eller befattning, högst 150 tecken")
    home_region: str = Field("", description="Länskod för regionen där du är anställd eller verksam")
    motivation: str = Field("", description="Kompetens och erfarenhet av området, högst 4000 tecken")
    consent: bool = Field(False, description="Samtycke till hur uppgifterna hanteras; krävs")
    webbplats: str = Field("", description="Lämna tomt. En fälla för robotar, som i det öppna formuläret: är fältet "
                                           "ifyllt sparas ingenting, men svaret är detsamma.")


class SelfNominationOut(Schema):
    call: int
    status: NominationStatus = Field(..., description="Alltid pagar: svaret säger inte vad som blev av anmälan")
    detail: str


class NominationIn(In):
    person_id: Id = Field(..., description="Personens id i registret")
    motivation: str


class DecisionOut(Schema):
    step: str
    step_label: str
    outcome: Outcome
    decided_by: str | None
    decided_at: datetime.datetime
    comment: str


class StepOut(Schema):
    step: str
    label: str
    deciding_body: Ref | None = Field(None, description="Organet som tar steget; null om registret saknar det")
    decided: bool


class NominationSummaryOut(Schema):
    id: int
    call: int
    body: Ref
    name: str
    person: int | None = Field(None, description="Personens id i registret, när nomineringen är kopplad till en")
    source: NominationSource
    home_region: str = Field(..., description="Länskod")
    status: NominationStatus
    created_at: datetime.datetime
    next_step: str | None = Field(None, description="Nästa steg i kedjan; null när nomineringen är avgjord")


class NominationOut(NominationSummaryOut):
    title: str
    motivation: str
    membership: int | None = Field(None, description="Uppdraget som nomineringen ledde till")
    steps: list[StepOut]
    decisions: list[DecisionOut]


class NominationDecisionIn(In):
    outcome: Outcome
    comment: str = Field("", description="Kommentar eller protokollsreferens; krävs vid avslag")


class InterestFields(Schema):
    category: str = Field(
        ..., description="anstallning, konsultuppdrag, agande, forskning, annat_band eller narstaende")
    organisation: str = ""
    description: str = ""
    start_date: Day | None = None
    end_date: Day | None = None
    amount: Decimal | None = FieldOf(Interest, "amount", None, description="Belopp i hela kronor")


class InterestIn(In, InterestFields):
    pass


class InterestOut(InterestFields):
    pass


class DeclarationIn(In):
    nothing_to_declare: bool = False
    interests: list[InterestIn] = Field(default_factory=list)


class DeclarationSummaryOut(Schema):
    id: int
    person: Ref
    status: DeclarationStatus
    nothing_to_declare: bool
    submitted_at: datetime.datetime
    assessment: str | None
    valid_until: datetime.date | None


class DeclarationOut(DeclarationSummaryOut):
    interests: list[InterestOut]
    reasoning: str
    measures: str
    assessed_by: str | None
    assessed_at: datetime.datetime | None


class AssessmentIn(In):
    assessment: str = Field(..., description="inget_jav, jav_med_atgarder eller ej_valbar")
    reasoning: str = ""
    measures: str = Field("", description="Bara vid jäv som hanteras med åtgärder")


class AssessorOut(Schema):
    id: int
    region: str = Field(..., description="Länskod")
    person: Ref
    designated_at: datetime.datetime


class AssessorIn(In):
    region: str = Field(..., description="Länskod")
    person_id: Id


class SeatOut(Schema):
    membership: int
    person: Ref
    role: Role
    role_label: str
    start_date: datetime.date
    end_date: datetime.date | None
    declaration_assessed: bool | None = Field(
        None, description="Har en giltig, bedömd jävsdeklaration; null där organet inte kräver någon")
    declaration_status: str | None = Field(
        None, description="giltig, bedoms, utgangen, ej_valbar eller saknas; null för den som inte är inloggad")
    declaration_status_label: str | None = None
    measures: str | None = Field(None, description="Åtgärder som hanterar ett jäv; null för den som inte är inloggad")


class RepresentativeOut(Schema):
    id: int
    person: Ref
    region: str = Field(..., description="Länskod")
    kind: str
    recruited_through: str
    organisation: str
    experience_areas: list[str]
    availability: str
    consent_on: datetime.date
    is_active: bool
    phone: str | None = Field(None, description="Kontaktuppgift: null för den som inte får se den")
    email: str | None = Field(None, description="Kontaktuppgift: null för den som inte får se den")
    payee_reference: str | None = Field(None, description="Referens i lönesystemet: null för den som inte får se den")


class RepresentativeIn(In):
    region: str = Field(..., description="Länskod för regionens pool")
    person_id: Id | None = Field(None, description="En person i registret; annars anges en ny person")
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    kind: str = Field(..., description="patient, brukare eller narstaende")
    recruited_through: str = Field(..., description="levande_bibliotek, patientorganisation eller annat")
    organisation: str = ""
    experience_areas: list[str] = Field(default_factory=list)
    availability: str = ""
    phone: str = ""
    payee_reference: str = Field("", description="Regionens referens i lönesystemet, aldrig personnummer")
    consent_on: Day


class RepresentativePatch(In):
    kind: str | None = None
    recruited_through: str | None = None
    organisation: str | None = None
    experience_areas: list[str] | None = None
    availability: str | None = None
    phone: str | None = None
    payee_reference: str | None = None
    consent_on: Day | None = None
    is_active: bool | None = None


class AssignmentIn(In):
    kind: str = Field(..., description="organ, kartlaggning, remissvar eller annat")
    body: Id | None = Field(None, description="Organets id, för arbete i ett organ")
    description: str = ""
    start_date: Day
    end_date: Day | None = None
    planned_hours: Decimal | None = FieldOf(ParticipationAssignment, "planned_hours", None)


class ClaimOut(Schema):
    id: int
    assignment: int
    worked_on: datetime.date
    hours: Decimal
    occasions: int
    travel_km: Decimal
    travel_costs: Decimal
    note: str
    status: ClaimStatus
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str
    fee: Decimal | None = Field(None, description="Fastställs när anspråket godkänns")
    travel: Decimal | None = None
    total: Decimal | None = None
    payable_list: int | None = None

    @staticmethod
    def resolve_assignment(obj):
        return obj.assignment_id

    @staticmethod
    def resolve_payable_list(obj):
        return obj.payable_list_id


class AssignmentOut(Schema):
    id: int
    representative: Ref
    kind: str
    body: Ref | None
    description: str
    start_date: datetime.date
    end_date: datetime.date | None
    planned_hours: Decimal | None
    claims: list[ClaimOut]


class ClaimIn(In):
    worked_on: Day
    hours: Decimal = FieldOf(CompensationClaim, "hours")
    occasions: int = FieldOf(CompensationClaim, "occasions", 1)
    travel_km: Decimal = FieldOf(CompensationClaim, "travel_km", Decimal(0))
    travel_costs: Decimal = FieldOf(CompensationClaim, "travel_costs", Decimal(0))
    note: str = ""


class ClaimDecisionIn(In):
    approve: bool
    note: str = Field("", description="Krävs vid avslag")


class CompensationModelFields(Schema):
    basis: str = Field(..., description="timarvode eller fast_arvode")
    hourly_rate: Decimal = FieldOf(CompensationModel, "hourly_rate", Decimal(0))
    fixed_fee: Decimal = FieldOf(CompensationModel, "fixed_fee", Decimal(0))
    mileage_rate: Decimal = FieldOf(CompensationModel, "mileage_rate", Decimal(0), description="Kronor per kilometer")


class CompensationModelIn(In, CompensationModelFields):
    pass


class CompensationModelOut(CompensationModelFields):
    region: str
    updated_at: datetime.datetime


class PayableListIn(In):
    region: str = Field(..., description="Länskod")
    period: str = Field(..., description="År och månad, ÅÅÅÅ-MM")


class PayableListOut(Schema):
    id: int
    region: str
    period: str
    created_at: datetime.datetime
    claims: int
    total: Decimal


class ExpertTimeOut(Schema):
    body: Ref
    region: str | None = Field(None, description="Länskod för regionen som ger tiden")
    members: int
    without_share: int = Field(..., description="Ledamöter utan angiven tid")
    full_time_years: Decimal = Field(..., description="Årsarbetare")


# --- calls -----------------------------------------------------------------------------


def _call_out(call: NominationCall) -> dict:
    return {
        "id": call.pk, "body": _ref(call.body), "role": call.role, "role_label": call.get_role_display(),
        "represents_region": call.represents_region.county_code if call.represents_region_id else None,
        "represents_healthcare_region": (call.represents_healthcare_region.code
                                         if call.represents_healthcare_region_id else None),
        "seats": call.seats, "start_date": call.start_date, "end_date": call.end_date,
        "time_share": call.time_share, "closes_on": call.closes_on, "profile": call.profile,
        "self_nomination_allowed": call.self_nomination_allowed, "status": call.status,
        "published_at": call.published_at,
    }


def _call_values(data: dict) -> dict:
    values = dict(data)
    if "represents_region" in values:
        values["represents_region"] = resolve("represents_region", "region", values["represents_region"])
    if "represents_healthcare_region" in values:
        values["represents_healthcare_region"] = resolve(
            "represents_healthcare_region", "healthcare_region", values["represents_healthcare_region"])
    if "profile" in values and values["profile"] is None:
        values["profile"] = ""
    return values


@router.get("/nomination-calls", response=list[CallOut], auth=READ_AUTH,
            summary="Utlysningar: publicerade och stängda för alla, utkast för den som får hantera dem")
def list_calls(request, body: Id | None = None, status: CallStatus | None = None):
    found = selectors.calls_visible_to(request.user)
    if body is not None:
        found = found.filter(body_id=body)
    if status:
        found = found.filter(status=status)
    return [_call_out(c) for c in found]


@router.get("/nomination-calls/{call_id}", response=CallOut, auth=READ_AUTH, summary="En utlysning")
def get_call(request, call_id: Id):
    return _call_out(get_object_or_404(selectors.calls_visible_to(request.user), pk=call_id))


@router.post("/nomination-calls", response={201: CallOut}, auth=WRITE_AUTH,
             summary="Skapa ett utkast till utlysning",
             description="Den som redigerar organet, för en nationell arbetsgrupp även den som redigerar dess NPO.")
def create_call(request, payload: CallIn):
    values = _call_values(payload.dict())
    body = resolve("body", "body", values.pop("body"))
    return 201, _call_out(calls.call_create(by=request.user, body=body, **values))


@router.patch("/nomination-calls/{call_id}", response={200: CallOut}, auth=WRITE_AUTH,
              summary="Ändra en utlysning som inte är stängd")
def update_call(request, call_id: Id, payload: CallPatch):
    call = get_object_or_404(NominationCall, pk=call_id)
    return _call_out(calls.call_update(by=request.user, call=call, **_call_values(payload.dict(exclude_unset=True))))


@router.post("/nomination-calls/{call_id}/publication", response={200: CallOut},
             auth=WRITE_AUTH, summary="Publicera utlysningen")
def publish_call(request, call_id: Id):
    call = get_object_or_404(NominationCall, pk=call_id)
    return _call_out(calls.call_publish(by=request.user, call=call))


@router.post("/nomination-calls/{call_id}/closure", response={200: CallOut}, auth=WRITE_AUTH,
             summary="Stäng utlysningen för fler nomineringar")
def close_call(request, call_id: Id):
    call = get_object_or_404(NominationCall, pk=call_id)
    return _call_out(calls.call_close(by=request.user, call=call))


# --- nominations -----------------------------------------------------------------------


@router.post("/nomination-calls/{call_id}/self-nominations",
             response={201: SelfNominationOut, 404: ErrorOut, 422: ErrorOut},
             summary="Anmäl dig själv till en utlysning (öppet, utan inloggning)",
             description="Samma som det öppna formuläret: bara för utlysningar till nationella arbetsgrupper som "
                         "tillåter egen anmälan. Svaret är detsamma (201 och samma text) vad som än blev av "
                         "anmälan: sparad, adressen redan nominerad, fler anmälningar från avsändaren den senaste "
                         "timmen än gränsen tillåter (räknat per IPv4-adress och IPv6-/64), eller fällan "
                         "webbplats ifylld. 422 gäller bara det som skickades och utlysningen.")
def self_nominate(request, call_id: Id, payload: SelfNominationIn):
    call = get_object_or_404(NominationCall.objects.exclude(status=CallStatus.DRAFT), pk=call_id)
    data = payload.dict()
    code = data["home_region"].strip()
    region = Region.objects.filter(county_code=code).first() if code else None
    # The form chooses a region by its key; an unknown county code must not pass as one.
    data["home_region"] = region.pk if region else ("" if not code else "okand")
    form = SelfNominationForm(data)
    thanks = {"call": call.pk, "status": NominationStatus.IN_PROGRESS,
              "detail": _("Tack. Kunskapsstödsgruppen i den region du angav bereder anmälan och hör av sig.")}
    if form.is_robot:
        logger.warning("self-nomination to call %s through the API: honeypot filled in, nothing stored", call.pk)
        return 201, thanks
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    # Stored, already nominated or over the limit: the same answer (people.nominations).
    nominations.nomination_self_submit(call=call, sender=nominations.sender_address(request),
                                       **form.nomination_values())
    return 201, thanks


@router.post("/nomination-calls/{call_id}/nominations", response={201: NominationOut},
             auth=WRITE_AUTH, summary="Nominera en person i registret (kunskapsstödsgruppen i personens region)")
def nominate(request, call_id: Id, payload: NominationIn):
    call = get_object_or_404(NominationCall, pk=call_id)
    person = resolve("person_id", "person", payload.person_id)
    nomination = nominations.nomination_create(by=request.user, call=call, person=person,
                                               motivation=payload.motivation)
    return 201, _nomination_out(nomination)


def _nominations():
    return Nomination.objects.select_related("call__body__parent", "call__represents_region", "home_region",
                                             "person")


def _nomination_summary(nomination: Nomination) -> dict:
    step = chain.next_step(nomination)
    return {
        "id": nomination.pk, "call": nomination.call_id, "body": _ref(nomination.call.body),
        "name": nomination.full_name, "person": nomination.person_id, "source": nomination.source,
        "home_region": nomination.home_region.county_code, "status": nomination.status,
        "created_at": nomination.created_at, "next_step": step.value if step else None,
    }


def _nomination_out(nomination: Nomination) -> dict:
    decided = {d.step: d for d in nomination.decisions.select_related("decided_by__person")}
    steps = [{"step": step.value, "label": str(step.label), "decided": step in decided,
              "deciding_body": _ref(chain.deciding_body(nomination, step))} for step in chain.steps_for(nomination)]
    return _nomination_summary(nomination) | {
        "title": nomination.title, "motivation": nomination.motivation, "membership": nomination.membership_id,
        "steps": steps,
        "decisions": [{"step": d.step, "step_label": d.get_step_display(), "outcome": d.outcome,
                       "decided_by": _user_name(d.decided_by), "decided_at": d.decided_at, "comment": d.comment}
                      for d in decided.values()],
    }


def _visible_nomination(request, nomination_id: Id) -> Nomination:
    nomination = get_object_or_404(_nominations(), pk=nomination_id)
    if not permissions.can_see_nomination(request.user, nomination):
        raise PermissionDenied(_("Nomineringen syns bara för kunskapsstödsgruppen, de organ som beslutar om den "
                                 "och den nominerade."))
    return nomination


@router.get("/nominations", response={200: list[NominationSummaryOut]}, auth=LOGIN_AUTH,
            summary="Nomineringar du får se",
            description="Kunskapsstödsgruppen i regionen, den som hanterar utlysningen, ledamöterna i organen som "
                        "beslutar i kedjan och den nominerade själv.")
def list_nominations(request, call: Id | None = None, status: NominationStatus | None = None):
    found = _nominations()
    if call is not None:
        found = found.filter(call_id=call)
    if status:
        found = found.filter(status=status)
    return [_nomination_summary(n) for n in found.filter(permissions.nomination_readers_scope(request.user))]


@router.get("/nominations/{nomination_id}", response={200: NominationOut}, auth=LOGIN_AUTH,
            summary="En nominering med beslutskedjan: stegen, besluten och nästa steg")
def get_nomination(request, nomination_id: Id):
    return _nomination_out(_visible_nomination(request, nomination_id))


@router.post("/nominations/{nomination_id}/decisions", response={201: NominationOut},
             auth=WRITE_AUTH, summary="Fatta beslut i nästa steg av kedjan",
             description="Steget tas av ledamöterna i det organ som steget hör till (kunskapsstödsgruppen, RMKS, "
                         "den sjukvårdsregionala gruppen, NPO). Ett avslag kräver en kommentar.")
def decide_nomination(request, nomination_id: Id, payload: NominationDecisionIn):
    nomination = get_object_or_404(Nomination, pk=nomination_id)
    chain.nomination_decide(by=request.user, nomination=nomination, outcome=payload.outcome,
                            comment=payload.comment)
    return 201, _nomination_out(get_object_or_404(_nominations(), pk=nomination_id))


@router.post("/nominations/{nomination_id}/withdrawal", response={200: NominationOut},
             auth=WRITE_AUTH, summary="Återkalla en nominering (den nominerade eller kunskapsstödsgruppen)")
def withdraw_nomination(request, nomination_id: Id):
    nomination = get_object_or_404(Nomination, pk=nomination_id)
    nominations.nomination_withdraw(by=request.user, nomination=nomination)
    return _nomination_out(get_object_or_404(_nominations(), pk=nomination_id))


# --- declarations ----------------------------------------------------------------------


def _declaration_summary(declaration: Declaration) -> dict:
    return {"id": declaration.pk, "person": _ref(declaration.person), "status": declaration.status,
            "nothing_to_declare": declaration.nothing_to_declare, "submitted_at": declaration.submitted_at,
            "assessment": declaration.assessment or None, "valid_until": declaration.valid_until}


def _declaration_out(declaration: Declaration) -> dict:
    return _declaration_summary(declaration) | {
        "interests": list(declaration.interests.all()), "reasoning": declaration.reasoning,
        "measures": declaration.measures, "assessed_by": _user_name(declaration.assessed_by),
        "assessed_at": declaration.assessed_at,
    }


@router.get("/declarations", response={200: list[DeclarationSummaryOut]}, auth=LOGIN_AUTH,
            summary="Jävsdeklarationer du får se",
            description="Dina egna, och de som people.permissions låter dig se: personer med hemregion där du "
                        "samordnar eller bedömer, och personer som tillsatts efter nominering i ett organ du är "
                        "ordförande för. to_assess=true ger de som väntar på din bedömning.")
def list_declarations(request, person: Id | None = None, status: DeclarationStatus | None = None,
                      to_assess: bool = False):
    found = (selectors.assessor_queue(request.user) if to_assess
             else Declaration.objects.select_related("person"))
    if person is not None:
        found = found.filter(person_id=person)
    if status:
        found = found.filter(status=status)
    readable = Person.objects.filter(permissions.declaration_readers_scope(request.user))
    return [_declaration_summary(d) for d in found.filter(person__in=readable)]


@router.get("/declarations/{declaration_id}", response={200: DeclarationOut}, auth=LOGIN_AUTH,
            summary="En jävsdeklaration med intressen och bedömning")
def get_declaration(request, declaration_id: Id):
    declaration = get_object_or_404(Declaration.objects.select_related("person", "assessed_by__person"),
                                    pk=declaration_id)
    if not permissions.can_see_declaration(request.user, declaration):
        raise PermissionDenied(_("Jävsdeklarationen syns bara för personen själv, samordnarna och bedömarna i "
                                 "personens hemregion, ordföranden i ett organ där personen tillsatts efter "
                                 "nominering och nationella administratörer."))
    return _declaration_out(declaration)


@router.post("/declarations", response={201: DeclarationOut}, auth=WRITE_AUTH,
             summary="Lämna din egen jävsdeklaration",
             description="Den ersätter den deklaration som gäller nu; ett uppdrag flaggas tills den nya är bedömd.")
def submit_declaration(request, payload: DeclarationIn):
    person = selectors.own_person(request.user)
    if person is None:
        raise PermissionDenied(_("Ditt konto är inte kopplat till en person i registret. "
                                 "Kontakta kunskapsstödsgruppen i din region."))
    rows = [row.dict() for row in payload.interests]
    errors: dict = {}
    for number, row in enumerate(rows, start=1):
        _check_fields(Interest, {f: row[f] for f in ("organisation", "description")},
                      prefix=_("Intresse %(n)s: ") % {"n": number}, errors=errors)
    _raise({"interests": [m for messages in errors.values() for m in messages]} if errors else {})
    declaration = declarations.declaration_submit(by=request.user, person=person,
                                                  nothing_to_declare=payload.nothing_to_declare, interests=rows)
    return 201, _declaration_out(declaration)


@router.post("/declarations/{declaration_id}/assessment", response={200: DeclarationOut},
             auth=WRITE_AUTH, summary="Bedöm en jävsdeklaration (utsedd bedömare i personens region)",
             description="En bedömning som tillåter uppdraget tillsätter de godkända nomineringar som väntar på den.")
def assess_declaration(request, declaration_id: Id, payload: AssessmentIn):
    declaration = get_object_or_404(Declaration, pk=declaration_id)
    declaration = declarations.declaration_assess(by=request.user, declaration=declaration,
                                                  assessment=payload.assessment, reasoning=payload.reasoning,
                                                  measures=payload.measures)
    return _declaration_out(declaration)


def _assessor_out(assessor: Assessor) -> dict:
    return {"id": assessor.pk, "region": assessor.region.county_code, "person": _ref(assessor.person),
            "designated_at": assessor.designated_at}


@router.get("/declaration-assessors", response=list[AssessorOut],
            summary="Utsedda bedömare av jävsdeklarationer, per region")
def list_assessors(request, region: str | None = None):
    found = Assessor.objects.select_related("region", "person")
    if region:
        found = found.filter(region=resolve("region", "region", region))
    return [_assessor_out(a) for a in found]


@router.post("/declaration-assessors", response={201: AssessorOut}, auth=WRITE_AUTH,
             summary="Utse en bedömare av regionens jävsdeklarationer (regionens kunskapsstödsgrupp)")
def designate_assessor(request, payload: AssessorIn):
    region = resolve("region", "region", payload.region, required=True)
    person = resolve("person_id", "person", payload.person_id, required=True)
    return 201, _assessor_out(declarations.assessor_designate(by=request.user, region=region, person=person))


@router.delete("/declaration-assessors/{assessor_id}", response={200: AssessorOut},
               auth=WRITE_AUTH, summary="Ta bort en bedömare", description="Svarar med den borttagna bedömaren.")
def remove_assessor(request, assessor_id: Id):
    assessor = get_object_or_404(Assessor.objects.select_related("region", "person"), pk=assessor_id)
    removed = _assessor_out(assessor)
    declarations.assessor_remove(by=request.user, assessor=assessor)
    return removed


# --- seats -----------------------------------------------------------------------------


@router.get("/bodies/{body_id}/seats", response=list[SeatOut], auth=READ_AUTH,
            summary="Organets ledamöter en dag (i dag om inget anges) med jävsdeklarationens status",
            description="Alla ser namn, roll, period och om jävsdeklarationen är bedömd; inloggade ser också "
                        "deklarationens status och de åtgärder som hanterar ett jäv.")
def body_seats(request, body_id: Id, day: Day | None = None):
    body = get_object_or_404(Body, pk=body_id)
    detailed = permissions.can_see_seat_clearance(request.user)
    rows = []
    for seat in selectors.body_seats(body, day or timezone.localdate()):
        m, found = seat.membership, seat.clearance
        row = {"membership": m.pk, "person": _ref(m.person), "role": m.role, "role_label": m.get_role_display(),
               "start_date": m.start_date, "end_date": m.end_date,
               "declaration_assessed": found.ok if found is not None else None}
        if detailed and found is not None:
            row |= {"declaration_status": found.status, "declaration_status_label": found.label,
                    "measures": found.measures}
        rows.append(row)
    return rows


# --- the pool of representatives -------------------------------------------------------


def _pool_regions(user) -> list[Region]:
    """The regions whose pool this user manages (people.permissions.can_manage_pool)."""
    return [r for r in Region.objects.all() if permissions.can_manage_pool(user, r.pk)]


def _representatives():
    return Representative.objects.select_related("person", "region")


def _representative_out(user, rep: Representative) -> dict:
    shown = permissions.can_see_representative(user, rep)
    return {
        "id": rep.pk, "person": _ref(rep.person), "region": rep.region.county_code, "kind": rep.kind,
        "recruited_through": rep.recruited_through, "organisation": rep.organisation,
        "experience_areas": rep.areas, "availability": rep.availability, "consent_on": rep.consent_on,
        "is_active": rep.is_active,
        "phone": rep.phone if shown else None, "email": rep.person.email if shown else None,
        "payee_reference": rep.payee_reference if shown else None,
    }


def _representative_values(data: dict) -> dict:
    values = dict(data)
    if values.get("experience_areas") is not None:
        values["experience_areas"] = "\n".join(a.strip() for a in values["experience_areas"] if a.strip())
    for text in ("organisation", "availability", "phone", "payee_reference"):
        if text in values:
            values[text] = (values[text] or "").strip()
    for flag in ("kind", "recruited_through", "consent_on", "is_active"):
        if flag in values and values[flag] is None:
            raise ValidationError({flag: [_("Fältet kan inte tömmas.")]})
    checked = {k: v for k, v in values.items()
               if k in ("kind", "recruited_through", "organisation", "availability", "phone", "payee_reference")}
    _raise(_check_fields(Representative, checked))
    return values


@router.get("/representatives", response={200: list[RepresentativeOut]}, auth=LOGIN_AUTH,
            summary="Poolen av patient-, brukar- och närståendeföreträdare i regioner du samordnar",
            description="Kontaktuppgifterna (telefon, e-post, referens i lönesystemet) visas bara för den som får "
                        "se dem: regionens kunskapsstödsgrupp och företrädaren själv.")
def list_representatives(request, region: str | None = None, active: bool | None = None):
    regions = _pool_regions(request.user)
    if region:
        chosen = resolve("region", "region", region)
        if chosen not in regions:
            raise PermissionDenied(_("Poolen i %(region)s syns bara för regionens kunskapsstödsgrupp.")
                                   % {"region": chosen})
        regions = [chosen]
    found = _representatives().filter(region__in=regions)
    own = selectors.own_person(request.user)
    if own is not None and not region:
        found = found | _representatives().filter(person=own)
    if active is not None:
        found = found.filter(is_active=active)
    return [_representative_out(request.user, r) for r in found.distinct()]


def _visible_representative(request, representative_id: Id) -> Representative:
    rep = get_object_or_404(_representatives(), pk=representative_id)
    if not permissions.can_see_representative(request.user, rep):
        raise PermissionDenied(_("Uppgifterna i poolen syns bara för regionens kunskapsstödsgrupp och "
                                 "företrädaren själv."))
    return rep


@router.get("/representatives/{representative_id}", response={200: RepresentativeOut},
            auth=LOGIN_AUTH, summary="En företrädare i poolen")
def get_representative(request, representative_id: Id):
    return _representative_out(request.user, _visible_representative(request, representative_id))


@router.post("/representatives", response={201: RepresentativeOut}, auth=WRITE_AUTH,
             summary="Lägg till en företrädare i regionens pool",
             description="Anges person_id läggs en person i registret till; annars skapas personen av förnamn, "
                         "efternamn och e-post, med regionen som hemregion.")
def add_representative(request, payload: RepresentativeIn):
    data = payload.dict()
    region = resolve("region", "region", data.pop("region"), required=True)
    person_id = data.pop("person_id")
    new_person = {k: data.pop(k).strip() for k in ("given_name", "family_name", "email")}
    values = _representative_values(data)
    with transaction.atomic():
        if person_id is not None:
            person = resolve("person_id", "person", person_id)
        else:
            _raise(_check_fields(Person, new_person))
            person = person_create(by=request.user, home_region=region, **new_person)
        rep = participation.representative_add(by=request.user, person=person, region=region, **values)
    return 201, _representative_out(request.user, rep)


@router.patch("/representatives/{representative_id}", response={200: RepresentativeOut},
              auth=WRITE_AUTH, summary="Ändra en företrädares uppgifter i poolen")
def update_representative(request, representative_id: Id, payload: RepresentativePatch):
    rep = get_object_or_404(Representative, pk=representative_id)
    rep = participation.representative_update(by=request.user, representative=rep,
                                              **_representative_values(payload.dict(exclude_unset=True)))
    return _representative_out(request.user, get_object_or_404(_representatives(), pk=rep.pk))


def _assignment_out(assignment: ParticipationAssignment) -> dict:
    return {
        "id": assignment.pk, "representative": _ref(assignment.representative.person), "kind": assignment.kind,
        "body": _ref(assignment.body), "description": assignment.description,
        "start_date": assignment.start_date, "end_date": assignment.end_date,
        "planned_hours": assignment.planned_hours, "claims": list(assignment.claims.all()),
    }


@router.post("/representatives/{representative_id}/assignments", response={201: AssignmentOut},
             auth=WRITE_AUTH, summary="Ge en företrädare ett medverkansuppdrag")
def add_assignment(request, representative_id: Id, payload: AssignmentIn):
    rep = get_object_or_404(Representative, pk=representative_id)
    values = payload.dict()
    values["body"] = resolve("body", "body", values["body"])
    _raise(_check_fields(ParticipationAssignment, {"kind": values["kind"], "description": values["description"]}))
    return 201, _assignment_out(participation.assignment_create(by=request.user, representative=rep, **values))


@router.get("/participation-assignments/{assignment_id}", response={200: AssignmentOut},
            auth=LOGIN_AUTH, summary="Ett medverkansuppdrag med ersättningsanspråken")
def get_assignment(request, assignment_id: Id):
    assignment = get_object_or_404(ParticipationAssignment.objects.select_related("representative__person",
                                                                                 "body"), pk=assignment_id)
    _visible_representative(request, assignment.representative_id)
    return _assignment_out(assignment)


@router.post("/participation-assignments/{assignment_id}/claims", response={201: ClaimOut},
             auth=WRITE_AUTH, summary="Begär ersättning för ett tillfälle i uppdraget",
             description="Företrädaren själv eller regionens kunskapsstödsgrupp. Beloppen fastställs när "
                         "anspråket godkänns, efter regionens ersättningsmodell.")
def submit_claim(request, assignment_id: Id, payload: ClaimIn):
    assignment = get_object_or_404(ParticipationAssignment.objects.select_related("representative__person"),
                                   pk=assignment_id)
    _raise(_check_fields(CompensationClaim, {"note": payload.note.strip()}))
    return 201, compensation.claim_submit(by=request.user, assignment=assignment, **payload.dict())


@router.post("/compensation-claims/{claim_id}/decision", response={200: ClaimOut},
             auth=WRITE_AUTH, summary="Godkänn eller avslå ett ersättningsanspråk",
             description="Regionens kunskapsstödsgrupp; den som begärt ersättningen kan inte själv godkänna den.")
def decide_claim(request, claim_id: Id, payload: ClaimDecisionIn):
    claim = get_object_or_404(CompensationClaim, pk=claim_id)
    _raise(_check_fields(CompensationClaim, {"decision_note": payload.note.strip()}))
    return compensation.claim_decide(by=request.user, claim=claim, approve=payload.approve, note=payload.note)


# --- compensation ----------------------------------------------------------------------


def _model_out(model: CompensationModel) -> dict:
    return {"region": model.region.county_code, "basis": model.basis, "hourly_rate": model.hourly_rate,
            "fixed_fee": model.fixed_fee, "mileage_rate": model.mileage_rate, "updated_at": model.updated_at}


@router.get("/regions/{county_code}/compensation-model", response={200: CompensationModelOut, 404: ErrorOut},
            summary="Regionens ersättningsmodell för företrädare")
def get_compensation_model(request, county_code: str):
    region = get_object_or_404(Region, county_code=county_code)
    return _model_out(get_object_or_404(CompensationModel.objects.select_related("region"), region=region))


@router.put("/regions/{county_code}/compensation-model", response={200: CompensationModelOut},
            auth=WRITE_AUTH, summary="Ange regionens ersättningsmodell (regionens kunskapsstödsgrupp)")
def set_compensation_model(request, county_code: str, payload: CompensationModelIn):
    region = get_object_or_404(Region, county_code=county_code)
    model = compensation.compensation_model_set(by=request.user, region=region, **payload.dict())
    return _model_out(model)


def _payable_out(payable: PayableList) -> dict:
    return {"id": payable.pk, "region": payable.region.county_code, "period": payable.period,
            "created_at": payable.created_at, "claims": payable.claim_count,
            "total": (Decimal(payable.fees or 0) + Decimal(payable.travels or 0)).quantize(compensation.ORE)}


def _payable_lists():
    return PayableList.objects.select_related("region").annotate(
        claim_count=Count("claims"), fees=Sum("claims__fee"), travels=Sum("claims__travel"))


@router.get("/payable-lists", response={200: list[PayableListOut]}, auth=LOGIN_AUTH,
            summary="Utbetalningsunderlag i regioner du samordnar")
def list_payable_lists(request):
    return [_payable_out(p) for p in _payable_lists().filter(region__in=_pool_regions(request.user))]


@router.post("/payable-lists", response={201: PayableListOut}, auth=WRITE_AUTH,
             summary="Ta fram utbetalningsunderlag för en period",
             description="De godkända anspråken i regionen till och med periodens slut som inget tidigare "
                         "underlag har tagit med; varje anspråk betalas en gång.")
def create_payable_list(request, payload: PayableListIn):
    region = resolve("region", "region", payload.region, required=True)
    payable = compensation.payable_list_create(by=request.user, region=region, period=payload.period.strip())
    return 201, _payable_out(_payable_lists().get(pk=payable.pk))


@router.get("/payable-lists/{payable_list_id}/csv", response={200: str}, auth=LOGIN_AUTH,
            summary="Utbetalningsunderlaget som CSV för lönesystemet",
            description="Semikolonseparerat, decimalkomma, en rad per anspråk.",
            openapi_extra={"responses": {"200": {"description": "CSV",
                                                 "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def payable_list_csv(request, payable_list_id: Id):
    payable = get_object_or_404(PayableList.objects.select_related("region"), pk=payable_list_id)
    if not permissions.can_manage_pool(request.user, payable.region_id):
        raise PermissionDenied(_("Utbetalningsunderlaget syns bara för regionens kunskapsstödsgrupp."))
    response = HttpResponse(compensation.payable_csv(payable), content_type="text/csv; charset=utf-8")
    name = f"utbetalning-{payable.region.county_code}-{payable.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/expert-time", response={200: list[ExpertTimeOut]}, auth=LOGIN_AUTH,
            summary="Tid som regionerna ger nationella och sjukvårdsregionala organ under ett år",
            description="Från uppdragens avsatta tid, i proportion till dagarna i uppdraget. För samordnare och "
                        "nationella administratörer.")
def expert_time(request, year: int | None = Query(None, ge=2000, le=2100, description="År; i år om inget anges")):
    if not permissions.can_see_expert_time(request.user):
        raise PermissionDenied(_("Sammanställningen av experttid är för regionernas samordnare."))
    chosen = year or timezone.localdate().year
    return [{"body": _ref(row.body), "region": row.region.county_code if row.region else None,
             "members": row.members, "without_share": row.without_share,
             "full_time_years": row.full_time_years} for row in compensation.expert_time(chosen)]


# --- own data --------------------------------------------------------------------------


@router.get("/me/export", response={200: dict[str, Any], 404: ErrorOut}, auth=LOGIN_AUTH,
            summary="Dina egna uppgifter i systemet",
            description="Det registret har om dig, dina uppdrag, nomineringar, jävsdeklarationer med bedömningar "
                        "och din plats i poolen med uppdrag och anspråk.")
def my_data(request):
    person = selectors.own_person(request.user)
    if person is None:
        return 404, {"detail": _("Ditt konto är inte kopplat till en person i registret.")}
    return export.own_data(person)
