from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.coherence.models import Candidate, CandidateStatus, Decision, ConflictOutcome, DetectionScope
from kunskapsnav.coherence.runs import run_create, run_incremental
from kunskapsnav.knowledge.models import CodeSystem as C

from .base import DO_NOT, CoherenceTestCase

BETA = ("Ge betablockerare till patienter med hjärtsvikt.", [(C.ATC, "C07AB")])
NO_BETA = ("Ge inte betablockerare vid akut hjärtsvikt.", [(C.ATC, "C07AB07")], DO_NOT)


class CoherenceApiTest(CoherenceTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first = cls.national("A", BETA)
        second = cls.agency("B", NO_BETA)
        cls.detection_run = run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=second))
        cls.candidate = Candidate.objects.get(support_a__in=[first.support, second.support],
                                              support_b__in=[first.support, second.support])

    national = classmethod(CoherenceTestCase.national)
    agency = classmethod(CoherenceTestCase.agency)
    _publish_with = classmethod(CoherenceTestCase._publish_with)

    def token(self, user):
        return {"Authorization": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"}

    def url(self, suffix=""):
        return f"/api/v1/coherence/candidates/{self.candidate.pk}{suffix}"

    def test_people_working_in_the_system_read_open_candidates_with_signals(self):
        response = self.client.get("/api/v1/coherence/candidates?kind=motsagelse", headers=self.token(self.member))
        self.assertEqual(response.status_code, 200)
        row = next(r for r in response.json()["items"] if r["id"] == self.candidate.pk)
        self.assertEqual(row["signals"]["reason"], "direction")
        self.assertIn("ATC C07AB ⊇ C07AB07", row["signals"]["codes"])
        self.assertEqual({row["a"]["support_id"], row["b"]["support_id"]},
                         {self.candidate.support_a_id, self.candidate.support_b_id})

    def test_the_public_reads_no_open_candidate(self):
        self.assertEqual(self.client.get("/api/v1/coherence/candidates").json()["items"], [])
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_a_decision_through_the_api_with_a_reason(self):
        response = self.client.post(self.url("/decisions"), {"outcome": ConflictOutcome.MERGE, "reason": "Slås ihop.",
                                                             "is_public": True},
                                    content_type="application/json", headers=self.token(self.npo_editor))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Candidate.objects.get(pk=self.candidate.pk).status, CandidateStatus.DECIDED)
        public = self.client.get(self.url()).json()
        self.assertEqual([d["reason"] for d in public["decisions"]], ["Slås ihop."])
        self.assertNotIn("by", public["decisions"][0])

    def test_an_outsider_is_refused_and_nothing_is_stored(self):
        response = self.client.post(self.url("/decisions"), {"outcome": ConflictOutcome.MERGE, "reason": "Nej."},
                                    content_type="application/json", headers=self.token(self.outsider))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Decision.objects.exists())

    def test_a_decision_without_a_reason_or_with_an_unknown_outcome_is_a_422(self):
        for body in ({"outcome": ConflictOutcome.MERGE, "reason": ""}, {"outcome": "kasta", "reason": "x"},
                     {"outcome": ConflictOutcome.MERGE, "reason": "x", "extra": 1}):
            with self.subTest(body=body):
                response = self.client.post(self.url("/decisions"), body, content_type="application/json",
                                            headers=self.token(self.npo_editor))
                self.assertEqual(response.status_code, 422)
        self.assertFalse(Decision.objects.exists())

    def test_a_run_shows_its_progress(self):
        response = self.client.get(f"/api/v1/coherence/runs/{self.detection_run.pk}")
        self.assertEqual(response.json()["percent"], 100)

    def test_the_openapi_document_describes_the_operations(self):
        document = self.client.get("/api/v1/openapi.json").json()
        decide = document["paths"]["/api/v1/coherence/candidates/{candidate_id}/decisions"]["post"]
        self.assertEqual(set(decide["responses"]), {"201", "400", "401", "403", "404", "422"})
        self.assertIn("/api/v1/coherence/candidates", document["paths"])
