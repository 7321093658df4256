"""The nomination journey: the NPO's process leader publishes a call for its working group;
a specialist nominates herself through the public form; the chain approves her
(kunskapsstödsgrupp, RMKS, NPO); she chooses a password from the mail, declares her ties;
Örebro's assessor assesses the declaration; she appears as a member of the working group.
Every page on the way passes axe-core."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from kunskapsnav.organisation.models import Body, Membership
from kunskapsnav.people.models import NominationCall

NAG = "NAG hjärtsvikt (demodata)"
PASSWORD = "Hjartsvikt-2026-sv"


@pytest.fixture
def accessible(axe_violations):
    failures = []

    def _check(label: str):
        finding = axe_violations(label)
        if finding:
            failures.append(finding)

    _check.failures = failures
    return _check


def _decide(page, expect, status):
    page.get_by_label("Godkänd").check()
    page.get_by_label("Kommentar eller protokollsreferens").fill("Beslut i webbläsartestet.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(status).to_be_visible()


@pytest.mark.browser
def test_a_self_nomination_becomes_a_seat(people_site, page, expect, login, logout, accessible):
    today = timezone.localdate()
    status = page.get_by_role("status")

    # The call is made and published by the NPO's process leader.
    login("npo-redaktor")
    page.goto("/organisation/utlysningar/ny/")
    accessible("new call")
    page.get_by_label("Organ").select_option(label=NAG)
    page.get_by_label("Uppdraget från").fill((today + datetime.timedelta(days=40)).isoformat())
    page.get_by_label("Sista dag för nominering").fill((today + datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Sökt profil").fill("Erfarenhet av rehabilitering vid hjärtsvikt.")
    page.get_by_label("Egen anmälan tillåten").check()
    page.get_by_role("button", name="Spara").click()
    call = NominationCall.objects.get(profile="Erfarenhet av rehabilitering vid hjärtsvikt.")
    expect(page).to_have_url(re.compile(re.escape(call.get_absolute_url()) + "$"))
    page.get_by_role("button", name="Publicera").click()
    expect(status).to_be_visible()
    accessible("published call")
    logout()

    # A specialist nominates herself; a first attempt without consent keeps what she wrote.
    page.goto(call.get_absolute_url())
    page.get_by_role("link", name="Anmäl ditt intresse").click()
    page.get_by_label("Förnamn").fill("Hanna")
    page.get_by_label("Efternamn").fill("Berg")
    page.get_by_label("E-post").fill("hanna.berg@example.se")
    page.get_by_label("Yrke eller befattning").fill("Fysioterapeut")
    page.get_by_label("Region där du arbetar").select_option(label="Region Örebro län")
    page.get_by_label("Varför vill du delta?").fill("Leder hjärtrehabiliteringen i Örebro.")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("alert")).to_contain_text("Kryssa i rutan")
    expect(page.get_by_label("Förnamn")).to_have_value("Hanna")
    accessible("self-nomination with an error")
    page.get_by_label("Jag har läst hur mina uppgifter hanteras").check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tack")
    accessible("thank-you page")
    nomination = call.nominations.get(email="hanna.berg@example.se")

    # The chain: Örebro's kunskapsstödsgrupp, Örebro's RMKS, the NPO.
    for username in ("samordnare-orebro", "rmks-orebro", "npo-redaktor"):
        login(username)
        page.goto(nomination.get_absolute_url())
        accessible(f"nomination before {username}'s step")
        _decide(page, expect, status)
        logout()
    page.goto("/")
    nomination.refresh_from_db()
    assert nomination.status == "godkand"  # approved, waiting for the declaration
    assert not Membership.objects.filter(person=nomination.person, body__name=NAG).exists()

    # She chooses a password through the link in the mail, and declares.
    link = re.search(r"http://\S+/konto/losenord/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^http://[^/]+", "", link))
    page.get_by_label("Nytt lösenord").fill(PASSWORD)
    page.get_by_label("Samma lösenord igen").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("hanna.berg@example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    page.goto("/organisation/jav/")
    accessible("my declarations")
    page.get_by_role("link", name="Lämna jävsdeklaration").click()
    accessible("declaration form")
    page.get_by_label("Jag har inga intressen att redovisa").check()
    page.get_by_role("button", name="Lämna deklarationen").click()
    expect(page.get_by_role("main")).to_contain_text("väntar på bedömning")
    logout()

    # Örebro's assessor assesses it; the seat is made.
    login("bedomare-orebro")
    page.goto("/organisation/jav/bedomning/")
    accessible("assessor's queue")
    page.get_by_role("link", name="Hanna Berg").click()
    accessible("assessment form")
    page.get_by_label("Inget jäv").check()
    page.get_by_label("Motivering").fill("Inga band till företag inom området.")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(status).to_be_visible()
    logout()

    nag = Body.objects.get(name=NAG)
    page.goto(f"/organisation/organ/{nag.pk}/ledamoter/")
    row = page.get_by_role("row", name=re.compile("Hanna Berg"))
    expect(row).to_contain_text("Ledamot")
    expect(page.get_by_role("columnheader", name=re.compile("Jävsdeklaration"))).to_be_visible()
    expect(row.get_by_role("cell").nth(2)).to_have_text("Ja")  # the declaration is assessed
    accessible("the working group's members")
    assert not accessible.failures, "\n\n".join(accessible.failures)
