"""Journeys through the knowledge portal: a national editor takes a vårdförlopp through a
new version to publication and readers then find only the valid version; a region's
additions are shown to the readers of that region and not to others."""

import re

import pytest

from kunskapsnav.accounts.models import User
from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation import people
from kunskapsnav.organisation.demo import DEMO_PASSWORD
from kunskapsnav.organisation.models import Region

HEART_FAILURE = "Hjärtsvikt – nydebuterad"
STROKE = "Stroke och TIA"
NEW_WORD = "natriuretisk"
NEW_TEXT = (
    "Personer med misstänkt hjärtsvikt ska utredas inom två veckor, med natriuretisk peptid "
    "(NT-proBNP) och ekokardiografi."
)
# Words of the first recommendation's text in version 1 that the new text drops: together they
# are found only in version 1 (each word alone is in other supports or in version 2 too).
ONLY_IN_VERSION_1 = "hjärtsvikt strukturerad bedömning"
REVIEW_DATE = "2028-06-30"
OREBRO_ADDITION = "Regionalt tillägg – Region Örebro län"
OREBRO_HOSPITAL = "Universitetssjukhuset Örebro"


def hits(page):
    return page.locator("#results ol.hits > li")


def search(page, expect, words: str, *, include_all: bool):
    """Search as a reader does: type, set the box, press Sök; wait for the new results."""
    page.goto("/kunskapsstod/sok/")
    page.get_by_label("Sök i kunskapsstöden").fill(words)
    page.get_by_label("Visa även ersatta och återkallade versioner").set_checked(include_all)
    page.get_by_role("search").get_by_role("button", name="Sök").click()
    expect(page.locator("#results")).to_contain_text(f"för ”{words}”")


@pytest.mark.browser
def test_editor_publishes_version_2_and_readers_see_only_the_valid_one(demo_site, page, expect, login, logout):
    support = KnowledgeSupport.objects.get(title=HEART_FAILURE)
    support_url = f"/kunskapsstod/{support.pk}/"
    v1_url, v2_url = f"{support_url}version/1/", f"{support_url}version/2/"
    status = page.get_by_role("status")

    # The national editor (process leader of the owning NPO) starts version 2 from the valid one.
    login("npo-redaktor")
    page.goto("/kunskapsstod/")
    page.get_by_role("link", name=HEART_FAILURE, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(support_url) + "$"))
    expect(page.locator(".validity-valid")).to_contain_text("Gällande version 1")
    page.get_by_role("button", name="Skapa ny version").click()
    expect(page).to_have_url(re.compile(re.escape(v2_url) + "$"))
    expect(status).to_contain_text("Version 2 har skapats som utkast.")
    expect(page.get_by_role("note").filter(has_text="Version 2 är inte publicerad")).to_contain_text("utkast")

    # A draft is copied from version 1: change the first recommendation's text.
    page.get_by_role("link", name="Ändra rekommendation 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra rekommendation")
    expect(page.get_by_label("Rekommendation")).to_have_value(re.compile("strukturerad bedömning"))
    page.get_by_label("Rekommendation").fill(NEW_TEXT)
    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(re.escape(v2_url) + "$"))
    expect(status).to_contain_text("Rekommendationen har sparats.")
    expect(page.locator("article.recommendation").first).to_contain_text(NEW_WORD)

    # The review date, without which a version cannot be published.
    page.get_by_role("link", name="Ändra versionen").click()
    page.get_by_label("Revideringsdatum").fill(REVIEW_DATE)
    page.get_by_label("Vad är nytt").fill("Natriuretisk peptid vid utredningen.")
    page.get_by_role("button", name="Spara").click()
    expect(status).to_contain_text("Versionen har sparats.")

    # The editor sends it on remiss; approving a vårdförlopp is SKS's, not the editor's.
    editor_panel = page.get_by_role("region", name="Redigering")
    expect(editor_panel.get_by_role("button", name="Fastställ")).to_have_count(0)
    editor_panel.get_by_role("button", name="Skicka på remiss").click()
    expect(status).to_contain_text("Versionen har nu status remiss.")
    expect(editor_panel.get_by_role("button", name="Fastställ")).to_have_count(0)
    expect(editor_panel.get_by_role("button", name="Publicera")).to_have_count(0)

    # A national administrator may approve on behalf of SKS.
    logout()
    login("admin")
    page.goto(v2_url)
    page.get_by_role("region", name="Redigering").get_by_role("button", name="Fastställ").click()
    expect(status).to_contain_text("Versionen har nu status fastställd.")

    # Publishing is the editor's again.
    logout()
    login("npo-redaktor")
    page.goto(v2_url)
    page.get_by_role("region", name="Redigering").get_by_role("button", name="Publicera").click()
    expect(status).to_contain_text("Versionen har nu status publicerad.")
    expect(page.locator(".validity-valid")).to_contain_text("Gällande version 2")
    expect(page.locator(".validity-valid")).to_contain_text(f"Revideras senast {REVIEW_DATE}.")
    logout()

    # A reader of the support's own address gets version 2; version 1's page says it is not valid.
    page.goto(support_url)
    expect(page.locator(".validity-valid")).to_contain_text("Gällande version 2")
    expect(page.locator("article.recommendation").first).to_contain_text(NEW_WORD)
    page.goto(v1_url)
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Version 1 gäller inte längre (ersatt).")
    expect(page.locator(".validity-valid")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(HEART_FAILURE)
    expect(page).to_have_title(re.compile("version 1"))
    warning.get_by_role("link", name="Gå till gällande version 2").click()
    expect(page).to_have_url(re.compile(re.escape(v2_url) + "$"))
    expect(page.locator(".validity-valid")).to_contain_text("Gällande version 2")

    # A clinician's search for the new word finds the valid version, once.
    search(page, expect, NEW_WORD, include_all=False)
    expect(page.locator("#results")).to_contain_text(f"1 träff för ”{NEW_WORD}”")
    expect(hits(page)).to_have_count(1)
    expect(hits(page).first.get_by_role("link")).to_have_attribute("href", v2_url)
    expect(hits(page).first).to_contain_text("version 2")
    expect(hits(page).first.locator(".status")).to_have_text("Gäller")
    # The search lands on a URL a reader can share, and loading it gives the same answer.
    page.reload()
    expect(hits(page)).to_have_count(1)
    expect(hits(page).first.get_by_role("link")).to_have_attribute("href", v2_url)

    # Without the box ticked, version 1 never appears, not even for words that are in it.
    search(page, expect, "hjärtsvikt", include_all=False)
    expect(hits(page).filter(has=page.locator(f'a[href="{v2_url}"]'))).to_have_count(1)
    expect(page.locator(f'#results a[href="{v1_url}"]')).to_have_count(0)
    expect(page.locator("#results")).not_to_contain_text("Gäller inte")

    # With it ticked, both are found, and each says whether it is valid.
    search(page, expect, "hjärtsvikt", include_all=True)
    expect(hits(page).filter(has=page.locator(f'a[href="{v2_url}"]')).locator(".status")).to_have_text("Gäller")
    expect(hits(page).filter(has=page.locator(f'a[href="{v1_url}"]')).locator(".status")).to_have_text(
        "Gäller inte – ersatt"
    )

    search(page, expect, ONLY_IN_VERSION_1, include_all=False)
    expect(page.locator("#results")).to_contain_text(f"0 träffar för ”{ONLY_IN_VERSION_1}”")
    expect(page.locator(f'#results a[href="{v1_url}"]')).to_have_count(0)
    expect(page.locator("#results")).to_contain_text("Inga träffar")

    # With the box ticked it is found, and marked as not valid.
    search(page, expect, ONLY_IN_VERSION_1, include_all=True)
    expect(page.locator("#results")).to_contain_text(f"1 träff för ”{ONLY_IN_VERSION_1}”")
    expect(hits(page)).to_have_count(1)
    expect(hits(page).first.get_by_role("link")).to_have_attribute("href", v1_url)
    expect(hits(page).first.locator(".status")).to_have_text("Gäller inte – ersatt")

    # The ticked box does not bring version 1 into a search for the new word.
    search(page, expect, NEW_WORD, include_all=True)
    expect(hits(page)).to_have_count(1)
    expect(hits(page).first.get_by_role("link")).to_have_attribute("href", v2_url)


def skane_reader() -> User:
    """A reader whose home region is Region Skåne: the demo has no such account."""
    admin = User.objects.get(username="admin")
    user = User(username="lakare-skane", first_name="Demo", last_name="Skåne")
    user.set_password(DEMO_PASSWORD)
    user.save()
    people.person_create(
        by=admin, given_name="Demo", family_name="Skåning", title="Överläkare",
        home_region=Region.objects.get(county_code="12"), user=user,
    )
    return user


@pytest.mark.browser
def test_regional_addition_is_shown_to_readers_of_its_region_only(demo_site, page, expect, login, logout):
    stroke = KnowledgeSupport.objects.get(title=STROKE)
    addition = page.get_by_role("complementary", name="Regionalt tillägg från Region Örebro län")
    first_recommendation = page.locator("article.recommendation").first

    # Anonymous readers have no region: no additions unless they choose one.
    page.goto(stroke.get_absolute_url())
    expect(page.locator(".validity-valid")).to_contain_text("Gällande version 2")
    expect(addition).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text(OREBRO_HOSPITAL)

    # A member of an LPO in Region Örebro län sees the region's addition without choosing it,
    # under the recommendation it adds to and marked as the region's.
    login("ledamot")
    page.goto(stroke.get_absolute_url())
    expect(page.get_by_label("Visa regionala tillägg för")).to_have_value("18")
    expect(addition).to_have_count(1)
    expect(first_recommendation.get_by_role("complementary")).to_have_count(1)
    expect(first_recommendation.locator(".regional-addition .addition-head")).to_have_text(OREBRO_ADDITION)
    expect(first_recommendation.locator(".regional-addition")).to_contain_text(OREBRO_HOSPITAL)
    expect(page.locator(".regional-addition")).to_have_count(1)
    # A reader, not a coordinator: no link to write additions.
    expect(page.get_by_role("link", name=re.compile("Skriv tillägg"))).to_have_count(0)
    logout()

    # A reader from Region Skåne does not see Örebro's addition…
    skane_reader()
    login("lakare-skane")
    page.goto(stroke.get_absolute_url())
    expect(page.get_by_label("Visa regionala tillägg för")).to_have_value("12")
    expect(page.locator(".regional-addition")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text(OREBRO_HOSPITAL)
    expect(page.get_by_role("main")).not_to_contain_text("Regionalt tillägg")

    # …unless they choose Region Örebro län in the region selector.
    page.get_by_label("Visa regionala tillägg för").select_option(label="Region Örebro län")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?region=18$"))
    expect(addition).to_have_count(1)
    expect(first_recommendation.locator(".regional-addition .addition-head")).to_have_text(OREBRO_ADDITION)
