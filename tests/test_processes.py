"""Every process the platform starts ends with its parent, on SIGTERM (a service manager),
SIGHUP (the terminal closed), SIGINT (Ctrl+C) and SIGKILL.

First the lifecycle itself (kunskapsnav.lib.processes) under a tiny parent that uses it as
`kunskapsnav demo` does; then the real `kunskapsnav demo` with its background worker, on a
SQLite file migrated once for the module (`--no-data` skips the demo data, which takes most
of a minute to load and has nothing to do with how processes end); then `kunskapsnav
serve`, which is gunicorn and keeps gunicorn's meaning of the signals. Processes are found
through /proc (Linux), so this module runs on Linux only.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port

from kunskapsnav.lib import processes

# The processes run on a SQLite file of their own whatever the suite's database, so CI runs
# this module once, in its SQLite pass (marker database_independent, .ci/run).
pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are read from /proc"),
              pytest.mark.database_independent]

SRC = Path(processes.__file__).resolve().parents[2]
STOP_SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]
# A terminal sends SIGINT (Ctrl+C) and SIGHUP (hang-up) to the whole foreground process group;
# a service manager sends SIGTERM to the main process.
TO_THE_GROUP = {signal.SIGINT, signal.SIGHUP}


def _env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "KUNSKAPSNAV_DEMO"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.update({"KUNSKAPSNAV_DATA_DIR": str(data_dir)}, **extra)
    return env


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _running(pid: int) -> bool:
    # A zombie (Z) has ended and waits only to be reaped by whoever inherited it.
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def _children(pid: int) -> list[int]:
    """The running processes whose parent is `pid`."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat(int(name))
            if fields is not None and fields[1] == str(pid) and fields[0] not in ("Z", "X"):
                found.append(int(name))
    return found


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def _send(process: subprocess.Popen, signum: int):
    if signum in TO_THE_GROUP:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)


def _clean_up(*pids: int):
    """Kill what a failed test left behind: only the processes it started itself."""
    for pid in pids:
        if pid and _running(pid):
            os.kill(pid, signal.SIGKILL)


# The same code path as `kunskapsnav demo`: ChildProcesses around the parent's own work, one
# child started through it. The child writes down every SIGINT and SIGTERM it receives.
PARENT = textwrap.dedent("""
    import sys, time
    from kunskapsnav.lib.processes import ChildProcesses

    child = sys.argv[1]
    with ChildProcesses(stop_seconds=float(sys.argv[2])) as children:
        children.start([sys.executable, "-c", child, sys.argv[3]])
        print("ready", flush=True)
        time.sleep(600)
""")

CHILD = textwrap.dedent("""
    import signal, sys, time

    def note(signum, frame):
        with open(sys.argv[1], "a") as f:
            f.write(signal.Signals(signum).name + "\\n")
        if signum == signal.SIGTERM:
            sys.exit(0)

    signal.signal(signal.SIGINT, note)
    signal.signal(signal.SIGTERM, note)
    open(sys.argv[1], "a").close()
    time.sleep(600)
""")

# A child that will not stop when asked.
STUBBORN_CHILD = textwrap.dedent("""
    import signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    open(sys.argv[1], "a").close()
    time.sleep(600)
""")


class TestChildProcesses:
    def start_parent(self, tmp_path, child=CHILD, stop_seconds=10) -> tuple[subprocess.Popen, int, Path]:
        notes = tmp_path / "signals.txt"
        parent = subprocess.Popen([sys.executable, "-c", PARENT, child, str(stop_seconds), str(notes)],
                                  env=_env(tmp_path), stdout=subprocess.PIPE, text=True, start_new_session=True)
        assert parent.stdout.readline().strip() == "ready"
        _wait_for(lambda: notes.exists(), 10, "the child to start")
        [child_pid] = _children(parent.pid)
        return parent, child_pid, notes

    @pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: s.name)
    def test_the_parent_stops_its_child_and_ends_by_the_same_signal(self, tmp_path, signum):
        parent, child, notes = self.start_parent(tmp_path)
        try:
            _send(parent, signum)
            assert parent.wait(timeout=10) == -signum
            assert not _running(child)
            # Asked once, by the parent: a terminal's Ctrl+C does not reach the child's group.
            assert notes.read_text() == "SIGTERM\n"
        finally:
            _clean_up(parent.pid, child)

    def test_the_child_ends_when_the_parent_is_killed_outright(self, tmp_path):
        parent, child, notes = self.start_parent(tmp_path)
        try:
            parent.kill()
            parent.wait(timeout=10)
            _wait_for(lambda: not _running(child), 10, "the child to end after its parent was killed")
            assert notes.read_text() == "SIGTERM\n"
        finally:
            _clean_up(parent.pid, child)

    def test_a_child_that_does_not_stop_is_killed_after_the_wait(self, tmp_path):
        parent, child, _notes = self.start_parent(tmp_path, child=STUBBORN_CHILD, stop_seconds=1)
        try:
            started = time.monotonic()
            parent.terminate()
            assert parent.wait(timeout=10) == -signal.SIGTERM
            assert time.monotonic() - started >= 1
            assert not _running(child)
        finally:
            _clean_up(parent.pid, child)

    def test_a_child_whose_parent_died_before_it_asked_ends_at_once(self):
        # The parent named on the command line is not this child's parent (any more).
        command = processes.child_command([sys.executable, "-c", "import time; time.sleep(600)"])
        command[command.index(str(os.getpid()))] = "1"
        child = subprocess.run(command, timeout=30)
        assert child.returncode == -signal.SIGTERM


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A data folder with a migrated SQLite file, shared by the commands below."""
    folder = tmp_path_factory.mktemp("processes")
    done = subprocess.run([sys.executable, "-m", "kunskapsnav.cli", "manage", "migrate", "--no-input", "-v", "0"],
                          env=_env(folder), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _start(folder: Path, command: list[str], **env) -> subprocess.Popen:
    log = open(folder / "log.txt", "a")
    return subprocess.Popen([sys.executable, "-m", "kunskapsnav.cli", *command], cwd=folder,
                            env=_env(folder, **env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _log(folder: Path) -> str:
    return (folder / "log.txt").read_text()[-3000:]


class TestDemo:
    def start_demo(self, folder: Path, port: int) -> tuple[subprocess.Popen, int]:
        demo = _start(folder, ["demo", "--no-data", "--port", str(port)])
        deadline = time.monotonic() + 120
        while not _answers(port):
            if demo.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the demo did not start: {_log(folder)}")
            time.sleep(0.2)
        _wait_for(lambda: any("db_worker" in _command_line(c) for c in _children(demo.pid)), 30,
                  "the background worker")
        [worker] = _children(demo.pid)
        return demo, worker

    @pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: s.name)
    def test_demo_stops_its_worker_and_ends_by_the_signal(self, migrated, signum):
        demo, worker = self.start_demo(migrated, free_port())
        try:
            _send(demo, signum)
            assert demo.wait(timeout=20) == -signum, _log(migrated)
            assert not _running(worker)
        finally:
            _clean_up(demo.pid, worker)

    def test_the_worker_ends_when_the_demo_is_killed_outright(self, migrated):
        demo, worker = self.start_demo(migrated, free_port())
        try:
            demo.kill()
            demo.wait(timeout=10)
            _wait_for(lambda: not _running(worker), 20, "the worker to end after the demo was killed")
        finally:
            _clean_up(demo.pid, worker)

    def test_the_worker_ends_when_the_web_server_cannot_start(self, migrated):
        # runserver leaves with os._exit(1) when the port is taken: no finally runs.
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            demo = _start(migrated, ["demo", "--no-data", "--port", str(taken.getsockname()[1])])
            workers = []
            try:
                deadline = time.monotonic() + 120
                while demo.poll() is None and time.monotonic() < deadline:
                    workers += [c for c in _children(demo.pid) if c not in workers]
                    time.sleep(0.05)
                assert demo.wait(timeout=10) == 1, _log(migrated)
                assert "That port is already in use" in _log(migrated)
                assert workers, "the worker was not started"
                _wait_for(lambda: not any(_running(w) for w in workers), 20, "the worker to end")
            finally:
                _clean_up(demo.pid, *workers)


class TestServe:
    """`kunskapsnav serve` execs gunicorn: the process started is gunicorn's arbiter, and
    its workers are the arbiter's children."""

    def start_serve(self, folder: Path, port: int) -> tuple[subprocess.Popen, list[int]]:
        server = _start(folder, ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                        SECRET_KEY=secrets.token_urlsafe(50))
        deadline = time.monotonic() + 120
        while not _answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start: {_log(folder)}")
            time.sleep(0.2)
        return server, _children(server.pid)

    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
    def test_serve_stops_with_its_workers_and_exits_0(self, migrated, signum):
        server, workers = self.start_serve(migrated, free_port())
        try:
            assert workers
            _send(server, signum)
            assert server.wait(timeout=40) == 0, _log(migrated)
            _wait_for(lambda: not any(_running(w) for w in workers), 10, "gunicorn's workers to end")
        finally:
            _clean_up(server.pid, *workers)

    def test_sighup_makes_serve_replace_its_workers_and_keep_serving(self, migrated):
        port = free_port()
        server, old = self.start_serve(migrated, port)
        new = []
        try:
            # A service manager's reload: to the main process (systemd's `kill -HUP $MAINPID`).
            server.send_signal(signal.SIGHUP)
            _wait_for(lambda: not any(_running(w) for w in old), 40, "the old workers to finish")
            _wait_for(lambda: _children(server.pid), 40, "new workers")
            new = _children(server.pid)
            assert not set(new) & set(old)
            _wait_for(lambda: _answers(port), 40, "the new workers to answer")
            assert server.poll() is None
            server.terminate()
            assert server.wait(timeout=40) == 0, _log(migrated)
            _wait_for(lambda: not any(_running(w) for w in new), 10, "gunicorn's workers to end")
        finally:
            _clean_up(server.pid, *old, *new)
