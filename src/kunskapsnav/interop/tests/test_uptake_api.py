"""GET /api/v1/supports/{id}/versions/{n}/uptake: the uptake in the journals per
recommendation, for a region beside the nation, with small counts suppressed as on the pages,
and its OpenAPI description."""

import jsonschema
from django.test import override_settings

from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.knowledge.tests.test_uptake import reports

from .api_client import ApiCalls


@override_settings(INDICATOR_SMALL_COUNT=5, UPTAKE_FLAG_MIN_REPORTS=20, UPTAKE_FLAG_OVERRIDE_PERCENT=50)
class UptakeApiTest(ApiCalls, KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reports(cls.rec_dont, "18", accepted=4, overridden=16)
        reports(cls.rec_dont, "03", accepted=2, overridden=1)
        reports(cls.rec_dont, "12", accepted=1, overridden=1)

    def path(self, query=""):
        return f"/supports/{self.heart_pathway.pk}/versions/1/uptake{query}"

    def item(self, data, rec):
        return next(r for r in data["recommendations"] if r["recommendation_key"] == str(rec.key))

    def test_a_regions_figures_beside_the_nations_with_the_flag(self):
        response = self.call("get", self.path("?region=18"))
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual((data["version"], data["region"], data["small_count"]), (1, "18", 5))
        dont = self.item(data, self.rec_dont)
        self.assertEqual((dont["region"]["accepted"], dont["region"]["overridden"]), (4, 16))
        self.assertEqual(dont["region"]["share_followed"], 0.2)
        self.assertEqual({r["reason"]: r["count"] for r in dont["region"]["overridden_by_reason"]},
                         {"not-applicable": 16, "patient-declines": 0, "contraindicated": 0, "other": 0, None: 0})
        self.assertTrue(dont["overridden_often"])
        self.assertEqual(dont["nation"]["accepted"], 7)
        self.assertEqual([r["position"] for r in data["recommendations"]], [1, 2, 3])
        self.assertIsNone(self.call("get", self.path()).json()["region"])

    def test_suppressed_counts_are_null_for_the_public_and_shown_to_analysts(self):
        uppsala = self.item(self.call("get", self.path("?region=03")).json(), self.rec_dont)["region"]
        self.assertEqual((uppsala["accepted"], uppsala["share_followed"], uppsala["reports_suppressed"]), (None, None, True))
        self.assertEqual({r["count"] for r in uppsala["overridden_by_reason"]}, {None})
        self.assertFalse(self.item(self.call("get", self.path("?region=03")).json(), self.rec_dont)["overridden_often"])
        for user in (self.analyst, self.admin):
            seen = self.item(self.call("get", self.path("?region=03"), user).json(), self.rec_dont)["region"]
            self.assertEqual((seen["accepted"], seen["reports_suppressed"]), (2, True))
        seen = self.item(self.call("get", self.path("?region=03"), self.orebro_coordinator).json(), self.rec_dont)
        self.assertIsNone(seen["region"]["accepted"])

    def test_an_unknown_region_is_422_and_a_draft_404(self):
        self.assertEqual(self.call("get", self.path("?region=99")).status_code, 422)
        self.assertEqual(self.call("get", f"/supports/{self.heart_guideline.pk}/versions/1/uptake").status_code, 404)

    def test_the_openapi_document_describes_the_answer(self):
        document = self.client.get("/api/v1/openapi.json").json()
        operation = document["paths"]["/api/v1/supports/{support_id}/versions/{number}/uptake"]["get"]
        self.assertEqual({p["name"] for p in operation["parameters"]}, {"support_id", "number", "region"})
        self.assertTrue({"200", "404", "422"} <= set(operation["responses"]))
        schemas = document["components"]["schemas"]
        self.assertEqual(set(schemas["UptakeFiguresOut"]["required"]), {
            "shown", "accepted", "overridden", "overridden_by_reason", "share_followed", "shown_suppressed",
            "reports_suppressed"})
        # the answer is valid against the document's own schema
        schema = {"$ref": "#/components/schemas/UptakeOut", "components": document["components"]}
        jsonschema.validate(self.call("get", self.path("?region=03")).json(), schema)
