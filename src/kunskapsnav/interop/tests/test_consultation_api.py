import datetime
import json

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.consultation import answers, compilation
from kunskapsnav.consultation.models import ConsultationRound
from kunskapsnav.consultation.tests.remiss import LiveRemissTestCase


class RemissApiTests(LiveRemissTestCase):
    def call(self, method, path, user=None, payload=None):
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=user, name="test")[1]} if user else {}
        if method == "get":
            return self.client.get(f"/api/v1{path}", headers=headers)
        return getattr(self.client, method)(f"/api/v1{path}", data=json.dumps(payload or {}),
                                            content_type="application/json", headers=headers)

    def test_internal_comments_are_read_only_inside_the_region(self):
        path = f"/remiss-invitations/{self.orebro_inv.pk}/comments"
        self.assertEqual([c["text"] for c in self.call("get", path, self.member).json()],
                         ["Fyra veckor är för länge för ekokardiografi."])
        for user in (self.uppsala_coordinator, self.npo_editor, None):
            with self.subTest(user=user and user.username):
                self.assertEqual(self.call("get", path, user).status_code, 403)
        self.assertEqual(self.client.get(f"/api/v1{path}", headers={"Authorization": "Bearer fel"}).status_code, 401)

    def test_a_region_answers_through_the_api_and_the_owner_reads_and_responds(self):
        inv = f"/remiss-invitations/{self.orebro_inv.pk}"
        draft = self.call("put", f"{inv}/answer", self.orebro_coordinator, {
            "summary": "Tillstyrks", "signed_by": "HSD",
            "items": [{"recommendation": self.rec.pk, "text": "Två veckor", "from_comments": [self.chair_comment.pk]}],
        })
        self.assertEqual(draft.status_code, 200, draft.content)
        self.assertEqual(self.call("get", f"{inv}/answer", self.npo_editor).status_code, 403)  # a draft
        self.assertEqual(self.call("post", f"{inv}/answer/submission", self.orebro_coordinator).json()["status"],
                         "inskickat")
        locked = self.call("put", f"{inv}/answer", self.orebro_coordinator, {"summary": "Ändrat", "signed_by": "X"})
        self.assertEqual(locked.status_code, 422)
        self.assertIn("låst", json.dumps(locked.json(), ensure_ascii=False))
        item = self.call("get", f"{inv}/answer", self.npo_editor).json()["items"][0]
        self.assertEqual(self.call("get", f"{inv}/answer", self.uppsala_coordinator).status_code, 403)
        response = self.call("put", f"/remiss-answer-items/{item['id']}/response", self.npo_editor,
                             {"outcome": "delvis", "reason": "Tre veckor."})
        self.assertEqual(response.json()["outcome"], "delvis")
        data = self.call("get", f"/remiss-rounds/{self.round.pk}/compilation", self.npo_editor).json()
        self.assertEqual(data["statistics"]["answered"], ["Region Örebro län"])
        self.assertEqual(data["groups"][0]["items"][0]["response"]["reason"], "Tre veckor.")
        self.assertEqual(self.call("get", f"/remiss-rounds/{self.round.pk}/compilation").status_code, 403)

    def test_the_api_refuses_answers_after_the_deadline(self):
        ConsultationRound.objects.filter(pk=self.round.pk).update(
            opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 2, 1))
        response = self.call("post", f"/remiss-invitations/{self.orebro_inv.pk}/comments", self.chair,
                             {"text": "För sent"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("Inga fler svar tas emot", json.dumps(response.json(), ensure_ascii=False))

    def test_who_answered_is_shown_to_the_owner_and_to_everyone_once_published(self):
        answers.answer_compose(by=self.orebro_coordinator, invitation=self.orebro_inv, summary="Ja", signed_by="HSD",
                               items=[{"text": "Bra", "from_comments": [self.chair_comment]}])
        answers.answer_submit(by=self.orebro_coordinator, invitation=self.orebro_inv)

        def answered(user):
            parties = self.call("get", f"/remiss-rounds/{self.round.pk}", user).json()["invitations"]
            return {p["party"]: p["answered"] for p in parties}["Region Örebro län"]

        self.assertIsNone(answered(None))
        self.assertTrue(answered(self.npo_editor))
        ConsultationRound.objects.filter(pk=self.round.pk).update(closes_on=datetime.date(2026, 1, 1),
                                                                  opens_on=datetime.date(2025, 12, 1))
        compilation.response_save(by=self.npo_editor, item=self.orebro_inv.answer.items.get(), outcome="beaktad",
                                  reason="Ja")
        published = self.call("post", f"/remiss-rounds/{self.round.pk}/compilation/publication", self.npo_editor)
        self.assertEqual(published.status_code, 200, published.content)
        self.assertTrue(answered(None))
        self.assertEqual(self.call("get", f"/remiss-rounds/{self.round.pk}/compilation").status_code, 200)
        self.assertEqual(self.call("get", f"/remiss-invitations/{self.orebro_inv.pk}/answer").json()["summary"], "Ja")
