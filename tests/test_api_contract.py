"""The JSON API against its own OpenAPI document, as another system sees it.

schemathesis runs every operation of /api/v1/openapi.json with all its checks, a fixed seed
and a bounded number of examples, anonymously and with a national administrator's token,
against a running server over a database of its own with the demo data (on the database
the suite runs on: SQLite, or a database beside the test database on PostgreSQL). It fails
on any 5xx, any response the document does not describe and any undocumented status.

KUNSKAPSNAV_CONTRACT_EXAMPLES sets the examples per operation (default 10).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import free_port, fresh_database_url, kunskapsnav, start, stop, wait_until_answering

pytestmark = pytest.mark.contract

CONFIG = Path(__file__).parent / "contract" / "schemathesis.toml"
EXAMPLES = os.environ.get("KUNSKAPSNAV_CONTRACT_EXAMPLES", "10")


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("contract")
    env = {**os.environ, "DATABASE_URL": fresh_database_url(tmp_path, "contract"), "KUNSKAPSNAV_DEMO": "1",
           "DEBUG": "0", "KUNSKAPSNAV_DATA_DIR": str(tmp_path),
           # The contract is about the API's shapes, not the nation's volumes: a small demo.
           "KUNSKAPSNAV_DEMO_PERSONS": "20000"}
    kunskapsnav(env, "demo", "--no-serve")
    token = kunskapsnav(env, "manage", "create_api_token", "admin").stdout.strip().splitlines()[-1]
    port = free_port()
    log = tmp_path / "server.log"
    process = start(env, log, "manage", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, log)
        yield {"base": base, "token": token, "tmp": tmp_path}
    finally:
        stop(process)


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
