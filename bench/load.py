"""Load benchmark: `kunskapsnav serve` (gunicorn) on the demo data under locust, side by side
with a bare Django view served the same way, measured in one run on one machine.

    .venv/bin/python bench/load.py                      # SQLite, 2 workers, 30 s per mix
    .venv/bin/python bench/load.py --database postgresql --duration 60

Three mixes, each for --duration seconds with --users concurrent users asking without
pause (bench/locustfile.py): the floor (a Django "hello" view in a minimal project of its
own, same gunicorn and workers), the public mix (start, knowledge portal, a support page,
search, the national matrix, an indicator page) and the logged-in mix (a regional
coordinator's pages). Locust runs on the same machine, so the figures include the load
generator's share of the CPU. The script prints requests per second, the median and the
99th percentile and the failures of each mix, and each mix's throughput as a share of the
floor's. Not a test: it measures; docs/performance.md records the results.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import free_port, log, production_env

from kunskapsnav.lib.processes import child_start

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "kunskapsnav-demo"


POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kunskapsnav_load"


def _database_url(kind: str, folder: Path) -> str:
    return f"sqlite:///{folder / 'kunskapsnav.sqlite3'}" if kind == "sqlite" else POSTGRES_URL


def _postgres_recreate():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS kunskapsnav_load WITH (FORCE)")
        conn.execute("CREATE DATABASE kunskapsnav_load")


def _wait(url: str, process: subprocess.Popen):
    for _ in range(240):
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {url}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


def _stop(process: subprocess.Popen):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _serve_floor(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(BENCH)}
    return child_start([str(BIN / "gunicorn"), "hello_site:application", "--bind", f"127.0.0.1:{port}",
                        "--workers", str(workers), "--log-level", "warning"], env=env)


def _serve_platform(port: int, workers: int, env: dict) -> subprocess.Popen:
    return child_start([str(BIN / "kunskapsnav"), "serve", "--bind", f"127.0.0.1:{port}",
                        "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL)


def _targets(base: str) -> dict:
    """A published support and an indicator code of the demo data, read through the API."""
    supports = json.load(urllib.request.urlopen(f"{base}/api/v1/supports?limit=1"))["items"]
    indicators = json.load(urllib.request.urlopen(f"{base}/api/v1/indicators"))
    return {"LOAD_SUPPORT": str(supports[0]["id"]), "LOAD_INDICATOR": indicators[0]["code"]}


def _signed_in_session(base: str, username: str, password: str) -> str:
    """Sign in once through the login form and return the session cookie. The logged-in
    users share it, so the measured window holds page views only: a sign-in is meant to be
    slow (the password hash), and twenty at once would fill the first seconds of the run."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/konto/logga-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    opener.open(urllib.request.Request(f"{base}/konto/logga-in/", data=form.encode(),
                                       headers={"Referer": f"{base}/konto/logga-in/"}))
    session = next((cookie.value for cookie in jar if cookie.name == "sessionid"), None)
    # A page that needs signing in is answered, not redirected to the login form.
    if session is None or "logga-in" in opener.open(f"{base}/inforande/").geturl():
        raise SystemExit(f"could not sign in as {username}")
    return session


def _locust(host: str, user_class: str, tag: str, args, out: Path, extra_env: dict) -> dict:
    prefix = out / tag
    command = [str(BIN / "locust"), "-f", str(BENCH / "locustfile.py"), user_class, "--headless", "--host", host,
               "--users", str(args.users), "--spawn-rate", str(args.users), "--run-time", f"{args.duration}s",
               "--tags", tag, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    subprocess.run(command, env={**os.environ, **extra_env}, check=False, stdout=subprocess.DEVNULL)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = {r["Name"]: r for r in rows if r["Name"] != "Aggregated" and not r["Name"].startswith("login")}
    return {
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p99": float(total["99%"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "pages": {name: (float(r["Requests/s"]), float(r["50%"]), float(r["99%"])) for name, r in pages.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: one per core)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30, help="seconds per mix")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kunskapsnav-load"))
    parser.add_argument("--reuse", action="store_true", help="keep the demo data an earlier run left in --folder")
    args = parser.parse_args()

    folder = args.folder.resolve()
    if not args.reuse and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    env = production_env(folder, _database_url(args.database, folder))
    if not args.reuse:
        if args.database == "postgresql":
            _postgres_recreate()
        log("loading the demo data …")
        subprocess.run([str(BIN / "kunskapsnav"), "demo", "--no-serve"], env=env, check=True,
                       stdout=subprocess.DEVNULL)

    results = {}
    floor_port, platform_port = free_port(), free_port()
    floor = _serve_floor(floor_port, args.workers)
    server = _serve_platform(platform_port, args.workers, env)
    try:
        _wait(f"http://127.0.0.1:{floor_port}/hello", floor)
        _wait(f"http://127.0.0.1:{platform_port}/healthz", server)
        base = f"http://127.0.0.1:{platform_port}"
        staff = {"LOAD_SESSION": _signed_in_session(base, "samordnare-orebro", DEMO_PASSWORD), "LOAD_REGION": "18"}
        targets = _targets(base)
        log(f"floor, then public and logged-in mixes: {args.users} users × {args.duration} s each, "
             f"{args.workers} workers, {args.database}")
        results["floor"] = _locust(f"http://127.0.0.1:{floor_port}", "Floor", "floor", args, folder, {})
        results["public"] = _locust(base, "Public", "public", args, folder, targets)
        results["staff"] = _locust(base, "Staff", "staff", args, folder, {**targets, **staff})
    finally:
        _stop(server)
        _stop(floor)

    floor_rps = results["floor"]["rps"] or 1
    print(f"\n{'mix':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failures':>9} {'of floor':>9}")
    for mix, r in results.items():
        print(f"{mix:<8} {r['rps']:>8.1f} {r['p50']:>8.0f} {r['p99']:>8.0f} {r['failures']:>9} "
              f"{r['rps'] / floor_rps:>9.2f}")
    for mix in ("public", "staff"):
        print(f"\n{mix} pages: req/s, p50 ms, p99 ms")
        for name, (rps, p50, p99) in sorted(results[mix]["pages"].items()):
            print(f"  {name:<24} {rps:>7.1f} {p50:>7.0f} {p99:>7.0f}")


if __name__ == "__main__":
    main()
