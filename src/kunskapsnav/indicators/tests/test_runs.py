import tempfile

from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.indicators import runs, synthetic
from kunskapsnav.indicators.models import IndicatorDefinition, IndicatorValue, RunStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase


class RunTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.definitions = runs.definitions_sync()

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        synthetic.generate(self.folder.name, events=20_000, seed=3)

    def tearDown(self):
        self.folder.cleanup()

    def test_the_shipped_definitions_are_loaded_once_and_linked_to_their_support(self):
        self.assertEqual(len(runs.definitions_sync()), 5)
        self.assertEqual(IndicatorDefinition.objects.count(), 5)
        ras = IndicatorDefinition.objects.get(code="HS-RAS")
        self.assertEqual(ras.support, self.heart_pathway)
        # The heart pathway's recommendation coded ATC C09AA is the one on ACE inhibitors.
        self.assertEqual(list(ras.recommendations.all()), [self.rec_drug])

    def test_only_analysts_and_administrators_run_and_bad_requests_are_refused_in_swedish(self):
        with self.assertRaises(PermissionDenied):
            runs.run_queue(by=self.orebro_coordinator, folder=self.folder.name, definitions=self.definitions)
        with self.assertRaises(ValidationError) as caught:
            runs.run_queue(by=self.analyst, folder="/finns/inte", definitions=self.definitions)
        self.assertIn("saknar persons.parquet", caught.exception.message_dict["data_folder"][0])

    def test_a_run_records_what_produced_every_value(self):
        with self.captureOnCommitCallbacks(execute=False):
            run = runs.run_queue(by=self.analyst, folder=self.folder.name, definitions=self.definitions[:2])
        run = runs.execute(run)
        self.assertEqual((run.status, run.progress, run.synthetic), (RunStatus.DONE, 100, True))
        self.assertEqual(run.fingerprint, runs.fingerprint(self.folder.name))
        self.assertEqual(len(run.fingerprint), 64)
        values = IndicatorValue.objects.filter(run=run)
        self.assertEqual(set(values.values_list("definition__code", flat=True)), {d.code for d in self.definitions[:2]})
        nation = values.filter(definition__code="HS-RAS", level="riket", period_type="ar", stratum_type="alla").first()
        self.assertAlmostEqual(nation.value, nation.numerator / nation.denominator)
        self.assertLess(nation.ci_low, nation.value)
        self.assertTrue(values.filter(suppressed=True).exists())
        self.assertFalse(values.filter(suppressed=True, denominator__gte=5, level="riket").exists())
        self.assertTrue(all(values.values_list("synthetic", flat=True)))
