"""Funnel limits and over-dispersion against worked examples, and each SPC rule at its
boundary."""

import math

from django.test import SimpleTestCase

from kunskapsnav.indicators import variation

Z975 = 1.959963984540054


def binomial_cdf(r, n, p):
    """Written out, to check the library-based limit against."""
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(0, r + 1))


class FunnelTests(SimpleTestCase):
    NUMERATORS = [5, 8, 10, 10, 10, 10, 12, 15, 20, 25]

    def test_the_exact_binomial_limit_interpolates_between_counts(self):
        # θ = 0.1, n = 100: P(X ≤ 15) < 0.975 ≤ P(X ≤ 16), so r = 16 and the limit moves down
        # by the share of P(X = 16) above 0.975.
        at, below = binomial_cdf(16, 100, 0.1), binomial_cdf(15, 100, 0.1)
        self.assertLess(below, 0.975)
        self.assertGreaterEqual(at, 0.975)
        expected = (16 - (at - 0.975) / (at - below)) / 100
        self.assertAlmostEqual(variation.exact_limit(0.1, 100, 0.975), expected, places=10)
        self.assertAlmostEqual(expected, 0.1577, places=4)

    def test_the_normal_limit(self):
        self.assertAlmostEqual(variation.normal_limit(0.5, 100, 0.975), 0.5 + Z975 * 0.05, places=12)

    def test_overdispersion_from_winsorised_z_scores_by_hand(self):
        found = variation.dispersion(self.NUMERATORS, [100] * 10, 0.1)
        # z = (y − 0.1) / 0.03: −5/3, −2/3, 0, 0, 0, 0, 2/3, 5/3, 10/3, 5; winsorised at the
        # 10 % and 90 % quantiles (−23/30 and 3.5).
        z = [-23 / 30, -2 / 3, 0, 0, 0, 0, 2 / 3, 5 / 3, 10 / 3, 3.5]
        phi = sum(v * v for v in z) / 10
        self.assertAlmostEqual(found.phi, phi, places=10)
        self.assertAlmostEqual(found.phi, 2.7616, places=4)
        self.assertTrue(found.overdispersed)  # 27.6 > χ²(0.95; 9) = 16.92
        # τ² = (Iφ − (I − 1)) / (Σw − Σw²/Σw) with w = n / θ(1 − θ) = 1111.1 for every unit
        self.assertAlmostEqual(found.tau2, (10 * phi - 9) / 10_000, places=12)

    def test_units_outside_the_limits_and_the_adjustments_that_widen_them(self):
        units = [(f"E{i}", x, 100) for i, x in enumerate(self.NUMERATORS)]
        plain = variation.funnel(units, theta=0.1)
        self.assertEqual({u.name: u.outside for u in plain.outside}, {"E8": "over99.8", "E9": "over99.8"})
        multiplicative = variation.funnel(units, theta=0.1, adjustment="multiplicative")
        self.assertEqual(multiplicative.adjustment, "multiplicative")
        high = multiplicative.units[0].limits["99.8"][1]
        self.assertAlmostEqual(high, 0.1 + 3.090232306167813 * math.sqrt(multiplicative.dispersion.phi * 0.0009),
                               places=10)
        # Wider limits: both now only beyond the 95 % limit (0.198), within 99.8 % (0.254).
        self.assertEqual({u.name: u.outside for u in multiplicative.outside}, {"E8": "over95", "E9": "over95"})
        additive = variation.funnel(units, theta=0.1, adjustment="additive")
        self.assertAlmostEqual(additive.units[0].limits["95"][1],
                               0.1 + Z975 * math.sqrt(0.0009 + additive.dispersion.tau2), places=10)

    def test_a_small_unit_at_100_percent_is_not_called_unusual(self):
        # With θ = 0.93 and 3 of 3, the interpolated 99.8 % limit is just below 1, but a
        # full score is what 81 % of such units get: inside.
        result = variation.funnel([("Liten", 3, 3), ("Stor", 930, 1000), ("Mellan", 93, 100)], theta=0.93)
        self.assertLess(result.units[0].limits["99.8"][1], 1.0)
        self.assertEqual(result.units[0].outside, "")

    def test_no_adjustment_without_overdispersion(self):
        units = [("A", 10, 100), ("B", 11, 100), ("C", 9, 100), ("D", 10, 100)]
        result = variation.funnel(units, adjustment="multiplicative")
        self.assertFalse(result.dispersion.overdispersed)
        self.assertEqual(result.adjustment, "none")
        self.assertEqual(result.outside, [])
        self.assertAlmostEqual(result.theta, 0.1)


class SpcRuleTests(SimpleTestCase):
    def flags(self, values, centre=0.0, sigma=1.0, length=variation.RULE_LENGTH):
        return variation.signals(values, centre, [sigma] * len(values), length=length)[0]

    def test_a_point_outside_the_limits_but_not_one_on_them(self):
        self.assertEqual(self.flags([0.5, 3.0, -0.5]), [set(), set(), set()])
        self.assertIn("utanfor", self.flags([0.5, 3.0001, -0.5])[1])
        self.assertIn("utanfor", self.flags([0.5, -3.0001, -0.5])[1])

    def test_a_shift_is_seven_points_on_one_side_by_default(self):
        six = [-0.2, 0.5, 0.4, 0.6, 0.5, 0.3, 0.7, -0.2]
        self.assertFalse(any("skift" in f for f in self.flags(six)))
        seven = [0.5, 0.4, 0.6, 0.5, 0.3, 0.7, 0.2]
        self.assertTrue(all("skift" in f for f in self.flags(seven)))
        on_the_line = [0.5, 0.4, 0.6, 0.0, 0.5, 0.3, 0.7, 0.2]
        self.assertFalse(any("skift" in f for f in self.flags(on_the_line)))

    def test_the_rule_length_of_six_as_the_mdc_spreadsheet_allows(self):
        six = [-0.2, 0.5, 0.4, 0.6, 0.5, 0.3, 0.7, -0.2]
        self.assertEqual(["skift" in f for f in self.flags(six, length=6)], [False] + [True] * 6 + [False])
        self.assertEqual(variation.rule_length(6), 6)
        self.assertEqual(variation.rule_length(5), 7)
        self.assertEqual(variation.rule_length(None), 7)

    def test_a_trend_is_seven_points_each_higher_or_each_lower_by_default(self):
        six = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
        self.assertFalse(any("trend" in f for f in self.flags(six)))
        self.assertTrue(all("trend" in f for f in self.flags(six, length=6)))
        seven = [-1.2, -1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
        self.assertTrue(all("trend" in f for f in self.flags(seven)))
        falling = [1.2, 1.0, 0.6, 0.2, -0.2, -0.6, -1.0, 0.0]
        self.assertEqual(["trend" in f for f in self.flags(falling)], [True] * 7 + [False])
        equal_breaks = [-1.2, -1.0, -0.6, -0.6, 0.2, 0.6, 1.0]
        self.assertFalse(any("trend" in f for f in self.flags(equal_breaks)))

    def test_two_of_three_beyond_two_sigma_with_all_three_on_the_same_side(self):
        self.assertEqual(["tva_av_tre" in f for f in self.flags([2.1, 0.1, 2.1])], [True, False, True])
        # The middle point below the mean: the window is not on one side.
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.1, -0.1, 2.1])))
        # On the mean is on neither side.
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.1, 0.0, 2.1])))
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.1, 0.1, 0.1, 2.1])))
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.0, 0.1, 2.0])))
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.1, 0.1, -2.1])))
        self.assertEqual(["tva_av_tre" in f for f in self.flags([-2.5, -2.1, -1.0])], [True, True, False])


class SpcChartTests(SimpleTestCase):
    TWELVE = [10.0, 12, 11, 13, 12, 11, 12, 10, 11, 12, 13, 11]

    def test_p_chart_limits_by_hand(self):
        chart = variation.spc("p", numerators=[10, 20, 30], denominators=[100, 200, 100])
        self.assertAlmostEqual(chart.centre[0], 60 / 400)
        self.assertAlmostEqual(chart.upper[1], 0.15 + 3 * math.sqrt(0.15 * 0.85 / 200))

    def test_xmr_limits_are_the_mean_plus_minus_2_66_mean_moving_ranges(self):
        chart = variation.spc("xmr", values=[10, 12, 11, 13, 12])
        mean_range = (2 + 1 + 2 + 1) / 4
        self.assertAlmostEqual(chart.upper[0], 11.6 + 2.66 * mean_range)
        self.assertAlmostEqual(chart.lower[0], 11.6 - 2.66 * mean_range)
        self.assertAlmostEqual(chart.mr_centre[0], mean_range)
        self.assertAlmostEqual(chart.mr_upper[0], 3.267 * mean_range)
        self.assertEqual(chart.moving_ranges, [None, 2, 1, 2, 1])

    def test_screening_leaves_out_moving_ranges_above_the_mr_limit_only_when_asked(self):
        values = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 20]
        # Moving ranges: nine zeros and one of 10; mean 1, MR limit 3.267: the 10 is screened.
        plain = variation.spc("xmr", values=values)
        self.assertAlmostEqual(plain.mr_centre[0], 1.0)
        screened = variation.spc("xmr", values=values, screen=True)
        self.assertAlmostEqual(screened.mr_centre[0], 0.0)
        self.assertAlmostEqual(screened.upper[0], screened.centre[0])
        # Ten moving ranges of 1 and one of m: m is screened when m ≥ 3.267 (10 + m) / 11,
        # that is from m = 32.67 / 7.733 = 4.2248.
        ten = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
        self.assertAlmostEqual(variation._mean_moving_range(ten + [4.2], screen=True), 14.2 / 11)
        self.assertAlmostEqual(variation._mean_moving_range(ten + [4.25], screen=True), 1.0)
        self.assertAlmostEqual(variation._mean_moving_range(ten + [4.25], screen=False), 14.25 / 11)

    def test_too_few_points_are_drawn_but_not_classified(self):
        eleven = [0.8, 0.81, 0.8, 0.82, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.99]
        chart = variation.spc("xmr", values=eleven)
        self.assertEqual(chart.classification, variation.TOO_FEW)
        self.assertFalse(chart.enough)
        self.assertEqual(len(chart.upper), 11)
        self.assertNotEqual(variation.spc("xmr", values=eleven + [1.0]).classification, variation.TOO_FEW)

    def test_the_series_is_classified_by_its_latest_point(self):
        rising = [0.80, 0.81, 0.80, 0.82, 0.80, 0.81, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96]
        improving = variation.spc("xmr", values=rising, higher_is_better=True)
        self.assertEqual(improving.classification, variation.IMPROVEMENT)
        concerning = variation.spc("xmr", values=rising, higher_is_better=False)
        self.assertEqual(concerning.classification, variation.CONCERN)
        steady = variation.spc("xmr", values=self.TWELVE)
        self.assertEqual(steady.classification, variation.COMMON)

    def test_a_rising_trend_below_the_mean_is_improvement_when_higher_is_better(self):
        # Falling far, then rising for seven points that stay below the mean: the trend
        # outranks the shift (below the mean), so the latest point is improvement.
        values = [20, 21, 20, 21, 20, 21, 20, 21, 10, 10.5, 11, 11.5, 12, 12.5, 13]
        chart = variation.spc("xmr", values=values, higher_is_better=True)
        self.assertLess(values[-1], chart.centre[-1])
        self.assertIn("trend", chart.signals[-1])
        self.assertEqual(chart.deciding, "trend")
        self.assertEqual(chart.classification, variation.IMPROVEMENT)
        self.assertEqual(variation.spc("xmr", values=values, higher_is_better=False).classification,
                         variation.CONCERN)

    def test_precedence_outside_limits_then_trend_then_two_of_three_then_shift(self):
        self.assertEqual(variation.PRECEDENCE, ("utanfor", "trend", "tva_av_tre", "skift"))
        found = [set(), {"trend", "utanfor"}]
        # Above the centre but in a falling trend: outside the limits decides (above).
        self.assertEqual(variation.classify([0, 5], 0.0, found, [0, -1], higher_is_better=True),
                         (variation.IMPROVEMENT, "over", "utanfor"))
        self.assertEqual(variation.classify([0, 5], 0.0, [set(), {"skift", "trend"}], [0, -1], higher_is_better=True),
                         (variation.CONCERN, "under", "trend"))
        self.assertEqual(variation.classify([0, 5], 0.0, [set(), {"skift", "tva_av_tre"}], [0, 0],
                                            higher_is_better=False), (variation.CONCERN, "over", "tva_av_tre"))


class BaselineTests(SimpleTestCase):
    def test_limits_from_the_first_points_are_held_fixed_after(self):
        values = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 30, 31, 32]
        fixed = variation.spc("xmr", values=values, baseline=12)
        self.assertEqual(set(fixed.centre), {11.0})
        self.assertAlmostEqual(fixed.upper[-1], 11 + 2.66 * 2)
        self.assertIn("utanfor", fixed.signals[-1])
        everything = variation.spc("xmr", values=values)
        self.assertNotAlmostEqual(everything.centre[0], 11.0)

    def test_a_recalculation_starts_new_limits_drawn_as_a_step(self):
        values = [10, 12] * 6 + [30, 32] * 6
        chart = variation.spc("xmr", values=values, rebase_at=[12])
        self.assertEqual(chart.segments, [0, 12])
        self.assertEqual(chart.centre[11], 11.0)
        self.assertEqual(chart.centre[12], 31.0)
        self.assertAlmostEqual(chart.upper[12], 31 + 2.66 * 2)
        # The rules within the new limits: no shift across the step.
        self.assertEqual(chart.classification, variation.COMMON)
        self.assertIsNone(chart.moving_ranges[12])
        without = variation.spc("xmr", values=values)
        self.assertEqual(without.classification, variation.IMPROVEMENT)


class AssuranceTests(SimpleTestCase):
    def chart(self):
        return variation.spc("xmr", values=[10, 12] * 6)  # limits 11 ± 5.32

    def test_a_target_beyond_the_upper_limit_is_missed_every_time_when_higher_is_better(self):
        chart = self.chart()
        self.assertEqual(variation.assurance(chart, 16.33, higher_is_better=True), variation.ASSURED_FAIL)
        self.assertEqual(variation.assurance(chart, 16.33, higher_is_better=False), variation.ASSURED_PASS)

    def test_a_target_below_the_lower_limit_is_met_every_time_when_higher_is_better(self):
        chart = self.chart()
        self.assertEqual(variation.assurance(chart, 5.67, higher_is_better=True), variation.ASSURED_PASS)
        self.assertEqual(variation.assurance(chart, 5.67, higher_is_better=False), variation.ASSURED_FAIL)

    def test_a_target_between_or_on_the_limits_is_hit_and_miss(self):
        chart = self.chart()
        for target in (11, chart.upper[-1], chart.lower[-1]):
            self.assertEqual(variation.assurance(chart, target, higher_is_better=True), variation.HIT_AND_MISS)
