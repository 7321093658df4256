"""The införande journey: a support is published; Region Örebro län's coordinator fills the
gap analysis, it is routed to the ledningsgrupp, decided, two actions are created and one
completed; the national matrix shows Örebro in implementering. Every page on the way passes
axe-core."""

import datetime
import re

import pytest
from django.utils import timezone

from kunskapsnav.implementation.models import Adoption, Stage
from kunskapsnav.knowledge.models import KnowledgeSupport

SUPPORT = "Traumatisk hjärnskada"
BOARD = "Hälso- och sjukvårdens ledningsgrupp Region Örebro län"


@pytest.fixture
def accessible(axe_violations):
    failures = []

    def _check(label: str):
        finding = axe_violations(label)
        if finding:
            failures.append(finding)

    _check.failures = failures
    return _check


@pytest.mark.browser
def test_from_publication_to_implementation_in_the_national_matrix(demo_site, page, expect, login, logout,
                                                                   accessible):
    support = KnowledgeSupport.objects.get(title=SUPPORT)
    status = page.get_by_role("status")
    today = timezone.localdate()

    # The support on remiss is approved and published (the administrator acts for SKS).
    login("admin")
    page.goto(support.get_absolute_url())
    page.get_by_role("button", name="Fastställ").click()
    expect(status).to_contain_text("fastställd")
    page.get_by_role("button", name="Publicera").click()
    expect(status).to_contain_text("publicerad")
    logout()

    # Örebro's coordinator finds it on the region's dashboard, in kartläggning.
    login("samordnare-orebro")
    page.goto("/inforande/region/18/")
    row = page.get_by_role("row", name=re.compile(SUPPORT))
    expect(row).to_contain_text("Kartläggning")
    accessible("region dashboard")
    row.get_by_role("link", name=SUPPORT).click()
    adoption = Adoption.objects.get(support=support, region__county_code="18")
    expect(page).to_have_url(re.compile(re.escape(adoption.get_absolute_url()) + "$"))
    accessible("adoption in kartläggning")

    # The gap analysis: a large gap that does not fit the units' budget, the rest none.
    page.get_by_role("link", name="Fyll i kartläggningen").click()
    groups = page.get_by_role("group", name=re.compile(r"^Rekommendation \d"))
    expect(groups.first).to_be_visible()
    accessible("gap analysis form")
    for index in range(groups.count()):
        group = groups.nth(index)
        if index == 0:
            group.get_by_label("Nuvarande arbetssätt").fill("Ingen strukturerad uppföljning i dag.")
            group.get_by_label("Gap", exact=True).select_option(label="Stort gap")
            group.get_by_label("Förslag till åtgärder").fill("Inför uppföljningsbesök efter tre månader.")
            group.get_by_label("Kostnad (kr)").fill("400000")
            group.get_by_label("Ryms i enheternas budget").select_option(label="Nej")
        else:
            group.get_by_label("Gap", exact=True).select_option(label="Inget gap")
    page.get_by_role("button", name="Spara kartläggningen").click()
    expect(status).to_contain_text("Kartläggningen är sparad")

    # To decision: the routing names the ledningsgrupp, prepared by RMKS.
    page.get_by_role("button", name="Till beslut").click()
    expect(status).to_contain_text("beslut")
    decision = page.locator("#beslut")
    expect(decision).to_contain_text(BOARD)
    expect(decision).to_contain_text("bereds av RMKS Region Örebro län")
    accessible("adoption in beslut")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Registrera beslutet"))
    form.get_by_label("Beslutande").fill(BOARD)
    form.get_by_label("Organ", exact=True).select_option(label=BOARD)
    form.get_by_label("Beslutsdatum").fill(today.isoformat())
    form.get_by_label("Utfall").select_option(label="Bifall")
    form.get_by_label("Diarienummer").fill("RS 2026-04711")
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(status).to_contain_text("Beslutet är registrerat.")
    expect(decision).to_contain_text("RS 2026-04711")
    page.get_by_role("button", name="Beslutat: börja implementera").click()
    expect(status).to_contain_text("implementering")

    # Two actions, one of them completed.
    actions = page.locator("#atgarder")
    for title, owner, days in (("Utbilda rehabiliteringsteamen", "Verksamhetschef rehab", 30),
                               ("Boka uppföljningsbesök i journalsystemet", "Strokeenheten", 60)):
        actions.get_by_label(re.compile(r"^Åtgärd")).fill(title)
        actions.get_by_label("Ansvarig").fill(owner)
        actions.get_by_label("Klar senast").fill((today + datetime.timedelta(days=days)).isoformat())
        actions.get_by_role("button", name="Lägg till åtgärden").click()
        expect(status).to_contain_text("Åtgärden är tillagd.")
    first = page.get_by_role("row", name=re.compile("Utbilda rehabiliteringsteamen"))
    first.get_by_label(re.compile("Status för")).select_option(label="Klar")
    first.get_by_role("button", name=re.compile("Spara status")).click()
    expect(status).to_contain_text("Åtgärden är uppdaterad.")
    accessible("adoption in implementering")
    adoption.refresh_from_db()
    assert adoption.stage == Stage.IMPLEMENTATION
    assert sorted(adoption.actions.values_list("status", flat=True)) == ["klar", "planerad"]
    logout()

    # The national side sees Örebro in implementering in the matrix, and the progress over time.
    login("npo-redaktor")
    page.goto("/inforande/matris/")
    cell = page.get_by_role("link", name=f"{SUPPORT}, Region Örebro län: Implementering")
    expect(cell).to_be_visible()
    accessible("national matrix")
    page.get_by_role("link", name=SUPPORT, exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Region Örebro län")
    expect(page.locator(".chart svg.marks")).to_be_visible()
    accessible("progress over time")

    assert not accessible.failures, "\n\n".join(accessible.failures)
