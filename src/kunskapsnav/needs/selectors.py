"""What each reader sees of needs, and the figures for the annual report.

People who work in the system see every need (permissions.works_in_system); the public sees
decided and answered needs only, and of those only PUBLIC_FIELDS."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kunskapsnav.knowledge import search
from kunskapsnav.knowledge.selectors import versions_visible_to
from kunskapsnav.organisation.permissions import is_national_admin

from . import permissions
from .models import Decision, Need, NeedStatus, Priority

# What the public reads of a decided need: the question and its answer, not who asked or the
# free texts of the submission (they may describe patients or people at a workplace).
PUBLIC_FIELDS = ("id", "title", "target_group", "area", "status", "priority", "decision", "decision_reason",
                 "referred_to", "support", "answer", "submitted_at", "decided_at", "answered_at")


@dataclass(frozen=True)
class NeedFilters:
    status: str = ""
    priority: int | None = None
    decision: str = ""
    area: int | None = None  # a body's id; 0 for needs without an area
    mine: bool = False


def needs_visible_to(user, filters: NeedFilters = NeedFilters()) -> QuerySet:
    needs = Need.objects.select_related("area", "support", "on_behalf_of", "submitted_by")
    if not permissions.works_in_system(user):
        needs = needs.filter(status__in=permissions.PUBLIC_STATUSES)
    if filters.status:
        needs = needs.filter(status=filters.status)
    if filters.priority is not None:
        needs = needs.filter(priority=filters.priority)
    if filters.decision:
        needs = needs.filter(decision=filters.decision)
    if filters.area == 0:
        needs = needs.filter(area__isnull=True)
    elif filters.area is not None:
        needs = needs.filter(area_id=filters.area)
    if filters.mine:
        needs = needs.filter(submitted_by=user) if user.is_authenticated else needs.none()
    # Highest priority first (1), undecided last; then the newest.
    return needs.order_by("status", "priority", "-submitted_at", "-pk")


def need_for(user, pk: int) -> Need | None:
    need = needs_visible_to(user).filter(pk=pk).first()
    return need


QUEUE_SHOWN = 100


def triage_queue(user) -> list[Need]:
    """Needs not yet decided that the user's bodies triage (permissions.can_triage), the
    oldest first, in one query."""
    open_ = Need.objects.filter(status__in=[NeedStatus.SUBMITTED, NeedStatus.IN_TRIAGE]).select_related("area")
    if not is_national_admin(user):
        bodies = permissions.triaged_body_ids(user)
        sks = permissions.sks_body()
        mine = Q(area_id__in=bodies)
        if sks is not None and sks.pk in bodies:
            mine |= Q(area__isnull=True)
        open_ = open_.filter(mine)
    return list(open_.order_by("submitted_at", "pk")[:QUEUE_SHOWN])


def support_status(user, need: Need) -> str:
    """The status of the linked support's newest version the reader may see, as a label."""
    if need.support_id is None:
        return ""
    versions = versions_visible_to(user, need.support)
    return versions[0].get_status_display() if versions else ""


EXISTING_SHOWN = 5
# Shorter words of a title ("hos", "vid") say too little to search for alone.
SEARCHED_WORD_LENGTH = 5


def existing_supports(need: Need) -> list:
    """Valid supports the site search (knowledge.search) finds for the need: by its title,
    by each longer word of the title, and by each code (ICD-10-SE, ATC, KVÅ, SNOMED CT) written
    in its texts; what the triage weighs as "existing supports". The search matches every
    word of a query, so a title's words are also asked one by one ("Hjärtsvikt hos sköra
    äldre" finds the heart-failure pathway), and codes one by one."""
    texts = " ".join([need.title, need.problem, need.target_group, need.evidence, need.existing])
    _words, codes = search.split_query(texts)
    title_words = sorted({w for w in search.words(need.title) if len(w) >= SEARCHED_WORD_LENGTH},
                         key=lambda w: (-len(w), w))[:EXISTING_SHOWN]
    queries = [need.title, *title_words, *list(dict.fromkeys(codes))[:EXISTING_SHOWN]]
    hits = {}
    for query in queries:
        for hit in search.search(query, limit=EXISTING_SHOWN).hits:
            if hit.support.pk not in hits or hits[hit.support.pk].rank < hit.rank:
                hits[hit.support.pk] = hit
    return sorted(hits.values(), key=lambda hit: -hit.rank)[:EXISTING_SHOWN * 2]


def summary(period: tuple[datetime.date, datetime.date]) -> dict:
    """Needs submitted in the period (first and last day, both included, Swedish time), by
    their status now, their decision and their priority: for the annual report. Every key of
    the choices is there, with 0 where there is none."""
    start, end = period
    rows = Need.objects.filter(submitted_at__date__range=(start, end)).values_list("status", "decision", "priority")
    statuses, decisions, priorities = Counter(), Counter(), Counter()
    for status, decision, priority in rows:
        statuses[status] += 1
        if decision:
            decisions[decision] += 1
        if priority is not None:
            priorities[priority] += 1
    return {
        "total": len(rows),
        "by_status": {value: statuses[value] for value in NeedStatus.values},
        "by_decision": {value: decisions[value] for value in Decision.values},
        "by_priority": {value: priorities[value] for value in Priority.values},
    }
