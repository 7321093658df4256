"""Known vulnerabilities in the pinned dependencies: pip-audit over the lock files.

    python .ci/audit.py requirements.lock requirements-dev.lock

Exits non-zero when pip-audit finds a known vulnerability (or fails for a reason of its
own), and zero with a warning when the advisory service cannot be asked: a service that is
down must not stop every change. The locks pin every package, so pip-audit reads them as
they are (--no-deps --disable-pip) and builds no environment.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Known vulnerabilities that no release within requirements*.in fixes yet, each with the reason
# it may wait; pip-audit leaves them out. Remove an entry as soon as a fix can be pinned.
IGNORED_VULNERABILITIES: dict[str, str] = {}

# What pip-audit prints when it could not ask the service at all (it then writes no report):
# requests' errors (no route, no name, timeouts, TLS), its own ServiceError for an answer
# such as 503, and its tip about networks that block the service.
UNREACHABLE_SIGNS = ("requests.exceptions", "ConnectionError", "ServiceError", "Could not connect",
                     "your network may be blocking")


def pip_audit_command(lock_files: list[str], report: str) -> list[str]:
    command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "--progress-spinner", "off",
               "--timeout", "20", "--format", "json", "--output", report]
    for lock_file in lock_files:
        command += ["--requirement", lock_file]
    for vulnerability_id in IGNORED_VULNERABILITIES:
        command += ["--ignore-vuln", vulnerability_id]
    return command


def verdict(*, returncode: int, report: str, stderr: str) -> tuple[int, str]:
    """The exit status and message for one pip-audit run: its return code, its JSON report
    (empty when it wrote none) and what it printed on stderr."""
    if not report.strip():
        if any(sign in stderr for sign in UNREACHABLE_SIGNS):
            last_line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
            return 0, f"WARNING: the advisory service could not be reached; nothing was checked ({last_line})"
        return returncode or 1, f"pip-audit failed:\n{stderr.strip()}"
    dependencies = json.loads(report)["dependencies"]
    found = [f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions']) or 'no release yet'})"
             for dep in dependencies for vuln in dep.get("vulns", [])]
    if found:
        return 1, "Known vulnerabilities in the pinned dependencies:\n  " + "\n  ".join(found)
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    if skipped and len(skipped) == len(dependencies):
        # PyPI answers "not found" for every package when something in between (a mirror
        # without the advisory data) stands in for it.
        return 0, (f"WARNING: the advisory service knew none of the {len(dependencies)} packages, so it is not "
                   f"the real one or not reachable; nothing was checked ({skipped[0]['skip_reason']})")
    if skipped:
        names = ", ".join(dep["name"] for dep in skipped)
        return 0, f"WARNING: {len(skipped)} of {len(dependencies)} packages could not be checked: {names}"
    return 0, f"No known vulnerabilities in {len(dependencies)} pinned packages."


def main(lock_files: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        run = subprocess.run(pip_audit_command(lock_files, str(report_path)), capture_output=True, text=True)
        report = report_path.read_text() if report_path.exists() else ""
    status, message = verdict(returncode=run.returncode, report=report, stderr=run.stderr)
    print(message, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.lock", "requirements-dev.lock"]))
