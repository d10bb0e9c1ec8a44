"""Synthetic stops: OPP's schema, reproducible, and the same draws in memory and on disk."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from g287.audits.synthetic import PLACES, RACES, generate_stops, write_stops


def test_schema_values_and_reproducibility():
    stops = generate_stops(5_000, seed=9)
    assert list(stops.columns) == ["date", "time", "location", "lat", "lng", "tz", "subject_race",
                                   "search_conducted", "contraband_found"]
    assert set(stops["location"]) == {p[0] for p in PLACES}
    assert set(stops["subject_race"].dropna()) <= set(RACES) and stops["subject_race"].isna().any()
    assert stops["contraband_found"].isna().equals(~stops["search_conducted"])
    assert pd.to_datetime(stops["date"]).between("2024-03-01", "2026-02-28").all()
    pd.testing.assert_frame_equal(stops, generate_stops(5_000, seed=9))
    assert not stops.equals(generate_stops(5_000, seed=10))


def test_files_hold_the_same_draws(tmp_path: Path):
    in_memory = generate_stops(2_000, seed=4, start="2017-01-01", days=365)
    for name in ("s.csv", "s.parquet"):
        path = write_stops(tmp_path / name, n=2_000, seed=4, start="2017-01-01", days=365)
        reader = "read_csv" if name.endswith("csv") else "read_parquet"
        on_disk = duckdb.sql(f"SELECT CAST(time AS VARCHAR) AS time, subject_race FROM {reader}('{path}')").df()
        assert on_disk["time"].tolist() == in_memory["time"].tolist()
        assert on_disk["subject_race"].fillna("").tolist() == in_memory["subject_race"].fillna("").tolist()
