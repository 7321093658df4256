from django.urls import reverse

from kunskapsnav.coherence import decisions
from kunskapsnav.coherence.models import Candidate, CandidateStatus, Decision, DetectionRun, ConflictOutcome, DetectionScope
from kunskapsnav.coherence.runs import run_create, run_incremental
from kunskapsnav.knowledge.models import CodeSystem as C

from .base import DO_NOT, CoherenceTestCase

BETA = ("Ge betablockerare till patienter med hjärtsvikt.", [(C.ATC, "C07AB")])
NO_BETA = ("Ge inte betablockerare vid akut hjärtsvikt.", [(C.ATC, "C07AB07")], DO_NOT)
NOT_A_CONFLICT = ConflictOutcome.NOT_A_CONFLICT


class ViewsTest(CoherenceTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first = cls.national("A", BETA)
        second = cls.agency("B", NO_BETA)
        run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=second))
        cls.candidate = Candidate.objects.get(support_a__in=[first.support, second.support],
                                              support_b__in=[first.support, second.support])

    # The helpers of the base class are instance methods; setUpTestData calls them on the class.
    national = classmethod(CoherenceTestCase.national)
    agency = classmethod(CoherenceTestCase.agency)
    _publish_with = classmethod(CoherenceTestCase._publish_with)

    def decide(self, user, outcome=NOT_A_CONFLICT, reason="Olika lägen.", **extra):
        self.client.force_login(user)
        return self.client.post(reverse("coherence:candidate_decide", args=[self.candidate.pk]),
                                {"outcome": outcome, "reason": reason, **extra})

    def test_the_owning_bodys_editor_sees_its_queue_and_an_outsider_does_not(self):
        url = reverse("coherence:body_queue", args=[self.heart_npo.pk])
        self.client.force_login(self.npo_editor)
        response = self.client.get(url)
        self.assertContains(response, self.candidate.get_absolute_url())
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_the_sks_queue_is_for_sks_and_holds_what_was_referred_to_it(self):
        self.assertEqual(self.decide(self.npo_editor, ConflictOutcome.REFER_SKS, "SKS avgör.").status_code, 302)
        self.client.force_login(self.sks_chair)
        self.assertContains(self.client.get(reverse("coherence:sks_queue")), self.candidate.get_absolute_url())
        self.client.force_login(self.npo_editor)
        self.assertEqual(self.client.get(reverse("coherence:sks_queue")).status_code, 403)

    def test_only_sks_decides_a_referred_candidate(self):
        self.decide(self.npo_editor, ConflictOutcome.REFER_SKS, "SKS avgör.")
        self.decide(self.npo_editor, ConflictOutcome.ALIGN, "Vi samordnar.")
        self.assertEqual(Candidate.objects.get(pk=self.candidate.pk).status, CandidateStatus.REFERRED_SKS)
        self.decide(self.sks_chair, ConflictOutcome.ALIGN, "NPO:n och Socialstyrelsen samordnar texterna.")
        self.assertEqual(Candidate.objects.get(pk=self.candidate.pk).status, CandidateStatus.DECIDED)
        self.assertEqual(list(Decision.objects.values_list("outcome", "by__username")),
                         [(ConflictOutcome.REFER_SKS, "npo_editor"), (ConflictOutcome.ALIGN, "sks_chair")])

    def test_a_decision_needs_a_reason_and_stores_nothing_without_one(self):
        response = self.decide(self.npo_editor, reason="  ", is_public="on")
        # The page again, with the error by its field and the choices kept.
        self.assertContains(response, "Skriv en motivering till beslutet.", status_code=400)
        self.assertContains(response, 'role="alert"', status_code=400)
        self.assertContains(response, 'name="is_public" id="id_is_public" checked', status_code=400)
        self.assertFalse(Decision.objects.exists())
        self.assertEqual(Candidate.objects.get(pk=self.candidate.pk).status, CandidateStatus.OPEN)

    def test_an_outsider_cannot_decide(self):
        self.assertEqual(self.decide(self.outsider).status_code, 403)
        self.assertFalse(Decision.objects.exists())

    def test_the_candidate_shows_both_texts_and_the_signals_to_people_working_in_the_system(self):
        self.client.force_login(self.member)
        response = self.client.get(self.candidate.get_absolute_url())
        self.assertContains(response, "Ge betablockerare till patienter med hjärtsvikt.")
        self.assertContains(response, "Ge inte betablockerare vid akut hjärtsvikt.")
        self.assertContains(response, "C07AB ⊇ C07AB07")
        self.assertNotContains(response, 'name="reason"')

    def test_the_public_sees_a_contradiction_only_once_its_decision_is_public(self):
        section = reverse("coherence:support_section", args=[self.candidate.support_a_id])
        self.assertEqual(self.client.get(self.candidate.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(section), self.candidate.get_absolute_url())
        decisions.candidate_decide(candidate=self.candidate, outcome=ConflictOutcome.WITHDRAW_ONE, reason="B återkallas.",
                                   by=self.admin)
        self.assertEqual(self.client.get(self.candidate.get_absolute_url()).status_code, 404)
        decision = Decision.objects.get()
        Decision.objects.filter(pk=decision.pk).update(is_public=True)
        response = self.client.get(self.candidate.get_absolute_url())
        self.assertContains(response, "B återkallas.")
        self.assertNotContains(response, "admin")
        self.assertContains(self.client.get(section), self.candidate.get_absolute_url())

    def test_the_supports_section_lists_open_candidates_for_people_working_in_the_system(self):
        self.client.force_login(self.member)
        section = reverse("coherence:support_section", args=[self.candidate.support_b_id])
        response = self.client.get(section, headers={"HX-Request": "true"})
        self.assertContains(response, self.candidate.get_absolute_url())
        self.assertNotContains(response, "<html")

    def test_the_support_page_loads_the_section(self):
        response = self.client.get(self.candidate.support_a.get_absolute_url())
        self.assertContains(response, reverse("coherence:support_section", args=[self.candidate.support_a_id]))

    def test_only_a_national_administrator_starts_a_full_run_and_everyone_working_sees_progress(self):
        self.client.force_login(self.npo_editor)
        self.assertEqual(self.client.post(reverse("coherence:run_start")).status_code, 403)
        self.assertContains(self.client.get(reverse("coherence:run_list")), "<progress")
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(reverse("coherence:run_start")).status_code, 302)
        self.assertTrue(DetectionRun.objects.filter(kind=DetectionScope.FULL).exists())
