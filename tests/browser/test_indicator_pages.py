"""The analysis pages over the demo indicators (synthetic data): they show what they should
and pass axe-core's WCAG 2.1 A and AA rules, for a reader and for an analyst."""

import pytest

from kunskapsnav.indicators.models import IndicatorRun


@pytest.mark.browser
def test_the_analysis_pages_are_accessible(indicator_site, page, expect, login, axe_violations):
    failures = []

    def check(label, url):
        page.goto(url)
        finding = axe_violations(label)
        if finding:
            failures.append(finding)

    check("indicator list", "/uppfoljning/")
    expect(page.get_by_role("link", name="Antitrombotisk behandling efter ischemisk stroke")).to_be_visible()
    check("indicator values for a reader", "/uppfoljning/STROKE-ANTITROMB/")
    expect(page.locator(".tag")).to_contain_text("syntetiska data")
    # The tests' synthetic population is small (settings.DEMO_PERSONS): the largest region
    # always has stroke patients, a small one in a given year may have none.
    expect(page.get_by_role("table")).to_contain_text("Region Stockholm")
    check("values by kommun, with suppressed ones", "/uppfoljning/HS-RAS/?level=kommun&period_type=ar&stratum_type=kon")
    expect(page.get_by_role("table")).to_contain_text("För få fall för att visas")
    check("analysis for a reader", "/uppfoljning/STROKE-ANTITROMB/analys/")
    login("analytiker")
    check("analysis for an analyst", "/uppfoljning/STROKE-ANTITROMB/analys/?justering=multiplicative")
    expect(page.locator("#chart-tratt")).to_be_visible()
    expect(page.locator(".chart svg.marks").first).to_be_visible()
    check("runs with the start form", "/uppfoljning/korningar/")
    run = IndicatorRun.objects.get()
    check("a finished run", run.get_absolute_url())
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    check("the import form", "/uppfoljning/import/")
    assert not failures, "\n\n".join(failures)
