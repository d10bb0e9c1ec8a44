"""DuckDB and Spark run the same SQL and give the same cells and the same coefficients."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from g287.audits.aggregate import aggregate_stops
from g287.audits.engines import DuckDBEngine, SparkEngine, open_engine
from g287.audits.synthetic import write_stops
from g287.audits.veil import estimate_veil_of_darkness
from g287.errors import AuditError

pytestmark = pytest.mark.spark
SPLIT = dt.date(2025, 2, 28)


@pytest.mark.parametrize("name", ["stops.csv", "stops.parquet"])
def test_same_cells_and_coefficients_on_both_engines(name: str, tmp_path: Path, spark):
    path = write_stops(tmp_path / name, n=30_000, seed=23)
    on_duckdb = aggregate_stops(path, engine="duckdb", split_on=SPLIT)
    on_spark = aggregate_stops(path, engine="spark", split_on=SPLIT)
    assert on_spark.engine == "spark" and on_duckdb.window == on_spark.window
    pd.testing.assert_frame_equal(on_duckdb.cells, on_spark.cells, check_exact=True)
    assert on_duckdb.cells["stops"].sum() == on_spark.cells["stops"].sum() == on_duckdb.rows
    duckdb_fit = estimate_veil_of_darkness(on_duckdb)
    spark_fit = estimate_veil_of_darkness(on_spark)
    for period in ("before", "after"):
        np.testing.assert_allclose(duckdb_fit.fits[period].coefficients["estimate"],
                                   spark_fit.fits[period].coefficients["estimate"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(duckdb_fit.fits[period].coefficients["std_error"],
                                   spark_fit.fits[period].coefficients["std_error"], rtol=0, atol=1e-9)


def test_spark_reads_the_ri_file_like_duckdb(spark):
    from tests.conftest import shared_path

    path = shared_path("stops/ri_statewide_truncated/police.csv")
    center = (41.7, -71.5)
    on_duckdb = aggregate_stops(path, center=center)
    on_spark = aggregate_stops(path, engine="spark", center=center)
    pd.testing.assert_frame_equal(on_duckdb.cells, on_spark.cells, check_exact=True)


def test_spark_engine_reuses_the_active_session(spark):
    assert SparkEngine().spark is spark
    assert SparkEngine().query("SELECT 1 + 1 AS two")["two"].tolist() == [2]


def test_unreadable_file_is_one_error(tmp_path: Path):
    path = tmp_path / "stops.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(AuditError) as caught:
        DuckDBEngine().columns(path, "parquet")
    assert str(caught.value).startswith("stops.parquet: cannot be read as parquet (")


def test_unknown_engine():
    with pytest.raises(AuditError) as caught:
        open_engine("polars")
    assert str(caught.value) == "--engine polars is not an engine; use duckdb or spark."
