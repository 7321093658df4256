"""/api/v1/coherence: candidate pairs of recommendations (duplicate, overlap, contradiction,
regional departure) with their signals and decisions, decisions on them, and the runs. A side
may be a region's addition (regionalt tillägg) to its recommendation: regional_addition.

What a reader sees is what the pages show (coherence.selectors): people working in the system
every candidate, the public decided contradictions whose decision was made public. Who decided
is not in the API: a username is personal data, and the decision speaks for the body."""

import datetime

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kunskapsnav.coherence import decisions, selectors
from kunskapsnav.coherence.decisions import REASON_MAX
from kunskapsnav.coherence.models import (
    Candidate, CandidateKind, CandidateStatus, DetectionRun, ConflictOutcome, DetectionScope, DetectionStatus,
)
from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import Id, In, Pagination

router = Router(tags=["samstämmighet"])


class CoherenceSignalsOut(Schema):
    codes: list[str] = Field(..., description="Gemensamma koder, med hierarki (\"ICD-10-SE I50 ⊇ I50.1\")")
    same_condition: bool
    target_groups: list[int] = Field(..., description="Id för gemensamma målgrupper")
    similarity: float = Field(..., description="Andel gemensamma ord efter stamning, 0–1")
    containment: float = Field(..., description="Hur mycket av den kortare texten som finns i den längre, 0–1")
    directions: list[str]
    priorities: list[int | None]
    reason: str = Field(..., description="Vad som motsäger: direction, priority, threshold; tom för övriga")


class CoherenceAdditionOut(Schema):
    id: int | None = Field(..., description="Tilläggets id; null om regionen har tagit bort det")
    region_code: str = Field(..., description="Regionens länskod")
    text: str = Field(..., description="Tilläggets text, sanerad HTML; tom om tillägget är borttaget")


class CoherenceSideOut(Schema):
    support_id: int
    support_title: str
    version_number: int
    recommendation_key: str
    text: str = Field(..., description="Sanerad HTML")
    direction: str
    owning_body_id: int = Field(..., description="Det organ som granskar sidan: stödets ägare, eller för ett "
                                                 "regionalt tillägg regionens LPO eller kunskapsstödsgrupp")
    regional_addition: CoherenceAdditionOut | None = Field(
        ..., description="När sidan är en regions tillägg till rekommendationen: tillägget, som är texten som "
                         "jämförts; text ovan är rekommendationens")


class CoherenceDecisionOut(Schema):
    id: int
    outcome: ConflictOutcome
    reason: str
    is_public: bool
    at: datetime.datetime


class CoherenceCandidateOut(Schema):
    id: int
    kind: CandidateKind
    status: CandidateStatus
    score: float
    a: CoherenceSideOut
    b: CoherenceSideOut
    signals: CoherenceSignalsOut
    decisions: list[CoherenceDecisionOut]


class CoherenceCandidateFilter(Schema):
    kind: CandidateKind | None = None
    status: CandidateStatus | None = None
    support: Id | None = Field(None, description="Id för ett kunskapsstöd: par där det är den ena parten")


class CoherenceDecisionIn(In):
    outcome: ConflictOutcome
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)
    is_public: bool = False


class CoherenceRunOut(Schema):
    id: int
    kind: DetectionScope
    status: DetectionStatus
    total: int
    done: int
    raised: int
    percent: int
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def _side(rec, support, body, *, is_addition: bool, addition) -> dict:
    return {"support_id": support.pk, "support_title": support.title, "version_number": rec.version.number,
            "recommendation_key": str(rec.key), "text": rec.text, "direction": rec.direction,
            "owning_body_id": body.pk, "regional_addition": _addition(body, addition) if is_addition else None}


def _addition(body, addition) -> dict:
    return {"id": addition.pk if addition else None, "region_code": body.region.county_code,
            "text": addition.text if addition else ""}


def _signals(signals: dict) -> dict:
    return {"codes": signals.get("codes", []), "same_condition": bool(signals.get("same_condition")),
            "target_groups": signals.get("target_groups", []), "similarity": signals.get("similarity", 0.0),
            "containment": signals.get("containment", 0.0), "directions": signals.get("directions", []),
            "priorities": signals.get("priorities", []), "reason": signals.get("reason", "")}


def _out(candidate: Candidate, *, public_only: bool) -> dict:
    shown = [d for d in candidate.decisions.all() if d.is_public or not public_only]
    return {
        "id": candidate.pk, "kind": candidate.kind, "status": candidate.status, "score": candidate.score,
        "a": _side(candidate.recommendation_a, candidate.support_a, candidate.body_a,
                   is_addition=candidate.a_is_addition, addition=candidate.addition_a),
        "b": _side(candidate.recommendation_b, candidate.support_b, candidate.body_b,
                   is_addition=candidate.b_is_addition, addition=candidate.addition_b),
        "signals": _signals(candidate.signals),
        "decisions": [{"id": d.pk, "outcome": d.outcome, "reason": d.reason, "is_public": d.is_public, "at": d.at}
                      for d in shown],
    }


class _Page:
    """The candidates as the pager slices them: only the page's rows are read and built."""

    def __init__(self, candidates, *, public_only: bool):
        self.candidates, self.public_only = candidates, public_only

    def __len__(self):
        return self.candidates.count()

    def __getitem__(self, window: slice):
        return [_out(c, public_only=self.public_only) for c in selectors.with_texts(self.candidates[window])]


def _public_only(request) -> bool:
    return not (request.user.is_authenticated and request.user.is_active)


@router.get("/coherence/candidates", response=list[CoherenceCandidateOut], auth=READ_AUTH,
            summary="Kandidater: dubbletter, överlapp och motsägelser mellan rekommendationer")
@paginate(Pagination)
def list_candidates(request, filters: Query[CoherenceCandidateFilter]):
    candidates = selectors.candidates_visible_to(user=request.user)
    if filters.kind:
        candidates = candidates.filter(kind=filters.kind)
    if filters.status:
        candidates = candidates.filter(status=filters.status)
    if filters.support:
        candidates = candidates.filter(Q(support_a_id=filters.support) | Q(support_b_id=filters.support))
    return _Page(candidates.order_by("-score", "pk"), public_only=_public_only(request))


@router.get("/coherence/candidates/{candidate_id}", response=CoherenceCandidateOut, auth=READ_AUTH,
            summary="En kandidat med båda texterna, signalerna och besluten")
def get_candidate(request, candidate_id: Id):
    candidate = selectors.candidate_for(user=request.user, pk=candidate_id)
    if candidate is None:
        raise Http404
    return _out(candidate, public_only=_public_only(request))


@router.post("/coherence/candidates/{candidate_id}/decisions", response={201: CoherenceDecisionOut}, auth=WRITE_AUTH,
             summary="Besluta om en kandidat, med motivering")
def decide(request, candidate_id: Id, payload: CoherenceDecisionIn):
    candidate = selectors.candidate_for(user=request.user, pk=candidate_id)
    if candidate is None:
        raise Http404
    decision = decisions.candidate_decide(candidate=candidate, outcome=payload.outcome, reason=payload.reason,
                                          is_public=payload.is_public, by=request.user)
    return 201, {"id": decision.pk, "outcome": decision.outcome, "reason": decision.reason,
                 "is_public": decision.is_public, "at": decision.at}


@router.get("/coherence/runs/{run_id}", response=CoherenceRunOut, summary="En körning och hur långt den har kommit")
def get_run(request, run_id: Id):
    run = get_object_or_404(DetectionRun, pk=run_id)
    return {"id": run.pk, "kind": run.kind, "status": run.status, "total": run.total, "done": run.done,
            "raised": run.raised, "percent": run.percent, "started_at": run.started_at,
            "finished_at": run.finished_at}
