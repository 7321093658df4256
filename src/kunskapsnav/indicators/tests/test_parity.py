"""Every shipped definition gives the same values on DuckDB and on Spark (local mode).

Without PySpark or Java the test is skipped, unless KUNSKAPSNAV_REQUIRE_SPARK=1 (as in
.ci/run) makes their absence an error."""

import os
import shutil
import tempfile
import unittest

import ibis
import pandas as pd
from django.test import SimpleTestCase

from kunskapsnav.indicators import engine, spec, synthetic
from kunskapsnav.indicators.tests.handmade import HEALTHCARE_REGIONS


def _spark_or_skip():
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        reason = f"PySpark is not installed: {error}"
    else:
        if shutil.which("java") or os.environ.get("JAVA_HOME"):
            from kunskapsnav.indicators.spark import session

            return session("kunskapsnav-test")
        reason = "no Java for Spark"
    if os.environ.get("KUNSKAPSNAV_REQUIRE_SPARK") == "1":
        raise RuntimeError(reason)
    raise unittest.SkipTest(reason)


class DuckDBSparkParityTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spark = _spark_or_skip()
        cls.folder = tempfile.TemporaryDirectory()
        synthetic.generate(cls.folder.name, events=20_000, seed=7)
        cls.duckdb = engine.open_parquet(ibis.duckdb.connect(), cls.folder.name)
        cls.pyspark = engine.open_parquet(ibis.pyspark.connect(cls.spark), cls.folder.name)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()
        cls.spark.stop()
        super().tearDownClass()

    def test_every_shipped_definition_gives_identical_values(self):
        regions = HEALTHCARE_REGIONS | {"01": "stockholm-gotland"}
        for definition in spec.shipped():
            with self.subTest(definition.code):
                on_duckdb = engine.run(definition, self.duckdb, healthcare_regions=regions)
                on_spark = engine.run(definition, self.pyspark, healthcare_regions=regions)
                self.assertGreater(len(on_duckdb), 10)
                pd.testing.assert_frame_equal(on_duckdb, on_spark, check_dtype=False)
