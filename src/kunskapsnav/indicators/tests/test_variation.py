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

    def test_the_exact_limit_is_where_the_mid_p_reaches_the_level_between_counts(self):
        # θ = 0.1, n = 100, upper 97.5 %: mid-p U(k) = P(X > k) + ½ P(X = k). U(16) ≥ 0.025 >
        # U(17), so the line lies between 16 and 17, interpolated linearly on U.
        def upper(k):
            return 1 - binomial_cdf(k, 100, 0.1) + 0.5 * math.comb(100, k) * 0.1 ** k * 0.9 ** (100 - k)

        self.assertGreaterEqual(upper(16), 0.025)
        self.assertLess(upper(17), 0.025)
        expected = (16 + (upper(16) - 0.025) / (upper(16) - upper(17))) / 100
        self.assertAlmostEqual(variation.exact_limit(0.1, 100, 0.975), expected, places=10)
        self.assertAlmostEqual(expected, 0.1635, places=4)
        self.assertAlmostEqual(variation.upper_mid_p(17, 100, 0.1), upper(17), places=12)

    def test_the_drawn_exact_limits_and_the_judgement_of_each_unit_are_one_rule(self):
        # Every count of every size: beyond the drawn line exactly when its mid-p is below
        # the level, above and below alike.
        for theta in (0.05, 0.3, 0.93):
            for n in (2, 3, 7, 20, 55, 200):
                result = variation.funnel([(str(x), x, n) for x in range(n + 1)], theta=theta)
                for unit in result.units:
                    x = unit.numerator
                    over = [lvl for lvl, q in variation.LIMITS.items()
                            if x / n > theta and variation.upper_mid_p(x, n, theta) < 1 - q]
                    under = [lvl for lvl, q in variation.LIMITS.items()
                             if x / n < theta and variation.lower_mid_p(x, n, theta) < 1 - q]
                    expected = (f"over{max(over, key=float)}" if over else
                                f"under{max(under, key=float)}" if under else "")
                    self.assertEqual(unit.outside, expected, (theta, n, x))
                    for level in variation.LIMITS:
                        low, high = unit.limits[level]
                        self.assertEqual(x / n > high, level in over, (theta, n, x, level))
                        self.assertEqual(x / n < low, level in under, (theta, n, x, level))

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
        # 20 of 100: mid-p 0.0014, beyond 95 % but not 99.8 %; 25 of 100 beyond both.
        self.assertEqual({u.name: u.outside for u in plain.outside}, {"E8": "over95", "E9": "over99.8"})
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
        # With θ = 0.93 and 3 of 3 a full score is what 80 % of such units get: its mid-p
        # is 0.40, inside, and no count of 3 lies beyond the line (drawn at 100 %).
        result = variation.funnel([("Liten", 3, 3), ("Stor", 930, 1000), ("Mellan", 93, 100)], theta=0.93)
        self.assertAlmostEqual(variation.upper_mid_p(3, 3, 0.93), 0.5 * 0.93 ** 3)
        self.assertEqual(result.units[0].limits["99.8"][1], 1.0)
        self.assertEqual(result.units[0].outside, "")
        # and a unit of 0 of 3 is judged by the same rule below: P(X = 0) / 2 = 0.00017
        low = variation.funnel([("Liten", 0, 3), ("Stor", 930, 1000), ("Mellan", 93, 100)], theta=0.93)
        self.assertEqual(low.units[0].outside, "under99.8")

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

    def test_after_a_recalculation_the_new_segment_needs_its_own_twelve_points(self):
        values = [10, 12] * 6 + [30, 32] * 6
        self.assertEqual(variation.spc("xmr", values=values[:23], rebase_at=[12]).classification, variation.TOO_FEW)
        self.assertEqual(variation.spc("xmr", values=values, rebase_at=[12]).classification, variation.COMMON)


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


def sides(pattern):
    """+1 → 2.0 and −1 → 0.0, balanced so that the median is 1.0."""
    return [2.0 if s > 0 else 0.0 for s in pattern]


class RunChartTests(SimpleTestCase):
    def test_anhoj_limits_as_qicharts2_has_them(self):
        # 16 useful points: longest run up to round(log2 16) + 3 = 7; crossings at least
        # qbinom(0.05, 15, ½) = 4.
        result = variation.run_analysis(sides([-1] + [1] * 7 + [-1] * 3 + [1] + [-1] * 4))
        self.assertEqual((result["useful"], result["longest_max"], result["crossings_min"]), (16, 7, 4))
        self.assertEqual((result["longest"], result["crossings"]), (7, 4))
        self.assertFalse(result["long_run"] or result["few_crossings"])
        # 12 points: round(3.58) + 3 = 7; 11 points: round(3.46) + 3 = 6.
        self.assertEqual(variation.run_analysis(sides([1, -1] * 6))["longest_max"], 7)
        self.assertEqual(variation.run_analysis(sides([1, -1] * 5) + [1.0])["useful"], 10)

    def test_a_run_one_longer_than_the_limit_is_a_signal(self):
        result = variation.run_analysis(sides([-1] * 4 + [1] * 8 + [-1] * 4))
        self.assertEqual(result["longest"], 8)
        self.assertTrue(result["long_run"])

    def test_one_crossing_fewer_than_the_limit_is_a_signal(self):
        three = variation.run_analysis(sides([1] * 4 + [-1] * 4 + [1] * 4 + [-1] * 4))
        self.assertEqual(three["crossings"], 3)
        self.assertTrue(three["few_crossings"])
        self.assertFalse(three["long_run"])
        four = variation.run_analysis(sides([1] * 3 + [-1] * 4 + [1] * 4 + [-1] * 4 + [1]))
        self.assertEqual(four["crossings"], 4)
        self.assertFalse(four["few_crossings"])

    def test_a_point_on_the_median_neither_counts_nor_breaks_a_run(self):
        values = sides([-1] * 4 + [1] * 4) + [1.0] + sides([1] * 4 + [-1] * 4)
        result = variation.run_analysis(values)
        self.assertEqual(result["median"], 1.0)
        self.assertEqual((result["useful"], result["longest"]), (16, 8))

    def test_the_run_chart_classifies_by_a_long_run_the_latest_point_is_in(self):
        rising = sides([-1] * 8 + [1] * 8)
        chart = variation.spc("run", values=rising, higher_is_better=True)
        self.assertEqual(chart.kind, "run")
        self.assertEqual(chart.classification, variation.IMPROVEMENT)
        self.assertEqual(chart.deciding, "lang_serie")
        self.assertEqual(variation.spc("run", values=rising, higher_is_better=False).classification,
                         variation.CONCERN)
        # Too few crossings, but the latest point is not in a long run: no direction.
        few = variation.spc("run", values=sides([1] * 4 + [-1] * 4 + [1] * 4 + [-1] * 4))
        self.assertEqual(few.classification, variation.NON_RANDOM)
        self.assertIn("fa_korsningar", few.signals[0])
        calm = variation.spc("run", values=sides([1] * 3 + [-1] * 4 + [1] * 4 + [-1] * 4 + [1]))
        self.assertEqual(calm.classification, variation.COMMON)
        self.assertEqual(variation.spc("run", values=sides([1, -1] * 5 + [1])).classification, variation.TOO_FEW)

    def test_a_run_chart_for_fewer_than_20_points_or_where_limits_mean_nothing(self):
        self.assertEqual(variation.default_kind(19, proportion=True), "run")
        self.assertEqual(variation.default_kind(20, proportion=True), "p")
        self.assertEqual(variation.default_kind(20, proportion=False), "xmr")
        self.assertEqual(variation.default_kind(40, proportion=False, meaningful=False), "run")


class LaneyTests(SimpleTestCase):
    # n = 10 000 a month, 10 % and 12 % by turns: p̄ = 0.11, σ = √(0.11 · 0.89 / 10 000) =
    # 0.003129, z = ±3.196, every moving range of z 6.392, σz = 6.392 / 1.128 = 5.667.
    NUMERATORS = [1000, 1200] * 10
    DENOMINATORS = [10_000] * 20

    def test_sigma_z_by_hand(self):
        sigma = math.sqrt(0.11 * 0.89 / 10_000)
        expected = 2 * 0.01 / sigma / 1.128
        self.assertAlmostEqual(variation.laney_sigma_z(self.NUMERATORS, self.DENOMINATORS), expected, places=9)
        self.assertAlmostEqual(expected, 5.667, places=3)

    def test_the_p_chart_flags_every_point_and_the_p_prime_chart_none(self):
        p = variation.spc("p", numerators=self.NUMERATORS, denominators=self.DENOMINATORS)
        self.assertTrue(all("utanfor" in s for s in p.signals))
        laney = variation.spc("p_prime", numerators=self.NUMERATORS, denominators=self.DENOMINATORS)
        self.assertFalse(any("utanfor" in s for s in laney.signals))
        self.assertAlmostEqual(laney.upper[0], 0.11 + 3 * laney.sigma_z * math.sqrt(0.11 * 0.89 / 10_000))

    def test_p_prime_is_chosen_when_sigma_z_exceeds_one(self):
        self.assertEqual(variation.proportion_chart_kind(self.NUMERATORS, self.DENOMINATORS), "p_prime")
        # Within binomial variation: z-scores ±0.16, σz = 0.28.
        calm = [1100, 1110] * 10
        self.assertLess(variation.laney_sigma_z(calm, self.DENOMINATORS), 1)
        self.assertEqual(variation.proportion_chart_kind(calm, self.DENOMINATORS), "p")
