"""Running Kunskapsnav as separate processes in a test: a database of the test's own (of the
kind the suite runs on), the `kunskapsnav` command, and waiting for a server to answer."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from kunskapsnav.lib.processes import child_start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server() -> dict:
    db = settings.DATABASES["default"]
    return dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"])


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def fresh_database_url(tmp_path: Path, name: str) -> str:
    """An empty database called `name` of the kind the suite runs on: a SQLite file under
    tmp_path, or a database beside the test database on the same PostgreSQL server.

    Its name is taken from the test database's, which is the suite's own (one per xdist
    worker) only once the test database is set up: a fixture that calls this requests
    django_db_setup, also when its tests use no database themselves."""
    if not on_postgresql():
        return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    import psycopg

    full_name = f"{settings.DATABASES['default']['NAME']}_{name}"
    server = _server()
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{full_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{full_name}"')
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{full_name}"


def kunskapsnav(env: dict, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """`kunskapsnav …` to the end; fails the test with its output if it fails."""
    done = subprocess.run([sys.executable, "-m", "kunskapsnav.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def start(env: dict, log_path: Path, *args: str) -> subprocess.Popen:
    """`kunskapsnav …` in the background, its output in log_path."""
    log = open(log_path, "w")
    # A child that ends with the test run, even when the run is killed.
    return child_start([sys.executable, "-m", "kunskapsnav.cli", *args], env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_answering(url: str, process: subprocess.Popen, log_path: Path, seconds: float = 180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped ({process.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url}:\n{log_path.read_text()[-3000:]}")


def stop(process: subprocess.Popen, seconds: float = 30) -> int:
    if process.poll() is None:
        process.terminate()
    return process.wait(timeout=seconds)

