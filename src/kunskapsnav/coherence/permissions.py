"""Who may see and decide on coherence candidates.

- People working in the system (logged in) see open candidates and decisions: they are how the
  bodies learn of each other's texts; the public sees a decided contradiction only once its
  decision is made public.
- A candidate is reviewed by the editors of either support's owning body (knowledge's
  can_edit_support: the body's process leaders, the region's coordinators for a regional body)
  and by SKS (its chair and process leaders), which also holds the queue of candidates
  referred to it and those between two owning bodies. Only SKS decides a referred candidate.
- National administrators: everything.
"""

from django.utils import timezone

from kunskapsnav.knowledge import permissions as knowledge
from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Body, BodyKind, Membership

from .models import Candidate, CandidateStatus


def is_working_in_system(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def sits_for_sks(user) -> bool:
    """Chair or process leader of SKS today."""
    if not is_working_in_system(user):
        return False
    return (
        Membership.objects.active_on(timezone.localdate())
        .filter(person__user=user, body__kind=BodyKind.SKS, body__is_active=True, role__in=knowledge.APPROVER_ROLES)
        .exists()
    )


def can_review_sks_queue(user) -> bool:
    return registry.is_national_admin(user) or sits_for_sks(user)


def can_review_body(user, body: Body) -> bool:
    """The queue of one owning body: those who may edit its supports, and SKS."""
    if can_review_sks_queue(user):
        return True
    if not is_working_in_system(user):
        return False
    if body.pk in registry.edited_body_ids(user):
        return True
    return body.region_id is not None and body.region_id in registry.coordinated_region_ids(user)


def reviewable_bodies(user, bodies) -> list[Body]:
    return [body for body in bodies if can_review_body(user, body)]


def can_decide(user, candidate: Candidate) -> bool:
    if candidate.status == CandidateStatus.REFERRED_SKS:
        return can_review_sks_queue(user)
    return can_review_sks_queue(user) or can_review_body(user, candidate.body_a) or can_review_body(
        user, candidate.body_b
    )


def can_start_full_run(user) -> bool:
    return registry.is_national_admin(user)
