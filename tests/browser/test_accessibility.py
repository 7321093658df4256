"""Every main page, as an anonymous visitor and as a regional coordinator (who sees edit
buttons, contact details and forms), passes axe-core's WCAG 2.1 A and AA rules.

Each test visits all its pages and reports every violation at once, so that one run shows
everything there is to fix rather than only the first page that fails.
"""

import pytest

from kunskapsnav.organisation.models import Body, BodyKind, Person

NOT_FOUND = "/organisation/organ/999999/"


@pytest.fixture
def demo_mode(settings):
    # The public demo shows a banner on every page; it has to pass the checks too.
    settings.KUNSKAPSNAV_DEMO = True


@pytest.fixture
def urls(demo_site):
    heart = Body.objects.get(reference_key="npo-hjart-och-karlsjukdomar")
    # Region Örebro län's first LPO holds the demo chair and member and an ended chairship,
    # so its page shows current and past memberships.
    lpo = Body.objects.filter(region__county_code="18", kind=BodyKind.LPO).order_by("name").first()
    coordinator = Person.objects.get(user__username="samordnare-orebro")
    foreign = Body.objects.get(region__county_code="03", kind=BodyKind.SUPPORT_GROUP)
    return {
        "npo": heart.get_absolute_url(),
        "lpo": lpo.get_absolute_url(),
        "lpo_pk": lpo.pk,
        "person": coordinator.get_absolute_url(),
        "foreign_edit": f"/organisation/organ/{foreign.pk}/andra/",
    }


@pytest.fixture
def check(page, expect, axe_violations):
    """Open a page, make sure it is the page meant, run axe on it; collect the findings."""
    failures = []

    def _check(label: str, url: str | None = None, *, status: int = 200):
        if url is not None:
            response = page.goto(url)
            assert response.status == status, f"{label}: {url} answered {response.status}, expected {status}"
        # Unstyled pages would pass contrast checks that the real ones fail.
        expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 61, 107)")
        # Folded content (past memberships, municipalities) is content too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        finding = axe_violations(label)
        if finding:
            failures.append(finding)

    _check.failures = failures
    return _check


def assert_no_violations(check):
    if check.failures:
        pytest.fail("axe-core found WCAG 2.1 A/AA violations:\n\n" + "\n\n".join(check.failures))


@pytest.mark.browser
def test_public_pages_have_no_wcag_violations(urls, page, expect, check, demo_mode):
    check("Startsidan", "/")
    expect(page.get_by_role("note")).to_contain_text("Demoversion.")
    check("Organ", "/organisation/organ/")
    check("NPO", urls["npo"])
    check("LPO", urls["lpo"])
    check("Person", urls["person"])
    check("Regioner", "/organisation/regioner/")
    check("Region Örebro län", "/organisation/regioner/18/")
    check("Sjukvårdsregion Mellansverige", "/organisation/sjukvardsregioner/mellansverige/")
    check("Täckning", "/organisation/tackning/")
    check("Logga in", "/konto/logga-in/")
    check("Sidan finns inte", NOT_FOUND, status=404)

    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("samordnare-orebro")
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("Logga in, med fel lösenord")

    assert_no_violations(check)


@pytest.mark.browser
def test_coordinator_pages_and_forms_have_no_wcag_violations(urls, page, expect, check, login, demo_mode):
    login("samordnare-orebro")
    check("Startsidan, samordnare", "/")
    check("Region Örebro län, samordnare", "/organisation/regioner/18/")
    check("NPO, samordnare", urls["npo"])
    check("LPO, samordnare", urls["lpo"])
    check("Person, samordnare", urls["person"])

    check("Nytt organ", "/organisation/organ/nytt/")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Nytt organ, med valideringsfel")

    check("Nytt uppdrag", f"/organisation/organ/{urls['lpo_pk']}/uppdrag/nytt/")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Nytt uppdrag, med valideringsfel")

    check("Ny person", "/organisation/personer/ny/")
    check("Åtkomst nekad", urls["foreign_edit"], status=403)
    check("Sidan finns inte, samordnare", NOT_FOUND, status=404)

    assert_no_violations(check)
