import json

from django.test import TestCase

# The resources this API promises; later features add theirs here.
REQUIRED_PATHS = {
    "/api/v1/healthcare-regions",
    "/api/v1/regions",
    "/api/v1/regions/{county_code}",
    "/api/v1/municipalities",
    "/api/v1/bodies",
    "/api/v1/bodies/{body_id}",
    "/api/v1/people",
    "/api/v1/people/{person_id}",
    "/api/v1/memberships",
    "/api/v1/memberships/{membership_id}",
    "/api/v1/coverage/regions",
    "/api/v1/coverage/regions/{county_code}",
    "/api/v1/coverage/healthcare-regions/{code}",
    "/api/v1/supports",
    "/api/v1/supports/{support_id}",
    "/api/v1/supports/{support_id}/versions",
    "/api/v1/supports/{support_id}/versions/{number}",
    "/api/v1/supports/{support_id}/versions/{number}/additions",
    "/api/v1/supports/{support_id}/versions/{number}/transitions",
    "/api/v1/supports/{support_id}/diff",
    "/api/v1/recommendations/{recommendation_id}/additions",
    "/api/v1/search",
    "/api/v1/changes",
    "/api/v1/nomination-calls",
    "/api/v1/nomination-calls/{call_id}",
    "/api/v1/nomination-calls/{call_id}/publication",
    "/api/v1/nomination-calls/{call_id}/closure",
    "/api/v1/nomination-calls/{call_id}/self-nominations",
    "/api/v1/nomination-calls/{call_id}/nominations",
    "/api/v1/nominations",
    "/api/v1/nominations/{nomination_id}",
    "/api/v1/nominations/{nomination_id}/decisions",
    "/api/v1/nominations/{nomination_id}/withdrawal",
    "/api/v1/declarations",
    "/api/v1/declarations/{declaration_id}",
    "/api/v1/declarations/{declaration_id}/assessment",
    "/api/v1/declaration-assessors",
    "/api/v1/declaration-assessors/{assessor_id}",
    "/api/v1/bodies/{body_id}/seats",
    "/api/v1/representatives",
    "/api/v1/representatives/{representative_id}",
    "/api/v1/representatives/{representative_id}/assignments",
    "/api/v1/participation-assignments/{assignment_id}",
    "/api/v1/participation-assignments/{assignment_id}/claims",
    "/api/v1/compensation-claims/{claim_id}/decision",
    "/api/v1/regions/{county_code}/compensation-model",
    "/api/v1/payable-lists",
    "/api/v1/payable-lists/{payable_list_id}/csv",
    "/api/v1/expert-time",
    "/api/v1/me/export",
    "/api/v1/low-value-practices",
    "/api/v1/low-value-practices/{practice_id}",
    "/api/v1/low-value-care/national-view",
}
# Writes open to anyone, like the public form they mirror: no authentication, but still
# refusals (404, 422). The limit per sender answers like a success (people.nominations).
PUBLIC_WRITES = {("post", "/api/v1/nomination-calls/{call_id}/self-nominations")}


class OpenApiTests(TestCase):
    def test_the_document_describes_every_resource_with_summaries_auth_and_errors(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertLessEqual(REQUIRED_PATHS, set(document["paths"]))
        self.assertIn("BearerToken", document["components"]["securitySchemes"])
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                with self.subTest(path=path, method=method):
                    self.assertTrue(operation.get("summary"), "every operation has a summary")
                    if method == "get":
                        self.assertIn("200", operation["responses"])
                    elif (method, path) in PUBLIC_WRITES:
                        self.assertNotIn("security", operation)
                        self.assertIn("422", operation["responses"])
                    else:
                        self.assertTrue(operation.get("security"), "writes declare their authentication")
                        for status in ("403", "422"):
                            self.assertIn(status, operation["responses"])

    def test_the_api_docs_need_no_cdn(self):
        html = self.client.get("/api/v1/docs").content.decode()
        self.assertNotIn("cdn.", html)
        self.assertIn("/static/ninja/", html)

    def test_no_object_of_the_document_has_a_key_twice(self):
        """A JSON object with a key twice (a status described by Django Ninja and again by the
        operation) is read differently by different parsers; Swagger UI refuses it."""
        repeated = []

        def pairs_hook(pairs):
            keys = [key for key, _ in pairs]
            repeated.extend(key for key in set(keys) if keys.count(key) > 1)
            return dict(pairs)

        json.loads(self.client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs_hook)
        self.assertEqual(repeated, [])

    def test_an_operation_that_describes_its_own_answer_keeps_that_description(self):
        responses = self.client.get("/api/v1/openapi.json").json()["paths"][
            "/api/v1/payable-lists/{payable_list_id}/csv"]["get"]["responses"]
        self.assertEqual(list(responses["200"]["content"]), ["text/csv"])
        self.assertIn("403", responses)
