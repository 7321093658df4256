"""Swedish full-text search over knowledge supports: one interface, two backends.

- PostgreSQL: a generated tsvector column with the `swedish` text-search configuration
  (title weighted A, body B) plus two kinds of marker lexemes, `status:<status>` and
  `code:<code>`, and a GIN index; `plainto_tsquery('swedish', …)`, `ts_rank_cd`.
- SQLite: an FTS5 table holding the same text stemmed with the Snowball Swedish stemmer
  (PyStemmer, the algorithm PostgreSQL's swedish configuration uses) after removing the
  same stop words, with the codes and the status in columns of their own; ranked with bm25.

Both match all the query's words (AND) on their stems, so the test queries give the same
supports on both. A term shaped like a code (I63, N05AH03, FNG05) also finds the versions
whose recommendations or conditions carry that code or a more specific one (a prefix match).

Speed (see docs/performance.md): the status and the codes are matched inside the inverted
index, so a common word costs one pass over the valid versions only; the facets, the total
and an unranked page come from one statement that matches once, reading each support's
facets from a two-column table kept here (migration 0005); and the expensive per-document
text rank is computed only when a query matches at most RANK_LIMIT documents. Results are ordered
with the documents whose title contains every word first, then by text rank, then newest
version first; above RANK_LIMIT matches (a broad query such as "behandling") by title and
then newest first. Snippets are made here, in Python, the same way for both backends.
"""

import html
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

import Stemmer
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe

from kunskapsnav.lib.bounds import INTEGER_MAX
from kunskapsnav.lib.richtext import plain_text
from kunskapsnav.organisation.models import Body, Region

from . import codes as code_formats
from .models import (
    Agency,
    Attachment,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    SearchDocument,
    SupportCondition,
    SupportType,
    SupportVersion,
    TargetGroup,
    VersionStatus,
)

FTS_TABLE = "knowledge_search_fts"
COVERING_INDEX = "searchdoc_facets_idx"  # see SearchDocument.Meta
FACETS_TABLE = "knowledge_search_facets"  # a support's facets in two columns, see migration 0005
_WORD = re.compile(r"\w+", re.UNICODE)
_WORD_SPLIT = re.compile(r"(\w+)", re.UNICODE)
_CODE = re.compile(r"^[A-Z0-9.]+$")
PUBLIC_STATUSES = [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN]
# Above this many matches the text rank is not computed: it costs a read of every matching
# document's vector (PostgreSQL) or of its term positions (SQLite), which a broad query in a
# large corpus cannot afford; title matches still come first.
RANK_LIMIT = 1000
_IN_FAILED_TRANSACTION = 3  # libpq's PQTRANS_INERROR, as psycopg reports it

DOCUMENTS = SearchDocument._meta.db_table
SUPPORTS = KnowledgeSupport._meta.db_table
SUPPORT_GROUPS = KnowledgeSupport.target_groups.through._meta.db_table
TARGET_GROUPS = TargetGroup._meta.db_table
BODIES = Body._meta.db_table
REGIONS = Region._meta.db_table


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
    stop = stop_words()
    return _stemmer().stemWords([w for w in words(text) if w not in stop])


def stemmed_text(text: str) -> str:
    return " ".join(stems(text))


def _fts_codes(codes: str) -> str:
    # Without the dot (see _code_key): I63.9 → i639, which a prefix query i63* finds.
    return " ".join(_code_key(code).lower() for code in codes.split())


def fts_values(title: str, body: str, codes: str, status: str) -> tuple[str, str, str, str]:
    """The columns of a document's row in the SQLite FTS5 table (also used by migration 0004)."""
    return stemmed_text(title), stemmed_text(body), _fts_codes(codes), status


def issuer_value(issuer_body_id, issuer_agency, issuer_region_id) -> str:
    """The issuer as the issuer facet and filter name it: body:<id>, region:<id> or agency:<code>."""
    if issuer_body_id:
        return f"body:{issuer_body_id}"
    if issuer_region_id:
        return f"region:{issuer_region_id}"
    return f"agency:{issuer_agency}"


def facet_columns(type_, issuer_body_id, issuer_agency, issuer_region_id, target_group_codes) -> tuple[str, str]:
    """A support's row in the facets table (also used by migration 0005): ("type|issuer",
    "group,group")."""
    issuer = issuer_value(issuer_body_id, issuer_agency, issuer_region_id)
    return f"{type_}|{issuer}", ",".join(sorted(target_group_codes))


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
        Attachment.objects.filter(version_id__in=version_ids)
        .order_by("title", "pk")
        .values_list("version_id", "extracted_text")
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
    the same as calling index_version on each. The facet keys of their supports are
    rewritten too.

    A version's old document is deleted and a new one written; on SQLite its FTS row too
    (here, and by a trigger for deletes that cascade from elsewhere); PostgreSQL computes
    the new document's vector itself (a generated column)."""
    ids = sorted(set(version_ids))
    for batch in _batches(ids, batch_size):
        documents = _documents(batch)
        with transaction.atomic():
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    placeholders = ", ".join(["%s"] * len(batch))
                    cursor.execute(
                        f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
                        f"(SELECT id FROM {DOCUMENTS} WHERE version_id IN ({placeholders}))",
                        batch,
                    )
            SearchDocument.objects.filter(version_id__in=batch).delete()
            SearchDocument.objects.bulk_create(documents)
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {FTS_TABLE} (rowid, title, body, codes, status) VALUES (%s, %s, %s, %s, %s)",
                        [(d.pk, *fts_values(d.title, d.body, d.codes, d.status)) for d in documents],
                    )
            _write_facets({d.support_id for d in documents})
    return len(ids)


def _write_facets(support_ids: set[int]):
    groups: dict[int, list[str]] = {}
    for support_id, code in KnowledgeSupport.target_groups.through.objects.filter(
        knowledgesupport_id__in=support_ids
    ).values_list("knowledgesupport_id", "targetgroup__code"):
        groups.setdefault(support_id, []).append(code)
    rows = [
        (pk, *facet_columns(type_, body_id, agency, region_id, groups.get(pk, ())))
        for pk, type_, body_id, agency, region_id in KnowledgeSupport.objects.filter(pk__in=support_ids).values_list(
            "pk", "type", "issuer_body_id", "issuer_agency", "issuer_region_id"
        )
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FACETS_TABLE} (support_id, issued, target_groups) VALUES (%s, %s, %s) "
            f"ON CONFLICT (support_id) DO UPDATE SET issued = excluded.issued, target_groups = excluded.target_groups",
            rows,
        )


def index_version(version: SupportVersion):
    """Bring the version's search document up to date (called by every write that changes
    what a version says or its status)."""
    index_versions_bulk([version.pk])


def optimise_index():
    """After a bulk load: merge the FTS5 segments (SQLite), or move the GIN indexes' pending
    entries into the index and refresh the planner's statistics (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
        else:
            cursor.execute("SELECT gin_clean_pending_list('knowledge_searchdocument_vector_gin'::regclass)")
            cursor.execute("SELECT gin_clean_pending_list('knowledge_searchdocument_title_gin'::regclass)")
            cursor.execute(f"ANALYZE {DOCUMENTS}")


def rebuild_index(progress=None, *, batch_size: int = 1000) -> int:
    ids = list(SupportVersion.objects.order_by("pk").values_list("pk", flat=True))
    for done in range(0, len(ids), batch_size):
        index_versions_bulk(ids[done: done + batch_size], batch_size=batch_size)
        if progress:
            progress(min(done + batch_size, len(ids)), len(ids))
    optimise_index()
    return len(ids)


# --- the query --------------------------------------------------------------------------


def split_query(query: str) -> tuple[str, list[str]]:
    """(the words to match as text, the terms that look like codes, upper case)."""
    text_terms, code_terms = [], []
    for term in query.split():
        cleaned = term.strip(",;:()\"'")
        if code_formats.guess_system(cleaned) and any(ch.isdigit() for ch in cleaned) and _CODE.match(cleaned.upper()):
            code_terms.append(cleaned.upper())
        else:
            text_terms.append(cleaned)
    return " ".join(text_terms), code_terms


_CODE_KEY = re.compile(r"[A-Za-z0-9]{1,20}")


def _code_key(code: str) -> str:
    # Codes are matched without their dot on both backends: FTS5's tokenizer splits at dots,
    # and I63.1 typed as I631 is the same code (no code system has a code that is another's
    # without a dot).
    return code.replace(".", "")


@dataclass(frozen=True)
class _Query:
    text: str
    stems: tuple[str, ...]
    codes: tuple[str, ...]
    statuses: tuple[str, ...]

    @classmethod
    def parse(cls, query: str, statuses) -> "_Query":
        text, codes = split_query(query)
        return cls(text, tuple(dict.fromkeys(stems(text))), tuple(dict.fromkeys(codes)), tuple(statuses))


class _SQLite:
    """FTS5: one MATCH expression does the words, the codes and the status."""

    @staticmethod
    def _expression(query: _Query, *, columns: str) -> str:
        parts = []
        if query.stems:
            parts.append(f"{columns} : (" + " AND ".join(f'"{s}"' for s in query.stems) + ")")
        parts += [f'codes : ("{_fts_codes(code)}"*)' for code in query.codes]
        parts.append("status : (" + " OR ".join(f'"{s}"' for s in query.statuses) + ")")
        return " AND ".join(parts)

    def matches(self, query: _Query, *, rank: bool) -> tuple[str, list]:
        """SELECT id, support_id, status, version_id[, rank] of the matching documents."""
        rank_sql = f", -bm25({FTS_TABLE}, 10.0, 1.0, 0.0, 0.0) AS rank" if rank else ""
        # The join reads the documents through a covering index (migration 0004), never the
        # rows themselves: SQLite would follow each long body's overflow pages to reach the
        # columns stored after it. The planner prefers the rowid unless told.
        sql = (
            f"SELECT d.id, d.support_id, d.status, d.version_id{rank_sql} "
            f"FROM {FTS_TABLE} JOIN {DOCUMENTS} d INDEXED BY {COVERING_INDEX} ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s"
        )
        return sql, [self._expression(query, columns="{title body}")]

    def rank(self, query: _Query) -> tuple[str, list]:
        """The text rank of a row of matches(rank=True), higher is better. bm25 can only be
        computed in the FTS query itself; SQLite evaluates it only for the rows that pass
        the filters, as it flattens that query into the page's."""
        return "m.rank", []

    def title_hit(self, query: _Query) -> tuple[str, list]:
        """1 if the title contains every word, else 0."""
        if not query.stems:
            return "0", []
        title_only = _Query(query.text, query.stems, (), query.statuses)
        return (
            f"CASE WHEN m.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) THEN 1 ELSE 0 END",
            [self._expression(title_only, columns="{title}")],
        )


class _PostgreSQL:
    """A GIN index over the generated vector; words, codes and status in one tsquery."""

    @staticmethod
    def _markers(query: _Query) -> str:
        # Markers are built here from code terms checked against [A-Z0-9.] and from status
        # values, so they need no quoting beyond the tsquery's own quotes.
        statuses = " | ".join(f"'status:{s}'" for s in query.statuses)
        return " & ".join([f"({statuses})", *(f"'code:{_code_key(code)}':*" for code in query.codes)])

    def matches(self, query: _Query, *, rank: bool) -> tuple[str, list]:
        """SELECT id, support_id, status, version_id[, vector] of the matching documents; the
        vector is passed on unread (a TOAST pointer) for rank() to read for the rows kept."""
        tsquery, params, where_text = "%s::tsquery", [], ""
        if query.stems:
            tsquery = f"plainto_tsquery('swedish', %s) && {tsquery}"
            params.append(query.text)
            # A text PostgreSQL's parser finds no word in must match nothing, not everything.
            where_text = " AND numnode(plainto_tsquery('swedish', %s)) > 0"
        params.append(self._markers(query))
        if query.stems:
            params.append(query.text)
        vector = ", d.search_vector AS vector" if rank else ""
        sql = (
            f"SELECT d.id, d.support_id, d.status, d.version_id{vector} "
            f"FROM {DOCUMENTS} d WHERE d.search_vector @@ ({tsquery}){where_text}"
        )
        return sql, params

    def rank(self, query: _Query) -> tuple[str, list]:
        """The text rank of a row of matches(rank=True), higher is better: each vector is read
        from TOAST here, only for the rows that pass the filters."""
        return "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', m.vector, plainto_tsquery('swedish', %s))::float", [query.text]

    def title_hit(self, query: _Query) -> tuple[str, list]:
        """1 if the title contains every word, else 0 (by the GIN index on the title)."""
        if not query.stems:
            return "0", []
        return (
            f"CASE WHEN m.id IN (SELECT id FROM {DOCUMENTS} "
            f"WHERE to_tsvector('swedish', title) @@ plainto_tsquery('swedish', %s)) THEN 1 ELSE 0 END",
            [query.text],
        )


def versions_with_codes(codes: list[str], statuses) -> tuple[str, list]:
    """SQL and parameters selecting the version_id of every version in one of the statuses
    whose recommendations or conditions carry one of the codes or one below it (I50 finds
    I50.1), matched without dots as the search box matches them; for use as a subquery.

    The search documents hold each version's codes and status in the inverted index, so this
    reads only the matches: the FHIR server's code search answers from here (on PostgreSQL
    inside planned_with_indexes(), for the reason given there)."""
    keys = [_code_key(code) for code in codes]
    if not keys or not all(_CODE_KEY.fullmatch(key) for key in keys):
        raise ValueError("codes must be letters and digits, with dots")
    if connection.vendor == "postgresql":
        statuses_sql = " | ".join(f"'status:{s}'" for s in statuses)
        codes_sql = " | ".join(f"'code:{key.upper()}':*" for key in keys)
        return (f"SELECT d.version_id FROM {DOCUMENTS} d WHERE d.search_vector @@ %s::tsquery",
                [f"({statuses_sql}) & ({codes_sql})"])
    expression = ('codes : (' + " OR ".join(f'"{key.lower()}"*' for key in keys) + ') AND status : ('
                  + " OR ".join(f'"{s}"' for s in statuses) + ")")
    return (f"SELECT d.version_id FROM {FTS_TABLE} JOIN {DOCUMENTS} d ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s", [expression])


def version_ids_with_codes(codes: list[str], statuses, *, at_most: int) -> list[int] | None:
    """The version ids versions_with_codes selects, read from the index, or None if there are
    more than at_most of them."""
    found = versions_and_supports_with_codes(codes, statuses, at_most=at_most)
    return None if found is None else [version for version, _support in found]


def versions_and_supports_with_codes(codes: list[str], statuses, *, at_most: int) -> list[tuple[int, int]] | None:
    """(version id, support id) of what versions_with_codes selects, read from the index, or
    None if there are more than at_most of them."""
    sql, params = versions_with_codes(codes, statuses)
    sql = sql.replace("SELECT d.version_id FROM", "SELECT d.version_id, d.support_id FROM", 1)
    with planned_with_indexes(), connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, at_most + 1])
        found = [(row[0], row[1]) for row in cursor.fetchall()]
    return found if len(found) <= at_most else None


def _backend():
    return _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()


_PLANNING_FLAG = "kunskapsnav_planned_with_indexes"


@contextmanager
def planned_with_indexes():
    """PostgreSQL only: plan the search statements without sequential scans, then restore.

    The planner costs a sequential scan of the (narrow) documents table as cheap, but each
    row it reads has to fetch and decompress its vector from TOAST to test the match, some
    5 µs a row, while the GIN index answers without reading any vector. For a common word or
    a code prefix it would choose the scan and take 150–250 ms at 50 000 versions instead
    of 5–15 ms (docs/performance.md). The setting is restored even if a statement fails; in
    a transaction that fails, the rollback restores it too. Inside another, it changes nothing."""
    if connection.vendor != "postgresql" or getattr(connection, _PLANNING_FLAG, False):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', false)")
        previous = cursor.fetchone()[0]
    setattr(connection, _PLANNING_FLAG, True)
    try:
        yield
    finally:
        setattr(connection, _PLANNING_FLAG, False)
        # In a failed transaction nothing can run until the rollback, which restores it.
        if connection.connection.info.transaction_status != _IN_FAILED_TRANSACTION:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('enable_seqscan', %s, false)", [previous])


def _materialized() -> str:
    # Compute the matches once for all the facets (PostgreSQL ≥ 12, SQLite ≥ 3.35).
    if connection.vendor == "postgresql" or sqlite3.sqlite_version_info >= (3, 35):
        return "MATERIALIZED"
    return ""


# --- results ----------------------------------------------------------------------------


@dataclass
class SearchHit:
    document: SearchDocument
    rank: float  # 1.x for a title with every word, 0.x otherwise; higher is better
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
    """A window of the text around the first matching word, matching words marked (only the
    word: not the punctuation after it, nor the rest of a hyphenated compound)."""
    parts = _WORD_SPLIT.split(text or "")  # separator, word, separator, word, …, separator
    found = parts[1::2]
    if not found:
        return mark_safe(html.escape(text or ""))
    stop, stem_words = stop_words(), _stemmer().stemWords

    def matching(start: int, end: int) -> list[int]:
        lowered = [w.lower() for w in found[start:end]]
        return [start + i for i, (word, stem) in enumerate(zip(lowered, stem_words(lowered)))
                if stem in query_stems and word not in stop]

    first = None
    if query_stems:  # stem only as far as the first match: bodies run to thousands of words
        for chunk in range(0, len(found), 40):
            hits = matching(chunk, chunk + 40)
            if hits:
                first = hits[0]
                break
    start = max(0, first - width // 3) if first is not None else 0
    end = min(len(found), start + width)
    marked = matching(start, end) if first is not None else []
    # parts[2i + 1] is word i; escape the runs between marked words in one go.
    out = ["… " if start > 0 else html.escape(parts[0])]
    position = 2 * start + 1
    for i in marked:
        out.append(html.escape("".join(parts[position: 2 * i + 1])))
        out.append(f"<mark>{html.escape(found[i])}</mark>")
        position = 2 * i + 2
    out.append(html.escape("".join(parts[position: 2 * end])))
    out.append(" …" if end < len(found) else html.escape(parts[-1]))
    return mark_safe("".join(out))


def highlight_title(title: str, query: str) -> SafeString:
    return snippet(title, set(stems(split_query(query)[0])), width=1000)


@dataclass(frozen=True)
class _Filters:
    type: str | None = None
    issuer: str | None = None  # as issuer_value names it
    target_group: str | None = None
    status: str | None = None

    @classmethod
    def parse(cls, *, type=None, issuer=None, target_group=None, status=None) -> "_Filters":
        if issuer:
            kind, _sep, value = issuer.partition(":")
            if kind in ("body", "region"):
                # An id that is not a number names no issuer: nothing matches.
                issuer = f"{kind}:{int(value)}" if value.isdigit() else "none:"
            elif kind != "agency":
                issuer = None  # an unknown kind of issuer is no filter
        return cls(type or None, issuer or None, target_group or None, status or None)

    @property
    def on_support(self) -> bool:
        return bool(self.type or self.issuer)

    def sql(self) -> tuple[str, list]:
        """Conditions on m (the matches) and s (their supports)."""
        conditions, params = ["1 = 1"], []
        if self.status:
            conditions.append("m.status = %s")
            params.append(self.status)
        if self.type:
            conditions.append("s.type = %s")
            params.append(self.type)
        if self.issuer:
            kind, _sep, value = self.issuer.partition(":")
            if kind == "body":
                conditions.append("s.issuer_body_id = %s")
                params.append(int(value))
            elif kind == "region":
                conditions.append("s.issuer_region_id = %s")
                params.append(int(value))
            elif kind == "agency":
                conditions.append("s.issuer_agency = %s")
                params.append(value)
            else:
                conditions.append("1 = 0")
        if self.target_group:
            conditions.append(
                f"EXISTS (SELECT 1 FROM {SUPPORT_GROUPS} sg JOIN {TARGET_GROUPS} tg ON tg.id = sg.targetgroup_id "
                f"WHERE sg.knowledgesupport_id = m.support_id AND tg.code = %s)"
            )
            params.append(self.target_group)
        return " AND ".join(conditions), params

    def accepts(self, status, type_, issuer) -> bool:
        """The same conditions, but the target group's, on one row of the counts by status and issuer."""
        return (
            (not self.status or status == self.status)
            and (not self.type or type_ == self.type)
            and (not self.issuer or issuer == self.issuer)
        )


def _page_sql(backend, query: _Query, filters: _Filters, source: str, source_params: list,
              rank: tuple[str, list] = ("0.0", [])) -> tuple[str, list]:
    """SELECT id, title_hit, rank, version_id, status of one page of `source` (the matches),
    best first; its parameters, with LIMIT and OFFSET last."""
    title_sql, title_params = backend.title_hit(query)
    rank_sql, rank_params = rank
    where, where_params = filters.sql()
    join, on = (f" CROSS JOIN {SUPPORTS} s", "s.id = m.support_id AND ") if filters.on_support else ("", "")
    sql = (
        f"SELECT m.id, {title_sql} AS title_hit, {rank_sql} AS rank, m.version_id, m.status FROM {source} m{join} "
        f"WHERE {on}{where} ORDER BY CASE WHEN m.status = %s THEN 1 ELSE 0 END DESC, "
        f"title_hit DESC, rank DESC, m.version_id DESC, m.id DESC LIMIT %s OFFSET %s"
    )
    # The valid version first: with replaced versions included, a reader must meet the one
    # that applies before the ones that no longer do.
    return sql, title_params + rank_params + source_params + where_params + [VersionStatus.PUBLISHED.value]


# PostgreSQL types the NULLs of the first branches of a UNION as text unless told.
_NO_ID = "CAST(NULL AS bigint)"


def _facets_total_and_page(backend, query: _Query, filters: _Filters, *, limit: int, offset: int):
    """One statement that matches once: the matches counted by status and issuer, and by
    their target groups, which give every facet (counted over all the matches before the
    filters, so that the other choices stay visible) and the number of matches after the
    filters; and the page in the order without text rank (title matches, then newest), the
    order used above RANK_LIMIT matches.

    Returns (facets, total, [(document id, title hit, rank)])."""
    matches, params = backend.matches(query, rank=False)
    page_sql, page_params = _page_sql(backend, query, filters, "m", [])
    total_sql, total_params = "", []
    if filters.target_group:  # otherwise the total follows from the counts by status and issuer
        where, total_params = filters.sql()
        join, on = (f" CROSS JOIN {SUPPORTS} s", "s.id = m.support_id AND ") if filters.on_support else ("", "")
        total_sql = (
            f"UNION ALL SELECT 'total', NULL, NULL, {_NO_ID}, {_NO_ID}, COUNT(*) FROM m{join} WHERE {on}{where} "
        )
    # LEFT JOIN keeps SQLite's join order (the matches first, then each one's facets by rowid).
    sql = (
        f"WITH m AS {_materialized()} (SELECT x.*, f.issued, f.target_groups FROM ({matches}) x "
        f"LEFT JOIN {FACETS_TABLE} f ON f.support_id = x.support_id) "
        f"SELECT 'issued', m.status, m.issued, {_NO_ID}, {_NO_ID}, COUNT(*) FROM m GROUP BY m.status, m.issued "
        f"UNION ALL SELECT 'groups', NULL, m.target_groups, {_NO_ID}, {_NO_ID}, COUNT(*) "
        f"FROM m GROUP BY m.target_groups "
        f"{total_sql}"
        f"UNION ALL SELECT 'page', p.status, NULL, p.id, p.version_id, p.title_hit FROM ({page_sql}) p"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + total_params + page_params + [limit, offset])
        rows = cursor.fetchall()

    counts: dict[str, dict[str, int]] = {"type": {}, "issuer": {}, "target_group": {}, "status": {}}

    def add(facet, value, n):
        if value:
            counts[facet][value] = counts[facet].get(value, 0) + n

    total, page = 0, []
    for kind, status, key, document_id, version_id, n in rows:
        if kind == "issued":
            type_, _sep, issuer = (key or "").partition("|")
            add("status", status, n)
            add("type", type_, n)
            add("issuer", issuer, n)
            if not filters.target_group and filters.accepts(status, type_, issuer):
                total += n
        elif kind == "groups":
            for code in (key or "").split(","):
                add("target_group", code, n)
        elif kind == "total":
            total = n
        else:
            page.append((document_id, n, version_id, status))
    # UNION ALL need not keep the page's order: sort again as _page_sql does.
    page.sort(key=lambda row: (row[3] != VersionStatus.PUBLISHED, -row[1], -row[2], -row[0]))
    return _facet_values(counts), total, [(document_id, title_hit, 0.0) for document_id, title_hit, _v, _s in page]


def _facet_values(counts: dict[str, dict[str, int]]) -> dict[str, list[FacetValue]]:
    """Counts with labels, largest first."""
    bodies = [int(v.partition(":")[2]) for v in counts["issuer"] if v.startswith("body:")]
    regions = [int(v.partition(":")[2]) for v in counts["issuer"] if v.startswith("region:")]
    groups = list(counts["target_group"])
    names: dict[str, str] = {}
    branches, params = [], []
    for kind, table, column, values in (("body", BODIES, "id", bodies), ("region", REGIONS, "id", regions),
                                        ("group", TARGET_GROUPS, "code", groups)):
        if values:
            branches.append(f"SELECT '{kind}', CAST({column} AS TEXT), name FROM {table} "
                            f"WHERE {column} IN ({', '.join(['%s'] * len(values))})")
            params += values
    if branches:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(branches), params)
            for kind, value, name in cursor.fetchall():
                names[f"{kind}:{value}"] = name
    labels = {
        "type": {value: str(label) for value, label in SupportType.choices},
        "status": {value: str(label) for value, label in VersionStatus.choices},
        "issuer": {f"agency:{value}": str(label) for value, label in Agency.choices}
        | {key: name for key, name in names.items() if not key.startswith("group:")},
        "target_group": {key.partition(":")[2]: name for key, name in names.items() if key.startswith("group:")},
    }
    facets = {}
    for facet, values in counts.items():
        label = labels[facet]
        ordered = sorted(values.items(), key=lambda item: (-item[1], label.get(item[0], item[0]), item[0]))
        facets[facet] = [FacetValue(value, label.get(value, value), n) for value, n in ordered]
    return facets


def _ranked_page(backend, query: _Query, filters: _Filters, *, limit: int, offset: int):
    """[(document id, title hit, text rank)] of one page, best first (for at most RANK_LIMIT matches)."""
    matches, params = backend.matches(query, rank=True)
    sql, page_params = _page_sql(backend, query, filters, f"({matches})", params, backend.rank(query))
    with connection.cursor() as cursor:
        cursor.execute(sql, page_params + [limit, offset])
        return [row[:3] for row in cursor.fetchall()]


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
    parsed = _Query.parse(query, PUBLIC_STATUSES if include_all else [VersionStatus.PUBLISHED])
    if not parsed.stems and not parsed.codes:
        return SearchResults(query=query, total=0, hits=[])
    backend = _backend()
    filters = _Filters.parse(type=type, issuer=issuer, target_group=target_group, status=status)
    # Within what the database takes as LIMIT and OFFSET: a page far beyond the last is empty.
    limit, offset = min(max(0, limit), INTEGER_MAX), min(max(0, offset), INTEGER_MAX)
    with planned_with_indexes():
        facets, total, rows = _facets_total_and_page(backend, parsed, filters, limit=limit, offset=offset)
        if rows and total <= RANK_LIMIT and parsed.stems:
            # A status filter narrows the match itself (in the index), not the rows after it.
            narrowed = replace(parsed, statuses=(filters.status,)) if filters.status else parsed
            rows = _ranked_page(backend, narrowed, replace(filters, status=None), limit=limit, offset=offset)
    documents = SearchDocument.objects.select_related(
        "version", "support", "support__issuer_body", "support__issuer_region"
    ).in_bulk([row[0] for row in rows])
    query_stems = set(parsed.stems)
    hits = []
    for pk, title_hit, rank in rows:
        text_rank = max(0.0, float(rank or 0.0))
        hits.append(SearchHit(
            document=documents[pk],
            rank=(1.0 if title_hit else 0.0) + text_rank / (1.0 + text_rank),
            snippet=snippet(documents[pk].body, query_stems),
        ))
    return SearchResults(query=query, total=total, hits=hits, facets=facets)
