"""/api/v1/ resources of needs (behov): the national list, one need with its history, the
submission, and the triage steps of the body that owns the area. The same functions as the
pages (needs.triage), so the same rules; the same visibility (needs.selectors): the public
reads decided and answered needs, without who sent them or the texts of the submission."""

import datetime
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import FieldOf, Id, In, Pagination
from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.needs import permissions, selectors, triage
from kunskapsnav.needs.models import Decision, Grade, Need, NeedStatus, Priority
from kunskapsnav.organisation.models import Body

router = Router(tags=["behov"])

# Shown to people who work in the system only; null for the public.
INSIDER_FIELDS = ("problem", "evidence", "existing", "affected", "party", "submitted_by", "severity",
                  "affected_count", "unwarranted_variation", "evidence_available", "existing_supports")


class NeedOut(Schema):
    id: int
    title: str
    target_group: str
    area: int | None = Field(None, description="Det NPO som äger området; null: vet ej (SKS bedömer)")
    triage_body: int | None = Field(None, description="Organet som bedömer behovet (området, annars SKS)")
    status: NeedStatus
    priority: Priority | None
    decision: Decision | None
    decision_reason: str
    referred_to: str
    support: int | None = Field(None, description="Kunskapsstödet som revideras eller besvarar behovet")
    support_status: str = Field("", description="Status för stödets senaste version som läsaren får se")
    answer: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    problem: str | None = Field(None, description="Null för den som inte arbetar i systemet")
    evidence: str | None = None
    existing: str | None = None
    affected: str | None = None
    party: str | None = Field(None, description="Organet eller organisationen behovet kommer från")
    submitted_by: str | None = Field(None, description="Användarnamnet på den som skickade in")
    severity: Grade | None = None
    affected_count: int | None = None
    unwarranted_variation: Grade | None = None
    evidence_available: Grade | None = None
    existing_supports: str | None = None


class NeedStepOut(Schema):
    action: str
    old_status: NeedStatus | None
    new_status: NeedStatus
    by: str | None
    at: datetime.datetime
    note: str


class NeedDetailOut(NeedOut):
    steps: list[NeedStepOut] = Field(default_factory=list, description="Historiken; tom för allmänheten")


class NeedFilter(Schema):
    status: NeedStatus | None = None
    priority: Priority | None = None
    decision: Decision | None = None
    area: int | None = Field(None, ge=0, le=2**63 - 1, description="Ett NPO:s id; 0 för behov utan område")
    mine: bool = Field(False, description="Bara behov du själv har skickat in")


class NeedIn(In):
    title: str = FieldOf(Need, "title", min_length=1)
    problem: str = FieldOf(Need, "problem", min_length=1)
    target_group: str = FieldOf(Need, "target_group", min_length=1)
    evidence: str = FieldOf(Need, "evidence", min_length=1)
    existing: str = FieldOf(Need, "existing", "")
    affected: str = FieldOf(Need, "affected", min_length=1)
    area: Id | None = Field(None, description="Ett NPO:s id; utelämnat eller null: vet ej")
    on_behalf_of: Id | None = Field(None, description="Ett organ där du har ett uppdrag")
    organisation: str = FieldOf(Need, "organisation", "", description="Annars: kommunen eller organisationen")


class NeedTriageStep(str, Enum):
    START = "start"
    ASSESS = "assess"
    REASSIGN = "reassign"
    DECIDE = "decide"
    LINK = "link"
    ANSWER = "answer"


class TriageIn(In):
    """One step of the triage; each step takes only its own fields."""

    step: NeedTriageStep = Field(..., description="start, assess (kriterier), reassign (nytt område), decide, link "
                                        "(kunskapsstödet som besvarar), answer")
    note: str | None = Field(None, max_length=2000, description="start, reassign")
    severity: Grade | None = Field(None, description="assess")
    affected_count: int | None = FieldOf(Need, "affected_count", None, description="assess")
    unwarranted_variation: Grade | None = Field(None, description="assess")
    evidence_available: Grade | None = Field(None, description="assess")
    existing_supports: str | None = FieldOf(Need, "existing_supports", None, description="assess")
    area: Id | None = Field(None, description="reassign: ett NPO:s id, null för SKS")
    decision: Decision | None = Field(None, description="decide")
    priority: Priority | None = Field(None, description="decide")
    reason: str | None = FieldOf(Need, "decision_reason", None, description="decide")
    referred_to: str | None = FieldOf(Need, "referred_to", None, description="decide, vid hänvisning")
    support: Id | None = Field(None, description="decide (vid revidering), link")
    answer: str | None = FieldOf(Need, "answer", None, description="answer")


STEP_FIELDS = {
    NeedTriageStep.START: {"note"},
    NeedTriageStep.ASSESS: {"severity", "affected_count", "unwarranted_variation", "evidence_available", "existing_supports"},
    NeedTriageStep.REASSIGN: {"area", "note"},
    NeedTriageStep.DECIDE: {"decision", "priority", "reason", "referred_to", "support"},
    NeedTriageStep.LINK: {"support"},
    NeedTriageStep.ANSWER: {"answer"},
}


# --- conversions ----------------------------------------------------------------------


def _need_out(user, need: Need, *, sks: Body | None = None) -> dict:
    """`sks`: SKS when the caller has it already (a list asks once, not once per need)."""
    body = need.area if need.area_id is not None else (sks or permissions.sks_body())
    out = {
        "id": need.pk, "title": need.title, "target_group": need.target_group, "area": need.area_id,
        "triage_body": body.pk if body else None, "status": need.status, "priority": need.priority,
        "decision": need.decision or None, "decision_reason": need.decision_reason, "referred_to": need.referred_to,
        "support": need.support_id, "support_status": selectors.support_status(user, need), "answer": need.answer,
        "submitted_at": need.submitted_at, "decided_at": need.decided_at, "answered_at": need.answered_at,
    }
    if permissions.works_in_system(user):
        out |= {name: getattr(need, name) for name in INSIDER_FIELDS if name != "submitted_by"}
        out |= {"submitted_by": need.submitted_by.get_username() if need.submitted_by_id else None,
                "severity": need.severity or None, "unwarranted_variation": need.unwarranted_variation or None,
                "evidence_available": need.evidence_available or None}
    return out


def _need(request, need_id: int) -> Need:
    need = selectors.need_for(request.user, need_id)
    if need is None:
        raise Http404
    return need


def _npo(field: str, pk: int | None) -> Body | None:
    if pk is None:
        return None
    body = Body.objects.filter(pk=pk).first()
    if body is None:
        raise ValidationError({field: [_("Organet finns inte.")]})
    return body


def _support(pk: int | None) -> KnowledgeSupport | None:
    if pk is None:
        return None
    support = KnowledgeSupport.objects.filter(pk=pk).first()
    if support is None:
        raise ValidationError({"support": [_("Kunskapsstödet finns inte.")]})
    return support


# --- operations -----------------------------------------------------------------------


@router.get("/needs", response=list[NeedOut], auth=READ_AUTH,
            summary="Nationell lista över behov, efter status och prioritet (allmänheten: beslutade behov)")
@paginate(Pagination)
def list_needs(request, filters: Query[NeedFilter]):
    found = selectors.needs_visible_to(request.user, selectors.NeedFilters(
        status=filters.status or "", priority=filters.priority, decision=filters.decision or "",
        area=filters.area, mine=filters.mine))
    return _Converted(request.user, found)


class _Converted:
    """The list as the paginator slices it, each need converted for the reader on the way."""

    def __init__(self, user, queryset):
        self.user, self.queryset = user, queryset

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        sks = permissions.sks_body()
        return [_need_out(self.user, need, sks=sks) for need in self.queryset[item]]


@router.get("/needs/{need_id}", response=NeedDetailOut, auth=READ_AUTH, summary="Ett behov med beslut och historik")
def get_need(request, need_id: Id):
    need = _need(request, need_id)
    steps = []
    if permissions.works_in_system(request.user):
        steps = [{"action": s.action, "old_status": s.old_status or None, "new_status": s.new_status,
                  "by": s.by.get_username() if s.by_id else None, "at": s.at, "note": s.note}
                 for s in need.steps.select_related("by")]
    return _need_out(request.user, need) | {"steps": steps}


@router.post("/needs", response={201: NeedDetailOut}, auth=WRITE_AUTH, summary="Skicka in ett behov")
def submit_need(request, payload: NeedIn):
    need = triage.need_submit(
        by=request.user, on_behalf_of=_npo("on_behalf_of", payload.on_behalf_of), organisation=payload.organisation,
        area=_npo("area", payload.area), title=payload.title, problem=payload.problem,
        target_group=payload.target_group, evidence=payload.evidence, existing=payload.existing,
        affected=payload.affected)
    return 201, get_need(request, need.pk)


@router.post("/needs/{need_id}/triage", response={200: NeedDetailOut}, auth=WRITE_AUTH,
             summary="Ett steg i bedömningen: påbörja, kriterier, nytt område, beslut, koppla stöd, besvara")
def triage_step(request, need_id: Id, payload: TriageIn):
    need = _need(request, need_id)
    if not permissions.can_triage(request.user, need):
        raise PermissionDenied(_("Bara det organ som äger området bedömer behovet."))
    given = payload.model_fields_set - {"step"}
    foreign = given - STEP_FIELDS[payload.step]
    if foreign:
        raise ValidationError({name: [_("Fältet hör inte till steget.")] for name in sorted(foreign)})
    values = {name: getattr(payload, name) for name in given}
    if payload.step == NeedTriageStep.START:
        triage.triage_start(by=request.user, need=need, note=values.get("note") or "")
    elif payload.step == NeedTriageStep.ASSESS:
        triage.triage_assess(by=request.user, need=need, **values)
    elif payload.step == NeedTriageStep.REASSIGN:
        triage.triage_reassign(by=request.user, need=need, area=_npo("area", values.get("area")),
                               note=values.get("note") or "")
    elif payload.step == NeedTriageStep.DECIDE:
        missing = {"decision", "priority", "reason"} - {k for k, v in values.items() if v is not None}
        if missing:
            raise ValidationError({name: [_("Fältet måste anges.")] for name in sorted(missing)})
        triage.triage_decide(by=request.user, need=need, decision=values["decision"], priority=values["priority"],
                             reason=values["reason"], referred_to=values.get("referred_to") or "",
                             support=_support(values.get("support")))
    elif payload.step == NeedTriageStep.LINK:
        support = _support(values.get("support"))
        if support is None:
            raise ValidationError({"support": [_("Fältet måste anges.")]})
        triage.support_link(by=request.user, need=need, support=support)
    else:
        triage.need_answer(by=request.user, need=need, answer=values.get("answer") or "")
    return 200, get_need(request, need.pk)
