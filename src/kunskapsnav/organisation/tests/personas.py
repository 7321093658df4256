"""Named people for tests, built through the domain functions (see CONVENTIONS: factories).

Who may do what in the registry:
- admin: national administrator, may change everything;
- orebro_coordinator: chair of Region Örebro län's kunskapsstödsgrupp, may change Örebro's
  bodies, memberships and people;
- uppsala_coordinator: the same for Region Uppsala (same sjukvårdsregion, foreign to Örebro);
- npo_editor: process leader of NPO Hjärt- och kärlsjukdomar, may change that NPO only;
- chair / member: chair and member of LPO hjärta in Örebro, no registry writes;
- analyst: analyst flag, no registry writes;
- outsider: logged in, no role at all.
"""

import datetime

from django.test import TestCase

from kunskapsnav.accounts.models import User
from kunskapsnav.organisation import bodies, memberships, people
from kunskapsnav.organisation.models import Body, BodyKind, Region, Role

START = datetime.date(2025, 1, 1)


def make_user(username: str, **flags) -> User:
    return User.objects.create_user(username=username, password="test-password-123", **flags)


def make_person(*, by, region, user=None, given="Test", family=None) -> "people.Person":
    return people.person_create(
        by=by, given_name=given, family_name=family or (user.username if user else "Person"), home_region=region, user=user
    )


def seat(*, by, body, person, role, **values):
    values.setdefault("start_date", START)
    return memberships.membership_create(by=by, body=body, person=person, role=role, **values)


class RegistryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", national_admin=True)
        cls.orebro = Region.objects.get(county_code="18")
        cls.uppsala = Region.objects.get(county_code="03")
        cls.skane = Region.objects.get(county_code="12")
        cls.mellansverige = cls.orebro.healthcare_region
        cls.heart_npo = Body.objects.get(reference_key="npo-hjart-och-karlsjukdomar")
        cls.lung_npo = Body.objects.get(reference_key="npo-lung-och-allergisjukdomar")

        cls.orebro_support_group = bodies.body_create(
            by=cls.admin, kind=BodyKind.SUPPORT_GROUP, name="Kunskapsstödsgrupp Örebro", region=cls.orebro
        )
        cls.uppsala_support_group = bodies.body_create(
            by=cls.admin, kind=BodyKind.SUPPORT_GROUP, name="Kunskapsstödsgrupp Uppsala", region=cls.uppsala
        )
        cls.orebro_lpo = bodies.body_create(
            by=cls.admin, kind=BodyKind.LPO, name="LPO hjärta", region=cls.orebro, mirrors=cls.heart_npo
        )
        cls.uppsala_lpo = bodies.body_create(
            by=cls.admin, kind=BodyKind.LPO, name="LPO lunga", region=cls.uppsala, mirrors=cls.lung_npo
        )

        cls.orebro_coordinator = make_user("orebro_coordinator")
        cls.uppsala_coordinator = make_user("uppsala_coordinator")
        cls.npo_editor = make_user("npo_editor")
        cls.chair = make_user("chair")
        cls.member = make_user("member")
        cls.analyst = make_user("analyst", analyst=True)
        cls.outsider = make_user("outsider")

        def person(user, region):
            return make_person(by=cls.admin, region=region, user=user)

        seat(by=cls.admin, body=cls.orebro_support_group, person=person(cls.orebro_coordinator, cls.orebro), role=Role.CHAIR)
        seat(by=cls.admin, body=cls.uppsala_support_group, person=person(cls.uppsala_coordinator, cls.uppsala), role=Role.CHAIR)
        seat(by=cls.admin, body=cls.heart_npo, person=person(cls.npo_editor, cls.skane), role=Role.PROCESS_LEADER)
        seat(by=cls.admin, body=cls.orebro_lpo, person=person(cls.chair, cls.orebro), role=Role.CHAIR)
        seat(by=cls.admin, body=cls.orebro_lpo, person=person(cls.member, cls.orebro), role=Role.MEMBER)
        cls.orebro_member_person = cls.member.person
