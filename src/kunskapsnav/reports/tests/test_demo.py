"""The demo's reports: last year's national follow-up and Region Örebro län's annual report,
published, with the demo's history in last year; Örebro's structure follow-up as a draft."""

import datetime

from django.test import TestCase
from django.utils import timezone

from kunskapsnav.consultation.demo import demo_remiss_load
from kunskapsnav.implementation.demo import demo_implementation_load
from kunskapsnav.knowledge.demo import demo_supports_load
from kunskapsnav.organisation.demo import demo_data_load
from kunskapsnav.organisation.reference import reference_data_load
from kunskapsnav.reports import rendering
from kunskapsnav.reports.demo import demo_reports_load
from kunskapsnav.reports.models import Report, ReportKind, ReportStatus


def _figures(report: Report) -> dict:
    return {item["label"]: item["value"] for section in report.snapshot["sections"] for block in section["blocks"]
            if block["type"] == "figures" for item in block["items"]}


class DemoReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        reference_data_load()
        demo_data_load()
        demo_supports_load()
        demo_remiss_load()
        demo_implementation_load()

    def test_the_demo_ships_last_years_reports_made_from_its_history_in_last_year(self):
        today = timezone.localdate()
        self.assertTrue(demo_reports_load())
        last_year = (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
        national = Report.objects.get(kind=ReportKind.NATIONAL)
        orebro = Report.objects.get(kind=ReportKind.REGION)
        for report in (national, orebro):
            self.assertEqual((report.period_start, report.period_end), last_year)
            self.assertEqual(report.status, ReportStatus.PUBLISHED)
        self.assertEqual(orebro.region.name, "Region Örebro län")
        figures = _figures(national)
        self.assertGreater(figures["Publicerade för första gången"], 0)
        self.assertGreater(figures["Pågående och avslutade införanden"], 0)
        self.assertGreater(figures["Aktiva organ"], 0)
        self.assertGreater(_figures(orebro)["Förbi beslut (implementering eller senare)"], 0)
        self.assertIn("Stroke och TIA", rendering.html(orebro))
        structure = Report.objects.get(kind=ReportKind.STRUCTURE)
        self.assertEqual((structure.status, structure.period_start, structure.period_end),
                         (ReportStatus.DRAFT, datetime.date(today.year, 1, 1), today))
        self.assertFalse(demo_reports_load())  # once
