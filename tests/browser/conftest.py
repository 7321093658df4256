"""Browser journeys in real headless Chromium (Debian's, never a downloaded one), driven by
Playwright's sync API against pytest-django's live server, with axe-core for accessibility.

Without Chromium, Playwright or axe-core the tests are skipped, so that a checkout without
them still runs the rest of the suite; with KUNSKAPSNAV_REQUIRE_BROWSER=1 (CI) a missing
piece is an error instead, so that the journeys cannot silently stop running.
"""

import os
import shutil
from pathlib import Path

import pytest

AXE_PATH = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "kunskapsnav-demo"
# Short enough that a broken page fails within seconds instead of hanging the suite.
TIMEOUT_MS = 10_000


def _browser_required() -> bool:
    return os.environ.get("KUNSKAPSNAV_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str):
    if _browser_required():
        pytest.fail(f"KUNSKAPSNAV_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def _chromium_path() -> str | None:
    configured = os.environ.get("KUNSKAPSNAV_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium")


class _SharedChromium:
    """One Chromium shared by the browser tests, which run one after the other (they are
    all transactional and sit in this directory), started for the first and stopped after
    the last of them (see pytest_runtest_teardown), not at the end of the session.

    Why not simply a session-scoped fixture: Playwright's sync API keeps an asyncio event
    loop running in the test thread for as long as it is open, and Django's async-unsafe
    guard then refuses every ORM call made in that thread (the data loading, the live
    server's flush after each test) as if it came from async code. The guard is lifted
    with DJANGO_ALLOW_ASYNC_UNSAFE, which must not outlive the browser tests: later tests
    would run with the guard off, and processes they start would inherit the variable
    (`kunskapsnav serve` rightly refuses to run with it).
    """

    def __init__(self):
        self._playwright = None
        self.browser = None
        self._saved_env = None

    def start(self):
        if self.browser is not None:
            return self.browser
        from playwright.sync_api import sync_playwright

        self._saved_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        self._playwright = sync_playwright().start()
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.browser = self._playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        return self.browser

    def stop(self):
        if self._playwright is None:
            return
        try:
            if self.browser is not None:
                self.browser.close()
            self._playwright.stop()
        finally:
            self._playwright = self.browser = None
            if self._saved_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._saved_env


_chromium = _SharedChromium()


def _uses_browser(item) -> bool:
    return item is not None and "browser" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's own fixtures, among them the live server's flush, are torn down first
    if not _uses_browser(nextitem):
        _chromium.stop()


def pytest_sessionfinish(session):
    _chromium.stop()


@pytest.fixture(scope="session")
def browser_prerequisites():
    """Checked once, and before any function-scoped set-up, so that a skip costs nothing
    (no demo data loaded in vain)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed in this environment")
    if _chromium_path() is None:
        where = os.environ.get("KUNSKAPSNAV_CHROMIUM") or "chromium on PATH"
        _unavailable(f"no Chromium executable found ({where}); install Debian's chromium package")
    if not AXE_PATH.is_file():
        _unavailable(f"axe-core is missing at {AXE_PATH}; run `npm ci --prefix tests/browser`")


@pytest.fixture
def browser(browser_prerequisites):
    """The shared Chromium; each test gets its own context (cookies, storage) from it."""
    return _chromium.start()


@pytest.fixture
def expect(browser):
    """Playwright's expect, as a fixture: the test modules then import nothing from
    Playwright, so that without it they are skipped (or fail) like the rest, not break
    collection."""
    from playwright.sync_api import expect

    return expect


def _target_groups_restore():
    """Put back the target groups (målgrupper) that a migration creates: the live server's
    flush after a test empties every table, rows written by migrations included, and the
    demo supports are written for some of these groups."""
    from importlib import import_module

    from kunskapsnav.knowledge.models import TargetGroup

    migration = import_module("kunskapsnav.knowledge.migrations.0003_target_groups")
    for code, name in migration.TARGET_GROUPS:
        TargetGroup.objects.update_or_create(code=code, defaults={"name": name})


@pytest.fixture
def demo_site(browser_prerequisites, live_server):
    """The live server with the reference data, the organisation demo data, the demo
    knowledge supports, the demo remiss and the demo införanden, loaded by the same
    functions as `kunskapsnav demo`. The live server's database is flushed after each test,
    so every test loads it afresh."""
    from kunskapsnav.consultation.demo import demo_remiss_load
    from kunskapsnav.implementation.demo import demo_implementation_load
    from kunskapsnav.knowledge.demo import demo_supports_load
    from kunskapsnav.organisation.demo import demo_data_load
    from kunskapsnav.organisation.reference import reference_data_load

    reference_data_load()
    demo_data_load()
    _target_groups_restore()
    demo_supports_load()
    demo_remiss_load()
    demo_implementation_load()
    return live_server


@pytest.fixture
def people_site(demo_site):
    """The demo site with the demo calls, nominations, declarations and pool."""
    from kunskapsnav.people.demo import demo_people_load

    demo_people_load()
    return demo_site


@pytest.fixture
def needs_site(demo_site):
    """The demo site with the demo needs (behov) at every stage."""
    from kunskapsnav.needs.demo import demo_needs_load

    demo_needs_load()
    return demo_site


@pytest.fixture
def indicator_site(demo_site, settings, tmp_path):
    """The demo site with the demo indicators computed over synthetic data."""
    from kunskapsnav.indicators.demo import demo_indicators_load

    settings.MEDIA_ROOT = str(tmp_path)
    demo_indicators_load()
    return demo_site


# Every page runs under the site's content security policy (settings.CONTENT_SECURITY_POLICY),
# and a journey that works only because the browser let something through is no pass: any
# violation the page reports (the securitypolicyviolation event, or Chromium's console error
# naming the policy) fails the test that saw it.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _csp_violations_recorder(violations: list[str]):
    def record(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    return record


@pytest.fixture
def csp_violations() -> list[str]:
    """What the test's pages reported against the content security policy, as it comes in;
    whatever is left in it when the test ends fails the test (see page)."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    # Tests that need data request demo_site before page, so that it is in place before the
    # first request.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    context.on("console", _csp_violations_recorder(csp_violations))
    page = context.new_page()
    yield page
    context.close()
    if csp_violations:
        pytest.fail("the content security policy was violated:\n" + "\n".join(dict.fromkeys(csp_violations)),
                    pytrace=False)


@pytest.fixture
def login(page, expect):
    """Log in through the login page, as a person would."""

    def _login(username: str):
        page.goto("/konto/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Logga in").click()
        # The header names the user (by full name when they have one) only once the session
        # exists.
        from django.contrib.auth import get_user_model

        expect(page.locator(".site-header .account")).to_contain_text(
            str(get_user_model().objects.get(username=username))
        )

    return _login


@pytest.fixture
def logout(page, expect):
    def _logout():
        page.locator(".site-header").get_by_role("button", name="Logga ut").click()
        expect(page.locator(".site-header").get_by_role("link", name="Logga in")).to_be_visible()

    return _logout


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"  - {violation['id']} ({violation.get('impact')}): {violation['help']}\n"
            f"    {violation['helpUrl']}\n"
            f"    targets: {targets}{f' and {more} more' if more > 0 else ''}"
        )
    return "\n".join(lines)


@pytest.fixture
def axe_violations(page):
    """Run axe-core's WCAG 2.1 A/AA rules on the page as it stands; returns a readable
    description of the violations, or "" when there are none."""

    def _run(label: str) -> str:
        # Evaluated rather than added as a <script> element, which the content security policy
        # rightly refuses (it is inline).
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        if not result["violations"]:
            return ""
        return f"{label} ({page.url}):\n{_describe(result['violations'])}"

    return _run

