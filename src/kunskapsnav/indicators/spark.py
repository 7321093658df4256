"""A local Spark session for the indicator engine's PySpark backend (tests, and a machine
without a cluster). In production, point `KUNSKAPSNAV_SPARK_MASTER` at the cluster."""

import logging
import os


def session(app_name: str = "kunskapsnav-indikatorer"):
    from pyspark.sql import SparkSession

    # py4j reports at INFO when the gateway closes, which may be after logging has shut down.
    logging.getLogger("py4j").setLevel(logging.WARNING)

    builder = (
        SparkSession.builder.appName(app_name)
        .master(os.environ.get("KUNSKAPSNAV_SPARK_MASTER", "local[2]"))
        # Times in the data are wall-clock times without a zone; UTC keeps Spark from moving them.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("KUNSKAPSNAV_SPARK_PARTITIONS", "4"))
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
