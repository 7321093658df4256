"""What the API accepts at its edge (interop.edge) and how it says no (interop.errors): no
input gives a 500, nothing is half-stored, and the OpenAPI document states every error."""

import json

from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase
from ninja import Router, Schema

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.interop.api import KunskapsnavAPI, api
from kunskapsnav.organisation.models import Body, Membership, Person, Role
from kunskapsnav.organisation.tests.personas import RegistryTestCase, make_user

HUGE = "99999999999999999999999"


class OpenApiDocumentTests(TestCase):
    def setUp(self):
        self.document = self.client.get("/api/v1/openapi.json").json()

    def operations(self):
        for path, methods in self.document["paths"].items():
            for method, operation in methods.items():
                yield f"{method.upper()} {path}", operation

    def test_every_operation_documents_the_errors_it_can_give(self):
        for name, operation in self.operations():
            with self.subTest(name):
                statuses = set(operation["responses"])
                sources = {p["in"] for p in operation.get("parameters", [])}
                self.assertIn("400", statuses)
                if operation.get("security"):
                    self.assertLessEqual({"401", "403"}, statuses)
                if "path" in sources:
                    self.assertIn("404", statuses)
                if sources or "requestBody" in operation:
                    self.assertIn("422", statuses)

    def test_errors_are_described_with_their_actual_shape(self):
        for name, operation in self.operations():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    with self.subTest(name, status=status):
                        ref = response["content"]["application/json"]["schema"]["$ref"]
                        schema = self.document["components"]["schemas"][ref.rsplit("/", 1)[1]]
                        self.assertIn("detail", schema["required"])
                        if status in ("400", "401", "403", "404", "422"):
                            self.assertIn("errors", schema["properties"])

    def test_every_free_text_states_that_nul_is_refused(self):
        body = self.document["components"]["schemas"]["BodyIn"]["properties"]["name"]
        self.assertEqual(body["pattern"], "^[^\\x00]*$")

    def test_two_schemas_under_one_name_are_refused(self):
        def declare(fields):
            return type("ThingIn", (Schema,), {"__annotations__": fields})

        first, second = declare({"name": str}), declare({"count": int})
        router = Router()

        @router.post("/a")
        def a(request, payload: first):
            return {}

        @router.post("/b")
        def b(request, payload: second):
            return {}

        probe = KunskapsnavAPI(urls_namespace="probe")
        probe.add_router("/", router)
        with self.assertRaises(ImproperlyConfigured):
            probe.get_openapi_schema(path_prefix="/")

    def test_the_platforms_document_has_no_two_schemas_under_one_name(self):
        api.get_openapi_schema(path_prefix="/api/v1/")  # raises on a collision


class EdgeTests(RegistryTestCase):
    def auth(self, user):
        _token, key = ApiToken.issue(user=user, name="test")
        return {"Authorization": f"Bearer {key}"}

    def send(self, method, path, payload, user=None, raw=False):
        headers = self.auth(user) if user else {}
        data = payload if raw else json.dumps(payload)
        return getattr(self.client, method)(f"/api/v1{path}", data=data, content_type="application/json",
                                            headers=headers)

    def assertRefused(self, response, status=422):  # noqa: N802
        self.assertEqual(response.status_code, status, response.content)
        self.assertTrue(response["Content-Type"].startswith("application/json"))
        self.assertIsInstance(response.json()["detail"], str)
        return response.json()

    def test_huge_ids_in_paths_and_queries_answer_422(self):
        for path in (f"/bodies/{HUGE}", f"/bodies/-{HUGE}", f"/memberships?body={HUGE}",
                     f"/nomination-calls?body=-{HUGE}", f"/supports?npo={HUGE}", f"/people/{HUGE}"):
            with self.subTest(path):
                self.assertRefused(self.client.get(f"/api/v1{path}"))

    def test_the_largest_id_reads_as_not_found(self):
        self.assertRefused(self.client.get(f"/api/v1/bodies/{2**63 - 1}"), status=404)

    def test_huge_limits_and_offsets_answer_422(self):
        for query in (f"limit={HUGE}", f"offset={HUGE}", "offset=-1", "limit=0", "limit=1001"):
            with self.subTest(query):
                errors = self.assertRefused(self.client.get(f"/api/v1/bodies?{query}"))["errors"]
                self.assertTrue({"limit", "offset"} & set(errors))

    def test_schema_errors_speak_swedish_per_field(self):
        response = self.send("post", "/memberships", {"body": self.orebro_lpo.pk, "role": "ledamot"},
                             user=self.orebro_coordinator)
        errors = self.assertRefused(response)["errors"]
        self.assertEqual(errors["person"], ["Fältet måste anges."])
        self.assertEqual(errors["start_date"], ["Fältet måste anges."])

    def test_nul_is_refused_in_paths_queries_and_bodies_and_nothing_is_stored(self):
        self.assertRefused(self.client.get("/api/v1/regions/1%008"), status=400)
        self.assertRefused(self.client.get("/api/v1/bodies?q=a%00b"), status=400)
        self.assertEqual(self.client.get("/organisation/organ/?q=a%00b").status_code, 400)
        before = Body.objects.count()
        response = self.send("post", "/bodies", {"kind": "LPO", "name": "LPO\u0000 lunga", "region": "18"},
                             user=self.orebro_coordinator)
        self.assertIn("NUL", self.assertRefused(response, status=400)["detail"])
        self.assertEqual(Body.objects.count(), before)

    def test_a_body_that_is_not_json_answers_400(self):
        response = self.send("post", "/bodies", "{not json", user=self.orebro_coordinator, raw=True)
        self.assertRefused(response, status=400)

    def test_a_body_must_be_an_object(self):
        for payload in ([None, None], None, "x", []):
            with self.subTest(payload=payload):
                response = self.send("patch", f"/bodies/{self.orebro_lpo.pk}", payload, user=self.orebro_coordinator)
                self.assertEqual(self.assertRefused(response)["errors"], {"__all__": ["Ange ett objekt."]})

    def test_numbers_and_flags_must_be_json_numbers_and_flags(self):
        membership = Membership.objects.get(body=self.orebro_lpo, role=Role.MEMBER)
        for field, value in (("time_share", "5"), ("time_share", 5.5), ("time_share", True)):
            with self.subTest(field=field, value=value):
                response = self.send("patch", f"/memberships/{membership.pk}", {field: value},
                                     user=self.orebro_coordinator)
                self.assertIn(field, self.assertRefused(response)["errors"])
        response = self.send("patch", f"/bodies/{self.orebro_lpo.pk}", {"is_active": 0}, user=self.orebro_coordinator)
        self.assertEqual(self.assertRefused(response)["errors"], {"is_active": ["Ange true eller false."]})
        self.orebro_lpo.refresh_from_db()
        self.assertTrue(self.orebro_lpo.is_active)

    def test_a_field_the_schema_does_not_have_is_refused(self):
        response = self.send("patch", f"/bodies/{self.orebro_lpo.pk}", {"nmae": "LPO x"}, user=self.orebro_coordinator)
        self.assertEqual(self.assertRefused(response)["errors"], {"nmae": ["Fältet finns inte."]})

    def test_numbers_beyond_their_field_answer_422(self):
        membership = Membership.objects.get(body=self.orebro_lpo, role=Role.MEMBER)
        for value in (101, -1, 2**70):
            with self.subTest(value=value):
                response = self.send("patch", f"/memberships/{membership.pk}", {"time_share": value},
                                     user=self.orebro_coordinator)
                self.assertIn("time_share", self.assertRefused(response)["errors"])
        self.assertEqual(self.client.get(f"/api/v1/memberships?body={self.orebro_lpo.pk}").status_code, 200)

    def test_null_for_a_field_that_must_have_a_value_answers_422(self):
        membership = Membership.objects.get(body=self.orebro_lpo, role=Role.MEMBER)
        response = self.send("patch", f"/memberships/{membership.pk}", {"role": None}, user=self.orebro_coordinator)
        self.assertEqual(self.assertRefused(response)["errors"], {"role": ["Fältet måste anges."]})
        membership.refresh_from_db()
        self.assertEqual(membership.role, Role.MEMBER)

    def test_days_are_iso_text_within_the_platforms_years(self):
        for day in ("0", "1700000000", "0001-01-01", "2024-02-30", "24-01-01"):
            with self.subTest(day=day):
                errors = self.assertRefused(self.client.get("/api/v1/memberships", {"active_on": day}))["errors"]
                self.assertIn("active_on", errors)
        self.assertEqual(self.client.get("/api/v1/memberships", {"active_on": "2025-06-01"}).status_code, 200)

    def test_a_reference_that_names_nothing_answers_422_on_its_field(self):
        errors = self.assertRefused(self.client.get("/api/v1/supports", {"npo": 2**62}))["errors"]
        self.assertIn("npo", errors)
        errors = self.assertRefused(self.client.get("/api/v1/implementation-matrix", {"npo": 2**62}))["errors"]
        self.assertIn("npo", errors)

    def test_an_empty_required_reference_answers_422(self):
        admin_person = Person.objects.create(given_name="A", family_name="B")
        response = self.send("post", "/declaration-assessors", {"region": "", "person_id": admin_person.pk},
                             user=self.admin)
        self.assertEqual(self.assertRefused(response)["errors"], {"region": ["Fältet måste anges."]})
        response = self.send("post", "/payable-lists", {"region": "", "period": "2026-01"}, user=self.admin)
        self.assertEqual(self.assertRefused(response)["errors"], {"region": ["Fältet måste anges."]})


class IndicatorImportEdgeTests(RegistryTestCase):
    def upload(self, content: bytes, name="varden.csv"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        _token, key = ApiToken.issue(user=self.analyst, name="test")
        return self.client.post("/api/v1/indicator-imports", {"file": SimpleUploadedFile(name, content)},
                                headers={"Authorization": f"Bearer {key}"})

    def test_an_invalid_file_is_refused_line_by_line(self):
        response = self.upload(b"indicator;geography;period;stratum;numerator;denominator\n"
                               b"OKAND;region:18;2024;alla;1;2\nOKAND;region:99;20x4;alla;-1;2\n")
        self.assertEqual(response.status_code, 422, response.content)
        body = response.json()
        self.assertEqual([line["line"] for line in body["lines"]][:1], [2])
        self.assertTrue(body["errors"]["file"][0].startswith("rad 2: "))

    def test_files_that_cannot_be_read_answer_422_not_500(self):
        for content in (b"", b"\xff\xfe\x00garbage", b"a;b\n", b"\x00" * 10,
                        b"indicator;geography;period;stratum;numerator;denominator\nX;riket;2024;alla;"
                        + HUGE.encode() + b";" + HUGE.encode() + b"\n"):
            with self.subTest(content=content[:20]):
                response = self.upload(content)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIsInstance(response.json()["detail"], str)

    def test_a_missing_file_answers_422(self):
        _token, key = ApiToken.issue(user=make_user("analyst2", analyst=True), name="test")
        response = self.client.post("/api/v1/indicator-imports", {}, headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"file": ["Fältet måste anges."]})


class TextLengthTests(RegistryTestCase):
    def test_text_beyond_its_field_answers_422_on_both_databases(self):
        _token, key = ApiToken.issue(user=self.admin, name="test")
        before = Person.objects.count()
        response = self.client.post("/api/v1/people", data=json.dumps({"given_name": "A" * 101, "family_name": "B"}),
                                    content_type="application/json", headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("högst 100 tecken", response.json()["errors"]["given_name"][0])
        self.assertEqual(Person.objects.count(), before)
