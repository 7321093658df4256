import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from kunskapsnav.indicators import runs, selectors, synthetic
from kunskapsnav.indicators.models import IndicatorDefinition, IndicatorValue, RunStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase


class RunTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.definitions = runs.definitions_sync()

    def setUp(self):
        # Runs read only under the data roots (the tests' root is set in conftest.py).
        self.folder = tempfile.TemporaryDirectory(dir=settings.INDICATOR_DATA_ROOTS[0])
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
            runs.run_queue(by=self.analyst, folder=os.path.join(settings.INDICATOR_DATA_ROOTS[0], "finns-inte"),
                           definitions=self.definitions)
        self.assertIn("saknar persons.parquet", caught.exception.message_dict["data_folder"][0])

    def refused(self, folder):
        with self.assertRaises(ValidationError) as caught:
            runs.run_queue(by=self.analyst, folder=str(folder), definitions=self.definitions[:1])
        self.assertIn("Välj en katalog under indikatordatakatalogerna", caught.exception.message_dict["data_folder"][0])

    def test_a_run_reads_only_under_the_configured_data_roots(self):
        root = Path(settings.INDICATOR_DATA_ROOTS[0])
        with tempfile.TemporaryDirectory() as elsewhere:
            outside = Path(elsewhere) / "data"
            shutil.copytree(self.folder.name, outside)  # real data, in the wrong place
            self.refused(outside)
            self.refused(Path(self.folder.name) / ".." / ".." / outside.relative_to("/"))
            self.refused("/etc")
            self.refused(f"../{outside.name}")
            link = root / "genvag"
            link.symlink_to(outside, target_is_directory=True)
            self.addCleanup(link.unlink)
            self.refused(link)
            self.refused("genvag")
            with tempfile.TemporaryDirectory(dir=root) as mixed:  # one data file a link out of the root
                shutil.copy(Path(self.folder.name) / "persons.parquet", mixed)
                (Path(mixed) / "events.parquet").symlink_to(outside / "events.parquet")
                self.refused(mixed)
        for odd in ("", "   ", "data\0", "x" * 5000):
            self.refused(odd)

    def test_a_folder_under_a_root_is_given_by_its_full_path_or_relative_to_the_root(self):
        name = Path(self.folder.name).name
        with self.captureOnCommitCallbacks(execute=False):
            by_path = runs.run_queue(by=self.analyst, folder=self.folder.name, definitions=self.definitions[:1])
            relative = runs.run_queue(by=self.analyst, folder=name, definitions=self.definitions[:1])
        self.assertEqual(by_path.data_folder, str(Path(self.folder.name).resolve()))
        self.assertEqual(relative.data_folder, by_path.data_folder)
        with tempfile.TemporaryDirectory() as other_root, override_settings(INDICATOR_DATA_ROOTS=[other_root]):
            self.refused(self.folder.name)

    def test_a_failed_run_says_so_to_everyone_and_why_only_to_those_who_run_indicators(self):
        (Path(self.folder.name) / "events.parquet").write_bytes(b"inte parquet")
        with self.captureOnCommitCallbacks(execute=False):
            run = runs.run_queue(by=self.analyst, folder=self.folder.name, definitions=self.definitions[:1])
        with self.assertLogs("kunskapsnav.indicators.runs", "ERROR") as logged, self.assertRaises(Exception):
            runs.execute(run)
        run.refresh_from_db()
        self.assertEqual(run.status, RunStatus.FAILED)
        self.assertEqual(run.message, "Körningen misslyckades. Analytikerna ser orsaken på körningens sida.")
        self.assertNotIn(self.folder.name, run.message)
        self.assertIn("events.parquet", run.failure_detail)
        self.assertIn(f"indicator run {run.pk} failed", logged.output[0])
        self.assertEqual(selectors.run_shown(self.analyst, run)["failure_detail"], run.failure_detail)
        for reader in (AnonymousUser(), self.orebro_coordinator):
            shown = selectors.run_shown(reader, run)
            self.assertEqual((shown["failure_detail"], shown["data_folder"]), ("", ""))
            self.assertEqual(shown["message"], run.message)

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
        # The nation's own values (not its strata, which may be hidden to protect a small one).
        self.assertFalse(values.filter(suppressed=True, denominator__gte=5, level="riket", stratum_type="alla").exists())
        self.assertTrue(all(values.values_list("synthetic", flat=True)))
