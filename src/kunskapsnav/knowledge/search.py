"""Swedish full-text search over knowledge supports: one interface, two backends.

- PostgreSQL: a generated tsvector column with the `swedish` text-search configuration
  (title weighted A, body B), a GIN index, `plainto_tsquery('swedish', …)`, `ts_rank_cd`.
- SQLite: an FTS5 table holding the same text stemmed with the Snowball Swedish stemmer
  (PyStemmer, the algorithm PostgreSQL's swedish configuration uses) after removing the
  same stop words; ranked with bm25.

Both match all the query's words (AND) on their stems, so the test queries give the same
supports on both. A term shaped like a code (I63, N05AH03, FNG05) also finds the versions
whose recommendations or conditions carry that code or a more specific one. Snippets are made
here, in Python, the same way for both backends.
"""

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import Stemmer
from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from kunskapsnav.lib.richtext import plain_text

from . import codes as code_formats
from .models import (
    Attachment,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    SearchDocument,
    SupportCondition,
    SupportVersion,
    VersionStatus,
)

FTS_TABLE = "knowledge_search_fts"
_WORD = re.compile(r"\w+", re.UNICODE)
PUBLIC_STATUSES = [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN]


# --- words ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("swedish")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    # The Snowball Swedish stop list, the same file PostgreSQL's swedish configuration uses.
    text = resources.files("kunskapsnav.knowledge").joinpath("data", "swedish_stopwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def stems(text: str) -> list[str]:
    kept = [w for w in words(text) if w not in stop_words()]
    return _stemmer().stemWords(kept)


def stemmed_text(text: str) -> str:
    return " ".join(stems(text))


# --- the index -------------------------------------------------------------------------


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start: start + size]


def _documents(version_ids: list[int]) -> list[SearchDocument]:
    """The search documents of these versions, built from a handful of queries whatever
    their number: title, then the body (summary, what is new, each recommendation's section
    and text in order, attachments' text), and every code of the recommendations and of
    the support's conditions."""
    versions = list(
        SupportVersion.objects.filter(pk__in=version_ids)
        .order_by("pk")
        .values_list("pk", "support_id", "status", "summary", "change_note", "support__title")
    )
    recs: dict[int, list[str]] = {}
    for version_id, section, text in (
        Recommendation.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "position")
        .values_list("version_id", "section", "text")
    ):
        recs.setdefault(version_id, []).extend((section, plain_text(text)))
    attachments: dict[int, list[str]] = {}
    for version_id, text in (
        Attachment.objects.filter(version_id__in=version_ids).order_by("title", "pk").values_list("version_id", "extracted_text")
    ):
        attachments.setdefault(version_id, []).append(text)
    rec_codes: dict[int, set[str]] = {}
    for version_id, code in RecommendationCode.objects.filter(recommendation__version_id__in=version_ids).values_list(
        "recommendation__version_id", "code"
    ):
        rec_codes.setdefault(version_id, set()).add(code)
    conditions: dict[int, set[str]] = {}
    for support_id, code in SupportCondition.objects.filter(support_id__in={v[1] for v in versions}).values_list(
        "support_id", "code"
    ):
        conditions.setdefault(support_id, set()).add(code)
    documents = []
    for pk, support_id, status, summary, change_note, title in versions:
        parts = [plain_text(summary), change_note, *recs.get(pk, ()), *attachments.get(pk, ())]
        codes = rec_codes.get(pk, set()) | conditions.get(support_id, set())
        documents.append(
            SearchDocument(
                version_id=pk, support_id=support_id, status=status, title=title,
                body=" ".join(p for p in parts if p), codes=" ".join(sorted(codes)),
            )
        )
    return documents


def index_versions_bulk(version_ids, *, batch_size: int = 1000) -> int:
    """Bring the search documents of many versions up to date at once: a few queries and
    one bulk insert per batch, for the corpus generator and rebuild_index. The result is
    the same as calling index_version on each."""
    ids = sorted(set(version_ids))
    for batch in _batches(ids, batch_size):
        documents = _documents(batch)
        with transaction.atomic():
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    placeholders = ", ".join(["%s"] * len(batch))
                    cursor.execute(
                        f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
                        f"(SELECT id FROM knowledge_searchdocument WHERE version_id IN ({placeholders}))",
                        batch,
                    )
            SearchDocument.objects.filter(version_id__in=batch).delete()
            SearchDocument.objects.bulk_create(documents)
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                        [(d.pk, stemmed_text(d.title), stemmed_text(d.body)) for d in documents],
                    )
    return len(ids)


def index_version(version: SupportVersion):
    """Bring the version's search document up to date (called by every write that changes
    what a version says or its status)."""
    index_versions_bulk([version.pk])


def rebuild_index(progress=None, *, batch_size: int = 1000) -> int:
    ids = list(SupportVersion.objects.order_by("pk").values_list("pk", flat=True))
    for done in range(0, len(ids), batch_size):
        index_versions_bulk(ids[done: done + batch_size], batch_size=batch_size)
        if progress:
            progress(min(done + batch_size, len(ids)), len(ids))
    return len(ids)


# --- matching ---------------------------------------------------------------------------


def _text_match(qs: QuerySet, text: str) -> QuerySet:
    """Filter to documents matching all words of `text`, annotated with a rank (higher is better)."""
    if connection.vendor == "postgresql":
        query = "plainto_tsquery('swedish', %s)"
        return qs.filter(id__in=RawSQL(f"SELECT id FROM knowledge_searchdocument WHERE search_vector @@ {query}", [text])).annotate(
            rank=RawSQL(f"ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', search_vector, {query})", [text], output_field=FloatField())
        )
    terms = stems(text)
    if not terms:
        return qs.none()
    fts_query = " AND ".join(f'"{t}"' for t in terms)
    return qs.filter(id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts_query])).annotate(
        rank=RawSQL(
            f"(SELECT -bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = knowledge_searchdocument.id)",
            [fts_query],
            output_field=FloatField(),
        )
    )


def _code_match(qs: QuerySet, code: str) -> QuerySet:
    """Versions carrying the code or a more specific one (I63 finds I63.9)."""
    prefix = code.upper()
    versions = RecommendationCode.objects.filter(code__startswith=prefix).values("recommendation__version_id")
    supports = SupportCondition.objects.filter(code__startswith=prefix).values("support_id")
    return qs.filter(Q(version_id__in=versions) | Q(support_id__in=supports))


def split_query(query: str) -> tuple[str, list[str]]:
    """(the words to match as text, the terms that look like codes)."""
    text_terms, code_terms = [], []
    for term in query.split():
        cleaned = term.strip(",;:()\"'")
        if code_formats.guess_system(cleaned) and any(ch.isdigit() for ch in cleaned):
            code_terms.append(cleaned.upper())
        else:
            text_terms.append(cleaned)
    return " ".join(text_terms), code_terms


# --- results ----------------------------------------------------------------------------


@dataclass
class SearchHit:
    document: SearchDocument
    rank: float
    snippet: SafeString

    @property
    def version(self):
        return self.document.version

    @property
    def support(self):
        return self.document.support


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def snippet(text: str, query_stems: set[str], *, width: int = 30) -> SafeString:
    """A window of the text around the first matching word, matching words marked."""
    tokens = re.split(r"(\s+)", text)
    word_positions = [i for i, t in enumerate(tokens) if t.strip()]
    hit_indexes = [
        i for i in word_positions
        if any(stem in query_stems for stem in _stemmer().stemWords(words(tokens[i])))
    ]
    if not hit_indexes:
        chosen = word_positions[: width]
    else:
        first = word_positions.index(hit_indexes[0])
        start = max(0, first - width // 3)
        chosen = word_positions[start: start + width]
    if not chosen:
        return mark_safe("")
    hits = set(hit_indexes)
    parts = []
    for i in range(chosen[0], chosen[-1] + 1):
        piece = html.escape(tokens[i])
        parts.append(f"<mark>{piece}</mark>" if i in hits else piece)
    prefix = "… " if chosen[0] > 0 else ""
    suffix = " …" if chosen[-1] < len(tokens) - 1 else ""
    return mark_safe(prefix + "".join(parts) + suffix)


FACETS = {
    "type": ("support__type", dict(KnowledgeSupport._meta.get_field("type").flatchoices)),
    "status": ("status", dict(VersionStatus.choices)),
}


def _facets(qs: QuerySet) -> dict[str, list[FacetValue]]:
    facets = {}
    for name, (path, labels) in FACETS.items():
        rows = qs.order_by().values(path).annotate(n=Count("id")).order_by("-n", path)
        facets[name] = [FacetValue(str(r[path]), str(labels.get(r[path], r[path])), r["n"]) for r in rows]
    issuers = qs.order_by().values(
        "support__issuer_body_id", "support__issuer_body__name", "support__issuer_agency",
        "support__issuer_region_id", "support__issuer_region__name",
    ).annotate(n=Count("id")).order_by("-n")
    facets["issuer"] = [
        FacetValue(
            value=(f"body:{r['support__issuer_body_id']}" if r["support__issuer_body_id"]
                   else f"region:{r['support__issuer_region_id']}" if r["support__issuer_region_id"]
                   else f"agency:{r['support__issuer_agency']}"),
            label=(r["support__issuer_body__name"] or r["support__issuer_region__name"]
                   or dict(KnowledgeSupport._meta.get_field("issuer_agency").flatchoices).get(r["support__issuer_agency"], "")),
            count=r["n"],
        )
        for r in issuers
    ]
    groups = qs.order_by().filter(support__target_groups__isnull=False).values(
        "support__target_groups__code", "support__target_groups__name"
    ).annotate(n=Count("id")).order_by("-n", "support__target_groups__name")
    facets["target_group"] = [
        FacetValue(r["support__target_groups__code"], r["support__target_groups__name"], r["n"]) for r in groups
    ]
    return facets


def _apply_filters(qs: QuerySet, *, type=None, issuer=None, target_group=None, status=None) -> QuerySet:
    if type:
        qs = qs.filter(support__type=type)
    if status:
        qs = qs.filter(status=status)
    if target_group:
        qs = qs.filter(support__target_groups__code=target_group)
    if issuer:
        kind, _sep, value = issuer.partition(":")
        field_name = {"body": "support__issuer_body_id", "region": "support__issuer_region_id",
                      "agency": "support__issuer_agency"}.get(kind)
        if field_name:
            qs = qs.filter(**{field_name: value})
    return qs


def search(
    query: str,
    *,
    include_all: bool = False,
    type: str | None = None,
    issuer: str | None = None,
    target_group: str | None = None,
    status: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Only valid (published) versions unless include_all, which adds the replaced and
    withdrawn ones; drafts are never found here."""
    query = (query or "").strip()
    base = SearchDocument.objects.filter(status__in=PUBLIC_STATUSES if include_all else [VersionStatus.PUBLISHED])
    text, code_terms = split_query(query)
    if not text and not code_terms:
        return SearchResults(query=query, total=0, hits=[])
    qs = _text_match(base, text) if text else base.annotate(rank=Value(0.0, output_field=FloatField()))
    for code in code_terms:
        qs = _code_match(qs, code)
    facets = _facets(qs)
    qs = _apply_filters(qs, type=type, issuer=issuer, target_group=target_group, status=status)
    total = qs.count()
    page = list(
        qs.select_related("version", "support").order_by(F("rank").desc(nulls_last=True), "title", "-version__number")[
            offset: offset + limit
        ]
    )
    query_stems = set(stems(text))
    hits = [SearchHit(document=d, rank=d.rank or 0.0, snippet=snippet(d.body, query_stems)) for d in page]
    return SearchResults(query=query, total=total, hits=hits, facets=facets)


def highlight_title(title: str, query: str) -> SafeString:
    return snippet(title, set(stems(split_query(query)[0])), width=1000)
