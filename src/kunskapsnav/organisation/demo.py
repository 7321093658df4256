"""Synthetic demo data: bodies, people and memberships in every region, with coverage holes
left on purpose so that the coverage report has something to show, and one account per role.

Everything is created through the domain functions (so it obeys the same rules and leaves
the same history), by the demo administrator, in one transaction. Every person and local
body created here is marked as synthetic, and the whole site says "demodata" in demo mode.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from kunskapsnav.accounts.models import User

from . import bodies, memberships, people
from .models import Body, BodyKind, HealthcareRegion, Person, Region, Role

DEMO_PASSWORD = "kunskapsnav-demo"
START = datetime.date(2025, 1, 1)

GIVEN_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Mikael",
    "Lena", "Per", "Emma", "Olof", "Ingrid", "Nils", "Helena", "Fredrik", "Sofia", "Gustav",
    "Kristina", "Magnus", "Elin", "Jonas", "Linnea", "Oskar", "Malin", "Henrik", "Ida", "Viktor",
]
FAMILY_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson",
    "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg",
    "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Mattsson",
]
TITLES = ["Överläkare", "Specialistsjuksköterska", "Verksamhetschef", "Fysioterapeut", "Distriktsläkare",
          "Apotekare", "Utvecklingsledare", "Kurator", "Arbetsterapeut", "Enhetschef"]

OREBRO = "18"
UPPSALA = "03"
HEART_NPO = "npo-hjart-och-karlsjukdomar"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    note: str


ACCOUNTS = [
    DemoAccount("admin", "Nationell administratör", "får ändra allt"),
    DemoAccount("npo-redaktor", "Nationell redaktör", "processledare i NPO Hjärt- och kärlsjukdomar"),
    DemoAccount("samordnare-orebro", "Regional samordnare", "kunskapsstödsgruppen, Region Örebro län"),
    DemoAccount("samordnare-uppsala", "Regional samordnare", "kunskapsstödsgruppen, Region Uppsala"),
    DemoAccount("ordforande", "Ordförande", "ordförande i ett LPO i Region Örebro län"),
    DemoAccount("ledamot", "Ledamot", "ledamot i ett LPO i Region Örebro län"),
    DemoAccount("analytiker", "Analytiker", "uppföljning och analys"),
]


class _People:
    """Deterministic synthetic names, each used once."""

    def __init__(self, by):
        self.by = by
        self.rng = random.Random(2026)
        self.used = set()

    def new(self, region: Region | None, **extra) -> Person:
        while True:
            given, family = self.rng.choice(GIVEN_NAMES), self.rng.choice(FAMILY_NAMES)
            if (given, family) not in self.used:
                self.used.add((given, family))
                break
        person = people.person_create(
            by=self.by, given_name=given, family_name=family, title=self.rng.choice(TITLES), home_region=region, **extra
        )
        Person.objects.filter(pk=person.pk).update(is_synthetic=True)
        person.is_synthetic = True
        return person


def demo_user(username: str, **flags) -> User:
    # A reserved top-level domain: demo mail goes to the console and could never reach anyone.
    user = User(username=username, email=f"{username}@demo.kunskapsnav.invalid", **flags)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _body(by, **values) -> Body:
    body = bodies.body_create(by=by, **values)
    Body.objects.filter(pk=body.pk).update(is_synthetic=True)
    return body


def _seat(by, body, person, role, **values):
    return memberships.membership_create(by=by, body=body, person=person, role=role, start_date=START, **values)


def demo_data_loaded() -> bool:
    return User.objects.filter(username="admin", person__isnull=True).exists() and Person.objects.filter(
        is_synthetic=True
    ).exists()


@transaction.atomic
def demo_data_load() -> bool:
    """Create the demo data unless it is there already. Returns whether it created it."""
    if demo_data_loaded():
        return False
    admin = demo_user("admin", national_admin=True, is_staff=True, is_superuser=True, first_name="Demo", last_name="Administratör")
    demo_user("analytiker", analyst=True, first_name="Demo", last_name="Analytiker")
    pool = _People(admin)
    rng = random.Random(18)
    npos = list(Body.objects.npos().order_by("name"))
    heart = Body.objects.get(reference_key=HEART_NPO)

    # National: the heart NPO's process leader is the national editor.
    editor = pool.new(Region.objects.get(county_code=OREBRO), user=demo_user("npo-redaktor"))
    _seat(admin, heart, editor, Role.PROCESS_LEADER, time_share=50)
    _seat(admin, heart, pool.new(Region.objects.get(county_code="12")), Role.CHAIR,
          end_date=datetime.date(2027, 12, 31), time_share=20)

    for region in Region.objects.select_related("healthcare_region"):
        support_group = _body(admin, kind=BodyKind.SUPPORT_GROUP, name=f"Kunskapsstödsgrupp {region.name}", region=region)
        _body(admin, kind=BodyKind.RMKS, name=f"RMKS {region.name}", region=region)
        _body(admin, kind=BodyKind.MANAGEMENT_GROUP, name=f"Hälso- och sjukvårdens ledningsgrupp {region.name}", region=region)
        coordinator_user = {OREBRO: "samordnare-orebro", UPPSALA: "samordnare-uppsala"}.get(region.county_code)
        coordinator = pool.new(region, user=demo_user(coordinator_user) if coordinator_user else None)
        _seat(admin, support_group, coordinator, Role.CHAIR, time_share=40, represents_region=region)
        _seat(admin, support_group, pool.new(region), Role.MEMBER, time_share=20, represents_region=region)

        # Most NPOs get an LPO, some a contact person, the rest stay holes.
        shuffled = npos[:]
        rng.shuffle(shuffled)
        lpo_count = rng.randint(len(npos) // 2, len(npos) - 5)
        for index, npo in enumerate(shuffled):
            if region.county_code == OREBRO and npo == heart:
                continue  # left open: the demo shows a coordinator closing this hole
            if index < lpo_count:
                lpo = _body(admin, kind=BodyKind.LPO, name=f"LPO {npo.name.lower()}", region=region, mirrors=npo)
                if index < 3:
                    _seat(admin, lpo, pool.new(region), Role.CHAIR, represents_region=region, time_share=10)
                    _seat(admin, lpo, pool.new(region), Role.MEMBER, represents_region=region, time_share=5)
            elif index < lpo_count + 2:
                _seat(admin, npo, pool.new(region), Role.CONTACT, represents_region=region)

    orebro = Region.objects.get(county_code=OREBRO)
    orebro_lpo = Body.objects.filter(region=orebro, kind=BodyKind.LPO).order_by("name").first()
    _replace_chair(admin, orebro_lpo, pool.new(orebro, user=demo_user("ordforande")))
    _seat(admin, orebro_lpo, pool.new(orebro, user=demo_user("ledamot")), Role.MEMBER, represents_region=orebro, time_share=5)
    working_group = _body(admin, kind=BodyKind.LAG, name=f"LAG inom {orebro_lpo.name}", region=orebro,
                          parent=orebro_lpo)
    _seat(admin, working_group, pool.new(orebro), Role.CHAIR, represents_region=orebro, time_share=5)
    _seat(admin, working_group, pool.new(None), Role.PATIENT_REPRESENTATIVE)

    # Healthcare-regional level: a few RPOs per sjukvårdsregion and the KSG members,
    # leaving one region in each without its KSG member.
    for healthcare_region in HealthcareRegion.objects.prefetch_related("regions"):
        for npo in rng.sample(npos, 6):
            _body(admin, kind=BodyKind.RPO, name=f"RPO {npo.name.lower()}, {healthcare_region.short_name}",
                  healthcare_region=healthcare_region, mirrors=npo)
        ksg = Body.objects.get(kind=BodyKind.KSG, healthcare_region=healthcare_region)
        for region in list(healthcare_region.regions.all())[:-1]:
            _seat(admin, ksg, pool.new(region), Role.MEMBER, represents_region=region, time_share=10)
    return True


def _replace_chair(by, body, person):
    """Make the demo chair account the body's chair: end the generated chair the day before."""
    chair = body.memberships.filter(role=Role.CHAIR).first()
    start = datetime.date(2026, 1, 1)
    if chair is not None:
        memberships.membership_end(by=by, membership=chair, end_date=start - datetime.timedelta(days=1))
    memberships.membership_create(
        by=by, body=body, person=person, role=Role.CHAIR, start_date=start, represents_region=body.region, time_share=10
    )
