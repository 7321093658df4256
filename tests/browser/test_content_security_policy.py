"""The content security policy in a real browser: it reaches the page, a violation fails the
test that causes it (conftest.page), and the pages beyond the journeys work under it."""

import pytest


def test_a_violation_is_caught(demo_site, page, csp_violations):
    response = page.goto("/")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    # What a page must not do: an inline <style> element, and an inline event handler.
    page.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'p {}'}))")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img alt=\"\" src=\"/static/ingen.png\" onerror=\"1\">')")
    for _ in range(50):  # the console messages arrive while Playwright waits
        if len(csp_violations) >= 4:
            break
        page.wait_for_timeout(100)
    assert any("style-src" in violation for violation in csp_violations)
    assert any("script-src-attr" in violation for violation in csp_violations)
    # Seen; the test passes only because it expected them.
    csp_violations.clear()


def test_htmx_runs_without_inline_styles(demo_site, page, expect):
    page.goto("/organisation/organ/")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("head style").count() == 0
    # A search through htmx swaps in the results.
    page.locator("#id_q").fill("Örebro")
    expect(page.locator("#results")).to_contain_text("Örebro")


@pytest.mark.parametrize("path", ["/api/v1/docs", "/admin/login/"])
def test_the_api_documentation_and_the_admin_work_under_the_policy(demo_site, page, expect, path):
    page.goto(path)
    if path == "/api/v1/docs":
        expect(page.locator("#swagger-ui .swagger-ui")).to_be_visible()
    else:
        expect(page.locator("#id_username")).to_be_visible()
