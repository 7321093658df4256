"""The pages load the site's own stylesheet and script from the server.

Without them every page is unstyled (so the contrast checks judge the wrong page) and the
body list's live filter does nothing; the files live outside any app's static folder, so
only the settings' STATICFILES_DIRS makes them servable.
"""

import pytest

STYLESHEET = "/static/kunskapsnav/css/site.css"
HTMX = "/static/kunskapsnav/vendor/htmx-2.0.11.min.js"


@pytest.mark.browser
def test_pages_are_styled_and_scripted_by_the_sites_own_assets(page, expect):
    page.goto("/organisation/organ/")
    for asset in (STYLESHEET, HTMX):
        status = page.request.get(asset).status
        assert status == 200, f"{asset} answered {status}"
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 61, 107)")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
