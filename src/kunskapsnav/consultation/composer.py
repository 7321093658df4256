"""Composing the samlat remissvar from internal comments: choose, merge, edit.

The composer shows one row per point of the current draft and one per internal comment not
yet used. Rows that are kept and share a number become one point: their texts are joined in
the order shown, and the point remembers every comment it was made from.
"""

from collections import OrderedDict

from .models import Answer, Comment, CommentKind


def initial_rows(answer: Answer | None, comments: list[Comment]) -> list[dict]:
    rows = []
    used: set[int] = set()
    items = list(answer.items.prefetch_related("from_comments")) if answer else []
    for number, item in enumerate(items, start=1):
        sources = [c.pk for c in item.from_comments.all()]
        used.update(sources)
        rows.append(_row(item, include=True, point=number, sources=sources))
    next_number = len(items) + 1
    for comment in comments:
        if comment.pk in used:
            continue
        # With no draft yet, every comment starts as its own point; once there is a draft,
        # new comments wait to be chosen.
        rows.append(_row(comment, include=not items, point=next_number, sources=[comment.pk]))
        next_number += 1
    return rows


def _row(source, *, include: bool, point: int, sources: list[int]) -> dict:
    return {
        "include": include,
        "point": point,
        "recommendation": str(source.recommendation_id or ""),
        "section": source.section,
        "kind": source.kind,
        "text": source.text,
        "proposed_text": source.proposed_text,
        "comments": ",".join(str(pk) for pk in sources),
    }


def items_from_rows(rows: list[dict], comments_by_pk: dict[int, Comment]) -> list[dict]:
    """The answer's points from the cleaned rows of the composer. A row without a number is a
    point of its own."""
    groups: OrderedDict = OrderedDict()
    for index, row in enumerate(rows):
        if row.get("include"):
            groups.setdefault(row.get("point") or f"row-{index}", []).append(row)
    items = []
    for group in groups.values():
        first = group[0]
        items.append({
            "recommendation": first["recommendation"],
            "section": first["section"].strip(),
            "kind": CommentKind.SUBSTANCE if any(r["kind"] == CommentKind.SUBSTANCE for r in group)
            else CommentKind.EDITORIAL,
            "text": "\n\n".join(r["text"].strip() for r in group if r["text"].strip()),
            "proposed_text": "\n\n".join(r["proposed_text"].strip() for r in group if r["proposed_text"].strip()),
            # A reference to a comment outside the party is kept so that the domain refuses it.
            "from_comments": [comments_by_pk.get(pk) or Comment(pk=pk) for r in group for pk in r["comments"]],
        })
    return items
