"""The aggregation: every stop counted once, in cells that hold no row-level record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from g287.audits.aggregate import CELL_KEYS, aggregate_stops, cells_sql


def test_every_stop_is_counted_once_in_few_cells(synthetic_parquet: Path):
    cells = aggregate_stops(synthetic_parquet)
    total = duckdb.sql(f"SELECT count(*) FROM read_parquet('{synthetic_parquet}')").fetchall()[0][0]
    assert cells.rows == total == 300_000
    assert list(cells.cells.columns) == [*CELL_KEYS, "stops", "searches", "hits"]
    assert len(cells.cells) < total / 50
    assert not cells.cells.duplicated(CELL_KEYS).any()
    assert (cells.first_on, cells.last_on) == (dt.date(2024, 3, 1), dt.date(2026, 2, 28))
    assert cells.notes == [] and cells.engine == "duckdb"


def test_split_counts_match_the_file(synthetic_parquet: Path):
    cells = aggregate_stops(synthetic_parquet, split_on=dt.date(2025, 2, 28))
    before = duckdb.sql(f"SELECT count(*) FROM read_parquet('{synthetic_parquet}') "
                        "WHERE date < DATE '2025-02-28'").fetchall()[0][0]
    periods = cells.cells.groupby("period")["stops"].sum().to_dict()
    assert periods == {"before": before, "after": 300_000 - before}


def test_veil_cells_respect_the_window_and_the_twilight_band(synthetic_parquet: Path):
    cells = aggregate_stops(synthetic_parquet)
    used = cells.cells[cells.cells["veil_exclusion"].isna()]
    start, end = cells.window
    assert used["rounded_minute"].between(start - 5, end + 5).all()
    assert set(used["is_dark"]) == {0, 1}
    assert cells.cells[cells.cells["veil_exclusion"].notna()]["rounded_minute"].isna().all()
    reasons = set(cells.exclusions()["veil_exclusion"])
    assert reasons == {"outside inter-twilight window", "between sunset and dusk", "race missing"}


def test_the_sql_is_one_text_for_both_engines():
    sql = cells_sql(990, 1270)
    assert "'all' AS period" in sql and "minute < 990 OR minute > 1270" in sql
    assert "GROUP BY period, location, subject_race, veil_exclusion, rounded_minute, is_dark" in sql
