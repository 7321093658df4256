import shutil
import tempfile

from django.conf import settings

from kunskapsnav.indicators import runs, synthetic
from kunskapsnav.indicators.models import IndicatorRun, RunStatus
from kunskapsnav.interop.tests.api_client import ApiCalls
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase


class IndicatorRunApiTests(ApiCalls, KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()

    def test_a_failed_run_shows_readers_a_general_message_without_the_error_or_the_folder(self):
        run = IndicatorRun.objects.create(data_folder="/srv/indikatordata/region-18", started_by=self.analyst,
                                          status=RunStatus.FAILED, message=runs.FAILURE_MESSAGE,
                                          failure_detail="ArrowInvalid: column person_id missing in /srv/x.parquet")
        response = self.call("get", f"/indicator-runs/{run.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["message"], "Körningen misslyckades. Analytikerna ser orsaken på körningens sida.")
        self.assertNotIn("ArrowInvalid", response.content.decode())
        self.assertNotIn("/srv/", response.content.decode())
        for reader in (self.outsider, self.orebro_coordinator):
            self.assertNotIn("ArrowInvalid", self.call("get", f"/indicator-runs/{run.pk}", reader).content.decode())

    def test_an_analyst_sees_why_a_run_failed_and_where_it_read(self):
        run = IndicatorRun.objects.create(data_folder="/srv/indikatordata/region-18", started_by=self.analyst,
                                          status=RunStatus.FAILED, message=runs.FAILURE_MESSAGE,
                                          failure_detail="ArrowInvalid: column person_id missing")
        shown = self.call("get", f"/indicator-runs/{run.pk}", self.analyst).json()
        self.assertEqual(shown["failure_detail"], "ArrowInvalid: column person_id missing")
        self.assertEqual(shown["data_folder"], "/srv/indikatordata/region-18")

    def test_a_run_on_a_folder_outside_the_data_roots_is_refused_in_swedish_and_not_queued(self):
        with tempfile.TemporaryDirectory() as elsewhere:
            synthetic.generate(elsewhere, events=2000)
            for folder in (elsewhere, "/etc", "../../etc"):
                with self.subTest(folder=folder):
                    response = self.call("post", "/indicator-runs", self.analyst,
                                         {"data_folder": folder, "definitions": ["HS-RAS"]})
                    self.assertEqual(response.status_code, 422)
                    self.assertIn("Välj en katalog under indikatordatakatalogerna",
                                  response.json()["errors"]["data_folder"][0])
        self.assertFalse(IndicatorRun.objects.exists())

    def test_a_run_on_a_folder_under_a_data_root_is_queued(self):
        folder = tempfile.mkdtemp(dir=settings.INDICATOR_DATA_ROOTS[0])
        self.addCleanup(shutil.rmtree, folder)
        synthetic.generate(folder, events=2000)
        with self.captureOnCommitCallbacks(execute=False):
            response = self.call("post", "/indicator-runs", self.analyst, {"data_folder": folder, "definitions": ["HS-RAS"]})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], RunStatus.QUEUED)
