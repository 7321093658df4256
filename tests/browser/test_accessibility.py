"""Every main page, as an anonymous visitor and as a regional coordinator (who sees edit
buttons, contact details and forms), passes axe-core's WCAG 2.1 A and AA rules; so do the
knowledge portal's pages, as a reader, as the national editor (drafts, the editing panel and
the forms) and as a coordinator writing a regional addition.

Each test visits all its pages and reports every violation at once, so that one run shows
everything there is to fix rather than only the first page that fails.
"""

import datetime

import pytest

from kunskapsnav.knowledge.models import KnowledgeSupport, SupportVersion, VersionStatus
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


# --- the knowledge portal ----------------------------------------------------------------


@pytest.fixture
def knowledge(demo_site):
    """The demo supports the checks need: Stroke och TIA has a replaced version 1, a valid
    version 2 and Region Örebro län's addition; Hjärtsvikt is edited by npo-redaktor."""
    stroke = KnowledgeSupport.objects.get(title="Stroke och TIA")
    heart_failure = KnowledgeSupport.objects.get(title="Hjärtsvikt – nydebuterad")
    # Review dates that have passed and that are near, so that the review page lists both.
    today = datetime.date.today()
    SupportVersion.objects.filter(support=heart_failure, status=VersionStatus.PUBLISHED).update(
        review_date=today - datetime.timedelta(days=10)
    )
    SupportVersion.objects.filter(support=stroke, status=VersionStatus.PUBLISHED).update(
        review_date=today + datetime.timedelta(days=30)
    )
    return {"stroke": stroke, "heart_failure": heart_failure}


@pytest.mark.browser
def test_knowledge_portal_pages_have_no_wcag_violations(knowledge, page, expect, check, demo_mode):
    stroke = knowledge["stroke"]
    check("Kunskapsstöd", "/kunskapsstod/")
    check("Kunskapsstöd, filtrerade", "/kunskapsstod/?type=vardforlopp&q=stroke")

    check("Sök, med träffar", "/kunskapsstod/sok/?q=stroke")
    expect(page.locator("ol.hits > li").first).to_be_visible()
    expect(page.get_by_role("complementary", name="Avgränsa").get_by_role("heading")).not_to_have_count(0)
    check("Sök, med avgränsning", "/kunskapsstod/sok/?q=stroke&type=vardforlopp")
    expect(page.get_by_role("link", name="ta bort Personcentrerat och sammanhållet vårdförlopp")).to_be_visible()
    check("Sök, även ersatta versioner", "/kunskapsstod/sok/?q=stroke&include_all=on")
    expect(page.locator("#results .status-hole").first).to_contain_text("Gäller inte")
    check("Sök, utan träffar", "/kunskapsstod/sok/?q=xyzzy")

    check("Kunskapsstöd med regionalt tillägg", f"{stroke.get_absolute_url()}?region=18")
    expect(page.locator(".regional-addition")).to_have_count(1)
    check("Kunskapsstöd, alla regioners tillägg", f"{stroke.get_absolute_url()}?region=alla")
    check("Ersatt version", f"/kunskapsstod/{stroke.pk}/version/1/")
    expect(page.get_by_role("alert")).to_contain_text("gäller inte längre")
    check("Ändringar mellan versioner", f"/kunskapsstod/{stroke.pk}/andringar/")
    # Changed words are told apart by more than colour: inserted ones underlined, deleted
    # ones struck through.
    expect(page.locator(".word-diff ins").first).to_have_css("text-decoration-line", "underline")
    expect(page.locator(".word-diff del").first).to_have_css("text-decoration-line", "line-through")
    check("Revidering", "/kunskapsstod/revidering/")
    expect(page.locator(".status-hole")).to_have_text("Passerat")
    expect(page.locator(".status-contact")).to_have_text("Snart")

    assert_no_violations(check)


@pytest.mark.browser
def test_knowledge_editor_pages_and_forms_have_no_wcag_violations(knowledge, page, expect, check, login, demo_mode):
    heart_failure = knowledge["heart_failure"]
    login("npo-redaktor")
    check("Kunskapsstöd, redaktör", "/kunskapsstod/")
    check("Gällande version, redaktör", heart_failure.get_absolute_url())
    page.get_by_role("button", name="Skapa ny version").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 har skapats som utkast.")
    check("Utkast med redigeringspanelen")
    expect(page.get_by_role("region", name="Redigering").get_by_role("button", name="Skicka på remiss")).to_be_visible()
    draft_url = page.url

    page.get_by_role("link", name="Ändra rekommendation 1").click()
    check("Ändra rekommendation")
    page.get_by_label("Rekommendation").fill("")
    page.get_by_label("Prioritet (1–10)").fill("11")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Ändra rekommendation, med valideringsfel")

    page.goto(draft_url)
    page.get_by_role("link", name="Ny rekommendation").click()
    check("Ny rekommendation")
    page.goto(draft_url)
    page.get_by_role("link", name="Ändra versionen").click()
    check("Ändra versionen")
    page.goto(draft_url)
    page.get_by_role("link", name="Ny bilaga").click()
    check("Ny bilaga")
    check("Ändra uppgifter om stödet", f"/kunskapsstod/{heart_failure.pk}/andra/")

    check("Nytt kunskapsstöd", "/kunskapsstod/nytt/")
    # The target-group checkboxes are a group with a name, not checkboxes under a stray label.
    expect(page.get_by_role("group", name="Målgrupper").get_by_role("checkbox")).to_have_count(8)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Nytt kunskapsstöd, med valideringsfel")

    check("Importera", "/kunskapsstod/import/")
    page.get_by_label("JSON-fil").set_input_files(
        files=[{"name": "fel.json", "mimeType": "application/json", "buffer": b'{"supports": [{"title": ""}]}'}]
    )
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget har importerats")
    check("Importera, med fel i filen")

    assert_no_violations(check)


@pytest.mark.browser
def test_regional_addition_pages_have_no_wcag_violations(knowledge, page, expect, check, login, demo_mode):
    stroke = knowledge["stroke"]
    login("samordnare-orebro")
    check("Kunskapsstöd, samordnare", stroke.get_absolute_url())
    page.get_by_role("link", name="Skriv tillägg för Region Örebro län (1)").click()
    check("Regionalt tillägg")
    page.get_by_label("Regionalt tillägg").fill("")
    page.get_by_role("button", name="Spara tillägget").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Regionalt tillägg, med valideringsfel")

    assert_no_violations(check)


@pytest.mark.browser
def test_sign_in_pages_with_identity_providers_have_no_wcag_violations(live_server, settings, page, expect, check):
    from kunskapsnav.sso.config import providers_from_env

    settings.OIDC_PROVIDERS = providers_from_env({
        "KUNSKAPSNAV_OIDC_PROVIDERS": "inera,orebro",
        "KUNSKAPSNAV_OIDC_INERA_ISSUER": "https://idp.example.se",
        "KUNSKAPSNAV_OIDC_INERA_CLIENT_ID": "kunskapsnav",
        "KUNSKAPSNAV_OIDC_INERA_CLIENT_SECRET": "s",
        "KUNSKAPSNAV_OIDC_OREBRO_ISSUER": "https://login.example.se",
        "KUNSKAPSNAV_OIDC_OREBRO_CLIENT_ID": "kunskapsnav",
        "KUNSKAPSNAV_OIDC_OREBRO_CLIENT_SECRET": "s",
        "KUNSKAPSNAV_OIDC_OREBRO_LABEL": "Region Örebro län",
    })
    check("Logga in, med inloggningstjänster", "/konto/logga-in/")
    expect(page.get_by_role("link", name="Logga in med Region Örebro län")).to_be_visible()
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    # An answer that no sign-in in this browser asked for.
    check("Inloggningen kunde inte slutföras", "/konto/logga-in/inera/svar/?code=x&state=y", status=400)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen kunde inte slutföras")
    assert_no_violations(check)


@pytest.mark.browser
def test_needs_pages_have_no_wcag_violations(needs_site, page, expect, check, login, demo_mode):
    from kunskapsnav.needs.models import Need

    decided = Need.objects.get(status="beslutat")
    waiting = Need.objects.get(status="under_bedomning")
    check("Behov, allmänheten", "/behov/")
    check("Beslutat behov, allmänheten", decided.get_absolute_url())
    login("ledamot")
    check("Behov, inloggad", "/behov/?mine=on")
    check("Skicka in ett behov", "/behov/nytt/")
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Skicka in ett behov, med valideringsfel")
    check("Beslutat behov, den som skickade in", decided.get_absolute_url())
    page.get_by_role("button", name="Logga ut").click()
    login("npo-redaktor")
    check("Behov under bedömning, NPO:t", waiting.get_absolute_url())
    expect(page.get_by_role("button", name="Besluta")).to_be_visible()
    check("Beslutat behov, NPO:t", decided.get_absolute_url())
    assert_no_violations(check)


# --- lågvärdig vård ------------------------------------------------------------------------


@pytest.mark.browser
def test_low_value_care_pages_have_no_wcag_violations(indicator_site, page, expect, check, login, demo_mode):
    """The register, a practice, the national view over the demo indicators, and the forms
    with their errors as the national administrator (the national secretariat) sees them."""
    from kunskapsnav.lowvalue.demo import demo_lowvalue_load
    from kunskapsnav.lowvalue.models import LowValuePractice

    demo_lowvalue_load()
    practice = LowValuePractice.objects.get(practice_code="N05BA")
    check("Lågvärdig vård", "/lagvardig-vard/")
    check("En lågvärdig åtgärd", practice.get_absolute_url())
    check("Lågvärdig vård i regionerna", "/lagvardig-vard/nationell-bild/")
    expect(page.get_by_role("table").first).to_contain_text("Region Örebro län")
    login("admin")
    check("Lågvärdig vård i regionerna, administratör", "/lagvardig-vard/nationell-bild/")
    check("Ny lågvärdig åtgärd", "/lagvardig-vard/ny/")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    check("Ny lågvärdig åtgärd, med valideringsfel")
    check("Kopplingar", f"/lagvardig-vard/{practice.pk}/kopplingar/")
    assert_no_violations(check)


# --- the annual follow-up ------------------------------------------------------------------


@pytest.mark.browser
def test_annual_report_pages_have_no_wcag_violations(demo_site, page, expect, check, login, axe_violations,
                                                     demo_mode):
    """Last year's published national report (its page in the site and the report as a
    document of its own, with its charts and tables), and as Region Örebro län's coordinator
    the structure follow-up's draft with its assessment forms."""
    from kunskapsnav.reports.demo import demo_reports_load
    from kunskapsnav.reports.models import Report, ReportKind

    demo_reports_load()
    national = Report.objects.get(kind=ReportKind.NATIONAL)
    check("Årlig uppföljning", "/arlig-uppfoljning/")
    check("Nationell uppföljning", national.get_absolute_url())
    # The report as a document has no site header: checked on its own.
    response = page.goto(f"/arlig-uppfoljning/{national.pk}/rapport/")
    assert response.status == 200
    expect(page.locator("figure.chart img").first).to_be_visible()
    expect(page.get_by_role("img", name="Diagram: Täckning av de nationella programområdena. Samma uppgifter finns "
                                        "i tabellen nedan.")).to_be_visible()
    finding = axe_violations("Nationell uppföljning, dokumentet")
    if finding:
        check.failures.append(finding)
    login("samordnare-orebro")
    structure = Report.objects.get(kind=ReportKind.STRUCTURE)
    check("Uppföljning av strukturen, utkast", structure.get_absolute_url())
    assert_no_violations(check)


# --- samstämmighet -------------------------------------------------------------------------


@pytest.mark.browser
def test_coherence_pages_have_no_wcag_violations(demo_site, page, expect, check, login, demo_mode):
    """The overview, a body's queue and SKS's, a candidate with both texts and its decision
    form (with its errors), the runs, and a support's page with its samstämmighet section, as
    the national administrator sees them after a full run over the demo supports."""
    from kunskapsnav.coherence.models import Candidate, DetectionScope
    from kunskapsnav.coherence.runs import run_create, run_full

    run_full(run_create(kind=DetectionScope.FULL))
    candidate = Candidate.objects.order_by("pk").first()
    assert candidate is not None, "the demo supports raise candidates"
    login("admin")
    check("Samstämmighet", "/samstammighet/")
    check("Ett organs kö", f"/samstammighet/organ/{candidate.body_a_id}/")
    check("SKS kö", "/samstammighet/sks/")
    check("Kandidat", f"/samstammighet/kandidat/{candidate.pk}/")
    # The browser would stop an empty reason itself; the server's answer is what is checked.
    page.evaluate("document.querySelectorAll('form').forEach(f => { f.noValidate = true; })")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("Kandidat, med valideringsfel")
    check("Körningar", "/samstammighet/korningar/")
    page.goto(candidate.support_a.get_absolute_url())
    expect(page.locator("#samstammighet table").first).to_be_visible()
    check("Kunskapsstöd med samstämmighet")
    assert_no_violations(check)
