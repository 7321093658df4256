"""HTTPS protections, the content security policy and the refusal of a weak key, as
`kunskapsnav serve` sets them up (docs/security.md).

Settings are read from the environment once, when a process starts; so each environment is
tried in a process of its own (settings_under), and the requests then run here with the
settings that process read.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase, override_settings

from kunskapsnav.accounts.models import User
from kunskapsnav.checks import production_settings
from kunskapsnav.cli import SERVE_DEFAULTS, serve_environment
from kunskapsnav.lib.security import csp_settings, proxy_ssl_header

REPO = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = REPO / "deploy" / "production.env"

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
]
# Variables of the machine running the tests that would change what a process reads.
_OWN_VARIABLES = {*SERVE_DEFAULTS, "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "KUNSKAPSNAV_CSP",
                  "KUNSKAPSNAV_PROXY_SSL_HEADER", "KUNSKAPSNAV_DEMO", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                  "DJANGO_SETTINGS_MODULE"}

# The policy, directive by directive (the header's order of directives is not fixed).
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _clean_environment(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _OWN_VARIABLES and not k.startswith("KUNSKAPSNAV_OIDC_")}
    return {**env, **variables}


def settings_under(environ: dict) -> dict:
    """The security settings of a fresh process with these variables."""
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))")
    env = _clean_environment(DJANGO_SETTINGS_MODULE="kunskapsnav.settings", **environ)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    if found["SECURE_PROXY_SSL_HEADER"] is not None:
        found["SECURE_PROXY_SSL_HEADER"] = tuple(found["SECURE_PROXY_SSL_HEADER"])
    return found


def serve_settings(**variables) -> dict:
    environ = dict(variables)
    serve_environment(environ)
    return settings_under(environ)


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def production_env_file() -> dict[str, str]:
    """The variables that deploy/production.env sets, as a shell or systemd's EnvironmentFile reads them."""
    variables = {}
    for line in PRODUCTION_ENV.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name.strip()] = value.strip()
    return variables


class HttpsAndContentSecurityPolicyTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What a bare `kunskapsnav serve` reads: every request below runs with it.
        cls.under_serve = serve_settings()
        cls.enterClassContext(override_settings(**cls.under_serve))

    # --- what serve turns on ---------------------------------------------------------------

    def test_serve_turns_on_the_redirect_hsts_and_secure_cookies(self):
        self.assertIs(self.under_serve["SECURE_SSL_REDIRECT"], True)
        self.assertEqual(self.under_serve["SECURE_HSTS_SECONDS"], 31536000)
        self.assertIs(self.under_serve["SESSION_COOKIE_SECURE"], True)
        self.assertIs(self.under_serve["CSRF_COOKIE_SECURE"], True)
        self.assertIsNone(self.under_serve["SECURE_PROXY_SSL_HEADER"])

    def test_serve_leaves_what_the_environment_sets(self):
        environ = {"SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "600"}
        serve_environment(environ)
        self.assertEqual(environ["SECURE_SSL_REDIRECT"], "0")
        self.assertEqual(environ["SECURE_HSTS_SECONDS"], "600")
        self.assertEqual(environ["SECURE_COOKIES"], "1")

    def test_the_environment_can_turn_them_off_under_serve(self):
        found = serve_settings(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0")
        self.assertIs(found["SECURE_SSL_REDIRECT"], False)
        self.assertEqual(found["SECURE_HSTS_SECONDS"], 0)
        self.assertIs(found["SESSION_COOKIE_SECURE"], False)

    def test_without_serve_a_checkout_speaks_plain_http_under_the_policy(self):
        found = settings_under({})
        self.assertIs(found["SECURE_SSL_REDIRECT"], False)
        self.assertEqual(found["SECURE_HSTS_SECONDS"], 0)
        self.assertIs(found["SESSION_COOKIE_SECURE"], False)
        self.assertEqual(found["CONTENT_SECURITY_POLICY"], {"DIRECTIVES": POLICY})

    def test_serve_refuses_bad_values_with_a_line_that_names_them(self):
        cases = [
            ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be a whole number"),
            ("SECURE_HSTS_SECONDS", "-1", "SECURE_HSTS_SECONDS must be at least 0"),
            ("SECURE_SSL_REDIRECT", "maybe", "SECURE_SSL_REDIRECT must be a boolean"),
            ("KUNSKAPSNAV_CSP", "strict", "KUNSKAPSNAV_CSP must be one of enforce, report-only, off"),
            ("KUNSKAPSNAV_PROXY_SSL_HEADER", "X Forwarded Proto", "KUNSKAPSNAV_PROXY_SSL_HEADER must be an HTTP header"),
        ]
        for variable, value, message in cases:
            with self.subTest(variable=variable, value=value):
                env = _clean_environment(SECRET_KEY=secrets.token_urlsafe(50), **{variable: value})
                result = subprocess.run([sys.executable, "-m", "kunskapsnav.cli", "serve", "--bind", "127.0.0.1:1"],
                                        env=env, capture_output=True, text=True, timeout=120)
                self.assertEqual(result.returncode, 1)
                self.assertIn(message, result.stderr)
                self.assertNotIn("Traceback", result.stderr)

    # --- HTTPS -----------------------------------------------------------------------------

    def test_plain_http_is_redirected_to_https(self):
        response = self.client.get("/kunskapsstod/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://testserver/kunskapsstod/")

    def test_the_health_check_answers_over_plain_http(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)

    def test_https_answers_tell_the_browser_to_keep_to_https(self):
        response = self.client.get("/", secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Strict-Transport-Security"], "max-age=31536000")

    def test_behind_a_proxy_its_header_tells_https_from_http(self):
        found = serve_settings(KUNSKAPSNAV_PROXY_SSL_HEADER="X-Forwarded-Proto")
        self.assertEqual(found["SECURE_PROXY_SSL_HEADER"], ("HTTP_X_FORWARDED_PROTO", "https"))
        with override_settings(SECURE_PROXY_SSL_HEADER=found["SECURE_PROXY_SSL_HEADER"]):
            over_https = self.client_class().get("/", headers={"X-Forwarded-Proto": "https"})
            over_http = self.client_class().get("/", headers={"X-Forwarded-Proto": "http"})
        self.assertEqual(over_https.status_code, 200)
        self.assertEqual(over_https["Strict-Transport-Security"], "max-age=31536000")
        self.assertEqual(over_http.status_code, 301)

    def test_an_empty_proxy_header_trusts_no_header(self):
        self.assertIsNone(proxy_ssl_header(" "))

    def test_cookies_are_sent_over_https_only(self):
        User.objects.create_user("reserv", password="ett-langt-losenord-1")
        page = self.client.get("/konto/logga-in/", secure=True)
        self.assertTrue(page.cookies["csrftoken"]["secure"])
        signed_in = self.client.post("/konto/logga-in/", {"username": "reserv", "password": "ett-langt-losenord-1"},
                                     secure=True)
        self.assertEqual(signed_in.status_code, 302)
        self.assertTrue(signed_in.cookies["sessionid"]["secure"])

    # --- the content security policy -------------------------------------------------------

    def test_pages_carry_the_policy(self):
        for path in ["/", "/kunskapsstod/", "/konto/logga-in/"]:
            with self.subTest(path):
                response = self.client.get(path, secure=True)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(parse_policy(response["Content-Security-Policy"]), POLICY)
                self.assertNotIn("Content-Security-Policy-Report-Only", response)

    def test_the_identity_providers_may_answer_forms(self):
        found = settings_under({
            "KUNSKAPSNAV_OIDC_PROVIDERS": "inera",
            "KUNSKAPSNAV_OIDC_INERA_ISSUER": "https://idp.example.se/oidc",
            "KUNSKAPSNAV_OIDC_INERA_CLIENT_ID": "kunskapsnav",
            "KUNSKAPSNAV_OIDC_INERA_CLIENT_SECRET": "hemligt",
        })
        directives = found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
        self.assertEqual(directives["form-action"], ["'self'", "https://idp.example.se"])

    def test_report_only_reports_and_blocks_nothing(self):
        found = settings_under({"KUNSKAPSNAV_CSP": "report-only"})
        with override_settings(**found):
            response = self.client_class().get("/", secure=True)
        self.assertNotIn("Content-Security-Policy", response)
        self.assertEqual(parse_policy(response["Content-Security-Policy-Report-Only"]), POLICY)

    def test_off_sends_no_policy(self):
        found = settings_under({"KUNSKAPSNAV_CSP": "off"})
        with override_settings(**found):
            response = self.client_class().get("/", secure=True)
        self.assertNotIn("Content-Security-Policy", response)
        self.assertNotIn("Content-Security-Policy-Report-Only", response)

    def test_an_unknown_mode_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "KUNSKAPSNAV_CSP must be one of"):
            csp_settings("unsafe", form_action_origins=[])

    # --- the secret key --------------------------------------------------------------------

    def _check_ids(self, key: str) -> list[str]:
        with override_settings(SECRET_KEY=key, DEBUG=False, KUNSKAPSNAV_DEMO=False):
            return [error.id for error in production_settings(None)]

    def test_serve_refuses_a_weak_key(self):
        weak = {
            "short": secrets.token_urlsafe(30)[:49],
            "few different characters": "abcd" * 20,
            "made by startproject": "django-insecure-" + secrets.token_urlsafe(50),
        }
        for reason, key in weak.items():
            with self.subTest(reason):
                self.assertEqual(self._check_ids(key), ["kunskapsnav.E004"])

    def test_serve_refuses_the_demo_key(self):
        from django.conf import settings

        self.assertEqual(self._check_ids(settings.DEFAULT_SECRET_KEY), ["kunskapsnav.E001"])

    def test_serve_refuses_anonymous_calls_to_the_cds_services(self):
        with override_settings(SECRET_KEY=secrets.token_urlsafe(50), DEBUG=False, KUNSKAPSNAV_DEMO=False,
                               CDS_ALLOW_ANONYMOUS=True):
            self.assertEqual([error.id for error in production_settings(None)], ["kunskapsnav.E005"])

    def test_serve_accepts_a_generated_key(self):
        self.assertEqual(self._check_ids(secrets.token_urlsafe(50)), [])

    # --- the documented production environment ---------------------------------------------

    def test_check_deploy_is_clean_with_the_documented_production_environment(self):
        variables = production_env_file()
        self.assertIn("SECRET_KEY", variables, "the file shows where the key goes")
        variables["SECRET_KEY"] = secrets.token_urlsafe(50)
        result = subprocess.run(
            [sys.executable, "-m", "kunskapsnav.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
            env=_clean_environment(**variables), capture_output=True, text=True, timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertIn("System check identified no issues", result.stdout)
        self.assertEqual(result.stderr, "")

    def test_the_production_environment_names_no_usable_key(self):
        self.assertEqual(self._check_ids(production_env_file()["SECRET_KEY"]), ["kunskapsnav.E004"])
