"""The valid national recommendations by code, held in memory by each worker process.

The journal asks on every patient view which valid national recommendations concern the
patient's codes, in RECOMMENDATION_RANK order. Asked of the database, a common code (an ATC
group such as C09AA) matches the recommendations of thousands of versions, which the
database must all join and sort to return the first ten: 50–100 ms a call on the 50 000-
version corpus. Here each code (in its stored form) holds the ranks of the recommendations
that carry it, sorted, so the first ten of a patient's codes are a merge of a few short
sorted lists and the database reads only those ten (selectors.recommendations_ranked).

Freshness. The index remembers the change feed's cursor (knowledge.changes) it was built at.
Every call reads the latest entry (one row by the primary key); when it is newer, the
supports that entries since then name are read again and their recommendations replace
theirs in the index, so a version published, replaced or withdrawn is seen by the next
call. The latest entry's time is compared too: when the entry at the remembered cursor is
not the one remembered (a restored backup, a rolled-back test), the index is built anew.

The rank is the database's own order. The supports' titles are ranked once by the database
(its collation decides, as it does for the ORDER BY of the selectors), and a support keeps
its place while its title does not change. A support whose title changed, or one the
index has not seen, makes the index be built anew: that sorts every title again (about
1.5 s at 50 000 versions on SQLite, a few times a year when a new support is published).
"""

import heapq
import threading
from bisect import bisect_left, insort
from dataclasses import dataclass, field

from django.db.models import Q

from . import changes
from .codes import covering
from .models import (
    ChangeKind,
    CodeSystem,
    ContentChange,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    Strength,
    SupportCondition,
    SupportVersion,
)
from .selectors import national_valid

# Feed entries that change which recommendations are valid or how they rank; the regional
# additions and review dates change neither.
_RANK_CHANGES = (ChangeKind.VERSION_PUBLISHED, ChangeKind.VERSION_SUPERSEDED, ChangeKind.VERSION_WITHDRAWN,
                 ChangeKind.SUPPORT_CHANGED)
# Past this many feed entries since the index was built, building it anew is the cheaper way.
MAX_INCREMENTAL_ENTRIES = 2000

# (priority missing, priority, strong 0 / else 1, title rank, support id, position, recommendation id):
# RECOMMENDATION_RANK, with the id last to make the key unique.
Rank = tuple[bool, int, int, int, int, int, int]
CodeKey = tuple[str, str]
# (title rank, support id, valid version id): the order of valid_versions_for_conditions.
Place = tuple[int, int, int]


@dataclass
class CodeIndex:
    cursor: int | None = None
    at: object = None
    title_rank: dict[int, int] = field(default_factory=dict)  # national support id -> place by title
    titles: dict[int, str] = field(default_factory=dict)
    by_code: dict[CodeKey, list[Rank]] = field(default_factory=dict)
    # what each support put in by_code, to take it out again when the support changes
    of_support: dict[int, list[tuple[CodeKey, Rank]]] = field(default_factory=dict)
    by_condition: dict[str, list[Place]] = field(default_factory=dict)  # ICD-10-SE code -> valid versions
    conditions_of: dict[int, list[tuple[str, Place]]] = field(default_factory=dict)

    def ranked_ids(self, codes, *, limit: int) -> list[int]:
        """The ids of the first `limit` valid national recommendations that carry one of the
        codes or a broader code covering one (codes.covering), in rank order; `codes` is
        (system, stored code) pairs."""
        keys = {(system, c) for system, code in codes for c in covering(system, code)}
        lists = [self.by_code[key] for key in sorted(keys) if key in self.by_code]
        ids: list[int] = []
        seen: set[int] = set()
        for rank in heapq.merge(*lists):
            if rank[-1] not in seen:  # a recommendation reached by two of the patient's codes
                seen.add(rank[-1])
                ids.append(rank[-1])
                if len(ids) == limit:
                    break
        return ids

    def ranked_version_ids(self, codes, *, limit: int) -> list[int]:
        """The ids of the first `limit` valid national versions whose support's conditions
        are one of the ICD-10-SE codes or cover one, by support title."""
        keys = {c for system, code in codes if system == CodeSystem.ICD10SE for c in covering(system, code)}
        lists = [self.by_condition[key] for key in sorted(keys) if key in self.by_condition]
        ids: list[int] = []
        for place in heapq.merge(*lists):
            if place[2] not in ids:  # a support with two of the patient's conditions
                ids.append(place[2])
                if len(ids) == limit:
                    break
        return ids


def _titles() -> list[tuple[int, str]]:
    return list(KnowledgeSupport.objects.filter(issuer_region__isnull=True).order_by("title", "id")
                .values_list("id", "title"))


def _entries(index: CodeIndex, support_ids=None) -> dict[int, list[tuple[CodeKey, Rank]]]:
    """(code, rank) of every code of the valid national recommendations, by support: of all
    supports, or of those given."""
    recs = Recommendation.objects.filter(national_valid("version__"))
    codes = RecommendationCode.objects.filter(national_valid("recommendation__version__"))
    if support_ids is not None:
        recs = recs.filter(version__support_id__in=support_ids)
        codes = codes.filter(recommendation__version__support_id__in=support_ids)
    rank_of: dict[int, Rank] = {}
    for pk, support_id, position, priority, strength in recs.values_list(
            "id", "version__support_id", "position", "priority", "strength"):
        rank_of[pk] = (priority is None, priority or 0, 0 if strength == Strength.STRONG else 1,
                       index.title_rank[support_id], support_id, position, pk)
    entries: dict[int, list[tuple[CodeKey, Rank]]] = {}
    for rec_id, system, code in codes.values_list("recommendation_id", "system", "code"):
        rank = rank_of[rec_id]
        entries.setdefault(rank[4], []).append(((system, code), rank))
    return entries


def _conditions(index: CodeIndex, support_ids=None) -> dict[int, list[tuple[str, Place]]]:
    """(condition code, place) of the supports with a valid national version: of all, or
    of those given."""
    versions = SupportVersion.objects.filter(national_valid())
    conditions = SupportCondition.objects.filter(support__issuer_region__isnull=True)
    if support_ids is not None:
        versions = versions.filter(support_id__in=support_ids)
        conditions = conditions.filter(support_id__in=support_ids)
    valid = dict(versions.values_list("support_id", "id"))
    entries: dict[int, list[tuple[str, Place]]] = {}
    for support_id, code in conditions.values_list("support_id", "code"):
        if support_id in valid:
            entries.setdefault(support_id, []).append((code, (index.title_rank[support_id], support_id,
                                                              valid[support_id])))
    return entries


def _build(cursor: int | None, at) -> CodeIndex:
    index = CodeIndex(cursor=cursor, at=at)
    for place, (support_id, title) in enumerate(_titles()):
        index.title_rank[support_id] = place
        index.titles[support_id] = title
    index.of_support = _entries(index)
    for contributed in index.of_support.values():
        for key, rank in contributed:
            index.by_code.setdefault(key, []).append(rank)
    index.conditions_of = _conditions(index)
    for contributed in index.conditions_of.values():
        for code, place in contributed:
            index.by_condition.setdefault(code, []).append(place)
    for lists in (index.by_code, index.by_condition):
        for ranks in lists.values():
            ranks.sort()
    return index


def _updated(old: CodeIndex, latest: dict, support_ids: set[int]) -> CodeIndex | None:
    """The index with these supports read again, or None when their titles moved (new
    support, title changed): then only a new build ranks them right."""
    now = dict(KnowledgeSupport.objects.filter(id__in=support_ids, issuer_region__isnull=True)
               .values_list("id", "title"))
    if any(old.titles.get(support_id) != title for support_id, title in now.items()):
        return None
    index = CodeIndex(cursor=latest["cursor"], at=latest["at"], title_rank=old.title_rank, titles=old.titles,
                      by_code=dict(old.by_code), of_support=dict(old.of_support),
                      by_condition=dict(old.by_condition), conditions_of=dict(old.conditions_of))
    _replace(index.by_code, index.of_support, support_ids, _entries(index, support_ids=list(now)))
    _replace(index.by_condition, index.conditions_of, support_ids, _conditions(index, support_ids=list(now)))
    return index


def _replace(lists: dict, contributions: dict, support_ids: set[int], new: dict):
    """Take what the supports put in `lists` out and put `new` in, keeping each list
    sorted. `lists` and `contributions` are copies of the old index's dicts, but their lists
    are still the old index's: each is copied before its first change, so that a call still
    reading the old index sees it whole."""
    copied = set()

    def entries_of(key) -> list:
        if key not in copied:
            copied.add(key)
            lists[key] = list(lists.get(key, ()))
        return lists[key]

    for support_id in support_ids:
        for key, entry in contributions.pop(support_id, ()):
            entries = entries_of(key)
            del entries[bisect_left(entries, entry)]
    for support_id, contributed in new.items():
        contributions[support_id] = contributed
        for key, entry in contributed:
            insort(entries_of(key), entry)


def _changed_supports(since: int) -> set[int] | None:
    entries = list(ContentChange.objects.filter(id__gt=since, kind__in=_RANK_CHANGES)
                   .values_list("support_id", flat=True)[:MAX_INCREMENTAL_ENTRIES + 1])
    return None if len(entries) > MAX_INCREMENTAL_ENTRIES else set(entries)


def _same_history(index: CodeIndex) -> bool:
    """Whether the feed still holds the entry the index was built at: else it was rewritten."""
    return index.cursor is not None and ContentChange.objects.filter(id=index.cursor, at=index.at).exists()


def _refreshed(index: CodeIndex | None, latest: dict) -> CodeIndex:
    if index is None or latest["cursor"] is None or not _same_history(index):
        return _build(latest["cursor"], latest["at"])
    supports = _changed_supports(index.cursor)
    if supports is None:
        return _build(latest["cursor"], latest["at"])
    return _updated(index, latest, supports) or _build(latest["cursor"], latest["at"])


_current: CodeIndex | None = None
_lock = threading.Lock()


def current() -> CodeIndex:
    """The index as of the latest change: one query when nothing changed since the last call.
    Call it outside a hook call's time budget: a first build reads every valid recommendation."""
    global _current
    latest = changes.latest()
    index = _current
    if index is not None and (index.cursor, index.at) == (latest["cursor"], latest["at"]):
        return index
    with _lock:  # one refresh at a time; a thread that waited takes the one just made
        index = _current
        if index is None or (index.cursor, index.at) != (latest["cursor"], latest["at"]):
            index = _current = _refreshed(index, latest)
    return index

