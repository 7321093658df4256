"""Finding candidate pairs of recommendations that may duplicate, overlap or contradict.

Only the valid (published) version of each support takes part. A pair is compared only when
the two recommendations share a code, by the code systems' hierarchy (knowledge.codes.covering:
a recommendation for I50 and one for I50.1 share it; I50.1 and I50.9 do not): that index is
what keeps a new version's run to what it can conflict with. Then the signals a reviewer sees:
the shared codes, the shared condition (the ICD-10-SE codes of the recommendations and of their
supports), the shared target groups, the direction (gör / gör inte), the priorities, the
numbers in the texts, and the Swedish text similarity.

Text similarity: the texts are stemmed with the Snowball Swedish stemmer (PyStemmer, through
knowledge.search, stop words removed as in the search) and compared word by word with
RapidFuzz's Indel and LCSseq metrics over the sorted lists of stems: the normalised Indel
similarity of two sorted lists is the share of words they have in common (Dice), the longest
common subsequence over the shorter list how much of the shorter text is in the longer. Words
rather than characters: "Ge betablockerare" and "Följ pulsen vid betablockerare" share
characters enough to look alike letter by letter. RapidFuzz is a maintained C++ library with no
dependencies of its own; it compares two short texts in microseconds, with no model to fit on
the corpus first (as TF-IDF would need before the first incremental run).
"""

import hashlib
import re
import uuid
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import Indel, LCSseq

from kunskapsnav.knowledge import codes as code_rules
from kunskapsnav.knowledge import search
from kunskapsnav.knowledge.models import CodeSystem, Direction, SupportType
from kunskapsnav.lib.richtext import plain_text

from .models import CandidateKind

# Codes that name what is done (a drug, a procedure, a concept); ICD-10-SE names the condition.
INTERVENTION_SYSTEMS = frozenset({CodeSystem.ATC, CodeSystem.KVA, CodeSystem.SNOMED})
REGIONAL_TYPES = frozenset({SupportType.REGIONAL_ROUTINE, SupportType.LOCAL_ROUTINE})

DUPLICATE_SIMILARITY = 0.8
THRESHOLD_SIMILARITY = 0.6
OVERLAP_SIMILARITY = 0.5
OVERLAP_CONTAINMENT = 0.8
# "Ge X" against "Ge inte X", or priority 1 against priority 8, is a contradiction only when the
# texts speak of the same thing: a check while on a drug ("Kontrollera kalium hos den som får X")
# shares X's code, not the advice, and Socialstyrelsen ranks many measures for one condition,
# each with its own priority.
SAME_ADVICE_CONTAINMENT = 0.5
# Socialstyrelsen's scale runs 1–10: five steps apart is "do first" against "do if resources allow".
INCOMPATIBLE_PRIORITY_GAP = 5

_NUMBER = re.compile(r"\d+(?:[,.]\d+)?")


@dataclass(frozen=True)
class Item:
    """One recommendation as the detection sees it."""

    recommendation_id: int
    key: str
    support_id: int
    body_id: int
    is_regional: bool
    direction: str
    priority: int | None
    codes: frozenset  # (system, code)
    conditions: frozenset  # ICD-10-SE codes of the recommendation and its support
    target_groups: frozenset
    stems: tuple  # sorted
    numbers: frozenset
    fingerprint: str
    index_terms: frozenset = field(default_factory=frozenset)
    # A region's addition (regionalt tillägg): its id and the key of the recommendation it
    # is attached to (recommendation_id is then the valid version's recommendation).
    addition_id: int | None = None
    attached_to: str = ""


def fingerprint(*, text: str, direction: str, priority, strength: str, codes) -> str:
    """What a recommendation says, as a digest: the same text, direction, grade and codes in a
    later version give the same fingerprint, and a decision on the pair sticks."""
    words = " ".join(plain_text(text).split())
    coded = ",".join(sorted(f"{s}:{c}" for s, c in codes))
    raw = "\x1f".join([words, direction, str(priority or ""), strength or "", coded])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _words(text: str) -> tuple[tuple, frozenset]:
    """The sorted stems and the numbers of a plain text."""
    return tuple(sorted(search.stems(text))), frozenset(n.replace(",", ".") for n in _NUMBER.findall(text))


def item_of(*, recommendation, support, codes, support_conditions, target_groups) -> Item:
    text = plain_text(recommendation.text)
    stems, numbers = _words(text)
    code_set = frozenset(codes)
    conditions = frozenset(support_conditions) | {c for s, c in code_set if s == CodeSystem.ICD10SE}
    return Item(
        recommendation_id=recommendation.pk,
        key=str(recommendation.key),
        support_id=support.pk,
        body_id=support.owning_body_id,
        is_regional=support.type in REGIONAL_TYPES or support.issuer_region_id is not None,
        direction=recommendation.direction,
        priority=recommendation.priority,
        codes=code_set,
        conditions=frozenset(conditions),
        target_groups=frozenset(target_groups),
        stems=stems,
        numbers=numbers,
        fingerprint=fingerprint(text=recommendation.text, direction=recommendation.direction,
                                priority=recommendation.priority, strength=recommendation.strength, codes=code_set),
        index_terms=frozenset(code_set),
    )


# The words by which a region's addition says not to do what it speaks of. The stop list of the
# search drops "inte" and "ej", so the plain text is read, not the stems.
_NEGATION = re.compile(r"\b(?:inte|ej|icke|aldrig|avstå\w*|undvik\w*)\b", re.IGNORECASE)
_STATED_PRIORITY = re.compile(r"\bprioritet(?:en)?\s+(\d{1,2})\b", re.IGNORECASE)


def addition_key(*, recommendation_key: str, county_code: str) -> str:
    """A region's addition's own identity: the same for every version its recommendation
    keeps its key in, so that a decision on it sticks like one on a recommendation."""
    return str(uuid.uuid5(uuid.UUID(str(recommendation_key)), f"regionalt-tillagg:{county_code}"))


def addition_item(*, addition_id: int, text: str, county_code: str, carrier: Item, body_id: int) -> Item:
    """A region's addition as the detection sees it. It is more advice on its recommendation,
    so it takes the recommendation's codes, condition and target groups, and its direction
    unless its own text negates (then gör inte). It has no priority of its own unless its
    text states one ("prioritet 8"): the recommendation's would make every addition repeat
    its recommendation's own conflicts."""
    plain = plain_text(text)
    stems, numbers = _words(plain)
    direction = Direction.DO_NOT if _NEGATION.search(plain) else carrier.direction
    stated = _STATED_PRIORITY.search(plain)
    priority = int(stated.group(1)) if stated and 1 <= int(stated.group(1)) <= 10 else None
    return replace(
        carrier, key=addition_key(recommendation_key=carrier.key, county_code=county_code), body_id=body_id,
        is_regional=True, direction=direction, priority=priority, stems=stems, numbers=numbers,
        fingerprint=fingerprint(text=text, direction=direction, priority=priority, strength="", codes=()),
        addition_id=addition_id, attached_to=carrier.key,
    )


def broader_or_same(system: str, code: str) -> list[tuple[str, str]]:
    """The index terms under which a code finds the codes that cover it (itself included)."""
    return [(system, c) for c in code_rules.covering(system, code)]


@lru_cache(maxsize=65536)
def _covering(system: str, code: str) -> frozenset:
    # A full run asks for the same few thousand codes' covering codes millions of times.
    return frozenset(code_rules.covering(system, code))


def _covers(system: str, broad: str, narrow: str) -> bool:
    return broad in _covering(system, narrow)


def shared_codes(a: Item, b: Item) -> list[str]:
    """The codes the two share, by hierarchy, as the reviewer reads them ("ICD-10-SE I50 ⊇ I50.1")."""
    shared = []
    for system, code_a in sorted(a.codes):
        for system_b, code_b in sorted(b.codes):
            if system != system_b:
                continue
            label = CodeSystem(system).label
            if code_a == code_b:
                shared.append(f"{label} {code_a}")
            elif _covers(system, code_a, code_b):
                shared.append(f"{label} {code_a} ⊇ {code_b}")
            elif _covers(system, code_b, code_a):
                shared.append(f"{label} {code_b} ⊇ {code_a}")
    return shared


def _share_a_code(a: Item, b: Item) -> bool:
    """Whether shared_codes would name any: the same test without the labels."""
    return any(
        s == t and (c == d or _covers(s, c, d) or _covers(s, d, c)) for s, c in a.codes for t, d in b.codes
    )


def _shares_intervention(a: Item, b: Item) -> bool:
    mine = {(s, c) for s, c in a.codes if s in INTERVENTION_SYSTEMS}
    theirs = {(s, c) for s, c in b.codes if s in INTERVENTION_SYSTEMS}
    if not mine or not theirs:
        # Neither names what is done by code: the shared condition codes stand for it.
        return _share_a_code(a, b)
    return any(
        s == t and (_covers(s, c, d) or _covers(s, d, c)) for s, c in mine for t, d in theirs
    )


def _same_intervention_if_named(a: Item, b: Item) -> bool:
    """False when both name what is done by code and share none of it."""
    mine = any(s in INTERVENTION_SYSTEMS for s, _c in a.codes)
    theirs = any(s in INTERVENTION_SYSTEMS for s, _c in b.codes)
    return not (mine and theirs) or _shares_intervention(a, b)


def _same_condition(a: Item, b: Item) -> bool:
    return any(
        _covers(CodeSystem.ICD10SE, c, d) or _covers(CodeSystem.ICD10SE, d, c) for c in a.conditions for d in b.conditions
    )


def similarity(a: Item, b: Item) -> tuple[float, float]:
    """(share of words in common, containment of the shorter text), each 0–1, on stemmed words."""
    if not a.stems or not b.stems:
        return 0.0, 0.0
    shorter = min(len(a.stems), len(b.stems))
    return Indel.normalized_similarity(a.stems, b.stems), LCSseq.similarity(a.stems, b.stems) / shorter


def _similarity_without_numbers(a: Item, b: Item) -> float:
    """The texts' likeness apart from their numbers: the differing number is the point."""
    words_a = [w for w in a.stems if not _NUMBER.fullmatch(w)]
    words_b = [w for w in b.stems if not _NUMBER.fullmatch(w)]
    return Indel.normalized_similarity(words_a, words_b) if words_a and words_b else 0.0


@dataclass
class Verdict:
    kind: str
    score: float
    signals: dict


def _contradiction_reason(a: Item, b: Item, contained: float) -> str | None:
    reason = _opposing(a, b, contained)
    # The codes last: they cost the most, and most pairs oppose in nothing.
    return reason if reason and _shares_intervention(a, b) and _same_condition(a, b) else None


def _opposing(a: Item, b: Item, contained: float) -> str | None:
    """How the two texts oppose each other, whatever their codes."""
    if {a.direction, b.direction} == {Direction.DO, Direction.DO_NOT}:
        return "direction" if contained >= SAME_ADVICE_CONTAINMENT else None
    if a.direction != b.direction:
        return None
    if (a.priority and b.priority and abs(a.priority - b.priority) >= INCOMPATIBLE_PRIORITY_GAP
            and contained >= SAME_ADVICE_CONTAINMENT):
        return "priority"
    if a.numbers and b.numbers and a.numbers != b.numbers and _similarity_without_numbers(a, b) >= THRESHOLD_SIMILARITY:
        return "threshold"
    return None


def compare(a: Item, b: Item) -> Verdict | None:
    """The kind of candidate the pair is, with its score and signals; None when nothing in
    the signals suggests a problem (shared codes alone are not one: most recommendations on a
    condition agree)."""
    if a.support_id == b.support_id:
        return None
    return _verdict(a, b)


def compare_addition(addition: Item, other: Item) -> Verdict | None:
    """A region's addition against its own recommendation or another support's. Against its
    own, only a contradiction counts (gör inte, another threshold, a priority far off): saying
    more of the same is what an addition is for. Against another support's recommendation,
    the same rules as between two recommendations, duplicates included. The other
    recommendations of its own support are not compared: the addition speaks to one of them."""
    if other.key == addition.attached_to:
        verdict = _verdict(addition, other)
        if verdict is None or not verdict.signals["reason"]:
            return None
        verdict.kind = CandidateKind.REGIONAL_DEPARTURE
        return verdict
    return compare(addition, other)


def _verdict(a: Item, b: Item) -> Verdict | None:
    if not _share_a_code(a, b):
        return None
    whole, contained = similarity(a, b)
    reason = _contradiction_reason(a, b, contained)
    if reason:
        kind = CandidateKind.CONTRADICTION
    elif not _same_intervention_if_named(a, b):
        # The same words about two different drugs or procedures are two pieces of advice.
        return None
    elif whole >= DUPLICATE_SIMILARITY and a.direction == b.direction:
        kind = CandidateKind.DUPLICATE
    elif a.direction == b.direction and (whole >= OVERLAP_SIMILARITY or contained >= OVERLAP_CONTAINMENT):
        kind = CandidateKind.OVERLAP
    else:
        return None
    if kind != CandidateKind.DUPLICATE and a.is_regional != b.is_regional:
        kind = CandidateKind.REGIONAL_DEPARTURE
    codes = shared_codes(a, b)
    shared_groups = sorted(a.target_groups & b.target_groups)
    signals = {
        "codes": codes,
        "same_condition": _same_condition(a, b),
        "target_groups": shared_groups,
        "similarity": round(whole, 3),
        "containment": round(contained, 3),
        "directions": [a.direction, b.direction],
        "priorities": [a.priority, b.priority],
        "numbers": [sorted(a.numbers), sorted(b.numbers)],
        "reason": reason or "",
    }
    score = 0.45 * whole + 0.15 * contained + 0.15 * min(len(codes), 3) / 3 + 0.1 * bool(shared_groups)
    score += 0.15 if reason or signals["same_condition"] else 0
    return Verdict(kind=kind, score=round(min(score, 1.0), 3), signals=signals)
