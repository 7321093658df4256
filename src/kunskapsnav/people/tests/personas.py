"""Named people for the people app's tests, on top of the registry personas
(organisation.tests.personas):

- rmks_member: member of Region Örebro län's RMKS, takes the RMKS step;
- ksg_member: member of Sjukvårdsregion Mellansverige's KSG, takes the sjukvårdsregional step;
- npo_editor (from the registry personas): process leader of NPO Hjärt- och kärlsjukdomar,
  takes the NPO step for its working group `heart_nag`;
- orebro_assessor: designated by Örebro's coordinator to assess Örebro's declarations;
- nominee: an Örebro cardiologist with an account, no seats.
"""

import datetime

from django.utils import timezone

from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import Body, BodyKind, Role
from kunskapsnav.organisation.tests.personas import RegistryTestCase, make_person, make_user, seat

from .. import calls, declarations
from ..models import Assessment

TODAY = timezone.localdate


def open_call(*, by, body, **values):
    """A published call that closes in two weeks."""
    today = timezone.localdate()
    values.setdefault("start_date", today + datetime.timedelta(days=30))
    values.setdefault("closes_on", today + datetime.timedelta(days=14))
    values.setdefault("profile", "Specialist med erfarenhet av hjärtsvikt.")
    call = calls.call_create(by=by, body=body, **values)
    return calls.call_publish(by=by, call=call)


def declare(user, *, nothing=True, interests=()):
    return declarations.declaration_submit(by=user, person=user.person, nothing_to_declare=nothing,
                                           interests=list(interests))


def declare_and_assess(user, *, assessor, assessment=Assessment.NO_CONFLICT, measures=""):
    declaration = declare(user)
    return declarations.declaration_assess(by=assessor, declaration=declaration, assessment=assessment,
                                           reasoning="Inga band till företag inom området.", measures=measures)


class PeopleTestCase(RegistryTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.orebro_rmks = bodies.body_create(by=cls.admin, kind=BodyKind.RMKS, name="RMKS Örebro", region=cls.orebro)
        cls.mellansverige_ksg = Body.objects.get(kind=BodyKind.KSG, healthcare_region=cls.mellansverige)
        cls.heart_nag = bodies.body_create(by=cls.admin, kind=BodyKind.NAG, name="NAG hjärtsvikt",
                                           parent=cls.heart_npo)
        cls.rmks_member = make_user("rmks_member")
        cls.ksg_member = make_user("ksg_member")
        cls.orebro_assessor = make_user("orebro_assessor")
        cls.nominee = make_user("nominee", email="nominee@example.se")
        seat(by=cls.admin, body=cls.orebro_rmks, person=make_person(by=cls.admin, region=cls.orebro,
                                                                     user=cls.rmks_member), role=Role.MEMBER)
        seat(by=cls.admin, body=cls.mellansverige_ksg, person=make_person(by=cls.admin, region=cls.uppsala,
                                                                          user=cls.ksg_member), role=Role.MEMBER)
        make_person(by=cls.admin, region=cls.orebro, user=cls.orebro_assessor)
        declarations.assessor_designate(by=cls.orebro_coordinator, region=cls.orebro,
                                        person=cls.orebro_assessor.person)
        nominee = make_person(by=cls.admin, region=cls.orebro, user=cls.nominee, given="Nora")
        nominee.email = "nominee@example.se"
        nominee.save()
