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
    def flags(self, values, centre=0.0, sigma=1.0):
        return variation.signals(values, centre, [sigma] * len(values))

    def test_a_point_outside_the_limits_but_not_one_on_them(self):
        self.assertEqual(self.flags([0.5, 3.0, -0.5]), [set(), set(), set()])
        self.assertIn("utanfor", self.flags([0.5, 3.0001, -0.5])[1])
        self.assertIn("utanfor", self.flags([0.5, -3.0001, -0.5])[1])

    def test_a_shift_is_seven_points_on_one_side(self):
        six = [0.5, 0.4, 0.6, 0.5, 0.3, 0.7, -0.2]
        self.assertFalse(any("skift" in f for f in self.flags(six)))
        seven = [0.5, 0.4, 0.6, 0.5, 0.3, 0.7, 0.2]
        self.assertTrue(all("skift" in f for f in self.flags(seven)))
        on_the_line = [0.5, 0.4, 0.6, 0.0, 0.5, 0.3, 0.7, 0.2]
        self.assertFalse(any("skift" in f for f in self.flags(on_the_line)))

    def test_a_trend_is_six_points_each_higher_or_each_lower(self):
        five = [-1.0, -0.6, -0.2, 0.2, 0.6, 0.5]
        self.assertFalse(any("trend" in f for f in self.flags(five)))
        six = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
        self.assertTrue(all("trend" in f for f in self.flags(six)))
        falling = [1.0, 0.6, 0.2, -0.2, -0.6, -1.0, 0.0]
        self.assertEqual(["trend" in f for f in self.flags(falling)], [True] * 6 + [False])

    def test_two_of_three_beyond_two_sigma_on_the_same_side(self):
        self.assertEqual(["tva_av_tre" in f for f in self.flags([2.1, 0.0, 2.1])], [True, False, True])
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.1, 0.0, 0.0, 2.1])))
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.0, 0.0, 2.0])))
        self.assertFalse(any("tva_av_tre" in f for f in self.flags([2.1, 0.0, -2.1])))


class SpcChartTests(SimpleTestCase):
    def test_p_chart_limits_by_hand(self):
        chart = variation.spc("p", numerators=[10, 20, 30], denominators=[100, 200, 100])
        self.assertAlmostEqual(chart.centre, 60 / 400)
        self.assertAlmostEqual(chart.upper[1], 0.15 + 3 * math.sqrt(0.15 * 0.85 / 200))

    def test_xmr_limits_are_the_mean_plus_minus_2_66_mean_moving_ranges(self):
        chart = variation.spc("xmr", values=[10, 12, 11, 13, 12])
        mean_range = (2 + 1 + 2 + 1) / 4
        self.assertAlmostEqual(chart.upper[0], 11.6 + 3 * mean_range / 1.128)
        self.assertAlmostEqual(3 / 1.128, 2.66, places=2)

    def test_the_series_is_classified_by_its_latest_point(self):
        rising = [0.80, 0.81, 0.80, 0.82, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96]
        improving = variation.spc("xmr", values=rising, higher_is_better=True)
        self.assertEqual(improving.classification, variation.IMPROVEMENT)
        concerning = variation.spc("xmr", values=rising, higher_is_better=False)
        self.assertEqual(concerning.classification, variation.CONCERN)
        steady = variation.spc("xmr", values=[0.8, 0.82, 0.79, 0.81, 0.8, 0.83, 0.79, 0.8])
        self.assertEqual(steady.classification, variation.COMMON)
