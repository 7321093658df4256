"""A local Spark session for the indicator engine's PySpark backend (tests, and a machine
without a cluster). In production, point `KUNSKAPSNAV_SPARK_MASTER` at the cluster."""

import os


def session(app_name: str = "kunskapsnav-indikatorer"):
    from pyspark.sql import SparkSession

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
