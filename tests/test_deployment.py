"""Deployment as a region runs it (docs/deployment.md), checked as far as it can be without a
server room: the systemd units in deploy/ are valid and start real commands, `kunskapsnav
serve` runs on the suite's database with the documented production environment
(deploy/production.env) and answers with the HTTPS protections on, the background worker runs
as a process of its own and works the queue the web side fills, and both stop on SIGTERM.
"""

import configparser
import os
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, fresh_database_url, kunskapsnav, start, stop, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("kunskapsnav-*"))
INSTALLED_COMMAND = "/opt/kunskapsnav/.venv/bin/kunskapsnav"


def _unit(path: Path) -> configparser.ConfigParser:
    # systemd allows a key more than once (ExecStart of a oneshot): keep every value.
    parser = configparser.ConfigParser(strict=False, interpolation=None, dict_type=_MultiDict, empty_lines_in_values=False)
    parser.optionxform = str
    parser.read(path)
    return parser


class _MultiDict(dict):
    def __setitem__(self, key, value):
        if key in self and isinstance(value, list) and isinstance(self[key], list):
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def _exec_starts(path: Path) -> list[list[str]]:
    unit = _unit(path)
    raw = unit.get("Service", "ExecStart", raw=True, fallback="")
    return [shlex.split(line) for line in raw.splitlines() if line.strip()]


def production_environment(**overrides: str) -> dict:
    """The variables of deploy/production.env (the documented production environment), with
    what a region fills in, then the overrides."""
    env = {}
    for line in (DEPLOY / "production.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return {**keep, **env, **overrides}


def test_every_service_unit_has_its_timer_or_install_section():
    services = {path.stem for path in UNITS if path.suffix == ".service"}
    timers = {path.stem for path in UNITS if path.suffix == ".timer"}
    assert {"kunskapsnav-web", "kunskapsnav-worker", "kunskapsnav-daily", "kunskapsnav-backup"} <= services
    assert timers <= services, "a timer without its service"
    for name in services - timers:
        assert _unit(DEPLOY / "systemd" / f"{name}.service").has_section("Install"), name


@pytest.mark.parametrize("path", [p for p in UNITS if p.suffix == ".service"], ids=lambda p: p.name)
def test_units_start_real_commands_with_the_production_environment(path):
    unit = _unit(path)
    assert unit.get("Service", "EnvironmentFile") == "/etc/kunskapsnav/kunskapsnav.env"
    assert unit.get("Service", "User") == "kunskapsnav"
    commands = _exec_starts(path)
    assert commands
    for command in commands:
        assert command[0] == INSTALLED_COMMAND
        # The command and its options exist: `--help` of exactly that command parses.
        if command[1] == "manage":
            options = [arg for arg in command[3:] if arg.startswith("--")]
            done = subprocess.run([sys.executable, "-m", "kunskapsnav.cli", "manage", command[2], "--help"],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            for option in options:
                assert option.split("=")[0] in done.stdout, f"{path.name}: {command[2]} has no option {option}"
        else:
            assert command[1] == "serve"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    """systemd's own check, on copies that point at this checkout's command and environment."""
    command = Path(sys.executable).parent / "kunskapsnav"
    env_file = tmp_path / "kunskapsnav.env"
    env_file.write_text((DEPLOY / "production.env").read_text())
    for path in UNITS:
        text = path.read_text().replace(INSTALLED_COMMAND, str(command))
        text = text.replace("/etc/kunskapsnav/kunskapsnav.env", str(env_file))
        (tmp_path / path.name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / p.name) for p in UNITS)],
                          capture_output=True, text=True, timeout=120)
    problems = [line for line in (done.stdout + done.stderr).splitlines() if "kunskapsnav" in line]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


def _get(url: str, **headers: str):
    """One request, redirects not followed: (status, headers)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _task_status(database_url: str, task_id: str) -> str | None:
    query = "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            row = conn.execute(query.replace("%s", "?"), (task_id.replace("-", ""),)).fetchone()
    else:
        import psycopg

        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute(query, (task_id,)).fetchone()
    return row[0] if row else None


@pytest.fixture(scope="module")
def production(django_db_setup, tmp_path_factory):
    """`kunskapsnav serve` with the documented production environment on a database of its own."""
    tmp_path = tmp_path_factory.mktemp("production")
    database_url = fresh_database_url(tmp_path, "production")
    env = production_environment(
        DATABASE_URL=database_url, KUNSKAPSNAV_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://127.0.0.1", CSRF_TRUSTED_ORIGINS="https://127.0.0.1", WEB_CONCURRENCY="2",
    )
    port = free_port()
    log = tmp_path / "serve.log"
    web = start(env, log, "serve", "--bind", f"127.0.0.1:{port}")
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/healthz", web, log, seconds=300)
        yield {"base": f"http://127.0.0.1:{port}", "env": env, "tmp": tmp_path, "web": web,
               "database_url": database_url, "log": log}
    finally:
        stop(web)


def test_serve_answers_with_the_https_protections_on(production):
    base = production["base"]
    # The health check answers over plain HTTP, for the proxy and the load balancer.
    assert _get(f"{base}/healthz")[0] == 200
    # Anything else over plain HTTP goes to HTTPS.
    status, headers = _get(f"{base}/kunskapsstod/")
    assert status == 301 and headers["Location"].startswith("https://127.0.0.1"), (status, dict(headers))
    # Through the proxy (which says the request came over HTTPS): the page, with HSTS and CSP.
    status, headers = _get(f"{base}/konto/logga-in/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    cookies = headers.get_all("Set-Cookie") or []
    assert cookies and all("Secure" in cookie for cookie in cookies), cookies


def test_the_worker_runs_as_its_own_process_and_works_the_queue(production):
    worker_log = production["tmp"] / "worker.log"
    worker = start(production["env"], worker_log, "manage", "db_worker", "--no-reload", "--interval", "0.2")
    try:
        queued = kunskapsnav(production["env"], "manage", "remind_remiss").stdout
        task_id = queued.strip().split()[-1]
        deadline = time.monotonic() + 60
        while _task_status(production["database_url"], task_id) != "SUCCESSFUL":
            assert time.monotonic() < deadline, worker_log.read_text()[-3000:]
            assert worker.poll() is None, worker_log.read_text()[-3000:]
            time.sleep(0.3)
    finally:
        # SIGTERM: the worker ends cleanly, at once when no task runs.
        assert stop(worker) == 0, worker_log.read_text()[-3000:]


def test_serve_stops_on_sigterm(production):
    """Last in the module: gunicorn lets its workers finish and ends with status 0."""
    web = production["web"]
    web.send_signal(signal.SIGTERM)
    assert web.wait(timeout=30) == 0, production["log"].read_text()[-3000:]

