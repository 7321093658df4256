from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from kunskapsnav.coherence import decisions
from kunskapsnav.coherence.models import (
    Candidate, CandidateKind, CandidateStatus, ConflictOutcome, DetectionRun, DetectionScope,
)
from kunskapsnav.coherence.runs import run_create, run_full, run_incremental
from kunskapsnav.knowledge import additions
from kunskapsnav.knowledge.models import CodeSystem as C

from .base import DO_NOT, CoherenceTestCase

ATC = C.ATC
BETA = ("Ge betablockerare till patienter med hjärtsvikt.", [(ATC, "C07AB")])
FOLLOW_UP = ("Mät blodtrycket vid varje besök på mottagningen.", [(ATC, "C07AB")])
NO_BETA_OLD = ("Ge inte betablockerare till äldre patienter med hjärtsvikt.", [(ATC, "C07AB07")], DO_NOT)
ADDITION_NO_BETA = "Ge inte betablockerare till patienter med hjärtsvikt över 80 år."


class AdditionsTest(CoherenceTestCase):
    def detect(self, version):
        return run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=version))

    def add(self, version, text, *, region=None, by=None, position=1):
        rec = version.recommendations.get(position=position)
        return additions.addition_save(by=by or self.orebro_coordinator, recommendation=rec,
                                       region=region or self.orebro, text=f"<p>{text}</p>")

    def of_additions(self):
        return Candidate.objects.filter(Q(addition_a__isnull=False) | Q(addition_b__isnull=False))

    def addition_side(self, candidate):
        return "a" if candidate.a_is_addition else "b"

    def test_an_addition_that_contradicts_its_own_recommendation_is_raised(self):
        version = self.national("Läkemedel vid hjärtsvikt", BETA)
        addition = self.add(version, ADDITION_NO_BETA)
        run = self.detect(version)

        candidate = self.of_additions().get()
        self.assertEqual(run.raised, 1)
        self.assertEqual(candidate.kind, CandidateKind.REGIONAL_DEPARTURE)
        self.assertEqual(candidate.signals["reason"], "direction")
        side = self.addition_side(candidate)
        self.assertEqual(getattr(candidate, f"addition_{side}_id"), addition.pk)
        # The region's LPO that mirrors the owning NPO reviews it; the other side is the NPO's.
        self.assertEqual(getattr(candidate, f"body_{side}_id"), self.orebro_lpo.pk)
        self.assertEqual({candidate.recommendation_a_id, candidate.recommendation_b_id},
                         {version.recommendations.get().pk})

    def test_another_threshold_in_the_addition_is_a_departure(self):
        version = self.national("A", ("Gör ekokardiografi inom 4 veckor vid misstänkt hjärtsvikt.", [(C.KVA, "FGC10")]))
        self.add(version, "Gör ekokardiografi inom 12 veckor vid misstänkt hjärtsvikt.")
        self.detect(version)
        self.assertIn("threshold", [c.signals["reason"] for c in self.of_additions()])

    def test_an_addition_that_contradicts_another_supports_recommendation_is_raised(self):
        version = self.national("Uppföljning", FOLLOW_UP)
        other = self.agency("Socialstyrelsens riktlinje", NO_BETA_OLD)
        self.add(version, "Ge betablockerare även till äldre patienter med hjärtsvikt.")
        self.detect(version)

        candidate = self.of_additions().get()
        self.assertEqual(candidate.kind, CandidateKind.REGIONAL_DEPARTURE)
        self.assertEqual(candidate.signals["reason"], "direction")
        self.assertEqual({candidate.support_a_id, candidate.support_b_id}, {version.support_id, other.support_id})
        # The full run finds the same pair and raises nothing more.
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 0)

    def test_the_full_run_compares_the_additions_of_valid_versions_and_keeps_their_candidates_open(self):
        version = self.national("Uppföljning", FOLLOW_UP)
        self.agency("Socialstyrelsens riktlinje", NO_BETA_OLD)
        self.add(version, "Ge betablockerare även till äldre patienter med hjärtsvikt.")
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 1)
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 0)
        self.assertEqual(self.of_additions().get().status, CandidateStatus.OPEN)

    def test_an_addition_found_when_the_other_support_is_published_later(self):
        version = self.national("Uppföljning", FOLLOW_UP)
        self.add(version, "Ge betablockerare även till äldre patienter med hjärtsvikt.")
        other = self.agency("Socialstyrelsens riktlinje", NO_BETA_OLD)
        self.assertEqual(self.detect(other).raised, 1)
        self.assertEqual(self.of_additions().get().kind, CandidateKind.REGIONAL_DEPARTURE)

    def test_an_addition_that_repeats_another_supports_advice_is_a_duplicate(self):
        version = self.national("Uppföljning", FOLLOW_UP)
        self.agency("Socialstyrelsens riktlinje", BETA)
        self.add(version, "Ge betablockerare till patienter med hjärtsvikt.")
        self.detect(version)
        self.assertEqual(self.of_additions().get().kind, CandidateKind.DUPLICATE)

    def test_an_addition_that_agrees_with_its_recommendation_is_not_raised(self):
        version = self.national("A", BETA)
        self.add(version, "Patienten får en tid hos hjärtsviktssjuksköterskan på vårdcentralen.")
        self.add(version, "Ge betablockerare till patienter med hjärtsvikt, på vårdcentralen.",
                 region=self.uppsala, by=self.uppsala_coordinator)
        run = self.detect(version)
        self.assertEqual(run.raised, 0)
        self.assertFalse(self.of_additions().exists())
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 0)

    def test_a_decision_sticks_while_the_carried_addition_and_the_recommendation_stay_the_same(self):
        version = self.national("A", BETA)
        self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        decisions.candidate_decide(candidate=self.of_additions().get(), outcome=ConflictOutcome.NOT_A_CONFLICT,
                                   reason="Äldre följs av geriatriken.", by=self.orebro_coordinator)

        second = self.next_version(version.support)
        run = self.detect(second)

        self.assertEqual(run.raised, 0)
        candidate = self.of_additions().get()
        self.assertEqual(candidate.status, CandidateStatus.DECIDED)
        self.assertEqual(candidate.recommendation_a_id, second.recommendations.get().pk)
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 0)

    def test_a_changed_addition_raises_the_pair_again(self):
        version = self.national("A", BETA)
        self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        decisions.candidate_decide(candidate=self.of_additions().get(), outcome=ConflictOutcome.NOT_A_CONFLICT,
                                   reason="Äldre följs av geriatriken.", by=self.orebro_coordinator)
        second = self.next_version(version.support)
        self.add(second, "Ge inte betablockerare till patienter med hjärtsvikt över 75 år.")

        self.assertEqual(self.detect(second).raised, 1)
        self.assertEqual(sorted(self.of_additions().values_list("status", flat=True)),
                         sorted([CandidateStatus.DECIDED, CandidateStatus.OPEN]))

    def test_a_changed_recommendation_raises_the_pair_with_its_addition_again(self):
        version = self.national("A", BETA)
        self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        decisions.candidate_decide(candidate=self.of_additions().get(), outcome=ConflictOutcome.NOT_A_CONFLICT,
                                   reason="Äldre följs av geriatriken.", by=self.orebro_coordinator)
        second = self.next_version(version.support, change={1: "Ge betablockerare till alla patienter med hjärtsvikt."})
        self.assertEqual(self.detect(second).raised, 1)

    def test_a_removed_addition_outdates_its_open_candidate(self):
        version = self.national("A", BETA)
        addition = self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        additions.addition_delete(by=self.orebro_coordinator, addition=addition)
        self.detect(version)
        self.assertEqual(list(self.of_additions().values_list("status", flat=True)), [])
        self.assertEqual(list(Candidate.objects.values_list("status", flat=True)), [CandidateStatus.OUTDATED])

    def test_a_decided_candidate_stays_when_its_addition_is_removed_and_says_so(self):
        version = self.national("A", BETA)
        addition = self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        candidate = self.of_additions().get()
        decisions.candidate_decide(candidate=candidate, outcome=ConflictOutcome.ALIGN,
                                   reason="Tillägget tas bort.", by=self.orebro_coordinator)
        additions.addition_delete(by=self.orebro_coordinator, addition=addition)
        self.detect(version)
        candidate.refresh_from_db()
        self.assertEqual((candidate.status, candidate.addition_a_id, candidate.addition_b_id),
                         (CandidateStatus.DECIDED, None, None))
        self.client.force_login(self.member)
        self.assertContains(self.client.get(candidate.get_absolute_url()), "Regionen har tagit bort tillägget.")

    def test_writing_an_addition_queues_an_incremental_run_of_the_valid_version(self):
        version = self.national("A", BETA)
        with self.captureOnCommitCallbacks(execute=True):
            self.add(version, ADDITION_NO_BETA)
        run = DetectionRun.objects.filter(version=version).latest("pk")
        queued = DBTaskResult.objects.filter(task_path="kunskapsnav.coherence.tasks.detect_for_version")
        self.assertIn([run.pk], [r.args_kwargs["args"] for r in queued])

    def test_the_regions_reviewers_and_sks_decide_and_another_region_cannot(self):
        version = self.national("A", BETA)
        self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        candidate = self.of_additions().get()
        with self.assertRaises(PermissionDenied):
            decisions.candidate_decide(candidate=candidate, outcome=ConflictOutcome.ALIGN, reason="Nej.",
                                       by=self.uppsala_coordinator)
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(reverse("coherence:body_queue", args=[self.orebro_lpo.pk])).status_code, 403)
        self.client.force_login(self.orebro_coordinator)
        self.assertContains(self.client.get(reverse("coherence:body_queue", args=[self.orebro_lpo.pk])),
                            candidate.get_absolute_url())
        self.assertEqual(decisions.allowed_outcomes(self.sks_chair, candidate), list(ConflictOutcome.values))
        decisions.candidate_decide(candidate=candidate, outcome=ConflictOutcome.ALIGN,
                                   reason="Tillägget skrivs om.", by=self.orebro_coordinator)
        self.assertEqual(Candidate.objects.get(pk=candidate.pk).status, CandidateStatus.DECIDED)

    def test_another_regions_addition_goes_to_that_regions_kunskapsstodsgrupp(self):
        version = self.national("A", BETA)
        self.add(version, ADDITION_NO_BETA, region=self.uppsala, by=self.uppsala_coordinator)
        self.detect(version)
        candidate = self.of_additions().get()
        side = self.addition_side(candidate)
        self.assertEqual(getattr(candidate, f"body_{side}_id"), self.uppsala_support_group.pk)
        self.assertFalse(decisions.allowed_outcomes(self.orebro_coordinator, candidate))
        self.assertTrue(decisions.allowed_outcomes(self.uppsala_coordinator, candidate))

    def test_the_review_page_shows_the_addition_beside_the_other_text(self):
        version = self.national("A", BETA)
        self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        candidate = self.of_additions().get()
        self.client.force_login(self.member)
        response = self.client.get(candidate.get_absolute_url())
        self.assertContains(response, ADDITION_NO_BETA)
        self.assertContains(response, "Ge betablockerare till patienter med hjärtsvikt.")
        self.assertContains(response, f"Regionalt tillägg från {self.orebro}")
        section = self.client.get(reverse("coherence:support_section", args=[version.support_id]))
        self.assertContains(section, f"tillägg från {self.orebro}")

    def test_the_api_shows_the_additions_side(self):
        version = self.national("A", BETA)
        addition = self.add(version, ADDITION_NO_BETA)
        self.detect(version)
        candidate = self.of_additions().get()
        self.client.force_login(self.member)
        body = self.client.get(f"/api/v1/coherence/candidates/{candidate.pk}").json()
        sides = [body["a"], body["b"]]
        regional = [s for s in sides if s["regional_addition"]]
        self.assertEqual(len(regional), 1)
        self.assertEqual(regional[0]["regional_addition"],
                         {"id": addition.pk, "region_code": "18", "text": f"<p>{ADDITION_NO_BETA}</p>"})
        self.assertEqual([s["regional_addition"] for s in sides if s is not regional[0]], [None])
