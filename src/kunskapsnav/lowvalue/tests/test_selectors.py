import datetime

from django.contrib.auth.models import AnonymousUser

from kunskapsnav.implementation.models import Adoption, Stage
from kunskapsnav.lowvalue import selectors

from .base import LowValueTestCase


class NationalViewTests(LowValueTestCase):
    def _view(self, user):
        [view] = selectors.national_view(user)
        return view, {r.region.county_code: r for r in view.readings}

    def test_every_region_has_a_line_with_latest_value_and_the_year_before(self):
        view, readings = self._view(AnonymousUser())
        self.assertEqual(view.definition.code, "LV-BENSO-75")
        self.assertEqual(len(readings), 21)
        orebro = readings["18"]
        self.assertEqual((orebro.latest["period"].year, orebro.latest["value"]), (2024, 0.1))
        self.assertAlmostEqual(orebro.previous["value"], 0.15)
        self.assertIsNone(readings["25"].latest)

    def test_small_counts_are_hidden_from_the_public_and_shown_to_analysts(self):
        _view, public = self._view(AnonymousUser())
        self.assertTrue(public["12"].latest["suppressed"])
        self.assertIsNone(public["12"].latest["value"])
        self.assertIsNone(public["12"].latest["numerator"])
        _view, analyst = self._view(self.analyst)
        self.assertEqual(analyst["12"].latest["numerator"], 1)

    def test_funnel_and_spc_come_from_the_indicator_analysis(self):
        view, readings = self._view(AnonymousUser())
        self.assertIn("funnel", view.result)
        self.assertIn("tratt", view.result["specs"])
        funnel_names = {u.name for u in view.result["funnel"].units}
        self.assertIn(self.orebro.name, funnel_names)
        self.assertNotEqual(readings["18"].funnel_position, "")
        self.assertEqual(readings["12"].funnel_position, "")  # suppressed: not in the funnel
        self.assertNotEqual(readings["18"].spc, "")
        self.assertEqual(readings["03"].spc, "")  # no monthly series

    def test_stage_of_the_carrying_support_per_region_as_the_reader_may_see_it(self):
        adoption = Adoption.objects.get(region=self.orebro, support=self.heart_pathway)
        self.assertEqual(adoption.stage, Stage.MAPPING)
        view, public = self._view(AnonymousUser())
        self.assertEqual(view.supports, [self.heart_pathway])
        self.assertEqual(public["18"].stages[0]["stage"], "")  # Örebro's work is not shared
        _view, own = self._view(self.orebro_coordinator)
        self.assertEqual(own["18"].stages[0]["stage"], Stage.MAPPING)
        _view, foreign = self._view(self.uppsala_coordinator)
        self.assertEqual(foreign["18"].stages[0]["stage"], "")
        self.assertEqual(foreign["03"].stages[0]["stage"], Stage.MAPPING)
        _view, national = self._view(self.admin)
        self.assertEqual(national["18"].stages[0]["label"], "Kartläggning")

    def test_an_indicator_no_practice_measures_is_not_in_the_view(self):
        codes = [v.definition.code for v in selectors.national_view(AnonymousUser())]
        self.assertEqual(codes, ["LV-BENSO-75"])


class IndicatorTrendsTests(LowValueTestCase):
    def test_trends_within_the_period_as_the_public_sees_them(self):
        [trend] = selectors.indicator_trends((datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))
        self.assertEqual(trend["code"], "LV-BENSO-75")
        self.assertEqual(trend["practices"], ["NSAID vid hjärtsvikt"])
        regions = {r["county_code"]: r for r in trend["regions"]}
        self.assertEqual((regions["18"]["year"], regions["18"]["value"], regions["18"]["previous"]), (2024, 0.1, None))
        self.assertNotEqual(regions["18"]["spc"], "")
        self.assertTrue(regions["12"]["suppressed"])
        self.assertIsNone(regions["12"]["value"])

    def test_the_period_bounds_the_values(self):
        [trend] = selectors.indicator_trends((datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)))
        regions = {r["county_code"]: r for r in trend["regions"]}
        self.assertAlmostEqual(regions["18"]["value"], 0.15)
        self.assertEqual(regions["18"]["spc"], "")
        self.assertIsNone(regions["03"]["value"])
