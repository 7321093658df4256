"""Benchmark of the CDS Hooks patient-view service under `kunskapsnav serve` (gunicorn) on
the synthetic corpus, beside a bare Django "hello" view (bench/hello_site.py) served by the
same gunicorn in the same run as the floor.

    .venv/bin/python bench/cds.py [--size 50000] [--databases sqlite postgresql]
                                  [--clients 50] [--seconds 30] [--rate 200]

For each database the script builds the corpus (knowledge.corpus, as bench/content.py) in a
fresh database and registers a journal (interop.models.CdsClient) whose key it holds, starts
`kunskapsnav serve` on it with the documented production environment (two workers,
persistent connections; anonymous calls stay refused, as production refuses them), and then
lets --clients threads call patient-view for --seconds, each call with a JWT of its own
(signed before the run, so that the clients' signing is not timed) and a realistic prefetch:
3–8 conditions (ICD-10-SE from the corpus, some SNOMED CT and some codes no support has) and
5–15 medications (ATC), drawn for 5 000 patients. A new connection per call, as gunicorn's
sync workers close them.

Two runs of each, patient-view and the floor:
- back to back: each client calls again as soon as it has its answer. This finds the
  throughput; the times are then queueing by Little's law (50 clients ÷ calls a second).
- paced: the clients together offer --rate calls a second (the goal's 200), each call at its
  scheduled time and timed from then (paced()), as independent journals call.

Goal: p99 ≤ 100 ms, no errors and at least 200 calls/s: the throughput of the back-to-back
run, the p99 of the paced run (50 clients calling back to back cannot see a p99 under
50 ÷ 200 s = 250 ms at 200 calls/s, so the two goals hold together only for calls that come
at a rate, as a region's journals send them). It prints p50/p95/p99, calls per second and
errors, and the patient-view answers without cards (the time budget ran out, or the database
failed: a 200 the journal can live with, but not the answer asked for). Not a test: nothing
here asserts; docs/performance.md records the results.
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
import threading
import time
import uuid
from pathlib import Path

from common import drop_database, free_port, fresh_database, log, percentile, production_env

from kunskapsnav.lib.processes import child_command, child_start

BIN = Path(sys.executable).parent
PG_BENCH_DB = "kunskapsnav_cds_bench"
ISSUER = "https://bench-journal.example/"
SERVICE = "/cds-services/kunskapsstod-patient-view"
ICD10SE = "urn:oid:1.2.752.116.1.1.1.1.3"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
UNKNOWN_ICD = ["Z00.0", "R51", "K21.9", "H52.1", "L70.0"]  # codes no corpus support carries


# --- the child: build the corpus and register the journal ------------------------------------


def build(args):
    """Migrate, load the reference data and the corpus, register the journal with the public
    key given, and print the codes to draw prefetches from as JSON."""
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kunskapsnav.interop.models import CdsClient
    from kunskapsnav.knowledge.corpus import corpus_generate
    from kunskapsnav.knowledge.models import CodeSystem, RecommendationCode
    from kunskapsnav.organisation.models import Region
    from kunskapsnav.organisation.reference import reference_data_load

    call_command("migrate", verbosity=0, skip_checks=True)
    reference_data_load()

    def progress(done, total, seconds):
        log(f"  {done}/{total} versions, {seconds:.0f} s")

    report = corpus_generate(versions=args.size, recommendations_per_version=10, seed=args.seed, progress=progress)
    CdsClient.objects.create(name="Bench journal", issuer=ISSUER, region=Region.objects.get(county_code="18"),
                             jwks={"keys": [json.loads(args.public_key)]})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def codes(system):
        return sorted(set(RecommendationCode.objects.filter(system=system).values_list("code", flat=True)))

    print(json.dumps({"versions": report.versions, "icd": codes(CodeSystem.ICD10SE),
                      "snomed": codes(CodeSystem.SNOMED), "atc": codes(CodeSystem.ATC)}))


# --- the parent: serve, call, measure --------------------------------------------------------


def _resource(kind: str, system: str, code: str) -> dict:
    patient = {"reference": "Patient/bench"}
    if kind == "Condition":
        return {"resource": {"resourceType": "Condition", "subject": patient,
                             "code": {"coding": [{"system": system, "code": code}]}}}
    return {"resource": {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                         "subject": patient, "medicationCodeableConcept": {"coding": [{"system": system, "code": code}]}}}


def _body(rng: random.Random, codes: dict) -> bytes:
    conditions = []
    for _ in range(rng.randint(3, 8)):
        roll = rng.random()
        if roll < 0.6:
            icd = rng.choice(codes["icd"])
            conditions.append((ICD10SE, icd + ("1" if "." in icd and len(icd) < 7 else ".9" if "." not in icd else "")))
        elif roll < 0.8 and codes["snomed"]:
            conditions.append((SNOMED, rng.choice(codes["snomed"])))
        else:
            conditions.append((ICD10SE, rng.choice(UNKNOWN_ICD)))
    medications = [(ATC, rng.choice(codes["atc"]) if codes["atc"] else "N02BE01") for _ in range(rng.randint(5, 15))]
    body = {
        "hook": "patient-view", "hookInstance": str(uuid.UUID(int=rng.getrandbits(128))),
        "context": {"userId": "Practitioner/bench", "patientId": "bench"},
        "prefetch": {
            "conditions": {"resourceType": "Bundle", "type": "searchset",
                           "entry": [_resource("Condition", s, c) for s, c in conditions]},
            "medications": {"resourceType": "Bundle", "type": "searchset",
                            "entry": [_resource("MedicationRequest", s, c) for s, c in medications]},
        },
    }
    return json.dumps(body).encode()


def _tokens(key, count: int, audience: str) -> list[str]:
    from joserfc import jwt

    now = int(time.time())
    return [jwt.encode({"alg": "ES384", "typ": "JWT", "kid": "bench-1"},
                       {"iss": ISSUER, "aud": audience, "iat": now, "exp": now + 290, "jti": str(uuid.uuid4()),
                        "tenant": "SE2321000164-bench01"}, key, algorithms=["ES384"]) for _ in range(count)]


def _call(port: int, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        return response.status, time.perf_counter() - started, answer
    finally:
        connection.close()


def _no_cards(answer: bytes) -> bool:
    """An empty card list: what the service answers when the database failed or the call ran
    past its time budget (every prefetch drawn here has codes of the corpus)."""
    return json.loads(answer).get("cards") == []


def _wait(port: int, path: str, process: subprocess.Popen):
    for _ in range(240):
        if process.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            if _call(port, "GET", path, None, {})[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer")


class _Tally:
    """The answers of one run, counted by the client threads together."""

    def __init__(self):
        self.samples, self.errors, self.empty, self.lock = [], 0, 0, threading.Lock()

    def record(self, status: int, seconds: float, answer: bytes):
        with self.lock:
            if status == 200:
                self.samples.append(seconds * 1000)
                self.empty += answer.startswith(b"{") and _no_cards(answer)
            else:
                self.errors += 1

    def summary(self, wall: float) -> dict:
        if not self.samples:
            return {"calls": 0, "errors": self.errors, "empty": 0, "per_second": 0.0, "p50": 0.0, "p95": 0.0,
                    "p99": 0.0}
        return {"calls": len(self.samples), "errors": self.errors, "empty": self.empty,
                "per_second": len(self.samples) / wall, "p50": percentile(self.samples, 0.5),
                "p95": percentile(self.samples, 0.95), "p99": percentile(self.samples, 0.99)}


def _attempt(request) -> tuple[int, float, bytes]:
    try:
        return request()
    except OSError:
        return 0, 0.0, b""


def _together(clients: int, client):
    """Run client(number) in `clients` threads and wait for all of them."""
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def hammer(clients: int, seconds: float, request) -> dict:
    """`clients` threads call request() (→ status, seconds, answer) until the time is up.
    Answers without cards are counted apart (`empty`); they are in the timings."""
    tally = _Tally()
    deadline = time.perf_counter() + seconds

    def client(_number: int):
        while time.perf_counter() < deadline:
            tally.record(*_attempt(request))

    started = time.perf_counter()
    _together(clients, client)
    return tally.summary(time.perf_counter() - started)


def paced(clients: int, rate: float, seconds: float, request) -> dict:
    """`clients` threads that together offer `rate` calls a second, each call at its
    scheduled time (client i's k-th call at start + (i / clients + k) * clients / rate), as
    independent journals do: one clinician's patient view does not wait for another's. The
    time of a call is counted from its scheduled start, not from when it was sent, so that a
    client held up by a slow answer counts the wait too (no coordinated omission): past the
    server's capacity the times grow without bound, as they would for the journals."""
    tally = _Tally()
    interval = clients / rate
    start = time.perf_counter() + 0.2

    def client(number: int):
        scheduled = start + number * interval / clients
        while scheduled < start + seconds:
            wait = scheduled - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            status, _elapsed, answer = _attempt(request)
            tally.record(status, time.perf_counter() - scheduled, answer)
            scheduled += interval

    _together(clients, client)
    return tally.summary(time.perf_counter() - start)


def run(database: str, args) -> dict:
    from joserfc.jwk import ECKey

    key = ECKey.generate_key("P-384", parameters={"kid": "bench-1"})
    folder = Path(tempfile.mkdtemp(prefix="kunskapsnav-cds-"))
    url = fresh_database(database, folder / "cds.sqlite3", PG_BENCH_DB)
    try:
        log(f"[{database}] building the corpus of {args.size} versions …")
        built = subprocess.run(child_command([sys.executable, __file__, "--build", "--url", url, "--size",
                                              str(args.size), "--seed", str(args.seed), "--public-key",
                                              json.dumps(key.as_dict(private=False))]),
                               stdout=subprocess.PIPE, text=True, check=True,
                               env={**os.environ, "DATABASE_URL": url, "KUNSKAPSNAV_DATA_DIR": str(folder)})
        codes = json.loads(built.stdout.strip().splitlines()[-1])
        rng = random.Random(args.seed)
        bodies = [_body(rng, codes) for _ in range(5000)]
        port, floor_port = free_port(), free_port()
        env = production_env(folder, url)
        site = f"http://127.0.0.1:{port}"
        env["SITE_URL"] = site
        # As many tokens as the two runs could use, and a margin; each is used once.
        tokens = _tokens(key, int(args.seconds * (1000 + args.rate)) + 2000, site + SERVICE)
        server = child_start([str(BIN / "kunskapsnav"), "serve", "--bind", f"127.0.0.1:{port}", "--workers",
                              str(args.workers)], env=env, stdout=subprocess.DEVNULL)
        floor = child_start([str(BIN / "gunicorn"), "hello_site:application", "--bind", f"127.0.0.1:{floor_port}",
                             "--workers", str(args.workers), "--log-level", "warning"],
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent)})
        try:
            _wait(port, "/healthz", server)
            _wait(floor_port, "/hello", floor)
            lock = threading.Lock()

            def patient_view():
                with lock:
                    token = tokens.pop()
                    body = bodies[len(tokens) % len(bodies)]
                return _call(port, "POST", SERVICE, body, {"Content-Type": "application/json",
                                                           "Authorization": f"Bearer {token}"})

            for _ in range(20):  # warm-up: both workers, their connections
                patient_view()
            def hello():
                return _call(floor_port, "GET", "/hello", None, {})

            log(f"[{database}] {args.clients} clients back to back for {args.seconds:.0f} s, then at "
                f"{args.rate:.0f} calls/s …")
            results = {"patient_view": hammer(args.clients, args.seconds, patient_view),
                       "hello_floor": hammer(args.clients, args.seconds, hello),
                       f"patient_view at {args.rate:.0f}/s": paced(args.clients, args.rate, args.seconds, patient_view),
                       f"hello_floor at {args.rate:.0f}/s": paced(args.clients, args.rate, args.seconds, hello)}
        finally:
            for process in (server, floor):
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        for kind, r in results.items():
            log(f"  {kind:<24} {r['per_second']:6.1f}/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  "
                f"p99 {r['p99']:6.1f} ms  errors {r['errors']}  without cards {r['empty']}")
        return {"database": database, "versions": codes["versions"], "results": results,
                "load_average": os.getloadavg()[0]}
    finally:
        drop_database(database, PG_BENCH_DB)
        shutil.rmtree(folder, ignore_errors=True)


def table(runs: list[dict]) -> str:
    lines = ["| endpoint | database | calls/s | p50 (ms) | p95 (ms) | p99 (ms) | errors | without cards |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for run_ in runs:
        for kind, r in run_["results"].items():
            lines.append(f"| {kind} | {run_['database']} | {r['per_second']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                         f"{r['p99']:.1f} | {r['errors']} | {r['empty']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=50000, help="versions in the corpus")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=200,
                        help="calls a second the clients offer together in the paced run (the goal's rate)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: one per core)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--public-key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args)
        return
    runs = [run(database, args) for database in args.databases]
    print(f"{runs[0]['versions'] if runs else args.size} versions in the corpus; {args.clients} concurrent clients for "
          f"{args.seconds:.0f} s each, back to back and then offering {args.rate:.0f} calls/s together; "
          f"kunskapsnav serve and the floor with {args.workers} workers\n")
    print(table(runs))
    print("\nLoad average (1 min) after each run: " + "; ".join(f"{r['database']} {r['load_average']:.2f}" for r in runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
