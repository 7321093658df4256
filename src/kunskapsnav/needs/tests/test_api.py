import json

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.needs.models import Need, NeedStatus

from .personas import NeedsTestCase, TEXTS
from .test_triage import decided


class NeedApiTests(NeedsTestCase):
    def call(self, method, url, user=None, payload=None):
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=user, name="t")[1]} if user else {}
        if payload is None:
            return getattr(self.client, method)(url, headers=headers)
        return getattr(self.client, method)(url, data=json.dumps(payload), content_type="application/json",
                                            headers=headers)

    def test_the_public_list_has_decided_needs_without_personal_data(self):
        decided(self.heart_need, by=self.npo_editor)
        items = self.call("get", "/api/v1/needs").json()["items"]
        self.assertEqual([i["id"] for i in items], [self.heart_need.pk])
        self.assertIsNone(items[0]["submitted_by"])
        self.assertIsNone(items[0]["problem"])
        self.assertEqual(items[0]["decision"], "nytt_stod")
        self.assertEqual(self.call("get", f"/api/v1/needs/{self.open_need.pk}").status_code, 404)
        self.assertEqual(self.call("get", f"/api/v1/needs/{self.heart_need.pk}").json()["steps"], [])

    def test_people_in_the_system_read_every_need_with_its_history(self):
        items = self.call("get", "/api/v1/needs?status=inskickat", self.outsider).json()["items"]
        self.assertEqual({i["id"] for i in items}, {self.heart_need.pk, self.open_need.pk})
        detail = self.call("get", f"/api/v1/needs/{self.heart_need.pk}", self.outsider).json()
        self.assertEqual((detail["submitted_by"], detail["party"]), ("member", "LPO hjärta"))
        self.assertEqual([s["action"] for s in detail["steps"]], ["inskickat"])

    def test_it_submits_and_refuses_bad_input_in_swedish(self):
        response = self.call("post", "/api/v1/needs", self.outsider, TEXTS | {"organisation": "Örebro kommun"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], "inskickat")
        before = Need.objects.count()
        response = self.call("post", "/api/v1/needs", self.outsider, TEXTS | {"title": "x" * 201})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"]["title"], ["Texten får ha högst 200 tecken."])
        response = self.call("post", "/api/v1/needs", self.outsider, TEXTS)
        self.assertEqual(response.status_code, 422)
        self.assertIn("organisation", response.json()["errors"])
        response = self.call("post", "/api/v1/needs", self.outsider, TEXTS | {"organisation": "K\x00"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Need.objects.count(), before)

    def test_the_triage_steps_through_the_api(self):
        url = f"/api/v1/needs/{self.heart_need.pk}/triage"
        self.assertEqual(self.call("post", url, self.sks_chair, {"step": "start"}).status_code, 403)
        self.assertEqual(self.call("post", url, self.npo_editor, {"step": "start"}).status_code, 200)
        response = self.call("post", url, self.npo_editor, {"step": "assess", "severity": "hog", "decision": "x"})
        self.assertEqual(response.status_code, 422)
        response = self.call("post", url, self.npo_editor, {"step": "assess", "severity": "hog",
                                                            "affected_count": 5000})
        self.assertEqual(response.json()["severity"], "hog")
        response = self.call("post", url, self.npo_editor, {"step": "decide", "decision": "hanvisning",
                                                            "priority": 2, "reason": "Statens ansvar."})
        self.assertEqual(response.status_code, 422)
        self.assertIn("referred_to", response.json()["errors"])
        response = self.call("post", url, self.npo_editor, {
            "step": "decide", "decision": "hanvisning", "priority": 2, "reason": "Statens ansvar.",
            "referred_to": "Rådet för styrning med kunskap"})
        self.assertEqual(response.json()["status"], NeedStatus.DECIDED)
        response = self.call("post", url, self.npo_editor, {"step": "answer", "answer": "Rådet har svarat."})
        self.assertEqual(response.json()["status"], NeedStatus.ANSWERED)
        self.assertEqual(len(response.json()["steps"]), 5)

    def test_the_openapi_document_describes_the_needs(self):
        document = self.client.get("/api/v1/openapi.json").json()
        self.assertEqual(set(document["paths"]["/api/v1/needs"]), {"get", "post"})
        triage = document["paths"]["/api/v1/needs/{need_id}/triage"]["post"]
        self.assertEqual(set(triage["responses"]), {"200", "400", "401", "403", "404", "422"})
