"""What the services refuse, and what they do when the database fails: a refused call gets
its status and a Swedish message in JSON; a hook call whose database work fails or runs past
the time budget gets an empty card list, never a 500."""

from django.db import connection
from django.test import override_settings

from kunskapsnav.interop.cds import card_cache

from .base import ORDER_SELECT, ORDER_SIGN, PATIENT_VIEW, CdsTestCase, bundle, condition, medication, order_call, patient_view


class CdsErrorsTest(CdsTestCase):
    def assertRefused(self, response, status: int, words: str):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn(words, response.json()["error"])

    def test_an_unknown_service_is_404(self):
        self.assertRefused(self.post("/cds-services/okand", patient_view()), 404, "finns inte")

    def test_a_get_on_a_service_is_405(self):
        response = self.client.get(PATIENT_VIEW)
        self.assertRefused(response, 405, "GET")
        self.assertEqual(response["Allow"], "POST")

    def test_a_hook_the_service_does_not_answer_is_400(self):
        body = patient_view()
        body["hook"] = "encounter-start"
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "svarar på hooken patient-view, inte encounter-start")

    def test_a_body_that_is_not_json_is_400(self):
        self.assertRefused(self.post(PATIENT_VIEW, "{inte json"), 400, "inte JSON")

    def test_a_context_without_the_patient_is_400(self):
        body = patient_view()
        del body["context"]["patientId"]
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "patientId")
        body["context"] = ["not", "an", "object"]
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "context")

    def test_a_prefetch_of_the_wrong_resource_type_is_400(self):
        body = patient_view(prefetch={"conditions": bundle(medication("M01AE01"))})
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "ska bara innehålla Condition, inte MedicationRequest")
        body = patient_view(prefetch={"conditions": {"resourceType": "Patient", "id": "1288992"}})
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "ska vara en FHIR Bundle, inte Patient")

    def test_an_invalid_fhir_resource_in_the_prefetch_is_400(self):
        broken = condition("I50.9")
        del broken["subject"]
        body = patient_view(prefetch={"conditions": bundle(broken)})
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "ingen giltig FHIR R4 Bundle")

    def test_an_invalid_resource_is_400_with_where_it_is(self):
        broken = condition("I50.9")
        broken["code"]["coding"][0]["code"] = {"not": "a code"}
        body = patient_view(prefetch={"conditions": bundle(condition("I10"), broken)})
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "fel vid entry.1.resource.code.coding.0.code")
        for resource in ({"resourceType": "Element"}, {"resourceType": "Okand"}, "Condition", {"code": {}}):
            body = {**patient_view(), "context": {**patient_view()["context"],
                                                   "draftOrders": bundle(resource)}, "hook": "order-sign"}
            response = self.post(ORDER_SIGN, body)
            self.assertRefused(response, 400, "fel vid entry.0.resource.resourceType")
        body = patient_view(prefetch={"conditions": {"resourceType": "Bundle", "type": "searchset", "entry": "x"}})
        self.assertRefused(self.post(PATIENT_VIEW, body), 400, "ingen giltig FHIR R4 Bundle: fel vid entry")

    def test_a_selection_not_among_the_draft_orders_is_400(self):
        body = order_call("order-select", orders=[medication("M01AE01", status="draft", id="a")],
                          selections=["MedicationRequest/b"])
        self.assertRefused(self.post(ORDER_SELECT, body), 400, "MedicationRequest/b")

    def test_a_failing_database_answers_an_empty_card_list(self):
        body = patient_view(conditions=["I50.9"], medications=["M01AE01"])
        self.assertNotEqual(self.cards(PATIENT_VIEW, body), [])
        # The change feed's table, which every call reads (the code index and the worker's
        # cards are fresh as of its latest entry), is gone for real (inside the test's
        # transaction, rolled back after).
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE knowledge_contentchange RENAME TO knowledge_contentchange_gone")
        with self.assertLogs("kunskapsnav.interop.cds.views", "ERROR"):
            response = self.post(PATIENT_VIEW, body)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"cards": []})

    @override_settings(CDS_TIME_BUDGET_MS=200)
    def test_past_the_budget_the_database_stops_the_statement_and_the_answer_is_empty(self):
        # The recommendations' table, which every call reads, is made slow for real: a view
        # in its place that takes a second or more to read (PostgreSQL sleeps; SQLite counts to
        # ten million). Inside the test's transaction, rolled back after. The code index is
        # built first, as a worker that has answered before has it, but not the cards.
        body = patient_view(conditions=["I50.9"], medications=["M01AE01"])
        self.assertNotEqual(self.cards(PATIENT_VIEW, body), [])
        card_cache.store_clear()
        slow = {
            "postgresql": "SELECT r.* FROM recommendations_behind r, pg_sleep(1)",
            "sqlite": "SELECT r.* FROM recommendations_behind r, (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL "
                      "SELECT x + 1 FROM n WHERE x < 10000000) SELECT max(x) FROM n)",
        }[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE knowledge_recommendation RENAME TO recommendations_behind")
            cursor.execute(f"CREATE VIEW knowledge_recommendation AS {slow}")
        with self.assertLogs("kunskapsnav.interop.cds.views", "ERROR") as logs:
            response = self.post(PATIENT_VIEW, body)
        self.assertRegex("\n".join(logs.output), "statement timeout|interrupted")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"cards": []})
        # The budget held for the call only: the test's own connection reads on without it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM knowledge_supportversion")
            self.assertGreater(cursor.fetchone()[0], 0)
            if connection.vendor == "postgresql":
                cursor.execute("SHOW statement_timeout")
                self.assertEqual(cursor.fetchone()[0], "0")
