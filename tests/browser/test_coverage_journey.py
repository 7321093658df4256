"""The journey the demo is built around: Region Örebro län's coordinator closes the coverage
hole the demo data leaves open on purpose, and a coordinator of another region can look at
the new body but not change it."""

import re

import pytest

from kunskapsnav.organisation.models import Body

HEART = "Hjärt- och kärlsjukdomar"
NEW_LPO = "LPO hjärta och kärl, Region Örebro län"
PERMISSION_DENIED = "Du får inte ändra det här organet."


def coverage_row(page, npo_name: str):
    return page.locator("table.data tbody tr").filter(has=page.get_by_role("rowheader", name=npo_name, exact=True))


@pytest.mark.browser
def test_coordinator_closes_coverage_hole_and_other_region_cannot_edit(demo_site, page, expect, login, logout):
    heart = Body.objects.get(reference_key="npo-hjart-och-karlsjukdomar")

    login("samordnare-orebro")
    page.goto("/organisation/regioner/18/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Region Örebro län")
    expect(page.get_by_role("heading", name="Hål i täckningen")).to_be_visible()
    hole = page.locator("ul.holes > li").filter(has=page.get_by_role("link", name=HEART, exact=True))
    expect(hole).to_have_count(1)
    expect(coverage_row(page, HEART)).to_contain_text("Saknas")

    hole.get_by_role("link", name=f"skapa LPO för {HEART}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt organ")
    # The link carries the hole into the form, so the coordinator only has to name the body.
    expect(page.locator("#id_kind")).to_have_value("LPO")
    expect(page.locator("#id_mirrors")).to_have_value(str(heart.pk))
    expect(page.locator("#id_region option:checked")).to_have_text("Region Örebro län")
    page.get_by_label("Namn").fill(NEW_LPO)
    page.get_by_role("button", name="Spara").click()

    expect(page).to_have_url(re.compile(r"/organisation/organ/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_LPO)
    expect(page.get_by_role("status")).to_contain_text(f"{NEW_LPO} har skapats.")
    expect(page.locator(".facts")).to_contain_text(HEART)
    # Its own coordinator may change it; the other region's, below, may not.
    expect(page.get_by_role("link", name="Ändra organet")).to_be_visible()
    new_pk = int(re.search(r"/organisation/organ/(\d+)/$", page.url).group(1))

    page.goto("/organisation/regioner/18/")
    expect(page.locator("ul.holes > li").filter(has=page.get_by_role("link", name=HEART, exact=True))).to_have_count(0)
    row = coverage_row(page, HEART)
    expect(row.locator("td").first).to_have_text("Lokalt organ")
    expect(row.get_by_role("link", name=NEW_LPO)).to_be_visible()

    logout()
    login("samordnare-uppsala")
    page.goto(f"/organisation/organ/{new_pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_LPO)
    expect(page.get_by_role("link", name="Ändra organet")).to_have_count(0)
    expect(page.get_by_role("link", name="Lägg till uppdrag")).to_have_count(0)

    # Hiding the button is a courtesy; the server must refuse the page itself as well.
    response = page.goto(f"/organisation/organ/{new_pk}/andra/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomst nekad")
    expect(page.get_by_role("main")).to_contain_text(PERMISSION_DENIED)

    # A hand-made POST with a valid CSRF token: the refusal must come from the permission
    # check (its message), not from the CSRF middleware, which also answers 403.
    csrf_token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    new_body = Body.objects.get(pk=new_pk)
    response = page.request.post(
        f"/organisation/organ/{new_pk}/andra/",
        form={"kind": "LPO", "name": "Kapat av Uppsala", "region": str(new_body.region_id), "mirrors": str(heart.pk)},
        headers={"X-CSRFToken": csrf_token},
    )
    assert response.status == 403
    assert PERMISSION_DENIED in response.text()
    new_body.refresh_from_db()
    assert new_body.name == NEW_LPO
