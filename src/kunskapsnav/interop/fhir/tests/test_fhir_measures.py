"""/fhir/ Measure and MeasureReport: indicators and their current values, small counts
suppressed as in the public exports."""

from django.test import override_settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measure import Measure
from fhir.resources.R4B.measurereport import MeasureReport

from kunskapsnav.indicators import imports, runs
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase

SITE = "https://kunskapsnav.example"
HEADER = "indicator;geography;period;stratum;numerator;denominator\n"


@override_settings(SITE_URL=SITE)
class FhirMeasureTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()
        report = imports.values_import(by=cls.analyst, file_name="varden.csv", data=(
            HEADER + "STROKE-ANTITROMB;region:18;2024;alla;90;100\n"
                     "STROKE-ANTITROMB;kommun:1880;2024-K1;alla;2;3\n"
                     "STROKE-ANTITROMB;kommun:1880;2024-K1;kon:K;2;3\n").encode("utf-8"))
        assert report.ok, report.errors

    def get_json(self, path, params=None):
        response = self.client.get(f"/fhir/{path}", params or {})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_an_indicator_is_a_measure(self):
        data = self.get_json("Measure/STROKE-ANTITROMB")
        Measure.model_validate(data)
        self.assertEqual(data["url"], f"{SITE}/uppfoljning/STROKE-ANTITROMB/")
        self.assertEqual(data["scoring"]["coding"][0]["code"], "proportion")
        self.assertEqual(data["improvementNotation"]["coding"][0]["code"], "increase")
        populations = {p["code"]["coding"][0]["code"]: p for p in data["group"][0]["population"]}
        self.assertEqual(set(populations), {"numerator", "denominator"})
        self.assertEqual(populations["numerator"]["criteria"]["reference"],
                         f"{SITE}/api/v1/indicators/STROKE-ANTITROMB")
        bundle = self.get_json("Measure", {"_count": "100"})
        Bundle.model_validate(bundle)
        self.assertIn("STROKE-ANTITROMB", [e["resource"]["id"] for e in bundle["entry"]])

    def test_values_are_summary_reports_per_geography_and_period(self):
        bundle = self.get_json("MeasureReport", {"measure": f"{SITE}/uppfoljning/STROKE-ANTITROMB/"})
        Bundle.model_validate(bundle)
        reports = {e["resource"]["reporter"].get("reference"): e["resource"] for e in bundle["entry"]}
        self.assertEqual(set(reports), {"Organization/region-18", "Organization/kommun-1880"})  # no stratum rows
        orebro = MeasureReport.model_validate(reports["Organization/region-18"])
        self.assertEqual((orebro.type, str(orebro.period.start), str(orebro.period.end)),
                         ("summary", "2024-01-01", "2024-12-31"))
        populations = reports["Organization/region-18"]["group"][0]["population"]
        counts = {p["code"]["coding"][0]["code"]: p["count"] for p in populations}
        self.assertEqual(counts, {"numerator": 90, "denominator": 100})
        self.assertAlmostEqual(float(orebro.group[0].measureScore.value), 0.9)

    def test_small_counts_are_suppressed_as_in_public_exports(self):
        bundle = self.get_json("MeasureReport", {"reporter": "Organization/kommun-1880"})
        (entry,) = bundle["entry"]
        report = entry["resource"]
        MeasureReport.model_validate(report)
        self.assertNotIn("population", report["group"][0])
        self.assertEqual(report["group"][0]["measureScore"],
                         {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                         "valueCode": "masked"}]})
        self.assertEqual(report["period"], {"start": "2024-01-01", "end": "2024-03-31"})
        self.assertNotIn('"count": 2', self.client.get(f"/fhir/MeasureReport/{report['id']}").content.decode())
