import json

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.organisation.models import Body, Membership
from kunskapsnav.organisation.tests.personas import RegistryTestCase


class OrganisationApiTests(RegistryTestCase):
    def auth(self, user):
        _token, key = ApiToken.issue(user=user, name="test")
        return {"Authorization": f"Bearer {key}"}

    def post(self, path, payload, user=None, method="post"):
        headers = self.auth(user) if user else {}
        return getattr(self.client, method)(
            f"/api/v1{path}", data=json.dumps(payload), content_type="application/json", headers=headers
        )

    def test_reference_data_is_public(self):
        self.assertEqual(len(self.client.get("/api/v1/regions").json()), 21)
        self.assertEqual(len(self.client.get("/api/v1/healthcare-regions").json()), 6)
        municipalities = self.client.get("/api/v1/municipalities", {"limit": 500}).json()
        self.assertEqual(municipalities["count"], 290)
        orebro = self.client.get("/api/v1/regions/18").json()
        self.assertEqual(orebro, {"county_code": "18", "name": "Region Örebro län", "healthcare_region": "mellansverige"})

    def test_bodies_filter_by_level_kind_region_and_mirror(self):
        def ids(**params):
            return {b["id"] for b in self.client.get("/api/v1/bodies", params).json()["items"]}

        self.assertEqual(len(ids(kind="NPO")), 25)
        self.assertEqual(len(ids(level="healthcare_regional")), 6)
        self.assertEqual(ids(kind="LPO", region="18"), {self.orebro_lpo.pk})
        self.assertEqual(ids(mirrors=self.heart_npo.pk), {self.orebro_lpo.pk})
        response = self.client.get("/api/v1/bodies", {"region": "99"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("länskoden 99", json.dumps(response.json(), ensure_ascii=False))

    def test_memberships_leave_out_contact_details(self):
        person = self.chair.person
        person.email = "hemlig@example.se"
        person.save()
        body = self.client.get("/api/v1/memberships", {"body": self.orebro_lpo.pk}).content.decode()
        self.assertIn(str(person), body)
        self.assertNotIn("hemlig@example.se", body)
        self.assertNotIn("hemlig@example.se", self.client.get(f"/api/v1/people/{person.pk}").content.decode())

    def test_the_public_finds_a_person_only_through_a_seat(self):
        from kunskapsnav.accounts.models import ApiToken
        from kunskapsnav.organisation import people

        seatless = people.person_create(by=self.orebro_coordinator, given_name="Utan", family_name="Uppdrag",
                                        home_region=self.orebro)
        self.assertEqual(self.client.get(f"/api/v1/people/{seatless.pk}").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/people/{self.chair.person.pk}").status_code, 200)
        token = ApiToken.issue(user=self.outsider, name="test")[1]
        found = self.client.get(f"/api/v1/people/{seatless.pk}", headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(found.json()["family_name"], "Uppdrag")

    def test_writes_need_authentication(self):
        response = self.post("/bodies", {"kind": "LPO", "name": "LPO x", "region": "18"})
        self.assertEqual(response.status_code, 401)

    def test_coordinator_creates_an_lpo_through_the_api_with_a_token(self):
        response = self.post(
            "/bodies", {"kind": "LPO", "name": "LPO lunga", "region": "18", "mirrors": self.lung_npo.pk},
            user=self.orebro_coordinator,
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["mirrors"], self.lung_npo.pk)
        body = Body.objects.get(pk=response.json()["id"])
        self.assertEqual(body.history.latest().history_user, self.orebro_coordinator)
        coverage = self.client.get("/api/v1/coverage/regions/18").json()
        cell = [c for c in coverage["cells"] if c["npo"] == self.lung_npo.pk][0]
        self.assertEqual((cell["status"], cell["bodies"]), ("body", [body.pk]))

    def test_the_api_applies_the_same_rules_as_the_pages(self):
        response = self.post("/bodies", {"kind": "LPO", "name": "LPO x", "region": "03"}, user=self.orebro_coordinator)
        self.assertEqual(response.status_code, 403)
        self.assertIn("egen region", response.json()["detail"])
        response = self.post(
            "/memberships",
            {"body": self.orebro_lpo.pk, "person": self.member.person.pk, "role": "ordforande", "start_date": "2026-01-01"},
            user=self.orebro_coordinator,
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("redan en ordförande", response.json()["errors"]["role"][0])

    def test_a_membership_is_ended_through_patch(self):
        membership = Membership.objects.get(body=self.orebro_lpo, person=self.member.person)
        response = self.post(f"/memberships/{membership.pk}", {"end_date": "2026-06-30"}, user=self.orebro_coordinator,
                             method="patch")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["end_date"], "2026-06-30")
        response = self.post(f"/memberships/{membership.pk}", {"end_date": "2024-01-01"}, user=self.orebro_coordinator,
                             method="patch")
        self.assertEqual(response.status_code, 422)

    def test_a_token_records_when_it_was_used(self):
        token, key = ApiToken.issue(user=self.admin, name="system")
        self.assertIsNone(token.last_used_at)
        other, _key = ApiToken.issue(user=self.admin, name="annat system")
        self.client.patch(f"/api/v1/bodies/{self.heart_npo.pk}", data='{"description": "x"}',
                          content_type="application/json", headers={"Authorization": f"Bearer {key}"})
        token.refresh_from_db()
        other.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        self.assertIsNone(other.last_used_at)

    def test_a_revoked_token_is_refused(self):
        token, key = ApiToken.issue(user=self.admin, name="gammal")
        token.revoked_at = token.created_at
        token.save()
        response = self.client.post("/api/v1/people", data="{}", content_type="application/json",
                                    headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 401)

    def test_session_writes_need_the_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.admin)
        response = client.post("/api/v1/people", data=json.dumps({"given_name": "A", "family_name": "B"}),
                               content_type="application/json")
        self.assertEqual(response.status_code, 403)

    def test_healthcare_region_coverage_in_the_api(self):
        data = self.client.get("/api/v1/coverage/healthcare-regions/mellansverige").json()
        self.assertEqual(len(data["rpos"]), 25)
        self.assertEqual(len(data["npos_without_rpo"]), 25)
        self.assertEqual(len(data["regions_without_ksg_member"]), 7)

    def test_national_coverage_in_the_api(self):
        data = self.client.get("/api/v1/coverage/regions").json()
        self.assertEqual(len(data["cells"]), 21 * 25)
        self.assertEqual(data["hole_count"], 21 * 25 - 2)

    def test_the_hsa_id_is_written_through_the_api_and_never_read_there(self):
        response = self.post("/people", {"given_name": "A", "family_name": "B", "hsa_id": "SE2321000033-abc"},
                             user=self.admin)
        self.assertEqual(response.status_code, 422)
        self.assertIn("kontrollsiffra", response.json()["errors"]["hsa_id"][0])
        response = self.post("/people", {"given_name": "A", "family_name": "B", "hsa_id": "SE2321000016-abc"},
                             user=self.admin)
        self.assertEqual(response.status_code, 201, response.content)
        person_id = response.json()["id"]
        self.assertNotIn("SE2321000016", response.content.decode())
        self.assertNotIn("SE2321000016", self.client.get(f"/api/v1/people/{person_id}").content.decode())
        response = self.post(f"/people/{person_id}", {"hsa_id": None}, user=self.admin, method="patch")
        self.assertEqual(response.status_code, 200, response.content)
        from kunskapsnav.organisation.models import Person

        self.assertEqual(Person.objects.get(pk=person_id).hsa_id, "")
