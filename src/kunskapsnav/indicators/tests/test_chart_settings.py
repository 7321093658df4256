"""Choosing an indicator's chart type, kind of care and baseline on the analysis page: who
may, what is refused, what the chart then does, and the history of each change."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kunskapsnav.indicators import analysis, chart_settings, limits, runs, selectors
from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase


def month(i: int) -> datetime.date:
    return datetime.date(2023 + i // 12, i % 12 + 1, 1)


# 24 months at 80 %, then 12 at 95 %: limits from the first 24 points leave the last 12 above them.
ROWS = [{"period": month(i), "numerator": 80 + i % 3 if i < 24 else 95, "denominator": 100,
         "value": (80 + i % 3) / 100 if i < 24 else 0.95} for i in range(36)]


class ChartSettingsTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()
        definition = selectors.latest("STROKE-ANTITROMB")
        definition.support = cls.heart_guideline
        definition.save()
        cls.url = reverse("indicators:chart_settings_change", args=["STROKE-ANTITROMB"])
        cls.valid = {"chart_type": "xmr", "variation_type": "preferenskanslig", "baseline_points": "",
                     "baseline_end": "2024-12", "reason": "Baslinje före det nya vårdprogrammet"}

    def definition(self):
        return selectors.latest("STROKE-ANTITROMB")

    def test_the_analyst_chooses_chart_type_kind_of_care_and_baseline_on_the_page(self):
        self.client.force_login(self.analyst)
        response = self.client.post(self.url, self.valid)
        self.assertRedirects(response, reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]),
                             fetch_redirect_response=False)
        definition = self.definition()
        self.assertEqual((definition.chart_type, definition.variation_type, definition.baseline_points,
                          definition.baseline_end), ("xmr", "preferenskanslig", None, datetime.date(2024, 12, 1)))
        page = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertContains(page, "Preferenskänslig vård: det finns fler rimliga val")
        self.assertNotContains(page, "mindre variation kring en hög nivå är bättre")
        self.assertContains(page, "Välj diagramtyp, typ av vård och baslinje")

    def test_every_change_is_in_the_history_with_who_and_why(self):
        self.client.force_login(self.analyst)
        self.client.post(self.url, self.valid)
        limits.limits_recalculate(by=self.analyst, definition=self.definition(), level="riket", geo="SE",
                                  period=datetime.date(2025, 1, 1), reason="Nytt vårdprogram")
        history = selectors.analysis_history(self.definition(), user=self.analyst)
        recalculated, changed = history[0], history[1]
        self.assertEqual((recalculated.action, recalculated.who), ("Skapad", self.analyst))
        self.assertIn("riket:SE 2025-01", recalculated.subject)
        self.assertEqual((changed.action, changed.who, changed.reason),
                         ("Ändrad", self.analyst, "Baslinje före det nya vårdprogrammet"))
        self.assertEqual({(c.label, c.old, c.new) for c in changed.changes}, {
            ("diagramtyp över tid", "Välj efter data", "XmR-diagram"),
            ("typ av variation", "Effektiv vård", "Preferenskänslig vård"),
            ("baslinjen till och med", "–", "2024-12-01")})
        page = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertContains(page, "Ändringshistorik")
        self.assertContains(page, "Baslinje före det nya vårdprogrammet")
        self.client.logout()  # the public sees what changed, not who
        self.assertIsNone(selectors.analysis_history(self.definition(), user=AnonymousUser())[1].who)
        public = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertContains(public, "Baslinje före det nya vårdprogrammet")
        self.assertNotContains(public, "analyst")

    def test_saving_the_same_choice_again_writes_no_history(self):
        before = IndicatorDefinition.history.count()
        d = self.definition()
        chart_settings.chart_settings_change(by=self.analyst, definition=d, chart_type=d.chart_type,
                                             variation_type=d.variation_type, baseline_points=None,
                                             baseline_end=None)
        self.assertEqual(IndicatorDefinition.history.count(), before)

    def test_only_those_who_may_change_indicator_definitions_may_choose(self):
        for user in (self.outsider, self.orebro_coordinator, self.member):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url, self.valid).status_code, 403)
            with self.assertRaises(PermissionDenied):
                chart_settings.chart_settings_change(by=user, definition=self.definition(), chart_type="run",
                                                     variation_type="", baseline_points=None, baseline_end=None)
        self.client.logout()
        self.assertEqual(self.client.post(self.url, self.valid).status_code, 302)  # to the login
        self.assertEqual(self.definition().chart_type, "auto")
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])),
                               "Välj diagramtyp, typ av vård och baslinje")
        self.client.force_login(self.npo_editor)  # edits the body that owns the indicator's support
        self.assertEqual(self.client.post(self.url, self.valid).status_code, 302)
        self.assertEqual(self.definition().chart_type, "xmr")

    def test_bad_input_is_refused_in_swedish_and_nothing_is_stored(self):
        self.client.force_login(self.analyst)
        cases = [
            ({"baseline_points": "5", "baseline_end": ""}, "Baslinjen ska ha minst 12 punkter"),
            ({"baseline_points": "9" * 30, "baseline_end": ""}, "Baslinjen får ha högst 500 punkter"),
            ({"baseline_points": "tolv", "baseline_end": ""}, "Ange antalet punkter som ett heltal"),
            ({"baseline_points": "24"}, "antingen som antal punkter eller som en period"),
            ({"baseline_end": "december"}, "Ange månaden som ÅÅÅÅ-MM"),
            ({"baseline_end": "2024-13"}, "Ange månaden som ÅÅÅÅ-MM"),
            ({"chart_type": "cusum"}, "Välj en av diagramtyperna"),
            ({"variation_type": "okand"}, "Välj en av typerna av vård"),
            ({"reason": "x" * 101}, "Skälet får vara högst 100 tecken"),
        ]
        for changes, message in cases:
            with self.subTest(changes=changes):
                response = self.client.post(self.url, self.valid | changes)
                self.assertContains(response, message, status_code=400)
        kol = reverse("indicators:chart_settings_change", args=["KOL-SLUTENVARD"])
        self.assertContains(self.client.post(kol, self.valid | {"chart_type": "p_prime"}),
                            "p- och p′-diagram gäller bara andelar", status_code=400)
        self.assertEqual(self.definition().chart_type, "auto")
        self.assertEqual(IndicatorDefinition.history.filter(history_type="~", chart_type="xmr").count(), 0)

    def test_a_baseline_period_holds_the_limits_from_its_points(self):
        definition = self.definition()
        by_period = chart_settings.chart_settings_change(
            by=self.analyst, definition=definition, chart_type="xmr", variation_type="effektiv",
            baseline_points=None, baseline_end=month(23))
        held = analysis.over_time(by_period, ROWS, recalculations=[], percent=True)
        self.assertEqual(held.baseline, 24)
        base = [r["value"] for r in ROWS[:24]]
        self.assertAlmostEqual(held.centre[-1], sum(base) / 24)
        self.assertEqual(held.classification, "forbattring")
        by_points = chart_settings.chart_settings_change(
            by=self.analyst, definition=by_period, chart_type="xmr", variation_type="effektiv",
            baseline_points=24, baseline_end=None)
        self.assertEqual(analysis.over_time(by_points, ROWS, recalculations=[], percent=True).upper, held.upper)
        everything = chart_settings.chart_settings_change(
            by=self.analyst, definition=by_points, chart_type="xmr", variation_type="effektiv",
            baseline_points=None, baseline_end=None)
        self.assertGreater(analysis.over_time(everything, ROWS, recalculations=[], percent=True).centre[-1],
                           held.centre[-1])

    def test_a_baseline_period_shorter_than_twelve_points_is_widened_to_twelve(self):
        definition = self.definition()
        definition.baseline_end = month(3)
        self.assertEqual(chart_settings.baseline_length(definition, [r["period"] for r in ROWS]), 12)
        definition.baseline_end = month(40)  # past the series: every point
        self.assertIsNone(chart_settings.baseline_length(definition, [r["period"] for r in ROWS]))

    def test_loading_the_shipped_definitions_again_keeps_the_choice_made_on_the_page(self):
        chart_settings.chart_settings_change(by=self.analyst, definition=self.definition(), chart_type="run",
                                             variation_type="utbudskanslig", baseline_points=None,
                                             baseline_end=None)
        runs.definitions_sync()
        self.assertEqual((self.definition().chart_type, self.definition().variation_type), ("run", "utbudskanslig"))
