"""What each reader may see of the candidates: one function per question."""

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation.models import Body

from . import permissions
from .models import OPEN_STATUSES, Candidate, CandidateKind, CandidateStatus, Decision, DetectionRun


def with_texts(candidates: QuerySet) -> QuerySet:
    return candidates.select_related(
        "recommendation_a__version", "recommendation_b__version", "support_a", "support_b", "body_a__region",
        "body_b__region", "addition_a", "addition_b",
    ).prefetch_related("decisions")


def _public_decision():
    return Exists(Decision.objects.filter(candidate=OuterRef("pk"), is_public=True))


def candidates_visible_to(*, user) -> QuerySet:
    """People working in the system see every candidate but the outdated ones; the public,
    decided contradictions whose decision was made public."""
    if permissions.is_working_in_system(user):
        return Candidate.objects.exclude(status=CandidateStatus.OUTDATED)
    return Candidate.objects.filter(
        _public_decision(), status=CandidateStatus.DECIDED,
        kind__in=[CandidateKind.CONTRADICTION, CandidateKind.REGIONAL_DEPARTURE],
    )


def candidates_of_support(*, user, support: KnowledgeSupport) -> dict[str, list[Candidate]]:
    """The samstämmighet section of a support's page: open candidates and decided ones."""
    rows = with_texts(candidates_visible_to(user=user).filter(Q(support_a=support) | Q(support_b=support)))
    rows = list(rows)
    return {
        "open": [c for c in rows if c.status in OPEN_STATUSES],
        "decided": [c for c in rows if c.status == CandidateStatus.DECIDED],
    }


def body_queue(*, user, body: Body) -> QuerySet | None:
    """The open candidates of one owning body; None if the user may not review them."""
    if not permissions.can_review_body(user, body):
        return None
    return with_texts(Candidate.objects.filter(Q(body_a=body) | Q(body_b=body), status__in=OPEN_STATUSES))


def sks_queue(*, user) -> QuerySet | None:
    """SKS's queue: what was referred to it and the candidates between two owning bodies."""
    if not permissions.can_review_sks_queue(user):
        return None
    return with_texts(
        Candidate.objects.filter(
            Q(status=CandidateStatus.REFERRED_SKS) | Q(status=CandidateStatus.OPEN) & ~Q(body_a=F("body_b")),
        )
    )


def queues_of(*, user) -> list[Body]:
    """The owning bodies with open candidates whose queue the user may review."""
    body_ids = set(
        Candidate.objects.filter(status__in=OPEN_STATUSES).values_list("body_a_id", flat=True)
    ) | set(Candidate.objects.filter(status__in=OPEN_STATUSES).values_list("body_b_id", flat=True))
    return permissions.reviewable_bodies(user, Body.objects.filter(pk__in=body_ids).order_by("name"))


def candidate_for(*, user, pk: int) -> Candidate | None:
    return with_texts(candidates_visible_to(user=user)).filter(pk=pk).first()


def latest_runs(limit: int = 20) -> list[DetectionRun]:
    return list(DetectionRun.objects.select_related("version__support")[:limit])
