"""Child processes that end with their parent.

Every long-lived process the platform starts (the background worker beside `kunskapsnav
demo`'s web server) ends with the process that started it: when that process is stopped
with SIGTERM (a service manager), SIGHUP (its terminal closed) or SIGINT (Ctrl+C), and when
it is killed outright (SIGKILL, a crash), which no handler sees.

- `child_start` starts a child in a process group of its own, so that a terminal's Ctrl+C
  reaches the parent alone and the parent stops the child once, in order; and, on Linux,
  with PR_SET_PDEATHSIG: the kernel sends the child SIGTERM when the parent dies, however it
  dies. Elsewhere the child starts without that guard and everything else is the same.
- `ChildProcesses` is the parent's side: inside it, SIGTERM, SIGHUP and SIGINT raise
  `StopSignal`; on the way out the children are stopped (SIGTERM, a bounded wait, then
  SIGKILL), and a parent stopped by a signal ends by that same signal, so that a shell
  reports the conventional status 128 + N and a service manager counts a clean stop.

Start children from the main thread: Linux sends the parent-death signal when the thread
that started the child ends, and Python runs signal handlers in the main thread only.
"""

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time

logger = logging.getLogger(__name__)

# SIGHUP does not exist on Windows.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1

# What a child gets when its parent dies: the polite request, so that the background worker
# finishes the task in hand instead of leaving it marked as running.
PARENT_DEATH_SIGNAL = signal.SIGTERM

# How long the parent waits for its children after asking them to stop, before it kills them.
STOP_SECONDS = 10.0


class StopSignal(BaseException):
    """SIGTERM, SIGHUP or SIGINT arrived. A BaseException, like KeyboardInterrupt, so that
    the code it interrupts (runserver's loop catches OSError and KeyboardInterrupt) lets it
    through to `ChildProcesses`."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def die_with_parent(parent_pid: int) -> bool:
    """In a child: ask Linux to send PARENT_DEATH_SIGNAL when the parent dies. False where
    the platform has no such request (not Linux) or refuses it."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(PARENT_DEATH_SIGNAL), 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))
        return False
    # The parent may have died before the request took effect: then no signal will come.
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), PARENT_DEATH_SIGNAL)
    return True


def child_command(command: list[str]) -> list[str]:
    """The command that runs `command` as a child that dies with this process. On Linux it
    goes through this file, run as a script, which makes the request and then execs the
    command (same pid). A preexec_fn would do the same inside fork, but is unsafe in a process
    with threads, which the demo has by then (DuckDB's, after the indicator data is loaded).
    Isolated mode (-I) keeps this folder and the environment's PYTHONPATH out of the script's
    imports (it needs the standard library only); the command still gets the environment."""
    if not sys.platform.startswith("linux"):
        return list(command)
    return [sys.executable, "-I", os.path.abspath(__file__), str(os.getpid()), "--", *command]


def child_start(command: list[str], **popen_options) -> subprocess.Popen:
    """Start a long-lived child that ends with this process (see the module docstring)."""
    return subprocess.Popen(child_command(command), process_group=0, **popen_options)


def children_stop(children: list[subprocess.Popen], *, seconds: float = STOP_SECONDS) -> None:
    """SIGTERM to each running child, then wait for them all, at most `seconds` together;
    the ones still running after that are killed."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + seconds
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("child %s still running %.0f s after SIGTERM; killing it", child.pid, seconds)
            child.kill()
            child.wait()


def end_by(signum: int):
    """End this process by `signum` with its default action, as if no handler had caught it."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    # Delivery to another thread may take a moment; the status is the shell's form of the same.
    raise SystemExit(128 + signum)


class ChildProcesses:
    """The parent's side of `child_start`: use as `with ChildProcesses() as children:` around
    the parent's own work, and `children.start(command)`. On leaving, however it is left, the
    children are stopped; left by StopSignal, this process then ends by that signal."""

    def __init__(self, *, stop_seconds: float = STOP_SECONDS):
        self.stop_seconds = stop_seconds
        self.children: list[subprocess.Popen] = []
        self._previous = {}

    def start(self, command: list[str], **popen_options) -> subprocess.Popen:
        child = child_start(command, **popen_options)
        self.children.append(child)
        return child

    def _raise_stop(self, signum, frame):
        raise StopSignal(signum)

    def __enter__(self):
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._raise_stop)
        return self

    def __exit__(self, exc_type, exc, traceback):
        # A second Ctrl+C must not cut the stop short: it is bounded by stop_seconds anyway.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        children_stop(self.children, seconds=self.stop_seconds)
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        if isinstance(exc, StopSignal):
            logger.info("stopped by %s", signal.Signals(exc.signum).name)
            end_by(exc.signum)
        return False


def _exec_as_child(argv: list[str]):
    """`python -I processes.py PARENT_PID -- COMMAND...` (see child_command)."""
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: python -I processes.py PARENT_PID -- COMMAND...")
    parent_pid, _separator, *command = argv
    die_with_parent(int(parent_pid))
    os.execvp(command[0], command)


if __name__ == "__main__":
    _exec_as_child(sys.argv[1:])
