"""Numbers too large for their fields: refused with 422 in Swedish, nothing stored, and every
read of the object keeps working."""


from django.urls import reverse

from kunskapsnav.interop.tests.api_client import ApiCalls
from kunskapsnav.implementation.tests.personas import ImplementationTestCase


class NumberBoundsApiTests(ApiCalls, ImplementationTestCase):
    def test_a_cost_too_large_for_its_field_is_refused_and_the_adoption_stays_readable(self):
        row = self.orebro_adoption.gap_rows.first()
        response = self.call("patch", f"/gap-rows/{row.pk}", self.chair,
                             {"row_version": row.row_version, "cost_estimate": 10**20})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(response.json()["errors"]["cost_estimate"], ["Ange ett tal som är högst 999\xa0999\xa0999\xa0999."])
        stored = type(row).objects.get(pk=row.pk)
        self.assertEqual((stored.cost_estimate, stored.row_version), (None, row.row_version))
        self.assertEqual(self.call("get", f"/adoptions/{self.orebro_adoption.pk}", self.chair).status_code, 200)
        self.client.force_login(self.chair)
        self.assertEqual(self.client.get(self.orebro_adoption.get_absolute_url()).status_code, 200)
        self.assertEqual(self.client.get(reverse("implementation:gap_analysis", args=[self.orebro_adoption.pk]))
                         .status_code, 200)
        self.client.logout()
        saved = self.call("patch", f"/gap-rows/{row.pk}", self.chair,
                          {"row_version": row.row_version, "cost_estimate": 999_999_999_999})
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(saved.json()["cost_estimate"], 999_999_999_999)

    def test_a_search_page_far_beyond_the_last_is_empty_not_an_error(self):
        response = self.call("get", f"/search?q=hjärtsvikt&offset={10**20}")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["hits"], [])
        page = self.client.get(reverse("knowledge:search"), {"q": "hjärtsvikt", "page": 10**20})
        self.assertEqual(page.status_code, 200)
