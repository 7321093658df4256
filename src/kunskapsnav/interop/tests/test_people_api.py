import datetime
import json

from django.test import override_settings
from django.utils import timezone

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.organisation.models import Person, Role
from kunskapsnav.organisation.tests.personas import seat
from kunskapsnav.people import nominations
from kunskapsnav.people.models import Assessment, NominationStatus
from kunskapsnav.people.tests.personas import PeopleTestCase, declare, declare_and_assess, open_call

MEASURES = "Deltar inte i beredningen av frågor om SGLT2-hämmare."


class PeopleApiTests(PeopleTestCase):
    def call(self, method, path, user=None, payload=None, **extra):
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=user, name="test")[1]} if user else {}
        if method == "get":
            return self.client.get(f"/api/v1{path}", headers=headers, **extra)
        return getattr(self.client, method)(f"/api/v1{path}", data=json.dumps(payload or {}),
                                            content_type="application/json", headers=headers, **extra)

    def text(self, response) -> str:
        return json.dumps(response.json(), ensure_ascii=False)

    def nag_call(self, **values):
        return open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True, **values)

    def self_nomination(self, call, n=1, **values):
        payload = {"given_name": "Sara", "family_name": f"Ek{n}", "email": f"sara{n}@example.se",
                   "title": "Sjuksköterska", "home_region": "18", "motivation": "Tio år i hjärtsviktsvård.",
                   "consent": True} | values
        return self.call("post", f"/nomination-calls/{call.pk}/self-nominations", payload=payload)

    # --- calls --------------------------------------------------------------------------

    def test_a_draft_call_is_seen_and_changed_only_by_those_who_manage_the_body(self):
        today = timezone.localdate()
        payload = {"body": self.heart_nag.pk, "start_date": str(today + datetime.timedelta(days=60)),
                   "closes_on": str(today + datetime.timedelta(days=20)), "profile": "Hjärtsviktssjuksköterska.",
                   "self_nomination_allowed": True}
        created = self.call("post", "/nomination-calls", self.npo_editor, payload)
        self.assertEqual(created.status_code, 201, created.content)
        call_id = created.json()["id"]
        self.assertEqual(created.json()["status"], "utkast")
        self.assertNotIn(call_id, [c["id"] for c in self.call("get", "/nomination-calls").json()])
        self.assertEqual(self.call("get", f"/nomination-calls/{call_id}").status_code, 404)
        self.assertEqual(self.call("get", f"/nomination-calls/{call_id}", self.npo_editor).status_code, 200)
        self.assertEqual(self.call("post", "/nomination-calls", self.orebro_coordinator, payload).status_code, 403)
        self.assertEqual(self.call("patch", f"/nomination-calls/{call_id}", self.outsider, {"seats": 2}).status_code,
                         403)
        changed = self.call("patch", f"/nomination-calls/{call_id}", self.npo_editor, {"seats": 2})
        self.assertEqual(changed.json()["seats"], 2)
        published = self.call("post", f"/nomination-calls/{call_id}/publication", self.npo_editor)
        self.assertEqual(published.json()["status"], "publicerad")
        self.assertIn(call_id, [c["id"] for c in self.call("get", "/nomination-calls").json()])
        closed = self.call("post", f"/nomination-calls/{call_id}/closure", self.npo_editor)
        self.assertEqual(closed.json()["status"], "stangd")

    def test_a_call_with_bad_dates_is_refused_in_swedish(self):
        today = timezone.localdate()
        response = self.call("post", "/nomination-calls", self.npo_editor, {
            "body": self.heart_nag.pk, "start_date": str(today), "end_date": str(today - datetime.timedelta(days=1)),
            "closes_on": str(today), "profile": "x"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("Slutdatumet kan inte ligga före startdatumet", response.json()["errors"]["end_date"][0])
        unknown = self.call("post", "/nomination-calls", self.npo_editor, {
            "body": 999999, "start_date": str(today), "closes_on": str(today), "profile": "x"})
        self.assertEqual(unknown.status_code, 422)
        self.assertIn("inget organ med id 999999", self.text(unknown))

    # --- the full chain -----------------------------------------------------------------

    def test_a_self_nominee_goes_through_the_chain_declares_is_assessed_and_takes_the_seat(self):
        call = self.nag_call(start_date=timezone.localdate())
        submitted = self.self_nomination(call)
        self.assertEqual(submitted.status_code, 201, submitted.content)
        self.assertNotIn("sara1@example.se", submitted.content.decode())
        (listed,) = self.call("get", "/nominations", self.orebro_coordinator).json()
        path = f"/nominations/{listed['id']}"
        detail = self.call("get", path, self.orebro_coordinator).json()
        self.assertEqual([(s["step"], s["deciding_body"]["name"]) for s in detail["steps"]],
                         [("kunskapsstodsgrupp", "Kunskapsstödsgrupp Örebro"), ("rmks", "RMKS Örebro"),
                          ("npo", self.heart_npo.name)])
        self.assertEqual(detail["next_step"], "kunskapsstodsgrupp")

        for user, comment in ((self.orebro_coordinator, "Förankrad."), (self.rmks_member, "RMKS § 4"),
                              (self.npo_editor, "")):
            decided = self.call("post", f"{path}/decisions", user, {"outcome": "godkand", "comment": comment})
            self.assertEqual(decided.status_code, 201, decided.content)
        detail = decided.json()
        self.assertEqual(detail["status"], "godkand")
        self.assertIsNone(detail["next_step"])
        self.assertEqual([(d["step"], d["outcome"]) for d in detail["decisions"]],
                         [("kunskapsstodsgrupp", "godkand"), ("rmks", "godkand"), ("npo", "godkand")])
        self.assertEqual(detail["decisions"][1]["decided_by"], "Test rmks_member")
        self.assertEqual(detail["decisions"][1]["comment"], "RMKS § 4")
        self.assertTrue(all(d["decided_at"] for d in detail["decisions"]))

        nominee = Person.objects.get(email="sara1@example.se").user
        declared = self.call("post", "/declarations", nominee, {"nothing_to_declare": True})
        self.assertEqual(declared.status_code, 201, declared.content)
        seats = self.call("get", f"/bodies/{self.heart_nag.pk}/seats").json()
        self.assertEqual(seats, [])  # declared but not assessed: no seat yet
        assessed = self.call("post", f"/declarations/{declared.json()['id']}/assessment", self.orebro_assessor,
                             {"assessment": "inget_jav", "reasoning": "Inga band till företag inom området."})
        self.assertEqual(assessed.status_code, 200, assessed.content)
        self.assertEqual(self.call("get", path, self.orebro_coordinator).json()["status"], "tillsatt")
        seats = self.call("get", f"/bodies/{self.heart_nag.pk}/seats").json()
        self.assertEqual([(s["person"]["name"], s["role"], s["declaration_assessed"]) for s in seats],
                         [("Sara Ek1", "ledamot", True)])

    # --- self-nominations ---------------------------------------------------------------

    @override_settings(SELF_NOMINATION_LIMIT_PER_HOUR=2)
    def test_the_answer_is_the_same_whatever_the_addresss_state(self):
        call = self.nag_call()
        new = self.self_nomination(call, 1)
        again = self.self_nomination(call, 1, given_name="Någon annan")
        over = self.self_nomination(call, 3)
        robot = self.self_nomination(call, 4, webbplats="http://spam.example")
        for response in (new, again, over, robot):
            self.assertEqual((response.status_code, response.json()), (201, new.json()))
        self.assertEqual(set(call.nominations.values_list("email", flat=True)), {"sara1@example.se"})
        other = self.call("post", f"/nomination-calls/{call.pk}/self-nominations", payload={
            "given_name": "Per", "family_name": "Ny", "email": "per@example.se", "home_region": "18",
            "motivation": "Intresserad.", "consent": True}, REMOTE_ADDR="203.0.113.9")
        self.assertEqual((other.status_code, other.json()), (201, new.json()))
        self.assertTrue(call.nominations.filter(email="per@example.se").exists())

    def test_the_honeypot_is_described_in_the_schema(self):
        document = self.client.get("/api/v1/openapi.json").json()
        schema = document["components"]["schemas"]["SelfNominationIn"]["properties"]["webbplats"]
        self.assertIn("Lämna tomt", schema["description"])

    def test_a_self_nomination_is_checked_like_the_public_form_in_swedish(self):
        call = self.nag_call()
        response = self.self_nomination(call, email="inte-en-adress", given_name="x" * 101, home_region="99",
                                        consent=False, motivation="")
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(set(errors), {"email", "given_name", "home_region", "consent", "motivation"})
        self.assertIn("namn@exempel.se", errors["email"][0])
        self.assertIn("högst 100 tecken", errors["given_name"][0])
        self.assertIn("Välj en region i listan", errors["home_region"][0])
        self.assertFalse(nominations.Nomination.objects.exists())

    def test_only_calls_that_allow_it_take_self_nominations(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        response = self.self_nomination(call)
        self.assertEqual(response.status_code, 422)
        self.assertIn("tar inte emot egna anmälningar", self.text(response))

    # --- nominations by a kunskapsstödsgrupp, visibility, rejection, withdrawal -----------

    def nominate(self, user=None):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        return self.call("post", f"/nomination-calls/{call.pk}/nominations", user or self.orebro_coordinator,
                         {"person_id": self.nominee.person.pk, "motivation": "Erfaren kardiolog."})

    def test_a_coordinator_nominates_people_of_their_own_region_only(self):
        self.assertEqual(self.nominate(self.uppsala_coordinator).status_code, 403)
        response = self.nominate()
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["name"], response.json()["source"]), ("Nora nominee", "kunskapsstodsgrupp"))
        call_id = response.json()["call"]
        anonymous = self.call("post", f"/nomination-calls/{call_id}/nominations",
                              payload={"person_id": self.nominee.person.pk, "motivation": "x"})
        self.assertEqual(anonymous.status_code, 401)

    def test_nominations_are_seen_only_by_those_the_rules_allow(self):
        nomination_id = self.nominate().json()["id"]
        self.assertEqual(self.call("get", "/nominations").status_code, 401)
        for user in (self.outsider, self.uppsala_coordinator, self.member):
            with self.subTest(user=user.username):
                self.assertEqual(self.call("get", "/nominations", user).json(), [])
                self.assertEqual(self.call("get", f"/nominations/{nomination_id}", user).status_code, 403)
        for user in (self.orebro_coordinator, self.rmks_member, self.npo_editor, self.nominee, self.admin):
            with self.subTest(user=user.username):
                self.assertEqual([n["id"] for n in self.call("get", "/nominations", user).json()], [nomination_id])
                self.assertEqual(self.call("get", f"/nominations/{nomination_id}", user).status_code, 200)

    def test_a_rejection_needs_a_reason_and_a_withdrawal_is_the_nominees_or_the_groups(self):
        nomination_id = self.nominate().json()["id"]
        path = f"/nominations/{nomination_id}"
        refused = self.call("post", f"{path}/decisions", self.orebro_coordinator, {"outcome": "avslagen"})
        self.assertEqual(refused.status_code, 422)
        self.assertIn("Skriv varför nomineringen avslås", refused.json()["errors"]["comment"][0])
        self.assertEqual(self.call("post", f"{path}/decisions", self.rmks_member, {"outcome": "godkand"}).status_code,
                         403)
        self.assertEqual(self.call("post", f"{path}/withdrawal", self.outsider).status_code, 403)
        withdrawn = self.call("post", f"{path}/withdrawal", self.nominee)
        self.assertEqual(withdrawn.json()["status"], NominationStatus.WITHDRAWN)

    # --- declarations -------------------------------------------------------------------

    def test_a_declaration_is_refused_to_an_outsider_and_to_another_regions_coordinator(self):
        declared = self.call("post", "/declarations", self.nominee, {"interests": [
            {"category": "konsultuppdrag", "organisation": "Läkemedel AB", "description": "Föreläsning",
             "amount": 12000}]})
        self.assertEqual(declared.status_code, 201, declared.content)
        path = f"/declarations/{declared.json()['id']}"
        self.assertEqual(self.call("get", path).status_code, 401)
        for user in (self.outsider, self.uppsala_coordinator, self.member, self.npo_editor):
            with self.subTest(user=user.username):
                self.assertEqual(self.call("get", path, user).status_code, 403)
                self.assertEqual(self.call("get", "/declarations", user).json(), [])
        for user in (self.nominee, self.orebro_coordinator, self.orebro_assessor, self.admin):
            with self.subTest(user=user.username):
                data = self.call("get", path, user).json()
                self.assertEqual([(i["organisation"], i["amount"]) for i in data["interests"]],
                                 [("Läkemedel AB", "12000")])
                self.assertEqual([d["id"] for d in self.call("get", "/declarations", user).json()],
                                 [declared.json()["id"]])
        queue = self.call("get", "/declarations?to_assess=true", self.orebro_assessor).json()
        self.assertEqual([d["id"] for d in queue], [declared.json()["id"]])

    def test_a_declaration_is_checked_in_swedish_and_made_only_by_a_registry_person(self):
        empty = self.call("post", "/declarations", self.nominee, {"nothing_to_declare": False})
        self.assertEqual(empty.status_code, 422)
        self.assertIn("bekräfta att du inte har några", empty.json()["errors"]["nothing_to_declare"][0])
        bad = self.call("post", "/declarations", self.nominee, {"interests": [
            {"category": "okänd", "organisation": "X" * 201, "description": "Y"}]})
        self.assertEqual(bad.status_code, 422)
        messages = bad.json()["errors"]["interests"]
        self.assertTrue(any("som mest 200 tecken" in m for m in messages), messages)
        self.assertEqual(self.call("post", "/declarations", self.outsider, {"nothing_to_declare": True}).status_code,
                         403)
        self.assertEqual(self.call("post", "/declarations", None, {"nothing_to_declare": True}).status_code, 401)

    def test_only_the_designated_assessor_assesses_and_measures_must_be_named(self):
        declaration = declare(self.nominee)
        path = f"/declarations/{declaration.pk}/assessment"
        for user in (self.orebro_coordinator, self.nominee, self.uppsala_coordinator):
            with self.subTest(user=user.username):
                self.assertEqual(self.call("post", path, user, {"assessment": "inget_jav", "reasoning": "x"})
                                 .status_code, 403)
        missing = self.call("post", path, self.orebro_assessor, {"assessment": "jav_med_atgarder", "reasoning": "x"})
        self.assertEqual(missing.status_code, 422)
        self.assertIn("Ange vilka åtgärder", missing.json()["errors"]["measures"][0])
        done = self.call("post", path, self.orebro_assessor,
                         {"assessment": "jav_med_atgarder", "reasoning": "Konsultuppdrag.", "measures": MEASURES})
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual((done.json()["status"], done.json()["measures"]), ("bedomd", MEASURES))
        self.assertIsNotNone(done.json()["valid_until"])

    def test_the_regions_coordinator_designates_and_removes_assessors(self):
        payload = {"region": "18", "person_id": self.chair.person.pk}
        self.assertEqual(self.call("post", "/declaration-assessors", self.uppsala_coordinator, payload).status_code,
                         403)
        created = self.call("post", "/declaration-assessors", self.orebro_coordinator, payload)
        self.assertEqual(created.status_code, 201, created.content)
        listed = self.call("get", "/declaration-assessors?region=18").json()
        self.assertEqual(sorted(a["person"]["name"] for a in listed), ["Test chair", "Test orebro_assessor"])
        path = f"/declaration-assessors/{created.json()['id']}"
        self.assertEqual(self.call("delete", path, self.uppsala_coordinator).status_code, 403)
        removed = self.call("delete", path, self.orebro_coordinator)
        self.assertEqual((removed.status_code, removed.json()["person"]["name"]), (200, "Test chair"))
        self.assertEqual(len(self.call("get", "/declaration-assessors?region=18").json()), 1)

    # --- seats --------------------------------------------------------------------------

    def test_the_public_seats_show_that_a_declaration_is_assessed_but_not_its_measures(self):
        declare_and_assess(self.nominee, assessor=self.orebro_assessor, assessment=Assessment.MEASURES,
                           measures=MEASURES)
        seat(by=self.admin, body=self.heart_nag, person=self.nominee.person, role=Role.MEMBER)
        public = self.call("get", f"/bodies/{self.heart_nag.pk}/seats")
        self.assertNotIn("SGLT2", public.content.decode())
        (row,) = public.json()
        self.assertEqual((row["person"]["name"], row["declaration_assessed"]), ("Nora nominee", True))
        self.assertIsNone(row["measures"])
        self.assertIsNone(row["declaration_status"])
        (row,) = self.call("get", f"/bodies/{self.heart_nag.pk}/seats", self.member).json()
        self.assertEqual((row["declaration_status"], row["measures"]), ("giltig", MEASURES))
        local = self.call("get", f"/bodies/{self.orebro_lpo.pk}/seats").json()
        self.assertEqual({r["declaration_assessed"] for r in local}, {None})  # an LPO needs no declaration
        self.assertEqual(self.call("get", f"/bodies/{self.heart_nag.pk}").status_code, 200)

    # --- the pool, assignments, claims and payable lists --------------------------------

    def add_representative(self, user=None, **values):
        payload = {"region": "18", "given_name": "Eva", "family_name": "Patient", "email": "eva@example.se",
                   "kind": "patient", "recruited_through": "levande_bibliotek",
                   "experience_areas": ["Hjärtsvikt", "Rehabilitering"], "phone": "070-123 45 67",
                   "payee_reference": "LÖN-4711", "consent_on": "2026-01-15"} | values
        return self.call("post", "/representatives", user or self.orebro_coordinator, payload)

    def test_the_pool_and_its_contact_details_stay_with_the_regions_coordinators(self):
        created = self.add_representative()
        self.assertEqual(created.status_code, 201, created.content)
        rep = created.json()
        self.assertEqual((rep["phone"], rep["email"], rep["payee_reference"]),
                         ("070-123 45 67", "eva@example.se", "LÖN-4711"))
        self.assertEqual(rep["experience_areas"], ["Hjärtsvikt", "Rehabilitering"])
        self.assertEqual([r["id"] for r in self.call("get", "/representatives", self.orebro_coordinator).json()],
                         [rep["id"]])
        path = f"/representatives/{rep['id']}"
        self.assertEqual(self.call("get", "/representatives").status_code, 401)
        self.assertEqual(self.call("get", path).status_code, 401)
        for user in (self.uppsala_coordinator, self.outsider, self.member, self.npo_editor):
            with self.subTest(user=user.username):
                listed = self.call("get", "/representatives", user)
                self.assertEqual(listed.json(), [])
                self.assertNotIn("070-123", listed.content.decode())
                detail = self.call("get", path, user)
                self.assertEqual(detail.status_code, 403)
                self.assertNotIn("070-123", detail.content.decode())
        self.assertEqual(self.call("get", "/representatives?region=18", self.uppsala_coordinator).status_code, 403)
        self.assertEqual(self.call("patch", path, self.uppsala_coordinator, {"availability": "Kvällar"}).status_code,
                         403)
        changed = self.call("patch", path, self.orebro_coordinator, {"availability": "Kvällar"})
        self.assertEqual(changed.json()["availability"], "Kvällar")

    def test_a_personal_identity_number_is_refused_as_payee_reference(self):
        response = self.add_representative(payee_reference="19121212-1212")
        self.assertEqual(response.status_code, 422)
        self.assertIn("personnummer", response.json()["errors"]["payee_reference"][0])
        self.assertFalse(Person.objects.filter(email="eva@example.se").exists())  # the new person is not kept
        self.assertEqual(self.add_representative(self.uppsala_coordinator).status_code, 403)

    def test_a_claim_is_priced_on_approval_by_someone_else_and_paid_through_a_payable_list(self):
        model = {"basis": "timarvode", "hourly_rate": "250", "mileage_rate": "2.50"}
        self.assertEqual(self.call("put", "/regions/18/compensation-model", self.uppsala_coordinator, model)
                         .status_code, 403)
        self.assertEqual(self.call("put", "/regions/18/compensation-model", self.orebro_coordinator, model)
                         .status_code, 200)
        self.assertEqual(self.call("get", "/regions/18/compensation-model").json()["hourly_rate"], "250.00")
        rep = self.add_representative(given_name="", family_name="", email="",
                                      person_id=self.member.person.pk).json()
        today = timezone.localdate()
        assignment = self.call("post", f"/representatives/{rep['id']}/assignments", self.orebro_coordinator, {
            "kind": "kartlaggning", "description": "Kartläggning hjärtsvikt",
            "start_date": str(today - datetime.timedelta(days=40))})
        self.assertEqual(assignment.status_code, 201, assignment.content)
        worked_on = today - datetime.timedelta(days=1)
        claim = self.call("post", f"/participation-assignments/{assignment.json()['id']}/claims", self.member,
                          {"worked_on": str(worked_on), "hours": "3", "travel_km": "10"})
        self.assertEqual(claim.status_code, 201, claim.content)
        claim_path = f"/compensation-claims/{claim.json()['id']}/decision"
        self.assertEqual(self.call("post", claim_path, self.member, {"approve": True}).status_code, 403)
        self.assertEqual(self.call("post", claim_path, self.uppsala_coordinator, {"approve": True}).status_code, 403)
        approved = self.call("post", claim_path, self.orebro_coordinator, {"approve": True})
        self.assertEqual((approved.json()["fee"], approved.json()["travel"]), ("750.00", "25.00"))
        own = self.call("get", f"/participation-assignments/{assignment.json()['id']}", self.member).json()
        self.assertEqual([c["status"] for c in own["claims"]], ["godkand"])
        self.assertEqual(self.call("get", f"/participation-assignments/{assignment.json()['id']}",
                                   self.uppsala_coordinator).status_code, 403)

        period = worked_on.strftime("%Y-%m")
        bad = self.call("post", "/payable-lists", self.orebro_coordinator, {"region": "18", "period": "2026-13"})
        self.assertIn("till exempel 2026-11", bad.json()["errors"]["period"][0])
        created = self.call("post", "/payable-lists", self.orebro_coordinator, {"region": "18", "period": period})
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual((created.json()["claims"], created.json()["total"]), (1, "775.00"))
        self.assertEqual([p["period"] for p in self.call("get", "/payable-lists", self.orebro_coordinator).json()],
                         [period])
        self.assertEqual(self.call("get", "/payable-lists", self.uppsala_coordinator).json(), [])
        csv_path = f"/payable-lists/{created.json()['id']}/csv"
        response = self.call("get", csv_path, self.orebro_coordinator)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "referens;fornamn;efternamn;datum;uppdrag;timmar;tillfallen;arvode;"
                                   "reseersattning;summa")
        self.assertEqual(lines[1], f"LÖN-4711;Test;member;{worked_on.isoformat()};Kartläggning hjärtsvikt;3,0;1;"
                                   "750,00;25,00;775,00")
        self.assertEqual(self.call("get", csv_path, self.uppsala_coordinator).status_code, 403)
        self.assertEqual(self.call("get", csv_path).status_code, 401)

    # --- expert time and own data -------------------------------------------------------

    def test_expert_time_is_for_coordinators(self):
        self.assertEqual(self.call("get", "/expert-time?year=2026").status_code, 401)
        self.assertEqual(self.call("get", "/expert-time?year=2026", self.outsider).status_code, 403)
        rows = self.call("get", "/expert-time?year=2026", self.orebro_coordinator).json()
        heart = [r for r in rows if r["body"]["id"] == self.heart_npo.pk]
        self.assertEqual([(r["region"], r["members"], r["without_share"]) for r in heart], [("12", 1, 1)])

    def test_own_data_is_for_the_logged_in_person(self):
        declare(self.nominee)
        self.assertEqual(self.call("get", "/me/export").status_code, 401)
        self.assertEqual(self.call("get", "/me/export", self.outsider).status_code, 404)
        data = self.call("get", "/me/export", self.nominee).json()
        self.assertEqual(data["person"]["given_name"], "Nora")
        self.assertEqual(len(data["declarations"]), 1)
