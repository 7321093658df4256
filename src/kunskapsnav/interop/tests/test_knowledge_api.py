import json

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.knowledge import content
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish


class KnowledgeApiTests(KnowledgeTestCase):
    def post(self, path, payload, user):
        key = ApiToken.issue(user=user, name="test")[1]
        return self.client.post(f"/api/v1{path}", data=json.dumps(payload), content_type="application/json",
                                headers={"Authorization": f"Bearer {key}"})

    def test_supports_list_only_those_with_a_valid_version(self):
        items = self.client.get("/api/v1/supports").json()["items"]
        self.assertEqual([(s["title"], s["valid_version"]) for s in items], [("Hjärtsvikt – nydebuterad", 1)])
        self.assertEqual(items[0]["conditions"], ["I50"])
        self.assertEqual(self.client.get("/api/v1/supports", {"condition": "J44"}).json()["count"], 0)

    def test_a_version_carries_its_recommendations_and_codes(self):
        data = self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/1").json()
        self.assertEqual(data["status"], "publicerad")
        self.assertTrue(data["is_valid"])
        first = data["recommendations"][0]
        self.assertEqual(first["key"], str(self.rec_echo.key))
        self.assertEqual(first["codes"], [{"system": "icd10se", "code": "I50.9"}, {"system": "kva", "code": "FGC10"}])

    def test_drafts_are_not_readable_by_anonymous_clients(self):
        self.assertEqual(self.client.get(f"/api/v1/supports/{self.heart_guideline.pk}/versions/1").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/supports/{self.heart_guideline.pk}").status_code, 404)

    def test_search_finds_stems_and_codes(self):
        data = self.client.get("/api/v1/search", {"q": "hjärtsvikten"}).json()
        self.assertEqual([h["title"] for h in data["hits"]], ["Hjärtsvikt – nydebuterad"])
        self.assertIn("<mark>", data["hits"][0]["snippet"])
        self.assertEqual(self.client.get("/api/v1/search", {"q": "C09AA"}).json()["total"], 1)
        self.assertIn("type", data["facets"])

    def test_the_diff_between_versions(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.recommendation_delete(by=self.npo_editor, recommendation=v2.recommendations.get(key=self.rec_drug.key))
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        data = self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/diff", {"from": 1, "to": 2}).json()
        self.assertEqual([r["key"] for r in data["removed"]], [str(self.rec_drug.key)])
        self.assertEqual((data["unchanged"], data["changed"], data["added"]), (2, [], []))

    def test_a_coordinator_writes_an_addition_and_readers_get_it(self):
        response = self.post(f"/recommendations/{self.rec_echo.pk}/additions", {"region": "18", "text": "Remiss till USÖ"},
                             self.orebro_coordinator)
        self.assertEqual(response.status_code, 201, response.content)
        additions = self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/1/additions",
                                    {"region": "18"}).json()
        self.assertEqual([(a["region"], a["text"]) for a in additions], [("18", "<p>Remiss till USÖ</p>")])
        self.assertEqual(self.client.get(f"/api/v1/supports/{self.heart_pathway.pk}/versions/1/additions",
                                         {"region": "12"}).json(), [])
        refused = self.post(f"/recommendations/{self.rec_echo.pk}/additions", {"region": "12", "text": "X"},
                            self.orebro_coordinator)
        self.assertEqual(refused.status_code, 403)

    def test_transitions_through_the_api_follow_the_same_rules(self):
        draft = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.npo_editor, version=draft, text="R", priority=1)
        path = f"/supports/{self.heart_guideline.pk}/versions/1/transitions"
        self.assertEqual(self.post(path, {"to": "remiss"}, self.outsider).status_code, 403)
        response = self.post(path, {"to": "publicerad"}, self.npo_editor)
        self.assertEqual(response.status_code, 422)
        self.assertIn("kan inte bli publicerad", response.json()["detail"] + json.dumps(response.json(), ensure_ascii=False))
        response = self.post(path, {"to": "remiss", "note": "Till regionerna"}, self.npo_editor)
        self.assertEqual((response.status_code, response.json()["status"]), (200, "remiss"))
