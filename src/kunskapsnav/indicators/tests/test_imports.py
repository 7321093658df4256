from django.core.exceptions import PermissionDenied

from kunskapsnav.indicators import imports, runs
from kunskapsnav.indicators.models import ImportBatch, IndicatorValue
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase

HEADER = "indicator;geography;period;stratum;numerator;denominator\n"


class ImportTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()

    def load(self, text, by=None):
        return imports.values_import(by=by or self.analyst, data=text.encode("utf-8"), file_name="varden.csv")

    def test_a_good_file_is_imported_with_intervals_and_suppression(self):
        report = self.load(HEADER + "STROKE-ANTITROMB;region:18;2024;alla;90;100\n"
                                    "STROKE-ANTITROMB;kommun:1880;2024-K1;kon:K;2;3\n"
                                    "KOL-SLUTENVARD;riket;2024-03;alla;1200;10500000\n")
        self.assertTrue(report.ok, report.errors)
        values = IndicatorValue.objects.filter(batch=report.batch).order_by("level")
        self.assertEqual(values.count(), 3)
        region = values.get(level="region")
        self.assertAlmostEqual(region.value, 0.9)
        self.assertLess(region.ci_low, 0.9)
        self.assertTrue(values.get(level="kommun").suppressed)
        self.assertAlmostEqual(values.get(level="riket").value, 1200 / 10500000 * 100000)

    def test_every_error_is_listed_by_line_and_nothing_is_saved(self):
        report = self.load(HEADER + "STROKE-ANTITROMB;region:18;2024;alla;90;100\n"
                                    "OKAND;region:18;2024;alla;1;2\n"
                                    "STROKE-ANTITROMB;region:99;2024;alla;1;2\n"
                                    "STROKE-ANTITROMB;region:18;2024-13;alla;1;2\n"
                                    "STROKE-ANTITROMB;region:18;2023;kon:X;1;2\n"
                                    "STROKE-ANTITROMB;region:18;2022;alla;5;2\n"
                                    "STROKE-ANTITROMB;region:18;2021;alla;-1;2\n"
                                    "STROKE-ANTITROMB;region:18;2024;alla;80;100\n")
        self.assertEqual([line for line, _message in report.errors], [3, 4, 5, 6, 7, 8, 9])
        messages = dict(report.errors)
        self.assertIn("okänd indikator OKAND", messages[3])
        self.assertIn("ingen region med koden 99", messages[4])
        self.assertIn("ÅÅÅÅ-MM", messages[5])
        self.assertIn("täljaren är större än nämnaren", messages[7])
        self.assertIn("samma värde som på rad 2", messages[9])
        self.assertFalse(ImportBatch.objects.exists())
        self.assertFalse(IndicatorValue.objects.exists())

    def test_numbers_and_codes_that_do_not_fit_their_fields_are_refused_by_line(self):
        huge = "9" * 30
        report = self.load(HEADER + f"STROKE-ANTITROMB;region:18;2024;alla;90;{huge}\n"
                                    "STROKE-ANTITROMB;region:18;2023;alla;1000000000000001;1000000000000002\n"
                                    f"STROKE-ANTITROMB;vardenhet:{'X' * 41};2024;alla;1;2\n"
                                    "STROKE-ANTITROMB;vardenhet:=HYPERLINK(1);2024;alla;1;2\n"
                                    f"STROKE-ANTITROMB;region:18;2024;aldersgrupp:{huge}-1;1;2\n"
                                    "STROKE-ANTITROMB;vardenhet:SE2321000164-7381037590003;2024;alla;1;2\n")
        self.assertEqual([line for line, _message in report.errors], [2, 3, 4, 5, 6])
        messages = dict(report.errors)
        self.assertIn("denominator får vara högst 1\xa0000\xa0000\xa0000\xa0000\xa0000", messages[2])
        self.assertIn("numerator får vara högst", messages[3])
        self.assertIn("vårdenhetens kod", messages[4])
        self.assertIn("stratumet", messages[6])
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_median_time_must_be_a_number_of_days(self):
        header = HEADER.replace("\n", ";value\n")
        for value in ("", "abc", "inf", "nan", "-1", "1e400", "40000"):
            with self.subTest(value=value):
                report = self.load(header + f"HS-EKO-TID;region:18;2024;alla;90;;{value}\n")
                self.assertEqual(len(report.errors), 1, report.errors)
                self.assertIn("en mediantid ska stå i kolumnen value som antal dagar", report.errors[0][1])
        report = self.load(header + "HS-EKO-TID;region:18;2024;alla;90;;12,5\n")
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(IndicatorValue.objects.get(batch=report.batch).value, 12.5)

    def test_missing_columns_and_wrong_encoding_are_reported(self):
        self.assertEqual(self.load("indicator;period\nX;2024\n").errors[0][0], 1)
        report = imports.values_import(by=self.analyst, data="åäö".encode("latin-1"), file_name="x.csv")
        self.assertIn("UTF-8", report.errors[0][1])

    def test_only_analysts_and_administrators_import(self):
        with self.assertRaises(PermissionDenied):
            self.load(HEADER, by=self.orebro_coordinator)
