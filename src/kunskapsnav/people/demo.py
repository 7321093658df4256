"""Demo people: calls, nominations at different steps of the chain, declarations (assessed,
waiting, soon lapsing), Region Örebro län's designated assessor, and its pool of patient
representatives with an assignment, claims, a compensation model and a payable list.
Created through the domain functions by the accounts that would do it; names and texts are
synthetic and say so."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.organisation import bodies, memberships
from kunskapsnav.organisation.demo import demo_user
from kunskapsnav.organisation.models import Body, BodyKind, HealthcareRegion, Person, Region, Role
from kunskapsnav.organisation.people import person_create

from . import calls, chain, compensation, declarations, nominations, participation
from .models import (
    Assessment, AssignmentKind, CompensationBasis, NominationCall, Outcome, Recruitment,
    RepresentativeKind,
)

OREBRO = "18"
# The accounts this demo adds to the registry's (printed by load_people_demo_data).
ACCOUNTS = [
    ("rmks-orebro", "Ledamot i RMKS, Region Örebro län – godkänner nomineringar"),
    ("bedomare-orebro", "Bedömare av jävsdeklarationer, Region Örebro län"),
]
HEART_NPO = "npo-hjart-och-karlsjukdomar"


def demo_people_loaded() -> bool:
    return NominationCall.objects.exists()


def _person(by, region, given, family, *, user=None, title="") -> Person:
    person = person_create(by=by, given_name=given, family_name=family, title=title, home_region=region, user=user,
                           email=user.email if user else f"{given.lower()}.{family.lower()}@demo.kunskapsnav.invalid")
    Person.objects.filter(pk=person.pk).update(is_synthetic=True)
    return person


def _declare(user, *, assessor, measures=""):
    declaration = declarations.declaration_submit(by=user, person=user.person, nothing_to_declare=not measures,
                                                  interests=[{"category": "konsultuppdrag",
                                                              "organisation": "Exempelmedicin AB (demodata)",
                                                              "description": "Föreläsning om hjärtsvikt",
                                                              "amount": 15000}] if measures else [])
    if assessor is None:
        return declaration
    return declarations.declaration_assess(
        by=assessor, declaration=declaration, assessment=Assessment.MEASURES if measures else Assessment.NO_CONFLICT,
        reasoning="Bedömning i demodata.", measures=measures)


@transaction.atomic
def demo_people_load() -> bool:
    if demo_people_loaded():
        return False
    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    coordinator = User.objects.get(username="samordnare-orebro")
    editor = User.objects.get(username="npo-redaktor")
    orebro = Region.objects.get(county_code=OREBRO)
    heart = Body.objects.get(reference_key=HEART_NPO)
    mellansverige = HealthcareRegion.objects.get(regions=orebro)

    # Örebro designates its assessor; an RMKS member takes RMKS's step.
    assessor = demo_user("bedomare-orebro")
    _person(admin, orebro, "Berit", "Bedömare", user=assessor, title="Chefsjurist (demodata)")
    declarations.assessor_designate(by=coordinator, region=orebro, person=assessor.person)
    rmks = Body.objects.get(kind=BodyKind.RMKS, region=orebro)
    rmks_user = demo_user("rmks-orebro")
    memberships.membership_create(by=admin, body=rmks, person=_person(admin, orebro, "Rolf", "Rmks", user=rmks_user),
                                  role=Role.MEMBER, start_date=datetime.date(2026, 1, 1))

    # The national editor's ties are assessed, with a measure; the LPO member waits.
    _declare(editor, assessor=assessor, measures="Deltar inte i beredningen av läkemedelsfrågor om "
                                                 "Exempelmedicin AB:s produkter (demodata).")
    _declare(User.objects.get(username="ledamot"), assessor=None)

    nag = bodies.body_create(by=admin, kind=BodyKind.NAG, name="NAG hjärtsvikt (demodata)", parent=heart)
    Body.objects.filter(pk=nag.pk).update(is_synthetic=True)
    open_call = calls.call_publish(by=editor, call=calls.call_create(
        by=editor, body=nag, role=Role.MEMBER, seats=3, start_date=today + datetime.timedelta(days=45),
        end_date=today + datetime.timedelta(days=45 + 3 * 365), time_share=10,
        closes_on=today + datetime.timedelta(days=21), self_nomination_allowed=True,
        profile="Erfarenhet av hjärtsviktsvård i primärvård eller specialistvård (demodata)."))
    calls.call_publish(by=editor, call=calls.call_create(
        by=editor, body=heart, role=Role.MEMBER, represents_healthcare_region=mellansverige,
        start_date=today + datetime.timedelta(days=60), closes_on=today + datetime.timedelta(days=30),
        profile="Ledamot för Sjukvårdsregion Mellansverige med bred klinisk erfarenhet (demodata)."))
    calls.call_create(by=editor, body=nag, role=Role.CHAIR, start_date=today + datetime.timedelta(days=90),
                      closes_on=today + datetime.timedelta(days=40),
                      profile="Ordförande för arbetsgruppen (utkast, demodata).")

    # A self-nomination at the first step, and one through the chain waiting for its declaration.
    nominations.nomination_self_submit(
        call=open_call, sender="demo", given_name="Sara", family_name="Ek", email="sara.ek@demo.kunskapsnav.invalid",
        title="Specialistsjuksköterska (demodata)", home_region=orebro, motivation="Leder hjärtsviktsmottagningen "
        "i Karlskoga (demodata).")
    waiting = nominations.nomination_self_submit(
        call=open_call, sender="demo", given_name="Jonas", family_name="Lind",
        email="jonas.lind@demo.kunskapsnav.invalid", title="Distriktsläkare (demodata)", home_region=orebro,
        motivation="Forskar om hjärtsvikt i primärvården (demodata).")
    for user in (coordinator, rmks_user, editor):
        chain.nomination_decide(by=user, nomination=waiting, outcome=Outcome.APPROVED,
                                comment="Beslut i demodata.")
    Person.objects.filter(email="jonas.lind@demo.kunskapsnav.invalid").update(is_synthetic=True)
    _pool(coordinator=coordinator, admin=admin, orebro=orebro, today=today)
    return True


def _pool(*, coordinator, admin, orebro, today):
    """Region Örebro län's pool, its compensation model and a month already paid."""
    lag = Body.objects.filter(region=orebro, kind=BodyKind.LAG).order_by("pk").first()
    compensation.compensation_model_set(by=coordinator, region=orebro, basis=CompensationBasis.HOURLY,
                                        hourly_rate=Decimal("250"), fixed_fee=Decimal("0"),
                                        mileage_rate=Decimal("2.50"))
    people = [
        ("Pia", "Patient", RepresentativeKind.PATIENT, Recruitment.LIVING_LIBRARY, "Hjärtsvikt\nRehabilitering"),
        ("Nils", "Närstående", RepresentativeKind.RELATIVE, Recruitment.PATIENT_ORGANISATION, "Demens\nAnhörigstöd"),
        ("Bo", "Brukare", RepresentativeKind.SERVICE_USER, Recruitment.OTHER, "Psykisk hälsa"),
    ]
    reps = []
    for given, family, kind, recruited, areas in people:
        person = _person(admin, orebro, given, f"{family}-demo")
        reps.append(participation.representative_add(
            by=coordinator, person=person, region=orebro, kind=kind, recruited_through=recruited,
            organisation="Hjärt- och lungsjukas förening (demodata)" if recruited == Recruitment.PATIENT_ORGANISATION
            else "", experience_areas=areas, availability="Dagtid, gärna digitalt", phone="070-000 00 00",
            payee_reference=f"DEMO-{len(reps) + 1:03}", consent_on=datetime.date(2026, 1, 15)))
    first_of_month = today.replace(day=1)
    last_month = (first_of_month - datetime.timedelta(days=1)).replace(day=10)
    assignment = participation.assignment_create(
        by=coordinator, representative=reps[0], kind=AssignmentKind.BODY, body=lag,
        description=f"Patientföreträdare i {lag.name}" if lag else "Patientföreträdare",
        start_date=last_month.replace(day=1), planned_hours=Decimal("20"))
    paid = compensation.claim_submit(by=coordinator, assignment=assignment, worked_on=last_month, hours=Decimal("3"),
                                     travel_km=Decimal("42"))
    compensation.claim_decide(by=admin, claim=paid, approve=True)
    compensation.payable_list_create(by=coordinator, region=orebro, period=last_month.strftime("%Y-%m"))
    compensation.claim_submit(by=coordinator, assignment=assignment, worked_on=today, hours=Decimal("2.5"))
