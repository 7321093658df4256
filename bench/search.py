"""Benchmark of knowledge.search on SQLite and PostgreSQL, side by side with tantivy.

    .venv/bin/python bench/search.py [--sizes 5000 50000] [--databases sqlite postgresql]

For each size and database the script builds the synthetic corpus (knowledge.corpus) in a
fresh database (a SQLite file under /tmp, or a PostgreSQL database `kunskapsnav_bench` on
127.0.0.1:5432 as user postgres, created and dropped here), runs a fixed set of queries as
the portal runs them (first page of 20, with facets, and the page's fields read), then
indexes the same search documents in tantivy (Swedish Snowball stemmer, the same stop
words) and runs the same queries there: top 20 with count, the stored documents, a body
snippet and the same four facets as terms aggregations. It reports p50/p95 latencies and
the ratio ours/tantivy.

Each (size, database) runs in its own child process, because Django's settings are fixed
once per process. Not a test: nothing here asserts, it measures.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import log, percentile

from kunskapsnav.lib.processes import child_command

ROOT = Path(__file__).resolve().parent.parent
PG_DSN = "postgresql://postgres@127.0.0.1:5432/{name}"
PG_BENCH_DB = "kunskapsnav_bench"
PAGE = 20

# (query, kind) – the kinds are only for reading the table; every query counts in p50/p95.
QUERIES = [
    ("behandling", "common"),
    ("hjärtsvikt", "common"),
    ("hjärtsvikten", "common"),
    ("uppföljning", "common"),
    ("patienter", "common"),
    ("läkemedel", "common"),
    ("diabetes", "common"),
    ("cancer", "common"),
    ("stroke", "medium"),
    ("depression", "medium"),
    ("biverkningarna", "medium"),
    ("spirometri", "medium"),
    ("hjärtsvikt behandling", "two words"),
    ("stroke rehabilitering", "two words"),
    ("depression KBT", "two words"),
    ("astma barn", "two words"),
    ("bröstcancer strålbehandling", "two words"),
    ("äldre fallprevention", "two words"),
    ("förmaksflimmer apixaban", "two words"),
    ("KOL spirometri", "two words"),
    ("patienter med hjärtsvikt", "two words"),
    ("nationellt vårdprogram", "two words"),
    ("I63", "code"),
    ("I50.9", "code"),
    ("N05AH03", "code"),
    ("FNG05", "code"),
    ("C09AA05", "code"),
    ("E11", "code"),
    ("84114007", "code"),
    ("hjärtsvikt I50", "text+code"),
    ("metformin E11", "text+code"),
    ("uppföljning N06AB06", "text+code"),
    ("feokromocytom", "rare"),
    ("sarkoidos", "rare"),
    ("tuberkulos", "rare"),
    ("kardiomyopati behandling", "rare"),
    ("xylofon", "no hits"),
]


# --- the child: one database, one size ------------------------------------------------------


def _database_url(database: str, size: int) -> str:
    if database == "sqlite":
        path = Path(tempfile.gettempdir()) / f"kunskapsnav_bench_{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_DSN.format(name="postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_DSN.format(name=PG_BENCH_DB)


def _drop(database: str, url: str):
    if database == "sqlite":
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_DSN.format(name="postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def _summary(samples: dict[str, list[float]]) -> dict:
    everything = [s for values in samples.values() for s in values]
    return {
        "p50_ms": 1000 * percentile(everything, 0.50),
        "p95_ms": 1000 * percentile(everything, 0.95),
        "max_ms": 1000 * max(everything),
        "per_query_median_ms": {q: 1000 * statistics.median(v) for q, v in samples.items()},
    }


def _run_ours(repeats: int) -> tuple[dict, dict[str, int]]:
    from kunskapsnav.knowledge import search

    def portal(query: str) -> int:
        results = search.search(query, limit=PAGE, offset=0)
        for hit in results.hits:  # what the results page reads
            (hit.support.title, hit.support.get_type_display(), hit.support.issuer, hit.version.number,
             hit.version.status, str(hit.snippet), search.highlight_title(hit.support.title, query))
        for values in results.facets.values():
            [(f.value, f.label, f.count) for f in values]
        return results.total

    totals = {q: portal(q) for q, _kind in QUERIES}  # warm-up
    samples: dict[str, list[float]] = {q: [] for q, _kind in QUERIES}
    for _round in range(repeats):
        for query, _kind in QUERIES:
            started = time.perf_counter()
            portal(query)
            samples[query].append(time.perf_counter() - started)
    return _summary(samples), totals


def _tantivy_documents():
    """The same search documents, with the facet values the portal shows."""
    from kunskapsnav.knowledge.models import KnowledgeSupport, SearchDocument

    groups: dict[int, list[str]] = {}
    through = KnowledgeSupport.target_groups.through
    for support_id, code in through.objects.values_list("knowledgesupport_id", "targetgroup__code"):
        groups.setdefault(support_id, []).append(code)
    rows = SearchDocument.objects.values_list(
        "id", "title", "body", "codes", "status", "support_id", "support__type", "support__issuer_body_id",
        "support__issuer_region_id", "support__issuer_agency",
    )
    for doc_id, title, body, codes, status, support_id, type_, body_id, region_id, agency in rows.iterator(2000):
        issuer = f"body:{body_id}" if body_id else f"region:{region_id}" if region_id else f"agency:{agency}"
        yield {
            "id": doc_id, "title": title, "body": body, "codes": _code_prefixes(codes), "status": status,
            "type": type_, "issuer": issuer, "target_group": groups.get(support_id, []),
        }


def _code_prefixes(codes: str) -> list[str]:
    """I63.9 → I6, I63, I639: a code query is then one term. Without the dot, as our search
    matches codes (I63.9 typed as I639 is the same code)."""
    prefixes = set()
    for code in codes.replace(".", "").split():
        prefixes.update(code[:n] for n in range(2, len(code) + 1))
    return sorted(prefixes)


def _run_tantivy(repeats: int) -> tuple[dict, dict[str, int], float]:
    import tantivy
    from tantivy import Filter, Occur, Query, SchemaBuilder, SnippetGenerator, TextAnalyzerBuilder, Tokenizer

    from kunskapsnav.knowledge import search

    builder = SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=True, tokenizer_name="sv")
    builder.add_text_field("body", stored=True, tokenizer_name="sv")
    builder.add_text_field("codes", tokenizer_name="raw")
    for name in ("status", "type", "issuer", "target_group"):
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    schema = builder.build()
    directory = tempfile.mkdtemp(prefix="kunskapsnav_tantivy_")
    index = tantivy.Index(schema, path=directory)
    analyzer = (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.lowercase())
        .filter(Filter.custom_stopword(sorted(search.stop_words())))
        .filter(Filter.stemmer("swedish"))
        .build()
    )
    index.register_tokenizer("sv", analyzer)
    started = time.perf_counter()
    writer = index.writer(heap_size=256_000_000)
    for doc in _tantivy_documents():
        writer.add_document(tantivy.Document(**doc))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    index_seconds = time.perf_counter() - started
    searcher = index.searcher()
    aggregations = {
        name: {"terms": {"field": name, "size": 100}} for name in ("type", "status", "issuer", "target_group")
    }

    def build(query: str):
        text, code_terms = search.split_query(query)
        clauses = [(Occur.Must, Query.term_query(schema, "status", "publicerad"))]
        for stem in search.stems(text):
            either = Query.boolean_query([
                (Occur.Should, Query.term_query(schema, "title", stem)),
                (Occur.Should, Query.term_query(schema, "body", stem)),
            ])
            clauses.append((Occur.Must, either))
        for code in code_terms:
            clauses.append((Occur.Must, Query.term_query(schema, "codes", code.replace(".", ""))))
        return Query.boolean_query(clauses)

    def portal(query: str) -> int:
        q = build(query)
        result = searcher.search(q, PAGE, count=True)
        snippets = SnippetGenerator.create(searcher, q, schema, "body")
        for _score, address in result.hits:
            doc = searcher.doc(address)
            (doc["title"], doc["status"], snippets.snippet_from_doc(doc).to_html())
        searcher.aggregate(q, aggregations)
        return result.count

    totals = {q: portal(q) for q, _kind in QUERIES}
    samples: dict[str, list[float]] = {q: [] for q, _kind in QUERIES}
    for _round in range(repeats):
        for query, _kind in QUERIES:
            started = time.perf_counter()
            portal(query)
            samples[query].append(time.perf_counter() - started)
    shutil.rmtree(directory, ignore_errors=True)
    return _summary(samples), totals, index_seconds


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _settle():
    """What an operator does after a bulk load: statistics for the planner."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def worker(args):
    url = _database_url(args.database, args.size)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from kunskapsnav.knowledge.corpus import corpus_generate
    from kunskapsnav.knowledge.models import SearchDocument
    from kunskapsnav.organisation.reference import reference_data_load

    try:
        call_command("migrate", verbosity=0, skip_checks=True)
        reference_data_load()
        log(f"[{args.database} {args.size}] building the corpus …")

        def progress(done, total, seconds):
            log(f"[{args.database} {args.size}]   {done}/{total} versions, {seconds:.1f} s")

        report = corpus_generate(versions=args.size, recommendations_per_version=args.recommendations,
                                 seed=args.seed, progress=progress)
        started = time.perf_counter()
        _settle()
        settle_seconds = time.perf_counter() - started
        published = SearchDocument.objects.filter(status="publicerad").count()
        load_before = os.getloadavg()[0]
        log(f"[{args.database} {args.size}] corpus in {report.seconds:.1f} s; "
             f"running {len(QUERIES)} queries × {args.repeats} …")
        ours, our_totals = _run_ours(args.repeats)
        log(f"[{args.database} {args.size}] ours p50 {ours['p50_ms']:.2f} ms, p95 {ours['p95_ms']:.2f} ms; tantivy …")
        theirs, their_totals, tantivy_index_seconds = _run_tantivy(args.repeats)
        log(f"[{args.database} {args.size}] tantivy p50 {theirs['p50_ms']:.2f} ms, p95 {theirs['p95_ms']:.2f} ms")
        result = {
            "database": args.database, "database_version": _database_version(), "size": args.size,
            "recommendations": report.recommendations, "supports": report.supports, "published": published,
            "corpus_seconds": report.seconds, "settle_seconds": settle_seconds,
            "tantivy_index_seconds": tantivy_index_seconds, "ours": ours, "tantivy": theirs,
            "totals": {q: [our_totals[q], their_totals[q]] for q, _kind in QUERIES},
            "load_average": [load_before, os.getloadavg()[0]],
        }
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop(args.database, url)
    print(json.dumps(result))


# --- the parent: one child per (size, database), then the table -----------------------------


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    import sqlite3

    import tantivy

    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "tantivy": getattr(tantivy, "__version__", "?")}


def table(results: list[dict]) -> str:
    lines = [
        "| versions | database | corpus (s) | ours p50 (ms) | ours p95 (ms) | tantivy p50 (ms) | tantivy p95 (ms) "
        "| p95 ours/tantivy | same totals |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        same = sum(1 for ours, theirs in r["totals"].values() if ours == theirs)
        lines.append(
            f"| {r['size']:,} | {r['database_version']} | {r['corpus_seconds']:.0f} | {r['ours']['p50_ms']:.2f} | "
            f"{r['ours']['p95_ms']:.2f} | {r['tantivy']['p50_ms']:.2f} | {r['tantivy']['p95_ms']:.2f} | "
            f"{r['ours']['p95_ms'] / r['tantivy']['p95_ms']:.1f}× | {same}/{len(r['totals'])} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000], help="versions in the corpus")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--recommendations", type=int, default=10, help="recommendations per version")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds over the query set, after one warm-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--keep", action="store_true", help="keep the databases (for poking at them afterwards)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    results = []
    for size in args.sizes:
        for database in args.databases:
            command = [sys.executable, __file__, "--worker", "--size", str(size), "--database", database,
                       "--recommendations", str(args.recommendations), "--repeats", str(args.repeats),
                       "--seed", str(args.seed)] + (["--keep"] if args.keep else [])
            done = subprocess.run(child_command(command), stdout=subprocess.PIPE, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    info = machine()
    print(f"Machine: {info['nproc']} × {info['cpu']}, {info['memory_gb']} GB; Python {info['python']}; "
          f"tantivy-py {info['tantivy']}")
    print(f"{len(QUERIES)} queries, first page of {PAGE} with facets; p50/p95 over all queries × repeats\n")
    print(table(results))
    print("\nLoad average (1 min) before and after the timed queries: " + "; ".join(
        f"{r['size']:,} {r['database']}: {r['load_average'][0]:.2f} → {r['load_average'][1]:.2f}" for r in results
    ))
    print("\nPer query (median ms, ours / tantivy; totals ours / tantivy):")
    for r in results:
        print(f"\n{r['size']:,} versions, {r['database_version']}:")
        for query, kind in QUERIES:
            ours, theirs = r["totals"][query]
            print(f"  {query:<30} {kind:<10} {r['ours']['per_query_median_ms'][query]:8.2f} / "
                  f"{r['tantivy']['per_query_median_ms'][query]:6.2f}   hits {ours} / {theirs}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
