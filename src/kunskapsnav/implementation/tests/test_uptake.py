"""The uptake in the journals where the region works on its adoption: the adoption page's
figures and flags in the gap analysis, and the LPO's list of recommendations set aside often."""

from django.test import override_settings
from django.urls import reverse

from kunskapsnav.implementation import selectors
from kunskapsnav.knowledge.tests.test_uptake import reports

from .personas import ImplementationTestCase


@override_settings(INDICATOR_SMALL_COUNT=5, UPTAKE_FLAG_MIN_REPORTS=20, UPTAKE_FLAG_OVERRIDE_PERCENT=50)
class UptakeInImplementationTest(ImplementationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reports(cls.rec_dont, "18", accepted=4, overridden=16)  # 20 reports, 80 % set aside
        reports(cls.rec_echo, "18", accepted=18, overridden=2)
        reports(cls.rec_dont, "03", accepted=19, overridden=1)
        reports(cls.rec_echo, "03", accepted=10, overridden=10)

    def page(self, user, url):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_lpo_sees_its_regions_often_set_aside_recommendations_with_the_figures(self):
        found = selectors.overridden_often(self.orebro_coordinator, [self.orebro_adoption, self.uppsala_adoption])
        self.assertEqual([(a.pk, item.recommendation.pk, item.region.overridden, item.region.reports)
                          for a, item in found], [(self.orebro_adoption.pk, self.rec_dont.pk, 16, 20)])
        page = self.page(self.member, reverse("implementation:body", args=[self.orebro_lpo.pk]))
        self.assertIn("Rekommendationer som ofta åsidosätts i journalen", page)
        self.assertIn("Ge inte NSAID", page)
        self.assertInHTML("<td>16</td><td>20</td><td>80 %</td>", page)

    def test_another_regions_coordinator_sees_no_flag_on_work_the_region_has_not_shared(self):
        page = self.page(self.uppsala_coordinator, reverse("implementation:body", args=[self.orebro_lpo.pk]))
        self.assertNotIn("Rekommendationer som ofta åsidosätts i journalen", page)
        self.client.logout()
        page = self.client.get(reverse("implementation:body", args=[self.orebro_lpo.pk])).content.decode()
        self.assertNotIn("Ge inte NSAID", page)

    def test_the_adoption_page_shows_the_uptake_and_flags_the_row_of_the_gap_analysis(self):
        page = self.page(self.orebro_coordinator, self.orebro_adoption.get_absolute_url())
        self.assertIn("Följsamhet i journalen", page)
        self.assertIn("Åsidosätts ofta i journalen (16 av 20)", page)
        self.assertIn(f'href="#foljsamhet-{self.rec_dont.key}"', page)
        self.assertIn("Åsidosätts ofta i Region Örebro län", page)
        page = self.page(self.analyst, self.uppsala_adoption.get_absolute_url())
        self.assertIn("Följsamhet i journalen", page)
        self.assertNotIn("Åsidosätts ofta i journalen (", page)  # Uppsala's 50 % is not more than half

    def test_the_gap_analysis_form_flags_the_recommendation_for_those_who_fill_it_in(self):
        page = self.page(self.orebro_coordinator, reverse("implementation:gap_analysis", args=[self.orebro_adoption.pk]))
        self.assertEqual(page.count("Åsidosätts ofta i Region Örebro län"), 1)
        self.assertIn("16 av 20 återkopplingar från journalen åsidosatte rekommendationen", page)
