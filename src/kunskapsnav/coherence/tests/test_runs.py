from django.core.management import call_command
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from kunskapsnav.coherence import decisions
from kunskapsnav.coherence.models import Candidate, CandidateKind, CandidateStatus, DetectionRun, ConflictOutcome, DetectionScope, DetectionStatus
from kunskapsnav.coherence.runs import run_create, run_full, run_incremental
from kunskapsnav.coherence.tasks import detect_for_version
from kunskapsnav.knowledge import interchange
from kunskapsnav.knowledge.models import CodeSystem as C

from .base import DO_NOT, CoherenceTestCase

ATC = C.ATC
BETA = ("Ge betablockerare till patienter med hjärtsvikt.", [(ATC, "C07AB")])
NO_BETA = ("Ge inte betablockerare vid akut hjärtsvikt.", [(ATC, "C07AB07")], DO_NOT)


class RunsTest(CoherenceTestCase):
    def detect(self, version):
        return run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=version))

    def between(self, first, second):
        return Candidate.objects.filter(
            Q(support_a=first.support, support_b=second.support) | Q(support_a=second.support, support_b=first.support)
        )

    def test_publication_queues_an_incremental_run_of_the_new_version(self):
        with self.captureOnCommitCallbacks(execute=True):
            version = self.national("A", BETA)
        run = DetectionRun.objects.get(version=version)
        self.assertEqual(run.kind, DetectionScope.INCREMENTAL)
        queued = DBTaskResult.objects.filter(task_path="kunskapsnav.coherence.tasks.detect_for_version")
        self.assertEqual([r.args_kwargs["args"] for r in queued], [[run.pk]])

    def test_the_queued_task_runs_the_detection(self):
        self.national("A", BETA)
        version = self.agency("B", NO_BETA)
        run = DetectionRun.objects.get(version=version)
        self.assertEqual(detect_for_version.call(run.pk), 1)
        run.refresh_from_db()
        self.assertEqual((run.status, run.done, run.raised), (DetectionStatus.DONE, 1, 1))

    def test_an_incremental_run_compares_only_what_shares_a_code(self):
        unrelated = self.national("Astma", ("Ge inhalationssteroider vid astma.", [(ATC, "R03BA")]), conditions=["J45"])
        version = self.agency("B", NO_BETA)
        from kunskapsnav.coherence.runs import _could_conflict, items_for

        mine = items_for(version.recommendations.values_list("pk", flat=True))
        others = _could_conflict(mine, exclude_support_id=version.support_id)
        self.assertNotIn(unrelated.recommendations.get().pk, others)
        self.assertEqual(set(others), set(self.v1.recommendations.filter(codes__code="C07AB").values_list("pk", flat=True))
                         | set())

    def test_a_decision_sticks_across_versions_while_the_texts_stay_the_same(self):
        first = self.national("A", BETA)
        second = self.agency("B", NO_BETA)
        self.detect(second)
        candidate = self.between(first, second).get()
        decisions.candidate_decide(candidate=candidate, outcome=ConflictOutcome.NOT_A_CONFLICT,
                                   reason="Akut och kronisk hjärtsvikt är olika lägen.", by=self.admin)

        third = self.next_version(second.support)
        run = self.detect(third)

        self.assertEqual(run.raised, 0)
        candidate = self.between(first, second).get()
        self.assertEqual(candidate.status, CandidateStatus.DECIDED)
        self.assertEqual(candidate.recommendation_b_id if candidate.support_b_id == second.support_id
                         else candidate.recommendation_a_id, third.recommendations.get().pk)
        # The full run agrees.
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 0)

    def test_a_changed_text_raises_the_pair_again(self):
        first = self.national("A", BETA)
        second = self.agency("B", NO_BETA)
        self.detect(second)
        decisions.candidate_decide(candidate=self.between(first, second).get(), outcome=ConflictOutcome.NOT_A_CONFLICT,
                                   reason="Olika lägen.", by=self.admin)

        third = self.next_version(second.support, change={1: "Ge inte betablockerare vid hjärtsvikt."})
        run = self.detect(third)

        self.assertEqual(run.raised, 1)
        self.assertEqual(
            sorted(self.between(first, second).values_list("status", flat=True)),
            sorted([CandidateStatus.DECIDED, CandidateStatus.OPEN]),
        )

    def test_an_open_candidate_whose_text_changed_is_outdated(self):
        first = self.national("A", BETA)
        second = self.agency("B", NO_BETA)
        self.detect(second)
        third = self.next_version(second.support, change={1: {
            "text": "Följ pulsen hos patienter som får betablockerare.", "direction": "gor"}})
        self.detect(third)
        self.assertEqual(list(self.between(first, second).values_list("status", flat=True)), [CandidateStatus.OUTDATED])

    def test_the_full_run_finds_every_pair_once_and_shows_its_progress(self):
        first = self.national("A", BETA)
        second = self.agency("B", NO_BETA)
        run = run_full(run_create(kind=DetectionScope.FULL))
        self.assertEqual(run.status, DetectionStatus.DONE)
        self.assertEqual(run.total, run.done)
        self.assertEqual(run.percent, 100)
        self.assertEqual(self.between(first, second).get().kind, CandidateKind.CONTRADICTION)
        self.assertEqual(run_full(run_create(kind=DetectionScope.FULL)).raised, 0)

    def test_an_agency_imported_through_the_import_format_is_compared_by_the_full_run(self):
        first = self.national("A", BETA)
        document = {
            "format": "kunskapsnav.support", "format_version": 1,
            "type": "klinisk", "title": "TLV:s underlag om betablockerare", "issuer": {"agency": "tlv"},
            "owning_body": "npo-hjart-och-karlsjukdomar", "conditions": ["I50"],
            "versions": [{"number": 1, "status": "publicerad", "review_date": "2028-06-30",
                          "published_at": "2026-01-01T08:00:00+01:00", "approved_at": "2026-01-01T08:00:00+01:00",
                          "recommendations": [{"key": "9b6f7f2e-8a39-4c1e-9d8e-6f0e6d3b1a07", "position": 1,
                                               "text": "<p>Ge inte betablockerare vid akut hjärtsvikt.</p>",
                                               "direction": "gor_inte",
                                               "codes": [{"system": "atc", "code": "C07AB07"}]}]}],
        }
        report = interchange.supports_import(document, by=self.admin)
        support = report.supports[0]
        self.assertEqual(support.issuer_agency, "tlv")
        run_full(run_create(kind=DetectionScope.FULL))
        candidate = Candidate.objects.get(Q(support_a=support) | Q(support_b=support), support_a__in=[first.support, support])
        self.assertEqual(candidate.kind, CandidateKind.CONTRADICTION)

    def test_the_nightly_command_queues_a_full_run(self):
        with self.captureOnCommitCallbacks(execute=True):
            call_command("detect_coherence", stdout=open("/dev/null", "w"))
        run = DetectionRun.objects.get(kind=DetectionScope.FULL)
        self.assertTrue(DBTaskResult.objects.filter(task_path="kunskapsnav.coherence.tasks.detect_everything").exists())
        self.assertEqual(run.status, DetectionStatus.QUEUED)
