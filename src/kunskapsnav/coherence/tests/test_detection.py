from django.db.models import Q

from kunskapsnav.coherence.models import Candidate, CandidateKind, DetectionScope
from kunskapsnav.coherence.runs import run_create, run_incremental
from kunskapsnav.knowledge.models import CodeSystem as C

from .base import DO_NOT, CoherenceTestCase

ICD, ATC, KVA = C.ICD10SE, C.ATC, C.KVA


class DetectionTest(CoherenceTestCase):
    def detect(self, version):
        return run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=version))

    def only_candidate(self, *versions):
        """The one candidate (between these versions' supports, if given: the base data's
        pathway shares codes with some of the tests' texts)."""
        candidates = Candidate.objects.all()
        for version in versions:
            candidates = candidates.filter(Q(support_a=version.support) | Q(support_b=version.support))
        candidates = list(candidates)
        self.assertEqual(len(candidates), 1, candidates)
        return candidates[0]

    def test_do_and_do_not_on_the_same_drug_for_the_same_condition_is_a_contradiction(self):
        self.national("Läkemedel vid hjärtsvikt", ("Ge betablockerare till patienter med hjärtsvikt.", [(ATC, "C07AB")]))
        version = self.agency("Socialstyrelsens riktlinje",
                              ("Ge inte betablockerare vid akut hjärtsvikt.", [(ATC, "C07AB07")], DO_NOT))
        run = self.detect(version)
        candidate = self.only_candidate()
        self.assertEqual(run.raised, 1)
        self.assertEqual(candidate.kind, CandidateKind.CONTRADICTION)
        self.assertEqual(candidate.signals["reason"], "direction")
        self.assertIn("ATC C07AB ⊇ C07AB07", candidate.signals["codes"])
        self.assertTrue(candidate.signals["same_condition"])

    def test_a_broader_icd_code_covers_the_narrower_one(self):
        self.national("A", ("Mät NT-proBNP vid misstänkt hjärtsvikt.", [(ICD, "I50")]))
        version = self.national("B", ("Mät NT-proBNP vid misstänkt hjärtsvikt hos äldre.", [(ICD, "I50.1")]))
        self.detect(version)
        self.assertIn("ICD-10-SE I50 ⊇ I50.1", self.only_candidate().signals["codes"])

    def test_sibling_codes_are_not_shared(self):
        self.national("A", ("Mät NT-proBNP vid misstänkt hjärtsvikt.", [(ICD, "I50.1")]))
        version = self.national("B", ("Mät NT-proBNP vid misstänkt hjärtsvikt.", [(ICD, "I50.9")]))
        self.detect(version)
        self.assertFalse(Candidate.objects.exists())

    def test_the_same_advice_in_other_words_order_is_a_duplicate(self):
        self.national("A", ("Erbjud fysisk träning till patienter med stabil hjärtsvikt.", [(KVA, "DV051")]))
        version = self.agency("B", ("Till patienter med stabil hjärtsvikt erbjuds fysisk träning.", [(KVA, "DV051")]),
                              agency="sbu")
        self.detect(version)
        self.assertEqual(self.only_candidate().kind, CandidateKind.DUPLICATE)

    def test_partly_the_same_advice_is_an_overlap(self):
        self.national("A", ("Erbjud fysisk träning till patienter med stabil hjärtsvikt.", [(KVA, "DV051")]))
        version = self.national("B", (
            "Erbjud fysisk träning till patienter med stabil hjärtsvikt, i grupp och med uppföljning av "
            "sjukgymnast var tredje månad under det första året efter utskrivning.", [(KVA, "DV051")]))
        self.detect(version)
        self.assertEqual(self.only_candidate().kind, CandidateKind.OVERLAP)

    def test_recommendations_sharing_a_code_but_agreeing_in_different_words_raise_nothing(self):
        self.national("A", ("Ge ACE-hämmare till alla med nedsatt ejektionsfraktion.", [(ATC, "C09AA")]))
        version = self.national("B", ("Följ njurfunktion och kalium två veckor efter insättning av ACE-hämmare.",
                                      [(ATC, "C09AA05")]))
        self.detect(version)
        self.assertFalse(Candidate.objects.exists())

    def test_priorities_far_apart_on_the_same_intervention_are_a_contradiction(self):
        self.national("A", ("Erbjud hjärtrehabilitering efter sjukhusvård.", [(KVA, "DV051")], {"priority": 1}))
        version = self.agency("B", ("Hjärtrehabilitering kan erbjudas efter vård.", [(KVA, "DV051")], {"priority": 8}))
        self.detect(version)
        candidate = self.only_candidate()
        self.assertEqual(candidate.kind, CandidateKind.CONTRADICTION)
        self.assertEqual(candidate.signals["reason"], "priority")

    def test_two_measures_for_one_condition_ranked_apart_are_no_contradiction(self):
        # Socialstyrelsen ranks each measure for a condition on its own: priority 1 for the
        # rehabilitation and 8 for a check during it is ranking, not two answers to one question.
        self.national("A", ("Erbjud hjärtrehabilitering efter sjukhusvård.", [(KVA, "DV051")], {"priority": 1}))
        version = self.agency("B", ("Mät blodtrycket vid varje besök under träningen på mottagningen.",
                                    [(KVA, "DV051")], {"priority": 8}))
        self.detect(version)
        self.assertFalse(Candidate.objects.exists())

    def test_the_same_advice_with_another_threshold_is_a_contradiction(self):
        first = self.national("A", ("Gör ekokardiografi inom 4 veckor vid misstänkt hjärtsvikt.", [(KVA, "FGC10")]))
        version = self.national("B", ("Gör ekokardiografi inom 12 veckor vid misstänkt hjärtsvikt.", [(KVA, "FGC10")]))
        self.detect(version)
        candidate = self.only_candidate(first, version)
        self.assertEqual(candidate.kind, CandidateKind.CONTRADICTION)
        self.assertEqual(candidate.signals["reason"], "threshold")

    def test_a_regional_routine_departing_from_a_national_recommendation_is_its_own_kind(self):
        national = self.national("Nationellt", ("Ge inte NSAID till personer med hjärtsvikt.", [(ATC, "M01A")], DO_NOT))
        version = self.routine("Örebros rutin", ("Ge NSAID vid smärta till personer med hjärtsvikt.", [(ATC, "M01AE01")]))
        self.detect(version)
        candidate = self.only_candidate(national, version)
        self.assertEqual(candidate.kind, CandidateKind.REGIONAL_DEPARTURE)
        self.assertEqual(candidate.body_b_id if candidate.support_b_id == version.support_id else candidate.body_a_id,
                         self.orebro_lpo.pk)

    def test_different_conditions_are_no_contradiction(self):
        self.national("A", ("Ge betablockerare.", [(ATC, "C07AB")]), conditions=["I50"])
        version = self.national("B", ("Ge inte betablockerare.", [(ATC, "C07AB")], DO_NOT), conditions=["J45"])
        self.detect(version)
        self.assertFalse(Candidate.objects.filter(kind=CandidateKind.CONTRADICTION).exists())

    def test_recommendations_of_drafts_are_not_compared(self):
        from kunskapsnav.knowledge import content
        draft = self.heart_guideline.versions.get(number=1)
        content.recommendation_create(by=self.admin, version=draft, text="<p>Ge betablockerare.</p>",
                                      codes=[(ATC, "C07AB")])
        version = self.national("B", ("Ge inte betablockerare.", [(ATC, "C07AB")], DO_NOT))
        self.detect(version)
        self.assertFalse(Candidate.objects.exists())

    def test_a_check_while_on_a_drug_is_no_contradiction_of_not_giving_it(self):
        self.national("A", ("Kontrollera kalium regelbundet hos den som behandlas med spironolakton.",
                            [(ATC, "C03DA01")]))
        version = self.national("B", ("Ge inte spironolakton vid hjärtsvikt med nedsatt njurfunktion.",
                                      [(ATC, "C03DA01")], DO_NOT))
        self.detect(version)
        self.assertFalse(Candidate.objects.exists())

    def test_the_same_words_about_two_different_drugs_are_no_duplicate(self):
        self.national("A", ("Ge furosemid till patienter med hjärtsvikt inom två veckor.", [(ATC, "C03CA01"), (ICD, "I50")]))
        version = self.national("B", ("Ge digoxin till patienter med hjärtsvikt inom två veckor.",
                                      [(ATC, "C01AA05"), (ICD, "I50")]))
        self.detect(version)
        self.assertFalse(Candidate.objects.exists())

    def test_a_threshold_is_found_in_reworded_texts(self):
        first = self.national("A", ("Ge furosemid till patienter med hjärtsvikt inom 2 veckor efter diagnos.",
                                    [(ATC, "C03CA01")]))
        version = self.national("B", ("Inom 8 veckor efter diagnosen bör patienterna med hjärtsvikt få furosemid.",
                                      [(ATC, "C03CA01")]))
        self.detect(version)
        self.assertEqual(self.only_candidate(first, version).signals["reason"], "threshold")

