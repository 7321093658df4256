"""Feedback (CDS Hooks 2.0, "Feedback"): each report is counted per card, the journal's region
and care unit, day, outcome and reason; never per patient or clinician; a request is counted
whole or refused whole."""

import datetime

from kunskapsnav.interop.fhir import systems
from kunskapsnav.knowledge.models import CardFeedback
from kunskapsnav.knowledge.uptake import card_uuid

from .base import CARE_UNIT, PATIENT_VIEW, CdsTestCase, patient_view
from .test_auth import table_counts

FEEDBACK = PATIENT_VIEW + "/feedback"


def reason(code: str) -> dict:
    return {"reason": {"system": systems.local("cds-override-reason"), "code": code},
            "userComment": "Patienten 19121212-1212 har redan provat."}


class CdsFeedbackTest(CdsTestCase):
    def setUp(self):
        self.card = str(card_uuid(key=self.rec_dont.key, version_number=1))

    def counts(self):
        return sorted(CardFeedback.objects.values_list("region_code", "care_unit", "day", "outcome",
                                                       "override_reason", "count"))

    def test_the_card_offers_the_reasons_the_feedback_takes(self):
        cards = self.cards(PATIENT_VIEW, patient_view(medications=["M01AE01"]))
        offered = cards[0]["overrideReasons"][2]
        self.assertEqual(offered["system"], systems.local("cds-override-reason"))
        body = {"feedback": [{"card": cards[0]["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-12-07T09:00:00Z",
                              "overrideReason": {"reason": {"system": offered["system"], "code": offered["code"]}}}]}
        self.assertEqual(self.post(FEEDBACK, body).status_code, 200)
        self.assertEqual(CardFeedback.objects.get().override_reason, "contraindicated")

    def test_reports_are_counted_per_card_region_care_unit_day_outcome_and_reason(self):
        body = {"feedback": [
            {"card": self.card, "outcome": "accepted", "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
             "outcomeTimestamp": "2026-12-06T10:05:31Z"},
            {"card": self.card, "outcome": "overridden", "overrideReason": reason("patient-declines"),
             "outcomeTimestamp": "2026-12-06T11:00:00Z"},
            {"card": self.card, "outcome": "overridden", "overrideReason": reason("patient-declines"),
             "outcomeTimestamp": "2026-12-06T12:00:00Z"},
            # 23:30 UTC is the next day in Stockholm
            {"card": self.card, "outcome": "overridden", "outcomeTimestamp": "2026-12-06T23:30:00Z"},
        ]}
        response = self.post(FEEDBACK, body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"counted": 4})
        day, next_day = datetime.date(2026, 12, 6), datetime.date(2026, 12, 7)
        self.assertEqual(self.counts(), [
            ("18", CARE_UNIT, day, "accepted", "", 1),
            ("18", CARE_UNIT, day, "overridden", "patient-declines", 2),
            ("18", CARE_UNIT, next_day, "overridden", "", 1),
        ])
        self.assertEqual(set(CardFeedback.objects.values_list("card", flat=True)), {self.rec_dont_card()})

    def rec_dont_card(self):
        return card_uuid(key=self.rec_dont.key, version_number=1)

    def test_nothing_of_the_patient_or_clinician_is_kept(self):
        before = table_counts()
        body = {"feedback": [{"card": self.card, "outcome": "overridden", "overrideReason": reason("other"),
                              "outcomeTimestamp": "2026-12-07T11:00:00Z"}]}
        self.assertEqual(self.post(FEEDBACK, body).status_code, 200)
        after = table_counts()
        changed = {t for t in after if after[t] != before.get(t)}
        self.assertEqual(changed, {"knowledge_cardfeedback", "interop_usedtokenid"})
        self.assertEqual({f.name for f in CardFeedback._meta.get_fields()},
                         {"id", "card", "region_code", "care_unit", "day", "outcome", "override_reason", "count"})
        row = CardFeedback.objects.values().get()
        self.assertNotIn("19121212", str(row))

    def test_a_bad_report_refuses_the_whole_request(self):
        good = {"card": self.card, "outcome": "accepted", "outcomeTimestamp": "2026-12-07T10:05:31Z"}
        cases = [
            ({"card": "inte-ett-uuid", "outcome": "accepted", "outcomeTimestamp": "2026-12-07T10:05:31Z"}, "uuid"),
            ({"card": self.card, "outcome": "ignored", "outcomeTimestamp": "2026-12-07T10:05:31Z"}, "outcome"),
            ({"card": self.card, "outcome": "accepted", "outcomeTimestamp": "igår"}, "outcomeTimestamp"),
            ({"card": self.card, "outcome": "accepted", "outcomeTimestamp": "2099-01-01T00:00:00Z"}, "framtiden"),
            ({"card": self.card, "outcome": "overridden", "outcomeTimestamp": "2026-12-07T10:05:31Z",
              "overrideReason": {"reason": {"system": "https://example.com/x", "code": "d7ecf885"}}}, "skälen"),
            ({"card": self.card, "outcome": "accepted", "outcomeTimestamp": "2026-12-07T10:05:31Z",
              "overrideReason": reason("other")}, "bara till outcome overridden"),
        ]
        for bad, words in cases:
            with self.subTest(words):
                response = self.post(FEEDBACK, {"feedback": [good, bad]})
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn("feedback[1]", response.json()["error"])
                self.assertIn(words, response.json()["error"])
        self.assertEqual(CardFeedback.objects.count(), 0)
        self.assertEqual(self.post(FEEDBACK, {"feedback": []}).status_code, 400)

    def test_feedback_needs_the_journals_jwt_for_the_feedback_or_the_service_address(self):
        body = {"feedback": [{"card": self.card, "outcome": "accepted", "outcomeTimestamp": "2026-12-07T10:05:31Z"}]}
        self.assertEqual(self.post(FEEDBACK, body, token=None).status_code, 401)
        self.assertEqual(self.post(FEEDBACK, body, token=self.token(PATIENT_VIEW)).status_code, 200)
        self.assertEqual(self.post(FEEDBACK, body, token=self.token("/cds-services/kunskapsstod-order-sign")).status_code,
                         401)

    def test_feedback_for_an_unknown_service_is_404(self):
        body = {"feedback": [{"card": self.card, "outcome": "accepted", "outcomeTimestamp": "2026-12-07T10:05:31Z"}]}
        self.assertEqual(self.post("/cds-services/okand/feedback", body).status_code, 404)

    def test_a_care_unit_that_is_no_hsa_id_is_not_kept(self):
        body = {"feedback": [{"card": self.card, "outcome": "accepted", "outcomeTimestamp": "2026-12-07T10:05:31Z"}]}
        self.assertEqual(self.post(FEEDBACK, body, tenant="Dr Andersson, 19121212-1212").status_code, 200)
        self.assertEqual(CardFeedback.objects.get().care_unit, "")
