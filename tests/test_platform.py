"""The platform as an operator meets it: the `kunskapsnav` command, the health check."""

import http.client
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port
from django.test import Client

BIN = Path(sys.executable).parent
KUNSKAPSNAV = str(BIN / "kunskapsnav")


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "KUNSKAPSNAV_DEMO"}}
    env.update({"KUNSKAPSNAV_DATA_DIR": str(tmp_path)}, **extra)
    return env


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_is_reachable():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    # A real unreachable server (nothing listens on the port), in a process of its own.
    code = "import django; django.setup(); from django.test import Client; print(Client().get('/healthz').status_code)"
    env = _env(tmp_path, DATABASE_URL=f"postgres://kunskapsnav@127.0.0.1:{free_port()}/none",
               DJANGO_SETTINGS_MODULE="kunskapsnav.settings")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr[-2000:]


def test_a_bad_database_url_stops_every_command_with_one_line(tmp_path):
    for command in (["manage", "check"], ["demo", "--no-serve"]):
        result = subprocess.run([KUNSKAPSNAV, *command], cwd=tmp_path, env=_env(tmp_path, DATABASE_URL=""),
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert result.stderr.strip() == (f"kunskapsnav {command[0]}: configuration error: DATABASE_URL is set but "
                                         "empty; unset it to use the embedded SQLite database")


def test_demo_prepares_a_sqlite_file_and_is_idempotent(tmp_path):
    # A small population for the synthetic data: the full one takes minutes (docs/demo.md).
    env = _env(tmp_path, KUNSKAPSNAV_DEMO_PERSONS="20000")
    first = subprocess.run([KUNSKAPSNAV, "demo", "--no-serve"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Demodata skapades." in first.stdout
    assert "samordnare-orebro" in first.stdout
    assert "Demoremissen skapades." in first.stdout
    assert "Demoinföranden skapades." in first.stdout
    assert "Demoindikatorer beräknades på syntetiska data." in first.stdout
    assert (tmp_path / "kunskapsnav.sqlite3").exists()
    assert "Syntetiska patientdata: region 21 av 21" in first.stdout
    data = next((tmp_path / "media" / "indikatordata" / "demo").iterdir())
    made = (data / "events.parquet").stat().st_mtime_ns
    # A fresh database beside the same work dir reuses the generated data.
    (tmp_path / "kunskapsnav.sqlite3").unlink()
    second = subprocess.run([KUNSKAPSNAV, "demo", "--no-serve"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Syntetiska patientdata" not in second.stdout
    assert "Demoindikatorer beräknades på syntetiska data." in second.stdout
    assert (data / "events.parquet").stat().st_mtime_ns == made
    second = subprocess.run([KUNSKAPSNAV, "demo", "--no-serve"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Demodata fanns redan." in second.stdout
    assert "Remissomgångar fanns redan." in second.stdout
    assert "Införanden fanns redan." in second.stdout
    assert "Indikatorvärden fanns redan." in second.stdout
    assert "created" not in second.stdout and "updated" not in second.stdout


def test_manage_runs_any_django_command(tmp_path):
    result = subprocess.run([KUNSKAPSNAV, "manage", "check"], cwd=tmp_path, env=_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_serve_refuses_the_public_demo_key(tmp_path):
    result = subprocess.run([KUNSKAPSNAV, "serve", "--bind", f"127.0.0.1:{free_port()}"], cwd=tmp_path,
                            env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "kunskapsnav.E001" in result.stderr + result.stdout


def test_serve_refuses_a_weak_key(tmp_path):
    result = subprocess.run([KUNSKAPSNAV, "serve", "--bind", f"127.0.0.1:{free_port()}"], cwd=tmp_path,
                            env=_env(tmp_path, SECRET_KEY="a-secret-key-shorter-than-fifty-characters"),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "kunskapsnav.E004" in result.stderr + result.stdout


def _get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """One request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_serve_runs_gunicorn_with_static_files(tmp_path):
    port = free_port()
    # Behind a TLS-terminating proxy, as in deploy/production.env: the proxy's header says HTTPS.
    env = _env(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), KUNSKAPSNAV_PROXY_SSL_HEADER="X-Forwarded-Proto")
    over_https = {"X-Forwarded-Proto": "https"}
    server = subprocess.Popen([KUNSKAPSNAV, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"], cwd=tmp_path,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                # The proxy's health check speaks plain HTTP, and is not redirected.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {server.stdout.read()[-3000:]}")
                time.sleep(0.5)
        stylesheet = _get(port, "/static/kunskapsnav/css/site.css", over_https)
        assert stylesheet.status == 200
        assert b"system-ui" in stylesheet.body
        # Everything else over plain HTTP is sent to HTTPS; over HTTPS, browsers are told to stay there.
        plain = _get(port, "/")
        assert plain.status == 301
        assert plain.getheader("Location") == f"https://127.0.0.1:{port}/"
        # The start page for an anonymous reader: the second answer comes from the page cache,
        # a file under KUNSKAPSNAV_DATA_DIR that every worker shares.
        answers = [_get(port, "/", over_https) for _ in range(2)]
        assert [answer.status for answer in answers] == [200, 200]
        assert answers[0].getheader("Strict-Transport-Security") == "max-age=31536000"
        assert "script-src 'self'" in answers[1].getheader("Content-Security-Policy")
        assert [answer.getheader("X-Page-Cache") for answer in answers] == [None, "hit"]
        assert answers[0].body == answers[1].body
        assert any((tmp_path / "cache").iterdir())
    finally:
        server.terminate()
        server.wait(timeout=30)
