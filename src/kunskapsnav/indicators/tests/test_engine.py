"""The engine on a hand-made data set, each value worked out by hand (see handmade.py)."""

import datetime
import tempfile

import ibis
from django.test import SimpleTestCase

from kunskapsnav.indicators import engine
from kunskapsnav.indicators.spec import load

from . import handmade

STROKE = {
    "code": "TEST-STROKE", "version": 1, "name": "Antitrombotisk behandling inom 30 dagar", "kind": "andel",
    "direction": "hogre", "numerator_text": "behandlade", "denominator_text": "med ischemisk stroke",
    "population": {"min_age": 18},
    "index_event": {"kind": "diagnos", "codes": ["I63"]},
    "outcome_event": {"kind": "lakemedel", "codes": ["B01AC", "B01AF", "B01AA"]},
    "window": {"from_days": 0, "to_days": 30},
}


def definition(**changes):
    import json

    return load(json.dumps(STROKE | changes))


class HandMadeTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.TemporaryDirectory()
        handmade.write(cls.folder.name)
        cls.data = engine.open_parquet(ibis.duckdb.connect(), cls.folder.name)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()
        super().tearDownClass()

    def values(self, spec, **choices):
        frame = engine.run(spec, self.data, healthcare_regions=handmade.HEALTHCARE_REGIONS, **choices)
        return {(r.level, r.geo, r.period_type, str(r.period), r.stratum_type, r.stratum):
                (r.numerator, r.denominator, None if r.median_days != r.median_days else r.median_days)
                for r in frame.itertuples()}

    def test_a_proportion_by_hand(self):
        found = self.values(definition(), periods=["ar"])
        # 2024: p1 treated (10 days), p2 not (43 days), p3 treated (0 days); p4 a child;
        # p5's first stroke was in 2023, treated after 26 days.
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "alla", "alla")], (2, 3, 5.0))
        self.assertEqual(found[("riket", "SE", "ar", "2023-01-01", "alla", "alla")], (1, 1, 26.0))
        self.assertEqual(found[("region", "18", "ar", "2024-01-01", "alla", "alla")][:2], (1, 2))
        self.assertEqual(found[("region", "03", "ar", "2024-01-01", "alla", "alla")][:2], (1, 1))
        self.assertEqual(found[("sjukvardsregion", "mellansverige", "ar", "2024-01-01", "alla", "alla")][:2], (2, 3))
        self.assertEqual(found[("kommun", "1880", "ar", "2024-01-01", "alla", "alla")][:2], (1, 2))
        self.assertEqual(found[("vardenhet", "U-ORE-1", "ar", "2024-01-01", "alla", "alla")][:2], (1, 2))
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "kon", "M")][:2], (1, 2))
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "kon", "K")][:2], (1, 1))
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "aldersgrupp", "65–79")][:2], (2, 2))
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "aldersgrupp", "18–64")][:2], (0, 1))
        self.assertNotIn(("riket", "SE", "ar", "2024-01-01", "aldersgrupp", "0–17"), found)

    def test_periods_are_months_quarters_and_years_of_the_index_event(self):
        found = self.values(definition(), levels=["riket"], strata=["alla"])
        self.assertEqual(found[("riket", "SE", "manad", "2024-01-01", "alla", "alla")][:2], (2, 2))  # p1, p3
        self.assertEqual(found[("riket", "SE", "manad", "2024-02-01", "alla", "alla")][:2], (0, 1))  # p2
        self.assertEqual(found[("riket", "SE", "kvartal", "2023-10-01", "alla", "alla")][:2], (1, 1))  # p5

    def test_the_window_is_inclusive_at_both_ends(self):
        found = self.values(definition(window={"from_days": 0, "to_days": 43}), levels=["riket"], strata=["alla"],
                            periods=["ar"])
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "alla", "alla")][:2], (3, 3))  # p2 on day 43
        found = self.values(definition(window={"from_days": 1, "to_days": 30}), levels=["riket"], strata=["alla"],
                            periods=["ar"])
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "alla", "alla")][:2], (1, 3))  # p3's same day out

    def test_a_median_time_by_hand(self):
        spec = definition(kind="mediantid", direction="lagre", window={"from_days": 0, "to_days": 90})
        found = self.values(spec, periods=["ar"], strata=["alla"])
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "alla", "alla")], (3, 3, 10.0))  # 0, 10, 43
        self.assertEqual(found[("region", "18", "ar", "2024-01-01", "alla", "alla")], (2, 2, 26.5))  # 10, 43

    def test_a_rate_per_100000_by_hand(self):
        spec = definition(kind="per_100000", direction="lagre", population={}, first_ever=False, outcome_event=None,
                          window=None)
        found = self.values(spec, periods=["ar"], strata=["alla", "kon"])
        # Örebro: p1, p2 and p5 had a stroke in 2024 (p5 again), 3 inhabitants; Uppsala: p3 and p4 of 2.
        self.assertEqual(found[("region", "18", "ar", "2024-01-01", "alla", "alla")][:2], (3, 3))
        self.assertEqual(found[("region", "03", "ar", "2024-01-01", "alla", "alla")][:2], (2, 2))
        self.assertEqual(found[("region", "18", "ar", "2023-01-01", "alla", "alla")][:2], (1, 3))
        self.assertEqual(found[("riket", "SE", "ar", "2024-01-01", "kon", "K")][:2], (3, 3))
        self.assertNotIn(("vardenhet", "U-ORE-1", "ar", "2024-01-01", "alla", "alla"), found)

    def test_a_rate_divides_by_the_inhabitants_of_its_own_population(self):
        spec = definition(kind="per_100000", direction="lagre", population={"min_age": 18}, first_ever=False,
                          outcome_event=None, window=None)
        found = self.values(spec, periods=["ar"], strata=["alla"], levels=["region"])
        # Uppsala: p3 (79) had a stroke in 2024; p4 is 14, neither counted nor an inhabitant here.
        self.assertEqual(found[("region", "03", "ar", "2024-01-01", "alla", "alla")][:2], (1, 1))

    def test_a_rate_by_quarter_or_month_divides_by_the_inhabitants_of_the_year(self):
        spec = definition(kind="per_100000", direction="lagre", population={}, first_ever=False, outcome_event=None,
                          window=None)
        found = self.values(spec, periods=["kvartal", "manad"], strata=["alla"], levels=["region"])
        # Örebro has 3 inhabitants in both years, whichever period the cases fall in.
        self.assertEqual(found[("region", "18", "kvartal", "2024-01-01", "alla", "alla")][:2], (3, 3))  # p1, p2, p5
        self.assertEqual(found[("region", "18", "manad", "2024-01-01", "alla", "alla")][:2], (2, 3))  # p1, p5
        self.assertEqual(found[("region", "18", "kvartal", "2023-10-01", "alla", "alla")][:2], (1, 3))  # p5

    def test_the_result_is_in_columns_sorted_by_the_keys_with_dates_as_periods(self):
        frame = engine.run(definition(), self.data, healthcare_regions=handmade.HEALTHCARE_REGIONS)
        self.assertEqual(list(frame.columns), engine.COLUMNS)
        self.assertTrue(all(type(period) is datetime.date for period in frame["period"]))
        keys = list(frame[engine.COLUMNS[:6]].itertuples(index=False, name=None))
        self.assertEqual(keys, sorted(keys))
        self.assertEqual(len(keys), len(set(keys)))

    def test_a_definition_that_makes_no_sense_is_refused(self):
        from pydantic import ValidationError

        with self.assertRaises(ValidationError):
            definition(window={"from_days": 10, "to_days": 5})
        with self.assertRaises(ValidationError):
            definition(outcome_event=None)
        with self.assertRaises(ValidationError):
            definition(unknown_key=1)


class CompiledOnceTests(SimpleTestCase):
    """A long-lived worker compiles a definition version once and sends its SQL to every later
    run, on whatever data set the run opens."""

    def test_a_definition_is_compiled_once_and_its_sql_reads_each_runs_own_data(self):
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            handmade.write(first)
            handmade.write(second)
            events = pq.read_table(f"{second}/events.parquet")
            pq.write_table(events.filter(pc.invert(pc.equal(events["person_id"], events["person_id"][0]))),
                           f"{second}/events.parquet")
            stroke, choices = definition(code="TEST-COMPILED"), {"periods": ["ar"]}
            regions = handmade.HEALTHCARE_REGIONS
            con = ibis.duckdb.connect()  # one connection for both runs, as the worker keeps it
            before = len(engine._COMPILED)
            on_first = engine.run(stroke, engine.open_parquet(con, first), healthcare_regions=regions, **choices)
            self.assertEqual(len(engine._COMPILED), before + 1)
            on_second = engine.run(stroke, engine.open_parquet(con, second), healthcare_regions=regions, **choices)
            self.assertEqual(len(engine._COMPILED), before + 1)  # no second compilation
            for key in [k for k in engine._COMPILED if "TEST-COMPILED" in k[2]]:
                del engine._COMPILED[key]
            fresh = engine.run(stroke, engine.open_parquet(ibis.duckdb.connect(), second), healthcare_regions=regions,
                               **choices)
            self.assertTrue(on_second.equals(fresh))
            self.assertFalse(on_second.equals(on_first))

    def test_the_worker_keeps_its_duckdb_connection_between_runs_one_per_thread(self):
        import threading

        from kunskapsnav.indicators import runs

        self.assertIs(runs._connection("duckdb"), runs._connection("duckdb"))
        other = []
        thread = threading.Thread(target=lambda: other.append(runs._connection("duckdb")))
        thread.start()
        thread.join()
        self.assertIsNot(other[0], runs._connection("duckdb"))
