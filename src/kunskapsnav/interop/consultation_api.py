"""/api/v1/ resources of remiss: rounds, invitations, internal comments (seen only inside the
party), the party's compiled answer, and the owning body's compilation with responses."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from kunskapsnav.consultation import answers, compilation, permissions, rounds
from kunskapsnav.consultation.models import (
    AnswerItem,
    AnswerStatus,
    Comment,
    CommentKind,
    ConsultationRound,
    Invitation,
    ResponseOutcome,
)
from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import Day, Id, In, VersionNumber
from kunskapsnav.interop.references import resolve
from kunskapsnav.knowledge.models import Recommendation, SupportVersion
from kunskapsnav.organisation.models import Municipality

router = Router(tags=["remiss"])


# --- schemas ------------------------------------------------------------------------


class InvitationOut(Schema):
    id: int
    party: str = Field(..., description="Regionens, kommunens eller organisationens namn")
    kind: str = Field(..., description="region, kommun eller organisation")
    region: str | None = Field(None, description="Länskod, för en region")
    municipality: str | None = Field(None, description="Kommunkod, för en kommun")
    answered: bool | None = Field(None, description="Har skickat in svar; null för den som inte får veta det")


class RoundOut(Schema):
    id: int
    support: int
    version: int
    opens_on: datetime.date
    closes_on: datetime.date
    closes_at: datetime.datetime = Field(..., description="Första ögonblicket då inga svar tas emot")
    instructions: str
    open_to_all: bool
    compilation_published_at: datetime.datetime | None
    compilation_published_with: int | None = Field(None, description="Versionsnummer")


class RoundDetailOut(RoundOut):
    invitations: list[InvitationOut]


class RoundIn(In):
    support: Id
    version: VersionNumber = Field(..., description="Versionsnumret, som har status remiss")
    opens_on: Day
    closes_on: Day
    instructions: str = ""
    all_regions: bool = True
    municipalities: list[str] = Field(default_factory=list, description="Kommunkoder")
    organisations: list[str] = Field(default_factory=list)
    open_to_all: bool = False


class RemissAssignmentIn(In):
    body: Id | None = None
    person: Id | None = None
    due_on: Day
    note: str = ""


class RemissAssignmentOut(Schema):
    id: int
    body: int | None
    person: int | None
    due_on: datetime.date
    note: str

    @staticmethod
    def resolve_body(obj):
        return obj.body_id

    @staticmethod
    def resolve_person(obj):
        return obj.person_id


class CommentIn(In):
    recommendation: Id | None = Field(None, description="Rekommendationens id i versionen på remiss")
    section: str = ""
    kind: CommentKind = CommentKind.SUBSTANCE
    text: str
    proposed_text: str = ""


class CommentOut(Schema):
    id: int
    recommendation: int | None
    section: str
    kind: CommentKind
    text: str
    proposed_text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_recommendation(obj):
        return obj.recommendation_id


class ItemIn(In):
    recommendation: Id | None = None
    section: str = ""
    kind: CommentKind = CommentKind.SUBSTANCE
    text: str
    proposed_text: str = ""
    from_comments: list[Id] = Field(default_factory=list, description="De interna synpunkter punkten bygger på")


class AnswerIn(In):
    summary: str = ""
    signed_by: str = ""
    items: list[ItemIn] = Field(default_factory=list)


class ResponseOut(Schema):
    outcome: ResponseOutcome
    reason: str
    responded_at: datetime.datetime


class ItemOut(Schema):
    id: int
    recommendation: int | None
    section: str
    kind: CommentKind
    text: str
    proposed_text: str
    response: ResponseOut | None = None


class AnswerOut(Schema):
    invitation: int
    party: str
    status: AnswerStatus
    summary: str
    signed_by: str
    submitted_at: datetime.datetime | None
    items: list[ItemOut]


class CompilationItemOut(ItemOut):
    party: str
    signed_by: str


class GroupOut(Schema):
    label: str
    recommendation: int | None
    section: str
    items: list[CompilationItemOut]


class RecommendationCountOut(Schema):
    recommendation: int
    position: int
    points: int
    parties: int


class StatisticsOut(Schema):
    invited: int
    answered: list[str]
    not_answered: list[str]
    points: int
    per_recommendation: list[RecommendationCountOut]


class CompilationOut(Schema):
    round: int
    published_at: datetime.datetime | None
    statistics: StatisticsOut
    groups: list[GroupOut]


class ResponseIn(In):
    outcome: ResponseOutcome
    reason: str


class PublishIn(In):
    with_version: VersionNumber | None = Field(None, description="Numret på den nya version sammanställningen publiceras med")


# --- conversions ----------------------------------------------------------------------


def _round_out(round_: ConsultationRound) -> dict:
    return {
        "id": round_.pk, "support": round_.version.support_id, "version": round_.version.number,
        "opens_on": round_.opens_on, "closes_on": round_.closes_on, "closes_at": round_.closes_at,
        "instructions": round_.instructions, "open_to_all": round_.open_to_all,
        "compilation_published_at": round_.compilation_published_at,
        "compilation_published_with": round_.compilation_published_with.number
        if round_.compilation_published_with else None,
    }


def _invitation_out(invitation: Invitation, *, show_status: bool) -> dict:
    return {
        "id": invitation.pk, "party": str(invitation),
        "kind": "region" if invitation.region_id else "kommun" if invitation.municipality_id else "organisation",
        "region": invitation.region.county_code if invitation.region_id else None,
        "municipality": invitation.municipality.code if invitation.municipality_id else None,
        "answered": invitation.has_answered if show_status else None,
    }


def _item_out(item: AnswerItem) -> dict:
    response = getattr(item, "response", None) if hasattr(item, "response") else None
    return {
        "id": item.pk, "recommendation": item.recommendation_id, "section": item.section, "kind": item.kind,
        "text": item.text, "proposed_text": item.proposed_text,
        "response": {"outcome": response.outcome, "reason": response.reason,
                     "responded_at": response.responded_at} if response else None,
    }


def _answer_out(invitation: Invitation, answer) -> dict:
    return {
        "invitation": invitation.pk, "party": str(invitation), "status": answer.status, "summary": answer.summary,
        "signed_by": answer.signed_by, "submitted_at": answer.submitted_at,
        "items": [_item_out(i) for i in answer.items.select_related("response")],
    }


def _round(round_id: Id) -> ConsultationRound:
    return get_object_or_404(
        ConsultationRound.objects.select_related("version__support__owning_body", "compilation_published_with"),
        pk=round_id)


def _invitation(invitation_id: Id) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("round__version__support__owning_body", "region", "municipality"),
        pk=invitation_id)


def _recommendation(invitation: Invitation, pk: int | None):
    if pk is None:
        return None
    recommendation = Recommendation.objects.filter(pk=pk, version=invitation.round.version).first()
    if recommendation is None:
        raise ValidationError({"recommendation": [_("Rekommendationen hör inte till versionen på remiss.")]})
    return recommendation


# --- rounds and invitations -----------------------------------------------------------


@router.get("/remiss-rounds", response=list[RoundOut], summary="Remissomgångar")
def list_rounds(request, support: Id | None = None):
    rounds_ = ConsultationRound.objects.select_related("version", "compilation_published_with")
    if support is not None:
        rounds_ = rounds_.filter(version__support_id=support)
    return [_round_out(r) for r in rounds_]


@router.get("/remiss-rounds/{round_id}", response=RoundDetailOut, auth=READ_AUTH,
            summary="En remissomgång med inbjudna parter")
def get_round(request, round_id: Id):
    round_ = _round(round_id)
    show = permissions.can_read_submitted_answers(request.user, round_)
    invitations = sorted(round_.invitations.select_related("region", "municipality", "answer"),
                         key=compilation.party_order)
    return _round_out(round_) | {"invitations": [_invitation_out(i, show_status=show) for i in invitations]}


@router.post("/remiss-rounds", response={201: RoundDetailOut}, auth=WRITE_AUTH,
             summary="Öppna en remissomgång på en version med status remiss")
def open_round(request, payload: RoundIn):
    version = SupportVersion.objects.filter(support_id=payload.support, number=payload.version).first()
    if version is None:
        raise ValidationError({"version": [_("Kunskapsstödet har ingen version med det numret.")]})
    found = {m.code: m for m in Municipality.objects.filter(code__in=payload.municipalities)}
    unknown = [c for c in payload.municipalities if c not in found]
    if unknown:
        raise ValidationError({"municipalities": [_("Okända kommunkoder: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    round_ = rounds.round_open(
        by=request.user, version=version, opens_on=payload.opens_on, closes_on=payload.closes_on,
        instructions=payload.instructions, all_regions=payload.all_regions,
        municipalities=[found[c] for c in dict.fromkeys(payload.municipalities)],
        organisations=payload.organisations, open_to_all=payload.open_to_all,
    )
    return 201, get_round(request, round_.pk)


class InvitationIn(In):
    region: str | None = Field(None, description="Länskod; i en öppen remiss anmäler en samordnare sin region")
    municipality: str | None = Field(None, description="Kommunkod")
    organisation: str = ""


@router.post("/remiss-rounds/{round_id}/invitations", response={201: InvitationOut},
             auth=WRITE_AUTH, summary="Bjud in ytterligare en part (eller anmäl regionen till en öppen remiss)")
def add_invitation(request, round_id: Id, payload: InvitationIn):
    round_ = _round(round_id)
    region = resolve("region", "region", payload.region)
    municipality = resolve("municipality", "municipality", payload.municipality)
    invitation = rounds.invitation_add(by=request.user, round_=round_, region=region, municipality=municipality,
                                       organisation=payload.organisation)
    return 201, _invitation_out(invitation, show_status=False)


# --- the party's side -----------------------------------------------------------------


def _inside(request, invitation: Invitation):
    if not permissions.can_comment(request.user, invitation):
        raise PermissionDenied(_("Regionens arbete med remissen syns bara inom regionen tills svaret är inskickat."))


@router.get("/remiss-invitations/{invitation_id}/comments", response={200: list[CommentOut]},
            auth=READ_AUTH, summary="Partens interna synpunkter (bara inom parten)")
def list_comments(request, invitation_id: Id):
    invitation = _invitation(invitation_id)
    _inside(request, invitation)
    return list(invitation.comments.all())


@router.post("/remiss-invitations/{invitation_id}/comments", response={201: CommentOut},
             auth=WRITE_AUTH, summary="Lämna en intern synpunkt")
def add_comment(request, invitation_id: Id, payload: CommentIn):
    invitation = _invitation(invitation_id)
    comment = answers.comment_add(
        by=request.user, invitation=invitation, text=payload.text, kind=payload.kind,
        recommendation=_recommendation(invitation, payload.recommendation), section=payload.section,
        proposed_text=payload.proposed_text,
    )
    return 201, comment


@router.get("/remiss-invitations/{invitation_id}/assignments", response={200: list[RemissAssignmentOut]},
            auth=READ_AUTH, summary="Partens interna uppdrag")
def list_assignments(request, invitation_id: Id):
    invitation = _invitation(invitation_id)
    _inside(request, invitation)
    return list(invitation.assignments.all())


@router.post("/remiss-invitations/{invitation_id}/assignments", response={201: RemissAssignmentOut},
             auth=WRITE_AUTH, summary="Fördela remissen inom regionen")
def add_assignment(request, invitation_id: Id, payload: RemissAssignmentIn):
    invitation = _invitation(invitation_id)
    body = resolve("body", "body", payload.body)
    person = resolve("person", "person", payload.person)
    return 201, answers.assignment_add(by=request.user, invitation=invitation, body=body, person=person,
                                       due_on=payload.due_on, note=payload.note)


@router.get("/remiss-invitations/{invitation_id}/answer", response={200: AnswerOut},
            auth=READ_AUTH, summary="Partens samlade remissvar")
def get_answer(request, invitation_id: Id):
    invitation = _invitation(invitation_id)
    answer = invitation.answer_or_none
    submitted = answer is not None and answer.status == AnswerStatus.SUBMITTED
    if not (permissions.can_coordinate(request.user, invitation)
            or submitted and permissions.can_read_submitted_answers(request.user, invitation.round)):
        raise PermissionDenied(_("Remissvaret syns för andra först när det är inskickat."))
    if answer is None:
        raise Http404
    return _answer_out(invitation, answer)


@router.put("/remiss-invitations/{invitation_id}/answer", response={200: AnswerOut},
            auth=WRITE_AUTH, summary="Spara utkastet till samlat remissvar")
def compose_answer(request, invitation_id: Id, payload: AnswerIn):
    invitation = _invitation(invitation_id)
    comments = {c.pk: c for c in Comment.objects.filter(pk__in=[pk for i in payload.items for pk in i.from_comments])}
    items = [
        {"recommendation": _recommendation(invitation, i.recommendation), "section": i.section, "kind": i.kind,
         "text": i.text, "proposed_text": i.proposed_text,
         "from_comments": [comments.get(pk) or Comment(pk=pk) for pk in i.from_comments]}
        for i in payload.items
    ]
    answer = answers.answer_compose(by=request.user, invitation=invitation, summary=payload.summary,
                                    signed_by=payload.signed_by, items=items)
    return _answer_out(invitation, answer)


@router.post("/remiss-invitations/{invitation_id}/answer/submission", response={200: AnswerOut},
             auth=WRITE_AUTH, summary="Skicka in remissvaret (det låses)")
def submit_answer(request, invitation_id: Id):
    invitation = _invitation(invitation_id)
    return _answer_out(invitation, answers.answer_submit(by=request.user, invitation=invitation))


@router.post("/remiss-invitations/{invitation_id}/answer/withdrawal", response={200: AnswerOut},
             auth=WRITE_AUTH, summary="Dra tillbaka remissvaret före sista svarsdag")
def withdraw_answer(request, invitation_id: Id):
    invitation = _invitation(invitation_id)
    return _answer_out(invitation, answers.answer_withdraw(by=request.user, invitation=invitation))


# --- the compilation ------------------------------------------------------------------


@router.get("/remiss-rounds/{round_id}/compilation", response={200: CompilationOut},
            auth=READ_AUTH, summary="Remissammanställningen: alla inskickade punkter med bemötanden")
def get_compilation(request, round_id: Id):
    round_ = _round(round_id)
    if not permissions.can_read_submitted_answers(request.user, round_):
        raise PermissionDenied(_("Remissammanställningen är inte publicerad än."))
    stats = compilation.statistics(round_)
    return {
        "round": round_.pk,
        "published_at": round_.compilation_published_at,
        "statistics": {
            "invited": stats.invited, "answered": [str(i) for i in stats.answered],
            "not_answered": [str(i) for i in stats.not_answered], "points": stats.points,
            "per_recommendation": [{"recommendation": r.pk, "position": r.position, "points": p, "parties": n}
                                   for r, p, n in stats.per_recommendation],
        },
        "groups": [
            {"label": g.label, "recommendation": g.recommendation.pk if g.recommendation else None,
             "section": g.section,
             "items": [_item_out(i) | {"party": str(i.answer.invitation), "signed_by": i.answer.signed_by}
                       for i in g.items]}
            for g in compilation.grouped(round_)
        ],
    }


@router.put("/remiss-answer-items/{item_id}/response", response={200: ResponseOut},
            auth=WRITE_AUTH, summary="Bemöt en punkt i ett inskickat remissvar")
def save_response(request, item_id: Id, payload: ResponseIn):
    item = get_object_or_404(AnswerItem, pk=item_id)
    return compilation.response_save(by=request.user, item=item, outcome=payload.outcome, reason=payload.reason)


@router.post("/remiss-rounds/{round_id}/compilation/publication", response={200: RoundOut},
             auth=WRITE_AUTH, summary="Publicera remissammanställningen när remissen har stängt")
def publish_compilation(request, round_id: Id, payload: PublishIn):
    round_ = _round(round_id)
    with_version = None
    if payload.with_version is not None:
        with_version = SupportVersion.objects.filter(support_id=round_.version.support_id,
                                                     number=payload.with_version).first()
        if with_version is None:
            raise ValidationError({"with_version": [_("Versionen finns inte.")]})
    return _round_out(compilation.compilation_publish(by=request.user, round_=round_, with_version=with_version))
