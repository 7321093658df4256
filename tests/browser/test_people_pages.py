"""Every page of nominations, declarations and participation passes axe-core's WCAG 2.1 A
and AA rules: as the public, as Region Örebro län's coordinator, as its assessor and as the
national editor declaring their ties. Each test reports every violation at once."""

import pytest

from kunskapsnav.organisation.models import Body
from kunskapsnav.people.models import (
    CallStatus, Declaration, DeclarationStatus, Nomination, NominationCall, ParticipationAssignment, PayableList,
    Representative,
)


@pytest.fixture
def check(page, expect, axe_violations):
    failures = []

    def _check(label: str, url: str, *, status: int = 200):
        response = page.goto(url)
        assert response.status == status, f"{label}: {url} answered {response.status}, expected {status}"
        expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 61, 107)")
        finding = axe_violations(label)
        if finding:
            failures.append(finding)

    _check.failures = failures
    return _check


def assert_no_violations(check):
    if check.failures:
        pytest.fail("axe-core found WCAG 2.1 A/AA violations:\n\n" + "\n\n".join(check.failures))


@pytest.fixture
def objects(people_site):
    open_call = NominationCall.objects.filter(status=CallStatus.PUBLISHED, self_nomination_allowed=True).get()
    return {
        "call": open_call,
        "draft": NominationCall.objects.filter(status=CallStatus.DRAFT).get(),
        "nomination": Nomination.objects.filter(call=open_call).order_by("pk").first(),
        "nag": Body.objects.get(name="NAG hjärtsvikt (demodata)"),
        "representative": Representative.objects.order_by("pk").first(),
        "assignment": ParticipationAssignment.objects.order_by("pk").first(),
        "payable": PayableList.objects.get(),
        "waiting": Declaration.objects.get(status=DeclarationStatus.SUBMITTED),
    }


@pytest.mark.browser
def test_public_people_pages_have_no_wcag_violations(objects, page, check, axe_violations):
    call = objects["call"]
    check("Utlysningar", "/organisation/utlysningar/")
    check("Utlysning", call.get_absolute_url())
    check("Anmäl intresse", f"/organisation/utlysningar/{call.pk}/anmal/")
    page.get_by_role("button", name="Skicka anmälan").click()  # the page with every error at once
    finding = axe_violations("Anmäl intresse med fel")
    if finding:
        check.failures.append(finding)
    check("Tack", f"/organisation/utlysningar/{call.pk}/tack/")
    check("Ledamöter och jäv", f"/organisation/organ/{objects['nag'].pk}/ledamoter/")
    assert_no_violations(check)


@pytest.mark.browser
def test_coordinator_people_pages_have_no_wcag_violations(objects, login, check):
    login("samordnare-orebro")
    rep, assignment = objects["representative"], objects["assignment"]
    check("Samordning", "/organisation/samordning/")
    check("Nominera", f"/organisation/utlysningar/{objects['call'].pk}/nominera/")
    check("Nominering", objects["nomination"].get_absolute_url())
    check("Bedömare", "/organisation/jav/bedomare/")
    check("Patientmedverkan", "/organisation/patientmedverkan/")
    check("Ny företrädare", "/organisation/patientmedverkan/ny/")
    check("Företrädare", rep.get_absolute_url())
    check("Ändra företrädare", f"/organisation/patientmedverkan/{rep.pk}/andra/")
    check("Nytt uppdrag", f"/organisation/patientmedverkan/{rep.pk}/uppdrag/ny/")
    check("Ersättningsanspråk", f"/organisation/medverkansuppdrag/{assignment.pk}/ersattning/ny/")
    check("Ersättningsmodell", "/organisation/ersattning/modell/18/")
    check("Utbetalningsunderlag", "/organisation/ersattning/underlag/")
    check("Experternas tid", "/organisation/ersattning/experter/")
    check("Organ (med länkar)", "/organisation/organ/")
    assert_no_violations(check)


@pytest.mark.browser
def test_editor_and_assessor_pages_have_no_wcag_violations(objects, login, logout, check):
    login("npo-redaktor")
    check("Ny utlysning", "/organisation/utlysningar/ny/")
    check("Ändra utlysning", f"/organisation/utlysningar/{objects['draft'].pk}/andra/")
    check("Mina jävsdeklarationer", "/organisation/jav/")
    check("Ny jävsdeklaration", "/organisation/jav/ny/")
    check("Startsidan", "/")
    logout()
    login("bedomare-orebro")
    waiting = objects["waiting"]
    check("Att bedöma", "/organisation/jav/bedomning/")
    check("Jävsdeklaration", waiting.get_absolute_url())
    check("Bedöm", f"/organisation/jav/{waiting.pk}/bedom/")
    assert_no_violations(check)
