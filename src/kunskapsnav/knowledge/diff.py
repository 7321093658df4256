"""What changed between two versions: recommendations added, removed and changed (matched
by their stable identity), with a word-level diff of the text and the changes of grade,
direction and codes. Used on the support's page and by the local process."""

import difflib
from dataclasses import dataclass, field

from kunskapsnav.lib.richtext import plain_text

from .models import Recommendation, SupportVersion


@dataclass
class WordChange:
    op: str  # "equal", "insert", "delete"
    text: str


@dataclass
class RecommendationChange:
    key: str
    old: Recommendation
    new: Recommendation
    text: list[WordChange] = field(default_factory=list)
    text_changed: bool = False
    grade: tuple[str, str] | None = None
    direction: tuple[str, str] | None = None
    section: tuple[str, str] | None = None
    codes_added: list[str] = field(default_factory=list)
    codes_removed: list[str] = field(default_factory=list)
    moved: tuple[int, int] | None = None


@dataclass
class VersionDiff:
    old: SupportVersion
    new: SupportVersion
    added: list[Recommendation]
    removed: list[Recommendation]
    changed: list[RecommendationChange]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def word_diff(old: str, new: str) -> list[WordChange]:
    a, b = old.split(), new.split()
    result: list[WordChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(WordChange("equal", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                result.append(WordChange("delete", " ".join(a[i1:i2])))
            if j2 > j1:
                result.append(WordChange("insert", " ".join(b[j1:j2])))
    return result


def _codes(rec: Recommendation) -> set[str]:
    return {f"{c.get_system_display()} {c.code}" for c in rec.codes.all()}


def _compare(old: Recommendation, new: Recommendation) -> RecommendationChange | None:
    change = RecommendationChange(key=str(new.key), old=old, new=new)
    old_text, new_text = plain_text(old.text), plain_text(new.text)
    change.text = word_diff(old_text, new_text)
    change.text_changed = old_text != new_text
    if (old.priority, old.strength) != (new.priority, new.strength):
        change.grade = (str(old.grade or "–"), str(new.grade or "–"))
    if old.direction != new.direction:
        change.direction = (old.get_direction_display(), new.get_direction_display())
    if old.section != new.section:
        change.section = (old.section, new.section)
    old_codes, new_codes = _codes(old), _codes(new)
    change.codes_added = sorted(new_codes - old_codes)
    change.codes_removed = sorted(old_codes - new_codes)
    if old.position != new.position:
        change.moved = (old.position, new.position)
    substantive = (
        change.text_changed or change.grade or change.direction or change.section
        or change.codes_added or change.codes_removed
    )
    return change if substantive else None


def _recommendations(version: SupportVersion) -> dict[str, Recommendation]:
    return {str(r.key): r for r in version.recommendations.prefetch_related("codes").order_by("position")}


def version_diff(old: SupportVersion, new: SupportVersion) -> VersionDiff:
    before, after = _recommendations(old), _recommendations(new)
    changed, unchanged = [], 0
    for key in after.keys() & before.keys():
        change = _compare(before[key], after[key])
        if change is None:
            unchanged += 1
        else:
            changed.append(change)
    return VersionDiff(
        old=old,
        new=new,
        added=[after[k] for k in after if k not in before],
        removed=[before[k] for k in before if k not in after],
        changed=sorted(changed, key=lambda c: c.new.position),
        unchanged=unchanged,
    )
