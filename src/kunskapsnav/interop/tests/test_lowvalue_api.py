from kunskapsnav.interop.tests.api_client import ApiCalls
from kunskapsnav.lowvalue.tests.base import LowValueTestCase


class LowValueApiTests(ApiCalls, LowValueTestCase):
    def test_the_register_lists_practices_with_their_links(self):
        [practice] = self.call("get", "/low-value-practices").json()
        self.assertEqual((practice["practice_system"], practice["practice_code"], practice["condition_code"]),
                         ("atc", "M01A", "I50"))
        self.assertEqual(practice["indicators"], ["LV-BENSO-75"])
        [rec] = practice["recommendations"]
        self.assertEqual((rec["key"], rec["recommendation"], rec["support"], rec["version"], rec["valid"]),
                         (str(self.rec_dont.key), self.rec_dont.pk, self.heart_pathway.pk, 1, True))

    def test_one_practice_and_an_unknown_or_out_of_range_id(self):
        self.assertEqual(self.call("get", f"/low-value-practices/{self.practice.pk}").json()["title"],
                         "NSAID vid hjärtsvikt")
        self.assertEqual(self.call("get", "/low-value-practices/999999").status_code, 404)
        self.assertEqual(self.call("get", "/low-value-practices/0").status_code, 422)
        self.assertEqual(self.call("get", f"/low-value-practices/{2**63}").status_code, 422)

    def test_the_national_view_hides_small_counts_and_unshared_work_from_the_public(self):
        [view] = self.call("get", "/low-value-care/national-view").json()
        self.assertEqual((view["code"], view["percent"], view["higher_is_better"]), ("LV-BENSO-75", True, False))
        self.assertEqual(view["supports"], [self.heart_pathway.pk])
        regions = {r["county_code"]: r for r in view["regions"]}
        self.assertEqual(regions["12"]["latest"]["numerator"], None)
        self.assertTrue(regions["12"]["latest"]["suppressed"])
        self.assertEqual(regions["18"]["latest"]["value"], 0.1)
        self.assertEqual(regions["18"]["stages"], [{"support": self.heart_pathway.pk, "stage": None}])

    def test_the_national_view_as_analyst_and_coordinator(self):
        [view] = self.call("get", "/low-value-care/national-view", self.analyst).json()
        self.assertEqual({r["county_code"]: r for r in view["regions"]}["12"]["latest"]["numerator"], 1)
        [view] = self.call("get", "/low-value-care/national-view", self.orebro_coordinator).json()
        self.assertEqual({r["county_code"]: r for r in view["regions"]}["18"]["stages"][0]["stage"], "kartlaggning")

    def test_a_wrong_token_is_refused(self):
        response = self.client.get("/api/v1/low-value-care/national-view", headers={"Authorization": "Bearer fel"})
        self.assertEqual(response.status_code, 401)
