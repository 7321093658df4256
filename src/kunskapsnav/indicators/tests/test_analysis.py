import csv
import datetime
import io
import tempfile

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format

from kunskapsnav.indicators import analysis, limits, runs, synthetic, variation
from kunskapsnav.indicators.models import IndicatorDefinition, IndicatorRun, IndicatorValue
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.organisation.models import Region


class AnalysisTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        definitions = [d for d in runs.definitions_sync() if d.code in ("STROKE-ANTITROMB", "KOL-SLUTENVARD")]
        cls.folder = tempfile.mkdtemp()
        synthetic.generate(cls.folder, scale=0.02, seed=11)
        run = IndicatorRun.objects.create(data_folder=cls.folder, started_by=cls.analyst)
        run.definitions.set(definitions)
        runs.execute(run)

    def test_the_analysis_shows_comparison_funnel_spc_targets_and_equity(self):
        self.client.force_login(self.analyst)
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertEqual(response.status_code, 200)
        context = response.context
        self.assertEqual([name for name, _label, _spec in context["charts"]], ["jamforelse", "tratt", "trend", "styrdiagram"])
        shown = [r for r in context["regions"] if r["value"] is not None]
        self.assertGreaterEqual(len(shown), 10)
        self.assertEqual(len(context["funnel"].units), len(shown))
        self.assertIn(context["spc"].classification, ("forbattring", "forsamring", "slumpmassig"))
        self.assertEqual([t["name"] for t in context["targets"]], ["hög målnivå", "måttlig målnivå"])
        self.assertEqual({r["stratum_type"] for r in context["equity"]}, {"kon", "aldersgrupp"})
        self.assertContains(response, "syntetiska data")

    def test_the_charts_download_as_png_svg_and_their_data_as_csv(self):
        self.client.force_login(self.analyst)
        url = reverse("indicators:chart_download", args=["STROKE-ANTITROMB", "jamforelse", "png"])
        self.assertTrue(self.client.get(url).content.startswith(b"\x89PNG"))
        svg = self.client.get(url.replace(".png", ".svg")).content.decode()
        self.assertIn("<svg", svg)
        self.assertIn("Syntetiska data", svg)
        rows = list(csv.DictReader(io.StringIO(self.client.get(url.replace(".png", ".csv")).content.decode("utf-8-sig")),
                                   delimiter=";"))
        self.assertGreaterEqual(len(rows), 1)  # the regions a reader may see; an export is public
        self.assertEqual(set(rows[0]), {"område", "täljare", "nämnare", "värde", "ci_låg", "ci_hög"})

    def test_the_chart_data_csv_writes_names_that_begin_like_a_formula_as_text(self):
        for region in Region.objects.all():
            Region.objects.filter(pk=region.pk).update(name=f"=HYPERLINK(\"http://evil.example\",\"{region.name}\")")
        url = reverse("indicators:chart_download", args=["STROKE-ANTITROMB", "jamforelse", "csv"])
        rows = list(csv.DictReader(io.StringIO(self.client.get(url).content.decode("utf-8-sig")), delimiter=";"))
        self.assertGreaterEqual(len(rows), 1)
        self.assertTrue(all(r["område"].startswith("'=HYPERLINK(") for r in rows), rows)
        self.assertTrue(all(float(r["värde"]) >= 0 for r in rows))  # numbers stay numbers

    @staticmethod
    def _shorten_the_rates_series():
        """Only the last year of KOL's months: a series too short for limits."""
        from kunskapsnav.indicators.models import IndicatorValue

        months = IndicatorValue.objects.filter(definition__code="KOL-SLUTENVARD", period_type="manad")
        last = months.order_by("-period").first().period
        months.filter(period__lte=last.replace(year=last.year - 1)).delete()

    def test_a_rate_gets_a_comparison_and_a_run_chart_for_a_short_series_but_no_funnel(self):
        self._shorten_the_rates_series()
        self.client.force_login(self.analyst)
        context = self.client.get(reverse("indicators:indicator_analysis", args=["KOL-SLUTENVARD"])).context
        self.assertEqual([name for name, _l, _s in context["charts"]], ["jamforelse", "trend", "styrdiagram"])
        self.assertLess(len(context["spc"].values), 20)
        self.assertEqual(context["spc"].kind, "run")
        self.assertContains(self.client.get(reverse("indicators:indicator_analysis", args=["KOL-SLUTENVARD"])),
                            "Anhøjs regler")

    def test_the_chart_type_chosen_on_the_definition_is_used(self):
        IndicatorDefinition.objects.filter(code="KOL-SLUTENVARD").update(chart_type="xmr")
        self.client.force_login(self.analyst)
        context = self.client.get(reverse("indicators:indicator_analysis", args=["KOL-SLUTENVARD"])).context
        self.assertEqual(context["spc"].kind, "xmr")
        self.assertEqual(context["spc_text"]["kind"][:11], "XmR-diagram")

    def test_the_kind_of_care_is_read_beside_the_variation(self):
        # for every reader, whether or not the comparison may be shown
        response = self.client.get(reverse("indicators:indicator_analysis", args=["KOL-SLUTENVARD"]))
        self.assertContains(response, "Utbudskänslig vård: hur mycket som ges följer ofta tillgången")
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertContains(response, "Effektiv vård: nyttan är väl belagd")

    def test_the_assurance_against_each_target_is_said_in_words(self):
        self.client.force_login(self.analyst)
        context = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])).context
        chart = context["spc"]
        self.assertGreaterEqual(len(chart.values), 20)
        self.assertEqual([a["name"] for a in context["assurance"]], ["hög målnivå", "måttlig målnivå"])
        for a in context["assurance"]:
            self.assertEqual(a["assurance"], variation.assurance(chart, float(a["level"]), higher_is_better=True))
            self.assertEqual(a["text"], analysis.ASSURANCE_TEXT[a["assurance"]])
        self.assertContains(self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])),
                            "Säkerhet att nå målet")

    def test_readers_do_not_get_suppressed_regions_into_any_chart(self):
        context = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])).context
        shown = {r["name"] for r in context["regions"] if r["value"] is not None}
        self.assertTrue(set(context["hidden"]).isdisjoint(shown))
        if "funnel" in context:
            self.assertEqual({u.name for u in context["funnel"].units}, shown)

    def test_the_api_gives_the_variation_results(self):
        self.client.force_login(self.analyst)
        data = self.client.get("/api/v1/indicators/STROKE-ANTITROMB/variation?adjustment=additive").json()
        self.assertTrue(data["synthetic"])
        self.assertIn(data["spc"]["classification"], ("forbattring", "forsamring", "slumpmassig"))
        self.assertEqual(len(data["spc"]["values"]), len(data["spc"]["periods"]))
        self.assertEqual(len(data["spc"]["centres"]), len(data["spc"]["values"]))
        self.assertEqual(data["spc"]["centre"], data["spc"]["centres"][-1])
        self.assertEqual(data["spc"]["segments"], [0])
        self.assertEqual({a["name"] for a in data["spc"]["assurance"]}, {"hög målnivå", "måttlig målnivå"})
        self.assertIn("p", data["spc"]["kind"])
        self.assertGreater(data["spc"]["sigma_z"], 0)
        self.assertEqual(data["spc"]["reading"]["classification"][:4], {"forbattring": "Särs", "forsamring": "Särs",
                                                                        "slumpmassig": "Slum"}[
            data["spc"]["classification"]])
        self.assertEqual(data["variation_type"], "effektiv")
        self.assertEqual(data["spc"]["moving_ranges"], [])  # a proportion: no moving-range chart
        self._shorten_the_rates_series()
        rate = self.client.get("/api/v1/indicators/KOL-SLUTENVARD/variation").json()["spc"]
        self.assertEqual(rate["kind"], "run")
        self.assertEqual(rate["assurance"], [])  # no limits, no assurance
        IndicatorDefinition.objects.filter(code="KOL-SLUTENVARD").update(chart_type="xmr")
        xmr = self.client.get("/api/v1/indicators/KOL-SLUTENVARD/variation").json()["spc"]
        self.assertEqual(len(xmr["moving_ranges"]), len(xmr["values"]))
        self.assertIsNone(xmr["moving_ranges"][0])
        mean = sum(xmr["moving_ranges"][1:]) / (len(xmr["values"]) - 1)
        self.assertAlmostEqual(xmr["mr_upper"][-1], 3.267 * mean)
        self.assertAlmostEqual(xmr["upper"][-1], xmr["centre"] + 2.66 * mean)
        self.assertTrue(data["variation_reading"].startswith("Effektiv vård"))
        if data["funnel"]:
            self.assertNotIn(data["funnel"]["units"][0]["name"], data["suppressed_regions"])

    def test_chart_exports_leave_small_numbers_out_even_for_analysts(self):
        from kunskapsnav.indicators.models import IndicatorValue

        latest = IndicatorValue.objects.filter(definition__code="STROKE-ANTITROMB", level="region",
                                               period_type="ar").order_by("-period").first().period
        IndicatorValue.objects.filter(definition__code="STROKE-ANTITROMB", level="region", geo="01",
                                      period_type="ar", period=latest, stratum_type="alla").update(suppressed=True)
        self.client.force_login(self.analyst)
        page = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])).context
        self.assertIn("Region Stockholm", {r["name"] for r in page["regions"] if r["value"] is not None})
        url = reverse("indicators:chart_download", args=["STROKE-ANTITROMB", "jamforelse", "csv"])
        exported = {r["område"] for r in csv.DictReader(
            io.StringIO(self.client.get(url).content.decode("utf-8-sig")), delimiter=";")}
        self.client.logout()
        hidden = set(self.client.get(reverse("indicators:indicator_analysis",
                                             args=["STROKE-ANTITROMB"])).context["hidden"])
        self.assertIn("Region Stockholm", hidden)
        self.assertTrue(exported.isdisjoint(hidden))

    def test_an_xmr_chart_has_its_moving_range_chart_and_table_under_it(self):
        IndicatorDefinition.objects.filter(code="STROKE-ANTITROMB").update(chart_type="xmr")
        # the national series as anyone may see it, so that the public export has it too
        IndicatorValue.objects.filter(definition__code="STROKE-ANTITROMB", level="riket",
                                      period_type="manad").update(suppressed=False)
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        names = [name for name, _l, _s in response.context["charts"]]
        self.assertEqual(names[-2:], ["styrdiagram", "variationsbredd"])
        chart, table = response.context["spc"], response.context["moving_ranges"]
        self.assertEqual(len(table), len(chart.values))
        self.assertIsNone(table[0]["moving_range"])
        mean = sum(abs(b - a) for a, b in zip(chart.values, chart.values[1:])) / (len(chart.values) - 1)
        self.assertAlmostEqual(table[-1]["upper"], 100 * 3.267 * mean)  # percentage points
        self.assertAlmostEqual(table[1]["moving_range"], 100 * abs(chart.values[1] - chart.values[0]))
        self.assertContains(response, "3,267 × medelvariationsbredden")
        self.assertEqual(table[0]["period"], analysis.labels.period_label("manad", datetime.date.fromisoformat(
            response.context["spc_periods"][0])))
        url = reverse("indicators:chart_download", args=["STROKE-ANTITROMB", "variationsbredd", "csv"])
        rows = list(csv.DictReader(io.StringIO(self.client.get(url).content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(len(rows), len(chart.values))
        self.assertEqual(rows[0]["variationsbredd"], "")
        self.assertRegex(rows[0]["period"], r"^\d{4}-\d{2}$")
        self.assertAlmostEqual(float(rows[-1]["övre"]), 3.267 * mean)
        IndicatorDefinition.objects.filter(code="STROKE-ANTITROMB").update(chart_type="p")
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertNotIn("variationsbredd", [name for name, _l, _s in response.context["charts"]])

    def test_the_moving_range_chart_steps_at_a_recalculation(self):
        definition = IndicatorDefinition.objects.filter(code="STROKE-ANTITROMB").first()
        definition.chart_type = "xmr"
        definition.save()
        self.client.force_login(self.analyst)
        periods = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"])
                                  ).context["spc_periods"]
        step = datetime.date.fromisoformat(periods[len(periods) // 2])
        limits.limits_recalculate(by=self.analyst, definition=definition, level="riket", geo="SE", period=step,
                                  reason="Nytt vårdprogram")
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        chart, at = response.context["spc"], len(periods) // 2
        self.assertIsNone(chart.moving_ranges[at])  # no moving range across the step
        before, after = chart.values[:at], chart.values[at:]
        mean_before = sum(abs(b - a) for a, b in zip(before, before[1:])) / (len(before) - 1)
        mean_after = sum(abs(b - a) for a, b in zip(after, after[1:])) / (len(after) - 1)
        self.assertAlmostEqual(chart.mr_upper[0], 3.267 * mean_before)
        self.assertAlmostEqual(chart.mr_upper[-1], 3.267 * mean_after)
        spec = response.context["charts"][-1][2]
        drawn = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("y", {}).get("field") == "övre"]
        self.assertEqual(drawn[0]["mark"]["interpolate"], "step")
        self.assertContains(response, f"Från {date_format(step, 'b Y')}")

    def test_periods_and_targets_read_as_people_write_them(self):
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertContains(response, "hög målnivå (90\u202f%)")
        self.assertNotContains(response, "(0.90)")
        latest = response.context["latest"]
        detail = self.client.get(reverse("indicators:indicator_detail", args=["STROKE-ANTITROMB"]))
        self.assertContains(detail, "hög målnivå: 90\u202f%")
        self.assertContains(detail, f"<h2>Värden {latest.year}</h2>", html=True)
        self.assertNotContains(detail, latest.isoformat())
        trend = reverse("indicators:chart_download", args=["STROKE-ANTITROMB", "trend", "csv"])
        years = {r["år"] for r in csv.DictReader(io.StringIO(self.client.get(trend).content.decode("utf-8-sig")),
                                                 delimiter=";")}
        self.assertIn(str(latest.year), years)
        self.assertTrue(all(len(y) == 4 for y in years), years)
        values = csv.DictReader(io.StringIO(self.client.get(reverse("indicators:values_csv", args=[
            "STROKE-ANTITROMB"])).content.decode("utf-8-sig")), delimiter=";")
        written = {(r["period_type"], len(r["period"])) for r in values}
        self.assertLessEqual(written, {("ar", 4), ("kvartal", 7), ("manad", 7)})
        self.assertIn(("manad", 7), written)

    def test_the_charts_read_months_in_swedish_on_a_swedish_page(self):
        self.client.force_login(self.analyst)
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]),
                                   headers={"accept-language": "en-GB,en;q=0.9"})
        self.assertEqual(response["Content-Language"], "sv")
        spc = dict((name, spec) for name, _l, spec in response.context["charts"])["styrdiagram"]
        self.assertEqual(spc["config"]["locale"]["time"]["shortMonths"][4], "maj")
        self.assertEqual(spc["layer"][0]["encoding"]["x"]["axis"]["format"], "%b %Y")
        self.assertContains(response, "Styrdiagram över tid")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        self.assertEqual(english["Content-Language"], "en")
        spec = dict((name, spec) for name, _l, spec in english.context["charts"])["styrdiagram"]
        self.assertNotIn("locale", spec.get("config", {}))

    def test_the_mdc_icons_meaning_is_said_beside_the_classification_and_the_assurance(self):
        self.client.force_login(self.analyst)
        response = self.client.get(reverse("indicators:indicator_analysis", args=["STROKE-ANTITROMB"]))
        chart = response.context["spc"]
        self.assertContains(response, f"Symbol i Making Data Count: {analysis.CLASSIFICATION_ICON[chart.classification]}")
        for a in response.context["assurance"]:
            self.assertContains(response, f"Symbol i Making Data Count: {analysis.ASSURANCE_ICON[a['assurance']]}")
