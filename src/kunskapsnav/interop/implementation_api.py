"""/api/v1/ resources of införande: adoptions with their gap analysis, decisions, actions
and follow-up; the national matrix; a region's decision order. Reads show what the reader
may see (a region's work in progress is the region's and the national side's until shared)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from kunskapsnav.implementation import permissions, routing, selectors, stages, work
from kunskapsnav.implementation.adoptions import responsibilities
from kunskapsnav.implementation.models import (
    Action,
    ActionStatus,
    Adoption,
    CareField,
    DeciderKind,
    DecisionRule,
    Gap,
    GapRow,
    MeasureKind,
    DecisionOutcome,
    RuleCondition,
    Stage,
)
from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import Day, FieldOf, Id, In
from kunskapsnav.interop.references import resolve
from kunskapsnav.organisation.models import Body, Municipality, Region

router = Router(tags=["införande"])


class AdoptionSummaryOut(Schema):
    id: int
    region: str = Field(..., description="Länskod")
    support: int
    version: int
    stage: Stage
    is_public: bool
    responsible: list[str] = Field(..., description="Ansvariga organ, annars kontaktpersoner; tom: ingen ansvarig")


class GapRowOut(Schema):
    id: int
    recommendation: int
    recommendation_key: str
    row_version: int = Field(..., description="Skicka med vid ändring: en äldre version avvisas med 409")
    current_practice: str
    gap: Gap | None
    units: str
    municipalities: list[str] = Field(..., description="Kommunkoder")
    proposed_actions: str
    cost_estimate: int | None
    within_unit_budget: bool | None
    review_flag: str


class AdoptionDecisionOut(Schema):
    id: int
    decided_by: str
    decided_on: datetime.date
    outcome: DecisionOutcome
    diary_number: str


class ActionOut(Schema):
    id: int
    title: str
    owner: str
    due_on: datetime.date
    status: ActionStatus
    overdue: bool


class MeasureOut(Schema):
    id: int
    kind: MeasureKind
    name: str
    indicator_code: str
    target: str


class ReviewOut(Schema):
    id: int
    held_on: datetime.date
    notes: str


class RouteOut(Schema):
    condition: RuleCondition
    decided_by: str
    missing: bool


class AdoptionOut(AdoptionSummaryOut):
    care_field: CareField
    not_relevant_reason: str
    review_every_months: int | None
    successor: int | None
    gap_rows: list[GapRowOut]
    routes: list[RouteOut]
    decisions: list[AdoptionDecisionOut]
    actions: list[ActionOut]
    measures: list[MeasureOut]
    reviews: list[ReviewOut]


class MatrixCellOut(Schema):
    region: str
    adoption: int | None
    stage: Stage | None
    hidden: bool = Field(..., description="Regionen har inte delat sitt arbete med den som frågar")


class MatrixRowOut(Schema):
    support: int
    title: str
    cells: list[MatrixCellOut]


class StageTransitionIn(In):
    to: Stage
    note: str = ""


class GapRowIn(In):
    row_version: int = FieldOf(GapRow, "row_version")
    current_practice: str | None = None
    gap: Gap | None = None
    units: str | None = None
    municipalities: list[str] | None = Field(None, description="Kommunkoder")
    proposed_actions: str | None = None
    cost_estimate: int | None = FieldOf(GapRow, "cost_estimate", None, integer=True)
    within_unit_budget: bool | None = None


class StaleOut(Schema):
    detail: str
    current: GapRowOut


class DecisionIn(In):
    decided_by: str
    decided_on: Day
    outcome: DecisionOutcome
    diary_number: str = ""
    notes: str = ""
    body: Id | None = None
    municipality: str | None = Field(None, description="Kommunkod")


class ActionIn(In):
    title: str
    owner: str
    due_on: Day


class ActionPatch(In):
    status: ActionStatus
    due_on: Day | None = None


class MeasureIn(In):
    kind: MeasureKind
    name: str
    indicator_code: str = ""
    target: str = ""


class ReviewIn(In):
    held_on: Day
    notes: str


class SharingIn(In):
    public: bool


class RuleFields(Schema):
    condition: RuleCondition
    care_field: CareField | None = None
    decider_kind: DeciderKind
    decider: Id | None = None
    preparer: Id | None = None
    informed: Id | None = None


class RuleIn(In, RuleFields):
    pass


class RuleOut(RuleFields):
    pass


def _summary(adoption: Adoption, responsibility) -> dict:
    names = [str(b) for b in responsibility.bodies] or [str(p) for p in responsibility.contacts]
    return {"id": adoption.pk, "region": adoption.region.county_code, "support": adoption.support_id,
            "version": adoption.version.number, "stage": adoption.stage, "is_public": adoption.is_public,
            "responsible": names}


def _row_out(row: GapRow) -> dict:
    return {
        "id": row.pk, "recommendation": row.recommendation_id, "recommendation_key": str(row.recommendation.key),
        "row_version": row.row_version, "current_practice": row.current_practice, "gap": row.gap or None,
        "units": row.units, "municipalities": [m.code for m in row.municipalities.all()],
        "proposed_actions": row.proposed_actions,
        "cost_estimate": int(row.cost_estimate) if row.cost_estimate is not None else None,
        "within_unit_budget": row.within_unit_budget, "review_flag": row.review_flag,
    }


def _adoption(request, adoption_id: Id) -> Adoption:
    adoption = get_object_or_404(Adoption.objects.select_related("support__owning_body__mirrors", "region",
                                                                 "version"), pk=adoption_id)
    if not permissions.can_see(request.user, adoption):
        raise PermissionDenied(_("Regionens arbete syns för regionen och den nationella nivån tills regionen delar "
                                 "det."))
    return adoption


def _detail(adoption: Adoption) -> dict:
    responsibility = responsibilities([adoption])[adoption.pk]
    successor = getattr(adoption, "successor", None) if hasattr(adoption, "successor") else None
    return _summary(adoption, responsibility) | {
        "care_field": adoption.care_field, "not_relevant_reason": adoption.not_relevant_reason,
        "review_every_months": adoption.review_every_months, "successor": successor.pk if successor else None,
        "gap_rows": [_row_out(r) for r in adoption.gap_rows.select_related("recommendation")
                     .prefetch_related("municipalities")],
        "routes": [{"condition": r.condition, "decided_by": r.decided_by, "missing": r.missing}
                   for r in routing.routes(adoption)],
        "decisions": list(adoption.decisions.all()),
        "actions": [{"id": a.pk, "title": a.title, "owner": a.owner, "due_on": a.due_on, "status": a.status,
                     "overdue": a.is_overdue()} for a in adoption.actions.all()],
        "measures": list(adoption.measures.all()),
        "reviews": list(adoption.reviews.all()),
    }


@router.get("/adoptions", response=list[AdoptionSummaryOut], auth=READ_AUTH,
            summary="Införanden du kan se (den gällande versionens, per region)")
def list_adoptions(request, region: str | None = None, support: Id | None = None, stage: Stage | None = None):
    adoptions = selectors.current().filter(selectors.visible(request.user)).select_related(
        "support__owning_body__mirrors", "region", "version")
    if region:
        adoptions = adoptions.filter(region__county_code=region)
    if support:
        adoptions = adoptions.filter(support_id=support)
    if stage:
        adoptions = adoptions.filter(stage=stage)
    adoptions = list(adoptions.order_by("support__title", "region__county_code"))
    found = responsibilities(adoptions)
    return [_summary(a, found[a.pk]) for a in adoptions]


@router.get("/adoptions/{adoption_id}", response=AdoptionOut, auth=READ_AUTH,
            summary="Ett införande med kartläggning, beslut, åtgärder och uppföljning")
def get_adoption(request, adoption_id: Id):
    return _detail(_adoption(request, adoption_id))


@router.get("/implementation-matrix", response=list[MatrixRowOut], auth=READ_AUTH,
            summary="Nationell matris: kunskapsstöd × regioner, varje cell regionens steg")
def implementation_matrix(request, npo: Id | None = None, type: str = "", healthcare_region: str | None = None):
    npo_body = resolve("npo", "npo", npo)
    area = resolve("healthcare_region", "healthcare_region", healthcare_region)
    found = selectors.matrix(request.user, npo=npo_body, support_type=type, healthcare_region=area)
    return [
        {"support": s.pk, "title": s.title,
         "cells": [{"region": r.county_code, "adoption": a.pk if a else None, "stage": a.stage if a else None,
                    "hidden": hidden} for r, a, hidden in found.row(s)]}
        for s in found.supports
    ]


@router.post("/adoptions/{adoption_id}/transitions", response={200: AdoptionSummaryOut},
             auth=WRITE_AUTH, summary="Flytta införandet till ett annat steg")
def move(request, adoption_id: Id, payload: StageTransitionIn):
    adoption = stages.adoption_move(by=request.user, adoption=_adoption(request, adoption_id), to=payload.to,
                                    note=payload.note)
    return _summary(adoption, responsibilities([adoption])[adoption.pk])


@router.patch("/gap-rows/{row_id}", response={200: GapRowOut, 409: StaleOut}, auth=WRITE_AUTH,
              summary="Ändra en rad i kartläggningen (optimistisk låsning med row_version)")
def save_gap_row(request, row_id: Id, payload: GapRowIn):
    row = get_object_or_404(GapRow.objects.select_related("adoption", "recommendation"), pk=row_id)
    _adoption(request, row.adoption_id)  # visible to the writer, or 404
    values = payload.dict(exclude_unset=True)
    based_on, codes = values.pop("row_version"), values.pop("municipalities", None)
    if "gap" in values:
        values["gap"] = values["gap"] or ""
    for text in ("current_practice", "units", "proposed_actions"):
        if text in values and values[text] is None:
            values[text] = ""
    municipalities = None
    if codes is not None:
        municipalities = list(Municipality.objects.filter(code__in=codes))
        if len(municipalities) != len(set(codes)):
            raise ValidationError({"municipalities": [_("Okända kommunkoder.")]})
    try:
        row = work.gap_row_save(by=request.user, row=row, based_on=based_on, values=values,
                                municipalities=municipalities)
    except work.StaleRow as stale:
        return 409, {"detail": _("Raden har ändrats av någon annan sedan du läste den. Här är den nu; "
                                 "skicka din ändring igen med dess row_version."),
                     "current": _row_out(stale.current)}
    return _row_out(row)


@router.post("/adoptions/{adoption_id}/decisions", response={201: AdoptionDecisionOut},
             auth=WRITE_AUTH, summary="Registrera ett beslut (protokollet laddas upp på sidan)")
def record_decision(request, adoption_id: Id, payload: DecisionIn):
    adoption = _adoption(request, adoption_id)
    body = resolve("body", "body", payload.body)
    municipality = resolve("municipality", "municipality", payload.municipality)
    return 201, work.decision_record(by=request.user, adoption=adoption, decided_by=payload.decided_by,
                                     decided_on=payload.decided_on, outcome=payload.outcome,
                                     diary_number=payload.diary_number, notes=payload.notes, body=body,
                                     municipality=municipality)


@router.post("/adoptions/{adoption_id}/actions", response={201: ActionOut}, auth=WRITE_AUTH,
             summary="Lägg till en åtgärd")
def add_action(request, adoption_id: Id, payload: ActionIn):
    action = work.action_add(by=request.user, adoption=_adoption(request, adoption_id), **payload.dict())
    return 201, {"id": action.pk, "title": action.title, "owner": action.owner, "due_on": action.due_on,
                 "status": action.status, "overdue": action.is_overdue()}


@router.patch("/actions/{action_id}", response={200: ActionOut}, auth=WRITE_AUTH,
              summary="Ändra en åtgärds status eller datum")
def update_action(request, action_id: Id, payload: ActionPatch):
    action = get_object_or_404(Action, pk=action_id)
    _adoption(request, action.adoption_id)
    action = work.action_update(by=request.user, action=action, status=payload.status, due_on=payload.due_on)
    return {"id": action.pk, "title": action.title, "owner": action.owner, "due_on": action.due_on,
            "status": action.status, "overdue": action.is_overdue()}


@router.post("/adoptions/{adoption_id}/measures", response={201: MeasureOut}, auth=WRITE_AUTH,
             summary="Lägg till en indikator eller ett effektmål att följa upp")
def add_measure(request, adoption_id: Id, payload: MeasureIn):
    return 201, work.measure_add(by=request.user, adoption=_adoption(request, adoption_id), **payload.dict())


@router.post("/adoptions/{adoption_id}/reviews", response={201: ReviewOut}, auth=WRITE_AUTH,
             summary="Registrera en avstämning")
def add_review(request, adoption_id: Id, payload: ReviewIn):
    return 201, work.review_record(by=request.user, adoption=_adoption(request, adoption_id), **payload.dict())


@router.put("/adoptions/{adoption_id}/sharing", response={200: AdoptionSummaryOut},
            auth=WRITE_AUTH, summary="Dela eller sluta dela regionens arbete med andra regioner")
def set_sharing(request, adoption_id: Id, payload: SharingIn):
    adoption = work.sharing_set(by=request.user, adoption=_adoption(request, adoption_id), public=payload.public)
    return _summary(adoption, responsibilities([adoption])[adoption.pk])


def _rule_out(rule: DecisionRule) -> dict:
    return {"condition": rule.condition, "care_field": rule.care_field or None, "decider_kind": rule.decider_kind,
            "decider": rule.decider_id, "preparer": rule.preparer_id, "informed": rule.informed_id}


@router.get("/regions/{county_code}/decision-rules", response=list[RuleOut], summary="Regionens beslutsordning")
def get_decision_rules(request, county_code: str):
    region = get_object_or_404(Region, county_code=county_code)
    return [_rule_out(r) for r in DecisionRule.objects.filter(region=region)]


@router.put("/regions/{county_code}/decision-rules", response={200: list[RuleOut]},
            auth=WRITE_AUTH, summary="Ersätt regionens beslutsordning")
def put_decision_rules(request, county_code: str, payload: list[RuleIn]):
    region = get_object_or_404(Region, county_code=county_code)
    if not permissions.can_coordinate(request.user, region.pk):
        raise PermissionDenied(_("Bara regionens samordnare ändrar beslutsordningen."))
    bodies = {b.pk: b for b in Body.objects.filter(pk__in=[getattr(r, f) for r in payload
                                                          for f in ("decider", "preparer", "informed")
                                                          if getattr(r, f)])}
    rules = [DecisionRule(condition=r.condition, care_field=r.care_field or "", decider_kind=r.decider_kind,
                          decider=bodies.get(r.decider), preparer=bodies.get(r.preparer),
                          informed=bodies.get(r.informed)) for r in payload]
    return [_rule_out(r) for r in routing.decision_order_replace(by=request.user, region=region, rules=rules)]

