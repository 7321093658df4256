"""The audit of the lock files (.ci/audit.py): a known vulnerability fails CI, an advisory
service that cannot be asked gives a warning and passes, and any other failure of pip-audit
fails. The reports are pip-audit's JSON format."""

import importlib.util
import json
from pathlib import Path

from django.test import SimpleTestCase

_spec = importlib.util.spec_from_file_location("audit", Path(__file__).resolve().parents[1] / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {"name": "requests", "version": "2.31.0",
              "vulns": [{"id": "GHSA-9wx4-h78v-vm56", "fix_versions": ["2.32.0"]}]}
UNKNOWN = {"name": "altair", "skip_reason": "Dependency not found on PyPI and could not be audited: altair (6.3.0)"}


class AuditVerdictTests(SimpleTestCase):
    def test_a_known_vulnerability_fails_and_names_the_fix(self):
        status, message = audit.verdict(returncode=1, report=report(CLEAN, VULNERABLE), stderr="")
        self.assertEqual(status, 1)
        self.assertIn("requests 2.31.0: GHSA-9wx4-h78v-vm56 (fixed in 2.32.0)", message)

    def test_no_known_vulnerability_passes(self):
        self.assertEqual(audit.verdict(returncode=0, report=report(CLEAN), stderr=""),
                         (0, "No known vulnerabilities in 1 pinned packages."))

    def test_an_unreachable_service_warns_and_passes(self):
        stderr = ("Traceback (most recent call last):\n…\nrequests.exceptions.ConnectionError: "
                  "HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded")
        status, message = audit.verdict(returncode=1, report="", stderr=stderr)
        self.assertEqual(status, 0)
        self.assertTrue(message.startswith("WARNING: the advisory service could not be reached"))

    def test_a_service_that_knows_no_package_warns_and_passes(self):
        status, message = audit.verdict(returncode=0, report=report(UNKNOWN, dict(UNKNOWN, name="attrs")), stderr="")
        self.assertEqual(status, 0)
        self.assertIn("WARNING: the advisory service knew none of the 2 packages", message)

    def test_a_package_it_could_not_check_is_named(self):
        status, message = audit.verdict(returncode=0, report=report(CLEAN, UNKNOWN), stderr="")
        self.assertEqual((status, message), (0, "WARNING: 1 of 2 packages could not be checked: altair"))

    def test_any_other_failure_of_pip_audit_fails(self):
        status, message = audit.verdict(returncode=1, report="",
                                        stderr="ERROR:pip_audit._cli:invalid requirements input: x.lock")
        self.assertEqual(status, 1)
        self.assertIn("invalid requirements input", message)

    def test_ignored_vulnerabilities_are_passed_to_pip_audit_with_every_lock_file(self):
        command = audit.pip_audit_command(["requirements.lock", "requirements-dev.lock"], "/tmp/r.json")
        self.assertEqual(command.count("--requirement"), 2)
        self.assertEqual(command.count("--ignore-vuln"), len(audit.IGNORED_VULNERABILITIES))
        self.assertIn("--disable-pip", command)
