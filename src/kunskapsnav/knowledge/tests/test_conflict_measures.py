"""A body's conflict-of-interest measures show where its work is shown: on the page of a
support it owns, for people who work in the system, not for the public."""

from django.urls import reverse

from kunskapsnav.organisation.tests.personas import make_person, make_user
from kunskapsnav.people import declarations
from kunskapsnav.people.models import Assessment

from .personas import KnowledgeTestCase

MEASURES = "Deltar inte i frågor om Exempelmedicin AB:s läkemedel."


class ConflictMeasuresOnSupportPageTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        assessor = make_user("skane_assessor")
        declarations.assessor_designate(by=cls.admin, region=cls.skane,
                                        person=make_person(by=cls.admin, region=cls.skane, user=assessor))
        declaration = declarations.declaration_submit(
            by=cls.npo_editor, person=cls.npo_editor.person, nothing_to_declare=False,
            interests=[{"category": "konsultuppdrag", "organisation": "Exempelmedicin AB",
                        "description": "Rådgivning", "amount": 20000}])
        declarations.declaration_assess(by=assessor, declaration=declaration, assessment=Assessment.MEASURES,
                                        reasoning="Arvode från tillverkare inom området.", measures=MEASURES)

    def test_logged_in_readers_see_the_owning_bodys_measures(self):
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("knowledge:support_detail", args=[self.heart_pathway.pk]))
        self.assertContains(response, MEASURES)

    def test_the_public_does_not(self):
        response = self.client.get(reverse("knowledge:support_detail", args=[self.heart_pathway.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, MEASURES)
