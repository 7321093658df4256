"""Recalculations of an SPC chart's limits: who may record one, what is refused, and the
step it draws in the limits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kunskapsnav.indicators import analysis, charts, limits, runs, selectors
from kunskapsnav.indicators.models import IndicatorDefinition, LimitRecalculation
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase


def month(i: int) -> datetime.date:
    return datetime.date(2023 + i // 12, i % 12 + 1, 1)


class LimitRecalculationTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        runs.definitions_sync()
        IndicatorDefinition.objects.filter(code="STROKE-ANTITROMB").update(support=cls.heart_guideline)
        cls.definition = IndicatorDefinition.objects.get(code="STROKE-ANTITROMB")

    def recalculations(self, level, geo):
        return list(selectors.limit_recalculations(self.definition, level=level, geo=geo))

    def record(self, by, **changes):
        fields = {"definition": self.definition, "level": "region", "geo": "18", "period": datetime.date(2024, 1, 1),
                  "reason": "Nytt arbetssätt på strokeenheten från januari."} | changes
        return limits.limits_recalculate(by=by, **fields)

    def test_analysts_administrators_and_the_owning_bodys_editor_record_a_recalculation(self):
        for user in (self.analyst, self.admin, self.npo_editor):
            recalculation = self.record(user, period=datetime.date(2024, 1 + [self.analyst, self.admin,
                                                                              self.npo_editor].index(user), 1))
            self.assertEqual(recalculation.set_by, user)
            self.assertEqual(recalculation.indicator_code, "STROKE-ANTITROMB")
        for user in (self.outsider, self.orebro_coordinator, self.member):
            with self.assertRaises(PermissionDenied):
                self.record(user, period=datetime.date(2025, 1, 1))
        self.assertEqual(LimitRecalculation.objects.count(), 3)

    def test_without_a_support_only_analysts_and_administrators_may(self):
        kol = IndicatorDefinition.objects.get(code="KOL-SLUTENVARD")
        self.assertIsNone(kol.support)
        with self.assertRaises(PermissionDenied):
            self.record(self.npo_editor, definition=kol)
        self.record(self.analyst, definition=kol)

    def test_it_refuses_a_missing_reason_a_day_within_a_month_a_bad_area_and_the_same_month_twice(self):
        for changes, field in (({"reason": "  "}, "reason"), ({"reason": "x" * 2001}, "reason"),
                               ({"period": datetime.date(2024, 1, 15)}, "period"), ({"level": "vardenhet"}, "area"),
                               ({"geo": ""}, "area")):
            with self.assertRaises(ValidationError) as raised:
                self.record(self.analyst, **changes)
            self.assertIn(field, raised.exception.message_dict)
        self.record(self.analyst)
        with self.assertRaises(ValidationError) as raised:
            self.record(self.analyst, reason="Igen")
        self.assertIn("period", raised.exception.message_dict)
        self.assertEqual(LimitRecalculation.objects.count(), 1)

    def test_a_recalculation_draws_a_step_in_the_limits_from_its_month(self):
        self.record(self.analyst, period=datetime.date(2024, 1, 1))
        rows = [{"period": month(i), "numerator": 80 if i < 12 else 95, "denominator": 100,
                 "value": 0.8 if i < 12 else 0.95} for i in range(24)]
        chart = analysis.over_time(self.definition, rows, recalculations=self.recalculations("region", "18"),
                                   percent=True)
        self.assertEqual(chart.segments, [0, 12])
        self.assertAlmostEqual(chart.centre[11], 0.80)
        self.assertAlmostEqual(chart.centre[12], 0.95)
        self.assertEqual(chart.classification, "slumpmassig")
        spec = charts.spc_chart(chart, [r["period"].isoformat() for r in rows], "Örebro", percent=True,
                                synthetic=False)
        data = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
        self.assertEqual((data[11]["centrum"], data[12]["centrum"]), (80.0, 95.0))
        self.assertIn("step", [layer["mark"].get("interpolate") for layer in spec["layer"]])
        # Elsewhere the same series has one set of limits, and the rise is a shift.
        other = analysis.over_time(self.definition, rows, recalculations=self.recalculations("region", "03"),
                                   percent=True)
        self.assertEqual(other.segments, [0])
        self.assertEqual(other.classification, "forbattring")

    def test_the_page_records_a_recalculation_and_refuses_bad_input_in_swedish(self):
        url = reverse("indicators:limits_recalculate", args=["STROKE-ANTITROMB"])
        data = {"area": "region:18", "period": "2024-01", "reason": "Nytt arbetssätt."}
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.analyst)
        refused = self.client.post(url, data | {"period": "januari"})
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "Ange månaden som ÅÅÅÅ-MM", status_code=400)
        refused = self.client.post(url, data | {"reason": ""})
        self.assertEqual(refused.status_code, 400)
        self.assertFalse(LimitRecalculation.objects.exists())
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])
                             + "?omrade=region%3A18", fetch_redirect_response=False)
        recalculation = LimitRecalculation.objects.get()
        self.assertEqual((recalculation.level, recalculation.geo, recalculation.period),
                         ("region", "18", datetime.date(2024, 1, 1)))
        remove = reverse("indicators:limits_recalculation_remove", args=["STROKE-ANTITROMB", recalculation.pk])
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.post(remove).status_code, 403)
        self.client.force_login(self.npo_editor)
        self.assertEqual(self.client.post(remove).status_code, 302)
        self.assertFalse(LimitRecalculation.objects.exists())

    def test_the_rule_length_setting_applies_to_the_page_s_chart(self):
        from django.test import override_settings

        # Six months above the mean at the end: a shift with a length of 6, not of 7.
        values = [0.82, 0.80] * 9 + [0.83] * 6
        rows = [{"period": month(i), "numerator": round(v * 1000), "denominator": 1000, "value": v}
                for i, v in enumerate(values)]
        IndicatorDefinition.objects.filter(pk=self.definition.pk).update(chart_type="xmr")
        self.definition.refresh_from_db()
        with override_settings(INDICATOR_SPC_RULE_LENGTH=6):
            six = analysis.over_time(self.definition, rows, recalculations=[], percent=True)
        seven = analysis.over_time(self.definition, rows, recalculations=[], percent=True)
        self.assertIn("skift", six.signals[-1])
        self.assertNotIn("skift", seven.signals[-1])

    def test_the_xmr_chart_s_csv_carries_the_moving_range_chart(self):
        rows = [{"period": month(i), "numerator": 0, "denominator": None, "value": float(v)}
                for i, v in enumerate([10, 12] * 6)]
        IndicatorDefinition.objects.filter(pk=self.definition.pk).update(chart_type="xmr")
        self.definition.refresh_from_db()
        chart = analysis.over_time(self.definition, rows, recalculations=[], percent=False)
        exported = analysis.chart_rows({"spc": chart, "spc_periods": [r["period"].isoformat() for r in rows]},
                                       "styrdiagram")
        self.assertIsNone(exported[0]["variationsbredd"])
        self.assertEqual(exported[1]["variationsbredd"], 2.0)
        self.assertAlmostEqual(exported[1]["vb_övre"], 3.267 * 2)
