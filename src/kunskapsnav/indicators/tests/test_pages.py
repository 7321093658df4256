import csv
import io
import json

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.indicators import imports, runs
from kunskapsnav.indicators.models import IndicatorRun, IndicatorValue, RunStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase

CSV = ("indicator;geography;period;stratum;numerator;denominator\n"
       "STROKE-ANTITROMB;region:18;2024;alla;90;100\n"
       "STROKE-ANTITROMB;kommun:1880;2024;alla;2;3\n"
       "STROKE-ANTITROMB;kommun:1883;2024;alla;80;90\n"
       "STROKE-ANTITROMB;kommun:1884;2024;alla;8;7\n")


class IndicatorPageTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()

    def test_the_import_page_lists_every_error_by_line(self):
        self.client.force_login(self.analyst)
        upload = SimpleUploadedFile("v.csv", CSV.encode(), content_type="text/csv")
        response = self.client.post(reverse("indicators:values_import"), {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Rad 5: täljaren är större än nämnaren", status_code=400)
        self.assertContains(response, "Inget har importerats", status_code=400)

    def test_small_numbers_are_hidden_from_readers_and_in_exports_but_not_from_analysts(self):
        report = imports.values_import(by=self.analyst, data=CSV.replace(";8;7", ";6;7").encode(), file_name="v.csv")
        self.assertTrue(report.ok, report.errors)
        url = "/api/v1/indicators/STROKE-ANTITROMB/values?level=kommun"
        public = {v["geo"]: v for v in self.client.get(url).json()}
        self.assertEqual((public["1880"]["numerator"], public["1880"]["suppressed"]), (None, True))
        # 1884 (7) would give 1880 away: region 100 − 90 − 7 = 3.
        self.assertEqual(public["1884"]["value"], None)
        self.assertEqual(public["1883"]["numerator"], 80)
        key = ApiToken.issue(user=self.analyst, name="t")[1]
        analyst = {v["geo"]: v for v in self.client.get(url, headers={"Authorization": f"Bearer {key}"}).json()}
        self.assertEqual(analyst["1880"]["numerator"], 2)
        self.client.force_login(self.analyst)
        exported = self.client.get(reverse("indicators:values_csv", args=["STROKE-ANTITROMB"]))
        rows = {r["geo"]: r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";")}
        self.assertEqual((rows["1880"]["numerator"], rows["1880"]["suppressed"]), ("", "1"))
        self.assertEqual(rows["1883"]["numerator"], "80")
        page = self.client.get(reverse("indicators:indicator_detail", args=["STROKE-ANTITROMB"])).content.decode()
        self.assertIn("Region Örebro län", page)

    def test_the_values_csv_writes_text_that_begins_like_a_formula_as_text(self):
        report = imports.values_import(by=self.analyst, data=CSV.replace(";8;7", ";6;7").encode(), file_name="v.csv")
        self.assertTrue(report.ok, report.errors)
        IndicatorValue.objects.filter(geo="1883").update(level="vardenhet", geo="-1+cmd|' /C calc'!A0")
        exported = self.client.get(reverse("indicators:values_csv", args=["STROKE-ANTITROMB"]))
        rows = {r["level"]: r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";")}
        self.assertEqual(rows["vardenhet"]["geo"], "'-1+cmd|' /C calc'!A0")
        self.assertEqual(rows["vardenhet"]["numerator"], "80")

    def test_a_run_cannot_be_started_on_a_folder_without_data_or_outside_the_data_roots(self):
        self.client.force_login(self.analyst)
        definition = runs.definitions_sync()[0]
        form = self.client.get(reverse("indicators:run_list"))
        self.assertContains(form, settings.INDICATOR_DATA_ROOTS[0])  # the help text says where
        response = self.client.post(reverse("indicators:run_start"), {"data_folder": "finns-inte",
                                                                      "definitions": [definition.pk], "backend": "duckdb"})
        self.assertContains(response, "Katalogen saknar", status_code=400)
        response = self.client.post(reverse("indicators:run_start"), {"data_folder": "/etc",
                                                                      "definitions": [definition.pk], "backend": "duckdb"})
        self.assertContains(response, "Välj en katalog under indikatordatakatalogerna", status_code=400)

    def test_readers_see_that_a_run_failed_and_only_analysts_see_why_and_where(self):
        run = IndicatorRun.objects.create(data_folder="/srv/indikatordata/region-18", started_by=self.analyst,
                                          status=RunStatus.FAILED, message=runs.FAILURE_MESSAGE,
                                          failure_detail="ArrowInvalid: column person_id missing in /srv/x.parquet")
        for reader in (None, self.orebro_coordinator):
            with self.subTest(reader=reader):
                if reader:
                    self.client.force_login(reader)
                for url in (run.get_absolute_url(), reverse("indicators:run_list")):
                    page = self.client.get(url).content.decode()
                    self.assertNotIn("ArrowInvalid", page)
                    self.assertNotIn("/srv/", page)
                self.assertIn("Körningen misslyckades. Analytikerna ser orsaken", self.client.get(run.get_absolute_url())
                              .content.decode())
        self.client.force_login(self.analyst)
        page = self.client.get(run.get_absolute_url()).content.decode()
        self.assertIn("ArrowInvalid: column person_id missing in /srv/x.parquet", page)
        self.assertIn("/srv/indikatordata/region-18", page)
        self.assertIn("/srv/indikatordata/region-18", self.client.get(reverse("indicators:run_list")).content.decode())

    def test_the_api_describes_definitions(self):
        data = self.client.get("/api/v1/indicators/STROKE-ANTITROMB").json()
        self.assertEqual(data["targets"], [{"level": "0.90", "name": "hög målnivå"},
                                           {"level": "0.85", "name": "måttlig målnivå"}])
        self.assertEqual(data["spec"]["window"], {"from_days": 0, "to_days": 30})
        self.assertEqual(json.loads(json.dumps(self.client.get("/api/v1/indicators").json()))[0]["code"], "HS-EKO-TID")
