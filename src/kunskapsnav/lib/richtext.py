"""Rich text from editors: sanitised on the way in with nh3 (ammonia), so that what is
stored is safe to render as-is."""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(value: str) -> str:
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)


def plain_text(value: str) -> str:
    """The words of a rich text, for search and for word-level diffs."""
    with_breaks = _BLOCK_END.sub(" ", value or "")
    text = html.unescape(nh3.clean(with_breaks, tags=set()))
    return " ".join(text.split())


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_ALLOWED_TAG = re.compile(r"</?(%s)\b" % "|".join(sorted(ALLOWED_TAGS)), re.IGNORECASE)


def from_editor(value: str) -> str:
    """What an editor typed: text with the tags we allow is sanitised HTML; anything else is
    plain text and becomes paragraphs (blank lines separate them, line breaks are kept),
    its "<" and "&" shown as typed."""
    value = (value or "").strip()
    if not _ALLOWED_TAG.search(value):
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(value) if p.strip()]
        value = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return sanitise(value)
