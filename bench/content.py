"""Benchmark of the content API, the change feed and FHIR, side by side with the HTML support
page, under `kunskapsnav serve` on the synthetic corpus.

    .venv/bin/python bench/content.py [--size 50000] [--databases sqlite postgresql]

For each database the script builds the corpus (knowledge.corpus, the same as
bench/search.py) in a fresh database, starts `kunskapsnav serve` on it with the documented
production environment (two workers, persistent database connections), and then asks, one
request at a time over a new connection each as a mirror or a journal system would:

- the HTML support page (the reference: what a person reads),
- a valid version as the JSON document of the content API,
- the same document with its ETag in If-None-Match (the 304 answer),
- a page of the change feed from a random cursor,
- a PlanDefinition read and a PlanDefinition search by condition code (FHIR R4).

The anonymous page cache (lib/pagecache.py) is off unless --page-cache: with it, a repeated
request is answered without the view, and the figures would say more about the sample's
repeats than about the application.

Targets are drawn at random (seeded) from the corpus' published versions and codes; each
kind is asked --requests times after a warm-up. It prints p50/p95/max per kind and each
kind's p95 as a share of the HTML page's. Not a test: nothing here asserts, it measures;
docs/performance.md records the results.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import drop_database, free_port, fresh_database, log, percentile, production_env

from kunskapsnav.lib.processes import child_command, child_start

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BENCH_DB = "kunskapsnav_content_bench"
GOALS_MS = {"fhir_read": 30, "fhir_search": 50, "not_modified": 5}
CODES = ["I50", "I63", "E11", "J44", "F32", "I48", "C50", "J45", "N18", "M81"]


# --- the child: build the corpus in one database, in a process of its own ------------------


def build(args):
    """Migrate, load the reference data and the corpus, and print the targets as JSON."""
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kunskapsnav.knowledge.corpus import corpus_generate
    from kunskapsnav.knowledge.models import ContentChange, SupportVersion
    from kunskapsnav.organisation.reference import reference_data_load

    call_command("migrate", verbosity=0, skip_checks=True)
    reference_data_load()

    def progress(done, total, seconds):
        log(f"  {done}/{total} versions, {seconds:.0f} s")

    report = corpus_generate(versions=args.size, recommendations_per_version=10, seed=args.seed, progress=progress)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    published = list(SupportVersion.objects.published().values_list("support_id", "number"))
    rng = random.Random(args.seed)
    print(json.dumps({
        "versions": report.versions, "supports": report.supports, "corpus_seconds": report.seconds,
        "targets": rng.sample(published, min(200, len(published))),
        "newest_cursor": ContentChange.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    }))


# --- the parent: serve, ask, measure ---------------------------------------------------------


def _environment(url: str, folder: Path, page_cache: bool) -> dict:
    # The anonymous page cache would answer a repeated request without the view; off by
    # default so that every figure is the application's own work.
    return {**production_env(folder, url), **({} if page_cache else {"KUNSKAPSNAV_PAGE_CACHE_SECONDS": "0"})}


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    return response.status, dict(response.getheaders()), body, seconds


def _wait(port: int, process: subprocess.Popen):
    for _ in range(240):
        if process.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer")


def _requests(port: int, targets: list, newest: int, rng: random.Random) -> dict:
    """One (path, headers, expected status) maker per kind of request."""

    def etagged(support, number):
        path = f"/api/v1/supports/{support}/versions/{number}"
        return path, {"If-None-Match": _get(port, path)[1].get("ETag", "")}

    conditional = {tuple(t): etagged(*t) for t in targets[:50]}
    return {
        "html_page": lambda: (f"/kunskapsstod/{rng.choice(targets)[0]}/", {}, 200),
        "api_version": lambda: ("/api/v1/supports/{}/versions/{}".format(*rng.choice(targets)), {}, 200),
        "not_modified": lambda: (*conditional[tuple(rng.choice(targets[:50]))], 304),
        "change_page": lambda: (f"/api/v1/changes?since={rng.randint(0, max(newest - 100, 0))}&limit=100", {}, 200),
        "fhir_read": lambda: ("/fhir/PlanDefinition/{}-{}".format(*rng.choice(targets)), {}, 200),
        "fhir_search": lambda: (f"/fhir/PlanDefinition?condition={rng.choice(CODES)}&_count=20", {}, 200),
    }


def measure(port: int, targets: list, newest: int, count: int, seed: int) -> dict:
    rng = random.Random(seed)
    kinds = _requests(port, targets, newest, rng)
    results = {}
    for kind, make in kinds.items():
        for _ in range(10):  # warm-up: both workers, their connections and caches
            _get(port, *make()[:2])
        samples, wrong = [], 0
        for _ in range(count):
            path, headers, expected = make()
            status, _headers, _body, seconds = _get(port, path, headers)
            samples.append(seconds * 1000)
            wrong += status != expected
        results[kind] = {"p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95),
                         "max": max(samples), "wrong_status": wrong}
        log(f"  {kind:<14} p50 {results[kind]['p50']:6.1f} ms  p95 {results[kind]['p95']:6.1f} ms"
             f"  wrong status {wrong}")
    return results


def run(database: str, args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="kunskapsnav-content-"))
    url = fresh_database(database, folder / "content.sqlite3", PG_BENCH_DB)
    try:
        log(f"[{database}] building the corpus of {args.size} versions …")
        built = subprocess.run(child_command([sys.executable, __file__, "--build", "--url", url, "--size",
                                              str(args.size), "--seed", str(args.seed)]),
                               stdout=subprocess.PIPE, text=True, check=True,
                               env={**os.environ, "DATABASE_URL": url, "KUNSKAPSNAV_DATA_DIR": str(folder)})
        corpus = json.loads(built.stdout.strip().splitlines()[-1])
        port = free_port()
        server = child_start([str(BIN / "kunskapsnav"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                             env=_environment(url, folder, args.page_cache), stdout=subprocess.DEVNULL)
        try:
            _wait(port, server)
            log(f"[{database}] measuring, {args.requests} requests per kind …")
            results = measure(port, [tuple(t) for t in corpus["targets"]], corpus["newest_cursor"], args.requests,
                              args.seed)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        return {"database": database, "corpus": {k: v for k, v in corpus.items() if k != "targets"},
                "results": results, "load_average": os.getloadavg()[0]}
    finally:
        drop_database(database, PG_BENCH_DB)
        shutil.rmtree(folder, ignore_errors=True)


def table(runs: list[dict]) -> str:
    lines = ["| request | database | p50 (ms) | p95 (ms) | max (ms) | p95 / HTML page | goal p95 | wrong status |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for run_ in runs:
        page = run_["results"]["html_page"]["p95"]
        for kind, r in run_["results"].items():
            goal = f"≤ {GOALS_MS[kind]}" if kind in GOALS_MS else ""
            lines.append(f"| {kind} | {run_['database']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
                         f"{r['p95'] / page:.2f} | {goal} | {r['wrong_status']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=50000, help="versions in the corpus")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per kind, after a warm-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--page-cache", action="store_true", help="keep the anonymous page cache on, as in production")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args)
        return
    runs = [run(database, args) for database in args.databases]
    print(f"{args.size} versions in the corpus; {args.requests} requests per kind, one at a time, a new "
          f"connection each; kunskapsnav serve with 2 workers; page cache {'on' if args.page_cache else 'off'}\n")
    print(table(runs))
    print("\nLoad average (1 min) after each run: " + "; ".join(f"{r['database']} {r['load_average']:.2f}" for r in runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
