import datetime
import math

import pandas as pd
from django.test import SimpleTestCase

from kunskapsnav.indicators import statistics

D = datetime.date(2024, 1, 1)


def frame(rows):
    """rows: (level, geo, period_type, period, stratum_type, stratum, numerator, denominator)"""
    return pd.DataFrame(rows, columns=["level", "geo", "period_type", "period", "stratum_type", "stratum",
                                       "numerator", "denominator"]).assign(median_days=float("nan"))


def wilson(x, n, z=1.959963984540054):
    """The Wilson score interval written out, to check the library against."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


class IntervalTests(SimpleTestCase):
    def test_wilson_intervals_of_proportions(self):
        result = statistics.values(frame([("riket", "SE", "ar", D, "alla", "alla", 81, 263),
                                          ("riket", "SE", "ar", D, "kon", "K", 0, 10),
                                          ("riket", "SE", "ar", D, "kon", "M", 10, 10)]), "andel")
        for row, (x, n) in zip(result.itertuples(), [(81, 263), (0, 10), (10, 10)]):
            low, high = wilson(x, n)
            self.assertAlmostEqual(row.value, x / n)
            self.assertAlmostEqual(row.ci_low, low, places=10)
            self.assertAlmostEqual(row.ci_high, high, places=10)
        self.assertAlmostEqual(result.ci_low[0], 0.2553, places=4)  # the textbook example, 81 of 263
        self.assertAlmostEqual(result.ci_high[0], 0.3662, places=4)

    def test_exact_poisson_intervals_of_rates(self):
        result = statistics.values(frame([("riket", "SE", "ar", D, "alla", "alla", 0, 100_000),
                                          ("region", "18", "ar", D, "alla", "alla", 5, 100_000)]), "per_100000")
        self.assertEqual((result.value[0], result.ci_low[0]), (0.0, 0.0))
        self.assertAlmostEqual(result.ci_high[0], 3.6889, places=4)  # Garwood, k = 0
        self.assertAlmostEqual(result.ci_low[1], 1.6235, places=4)  # k = 5: 1.6235–11.6683
        self.assertAlmostEqual(result.ci_high[1], 11.6683, places=4)


class SuppressionTests(SimpleTestCase):
    REGIONS = {"18": "mellansverige"}

    def hidden(self, rows, kind="andel", threshold=5):
        data = frame(rows)
        mask = statistics.suppress(data, kind, threshold=threshold, healthcare_regions=self.REGIONS)
        return {(r.level, r.geo, r.stratum) for r, h in zip(data.itertuples(), mask) if h}

    def test_fewer_cases_than_the_threshold_are_suppressed_and_five_are_not(self):
        self.assertEqual(self.hidden([("region", "18", "ar", D, "alla", "alla", 2, 4),
                                      ("riket", "SE", "ar", D, "alla", "alla", 2, 5)]), {("region", "18", "alla")})
        self.assertEqual(self.hidden([("riket", "SE", "ar", D, "alla", "alla", 2, 5)], threshold=6),
                         {("riket", "SE", "alla")})

    def test_a_value_recoverable_by_subtraction_is_suppressed_too(self):
        rows = [
            ("region", "18", "ar", D, "alla", "alla", 20, 33),
            ("kommun", "1880", "ar", D, "alla", "alla", 12, 20),
            ("kommun", "1883", "ar", D, "alla", "alla", 1, 3),  # too few
            ("kommun", "1884", "ar", D, "alla", "alla", 7, 10),  # region − 1880 − 1884 would give 1883
            ("region", "18", "ar", D, "kon", "K", 1, 3),  # too few
            ("region", "18", "ar", D, "kon", "M", 19, 30),  # alla − M would give K
        ]
        self.assertEqual(self.hidden(rows), {("kommun", "1883", "alla"), ("kommun", "1884", "alla"),
                                             ("region", "18", "K"), ("region", "18", "M")})

    def test_rates_count_events_not_inhabitants(self):
        rows = [("region", "18", "ar", D, "alla", "alla", 4, 300_000)]
        self.assertEqual(self.hidden(rows, kind="per_100000"), {("region", "18", "alla")})

    def test_months_that_give_away_a_suppressed_month_are_suppressed(self):
        jan, feb, mar = D, D.replace(month=2), D.replace(month=3)
        rows = [("riket", "SE", "kvartal", D, "alla", "alla", 10, 40),
                ("riket", "SE", "manad", jan, "alla", "alla", 1, 2),
                ("riket", "SE", "manad", feb, "alla", "alla", 5, 18),
                ("riket", "SE", "manad", mar, "alla", "alla", 4, 20)]
        data = frame(rows)
        mask = statistics.suppress(data, "andel", threshold=5, healthcare_regions=self.REGIONS)
        self.assertEqual([str(p) for p, h in zip(data.period, mask) if h and True], ["2024-01-01", "2024-02-01"])
