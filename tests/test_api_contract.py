"""The JSON API against its own OpenAPI document, as another system sees it.

schemathesis runs every operation of /api/v1/openapi.json with all its checks, a fixed seed
and a bounded number of examples, anonymously and with a national administrator's token,
against a running server over a database of its own with the demo data (on the database
the suite runs on: SQLite, or a database beside the test database on PostgreSQL). It fails
on any 5xx, any response the document does not describe and any undocumented status.

KUNSKAPSNAV_CONTRACT_EXAMPLES sets the examples per operation (default 10).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from kunskapsnav.lib.processes import child_start

pytestmark = pytest.mark.contract

CONFIG = Path(__file__).parent / "contract" / "schemathesis.toml"
EXAMPLES = os.environ.get("KUNSKAPSNAV_CONTRACT_EXAMPLES", "10")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """A database of the run's own, of the kind the suite runs on."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'contract.sqlite3'}"
    import psycopg

    name = f"{db['NAME']}_contract"
    server = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"])
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{server['host']}:{server['port']}/{name}"


def _run(env, *args) -> str:
    done = subprocess.run([sys.executable, "-m", "kunskapsnav.cli", *args], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("contract")
    env = {**os.environ, "DATABASE_URL": _database_url(tmp_path), "KUNSKAPSNAV_DEMO": "1", "DEBUG": "0",
           "KUNSKAPSNAV_DATA_DIR": str(tmp_path)}
    _run(env, "demo", "--no-serve")
    token = _run(env, "manage", "create_api_token", "admin").strip().splitlines()[-1]
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    process = child_start([sys.executable, "-m", "kunskapsnav.cli", "manage", "runserver", f"127.0.0.1:{port}",
                           "--noreload", "--skip-checks"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield {"base": base, "token": token, "tmp": tmp_path}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _schemathesis(server, *extra) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(CONFIG), "--no-color",
               "run", f"{server['base']}/api/v1/openapi.json", "--checks", "all", "--seed", "1",
               "--max-examples", EXAMPLES, "--generation-database", "none", *extra]
    return subprocess.run(command, cwd=server["tmp"], capture_output=True, text=True, timeout=1800)


def _failures(output: str) -> str:
    start = output.find("FAILURES")
    return output[start:][:8000] if start >= 0 else output[-8000:]


def test_anonymous_use_of_the_api_keeps_to_its_document(server):
    done = _schemathesis(server)
    assert done.returncode == 0, _failures(done.stdout + done.stderr)


def test_use_with_a_token_keeps_to_the_document(server):
    done = _schemathesis(server, "--header", f"Authorization: Bearer {server['token']}")
    assert done.returncode == 0, _failures(done.stdout + done.stderr)
