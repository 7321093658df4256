"""The LPO's page of införanden shows its members' conflict-of-interest measures to people
who work in the system."""

from django.urls import reverse

from kunskapsnav.organisation.models import Role
from kunskapsnav.organisation.tests.personas import seat
from kunskapsnav.people.models import Assessment
from kunskapsnav.people.tests.personas import PeopleTestCase, declare_and_assess

MEASURES = "Deltar inte i upphandlingen av hjärtsviktsläkemedel."


class ConflictMeasuresOnBodyPageTests(PeopleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        seat(by=cls.admin, body=cls.orebro_lpo, person=cls.nominee.person, role=Role.MEMBER)
        declare_and_assess(cls.nominee, assessor=cls.orebro_assessor, assessment=Assessment.MEASURES,
                           measures=MEASURES)

    def test_members_see_the_measures_and_the_public_does_not(self):
        url = reverse("implementation:body", args=[self.orebro_lpo.pk])
        self.client.force_login(self.member)
        self.assertContains(self.client.get(url), MEASURES)
        self.client.logout()
        self.assertNotContains(self.client.get(url), MEASURES)
