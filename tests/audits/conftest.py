"""Fixtures of the audit tests: synthetic stop files with a known darkness effect, and one local Spark session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from g287.audits.synthetic import write_stops

DARKNESS = 0.5


@pytest.fixture(scope="session")
def synthetic_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300,000 synthetic stops (2024-03-01 to 2026-02-28) with a darkness effect of 0.5, as Parquet."""
    return write_stops(tmp_path_factory.mktemp("stops") / "stops.parquet", n=300_000, darkness_effect=DARKNESS, seed=2)


@pytest.fixture(scope="session")
def synthetic_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40,000 synthetic stops as CSV (text fields, as OPP publishes them)."""
    return write_stops(tmp_path_factory.mktemp("stops") / "stops.csv", n=40_000, darkness_effect=DARKNESS, seed=22)


@pytest.fixture(scope="session")
def spark():
    """A local Spark session (2 cores, 2 shuffle partitions), shared by every Spark test. The JVM options suit a
    short run on little data: the quick JIT tier only and the serial collector."""
    if shutil.which("java") is None:
        pytest.skip("java is not installed: PySpark needs Java 17 or newer")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("g287-tests")
               .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC").config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
