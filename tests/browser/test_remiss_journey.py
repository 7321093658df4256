"""The remiss journey: the national editor sends a new version of a vårdförlopp on remiss and
opens a round; Region Örebro län's coordinator gives it to an LPO; the LPO's chair comments;
the coordinator compiles the region's answer and submits it; the editor responds to the
point and downloads the compilation. Every page on the way passes axe-core."""

import csv
import datetime
import io
import os
import re

import pytest
from django.utils import timezone

from kunskapsnav.consultation.models import AnswerStatus, Invitation
from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation.models import Body, BodyKind

SUPPORT = "Kritisk benischemi"
COMMENT = "Tiden till kärlkirurgisk bedömning bör anges i dagar, inte veckor (journey)."
PROPOSAL = "inom tre dagar"
SIGNER = "Hälso- och sjukvårdsdirektör, Region Örebro län"
REASON = "Tiden anges nu i dagar; tre dagar blir fem."


def pdf_available() -> bool:
    """PDF needs the system's Pango libraries (see consultation.tests.test_pages.require_pdf)."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        if os.environ.get("KUNSKAPSNAV_REQUIRE_PDF") == "1":
            raise
        return False
    return True


@pytest.fixture
def accessible(axe_violations):
    """Run axe on the page as it stands and keep the findings, to report them all at the end."""
    failures = []

    def _check(label: str):
        finding = axe_violations(label)
        if finding:
            failures.append(finding)

    _check.failures = failures
    return _check


@pytest.mark.browser
def test_a_remiss_from_round_to_compilation(demo_site, page, expect, login, logout, accessible):
    support = KnowledgeSupport.objects.get(title=SUPPORT)
    status = page.get_by_role("status")
    today = timezone.localdate()
    closes_on = today + datetime.timedelta(days=30)
    lpo = Body.objects.filter(region__county_code="18", kind=BodyKind.LPO).order_by("name").first()

    # Anyone sees which remisses are open and who is invited, not who has answered.
    page.goto("/remiss/")
    page.get_by_role("link", name=re.compile("Traumatisk hjärnskada")).click()
    expect(page.locator("table")).to_contain_text("Region Uppsala")
    expect(page.locator("table")).not_to_contain_text("Har svarat")
    accessible("a round as an anonymous reader")

    # The national editor makes version 2, sends it on remiss and opens a round.
    login("npo-redaktor")
    page.goto(support.get_absolute_url())
    page.get_by_role("button", name="Skapa ny version").click()
    expect(status).to_contain_text("Version 2 har skapats som utkast.")
    page.get_by_role("button", name="Skicka på remiss").click()
    expect(status).to_contain_text("remiss")
    page.get_by_role("link", name="Öppna en remissomgång").click()
    page.get_by_label("Öppnar").fill(today.isoformat())
    page.get_by_label("Sista svarsdag").fill(closes_on.isoformat())
    page.get_by_label("Instruktioner till remissinstanserna").fill("Svara per rekommendation.")
    page.get_by_label("Andra organisationer").fill("Kärlpatienternas förening (demodata)")
    accessible("open a round")
    page.get_by_role("button", name="Öppna remissomgången").click()
    expect(status).to_contain_text("Remissomgången är öppnad och 22 parter är inbjudna.")
    expect(page.locator("table")).to_contain_text("Kärlpatienternas förening (demodata)")
    accessible("round as its owner")
    round_url = page.url
    invitation = Invitation.objects.get(round__version__support=support, region__county_code="18")
    logout()

    # Örebro's coordinator finds the remiss and gives it to the LPO, due before the deadline.
    login("samordnare-orebro")
    page.goto("/remiss/")
    accessible("remiss list as a coordinator")
    page.get_by_role("region", name="Remisser du arbetar med").get_by_role(
        "link", name=re.compile(SUPPORT)).click()
    expect(page).to_have_url(re.compile(re.escape(invitation.get_absolute_url()) + "$"))
    page.get_by_label("Till ett organ").select_option(label=lpo.name)
    page.get_by_label("Svara senast").fill((closes_on - datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Fördela").click()
    expect(status).to_contain_text("Uppdraget är fördelat.")
    expect(page.get_by_role("region", name="Internt uppdrag")).to_contain_text(lpo.name)
    logout()

    # The LPO's chair comments on the first recommendation, with a proposed text.
    login("ordforande")
    page.goto("/remiss/")
    page.get_by_role("region", name="Remisser du arbetar med").get_by_role(
        "link", name=re.compile(SUPPORT)).click()
    page.get_by_label("Avser").select_option(index=1)
    page.get_by_label(re.compile(r"^Synpunkt")).fill(COMMENT)
    page.get_by_label("Förslag till ny text").fill(PROPOSAL)
    page.get_by_role("button", name="Spara synpunkten").click()
    expect(status).to_contain_text("Synpunkten är sparad.")
    expect(page.get_by_role("region", name="Interna synpunkter")).to_contain_text(COMMENT)
    accessible("the region's workspace as the LPO chair")
    logout()

    # The coordinator compiles the answer from the comment, signs it and submits it.
    login("samordnare-orebro")
    page.goto(invitation.get_absolute_url())
    page.get_by_role("link", name="Sammanställ regionens svar").click()
    expect(page.get_by_role("group", name=re.compile("Synpunkt från"))).to_be_visible()
    page.get_by_label("Undertecknas av").fill(SIGNER)
    accessible("composing the answer")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(status).to_contain_text("Utkastet till remissvar är sparat.")
    page.get_by_role("button", name="Skicka in remissvaret").click()
    expect(status).to_contain_text("Remissvaret är inskickat och låst.")
    expect(page.get_by_role("region", name="Samlat remissvar")).to_contain_text(SIGNER)
    accessible("the submitted answer")
    invitation.answer.refresh_from_db()
    assert invitation.answer.status == AnswerStatus.SUBMITTED
    logout()

    # The editor responds to the point and downloads the compilation.
    login("npo-redaktor")
    page.goto(round_url)
    expect(page.get_by_role("row", name=re.compile("Region Örebro län"))).to_contain_text("Har svarat")
    page.get_by_role("link", name="Arbeta med sammanställningen").click()
    point = page.get_by_role("article").filter(has_text=COMMENT)
    expect(point).to_contain_text("Region Örebro län")
    accessible("the compilation before responding")
    point.get_by_label("Delvis beaktad").check()
    point.get_by_label("Motivering").fill(REASON)
    point.get_by_role("button", name="Spara bemötandet").click()
    expect(status).to_contain_text("Bemötandet är sparat.")
    expect(page.get_by_role("article").filter(has_text=COMMENT)).to_contain_text(REASON)
    accessible("the compilation with a response")

    for fmt in ("PDF", "XLSX", "CSV") if pdf_available() else ("XLSX", "CSV"):
        with page.expect_download() as download_info:
            page.get_by_role("link", name=fmt, exact=True).click()
        download = download_info.value
        assert download.suggested_filename.endswith("." + fmt.lower())
        content = open(download.path(), "rb").read()
        if fmt == "PDF":
            assert content.startswith(b"%PDF")
        if fmt == "CSV":
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
            assert [row[3] for row in rows[1:]] == ["Region Örebro län"]
            assert rows[1][9:] == ["Delvis beaktad", REASON]

    assert not accessible.failures, "\n\n".join(accessible.failures)
