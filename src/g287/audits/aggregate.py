"""The audit's one heavy step: a grouped aggregation of stop records into cells, in SQL that DuckDB and Spark
both run unchanged.

Two light passes (:data:`PROFILE_SQL`, :data:`RACES_SQL`) list the distinct (location, date) pairs with their time
zones and coordinates, and the race values, so that sun times are computed once per place and day, never per stop. The main pass
(:func:`cells_sql`) joins each stop to its place's sunset and dusk, applies OPP's veil-of-darkness rules and
counts stops, searches and hits per (period, location, race, exclusion, 5-minute slot, darkness). Everything
downstream (both tests, the report) reads these cells: no row-level record leaves this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from g287.audits.engines import open_engine
from g287.audits.stops import (
    check_races,
    race_table,
    resolve_columns,
    resolve_places,
    stops_format,
)
from g287.audits.sun import compute_sun_minutes
from g287.errors import AuditError

PROFILE_SQL = """
SELECT location, TRY_CAST(raw_date AS DATE) AS stop_on, min(tz) AS tz_min, max(tz) AS tz_max,
       min(state) AS state_min, max(state) AS state_max, count(*) AS n_rows, count(lat) AS n_lat,
       sum(lat) AS sum_lat, sum(lng) AS sum_lng, min(lat) AS min_lat, max(lat) AS max_lat,
       min(lng) AS min_lng, max(lng) AS max_lng
FROM stops
GROUP BY location, TRY_CAST(raw_date AS DATE)
"""

RACES_SQL = """
SELECT raw_race AS race_value, count(*) AS n_rows FROM stops GROUP BY raw_race
"""

TRUE_TEXT = "('TRUE', 'T', '1', 'YES', 'Y')"

CELLS_SQL = """
WITH typed AS (
  SELECT s.location, TRY_CAST(s.raw_date AS DATE) AS stop_on, NULLIF(r.subject_race, '') AS subject_race,
         CASE WHEN instr(s.raw_time, ':') IN (2, 3)
              THEN TRY_CAST(substr(s.raw_time, 1, instr(s.raw_time, ':') - 1) AS INT) END AS hh,
         CASE WHEN instr(s.raw_time, ':') IN (2, 3)
              THEN TRY_CAST(substr(s.raw_time, instr(s.raw_time, ':') + 1, 2) AS INT) END AS mm,
         CASE WHEN upper(trim(s.raw_searched)) IN {true} THEN 1 ELSE 0 END AS searched,
         CASE WHEN upper(trim(s.raw_contraband)) IN {true} THEN 1 ELSE 0 END AS contraband
  FROM stops s LEFT JOIN races r ON s.raw_race = r.value
), timed AS (
  SELECT t.location, t.stop_on, t.subject_race, t.searched, t.contraband,
         CASE WHEN t.hh BETWEEN 0 AND 23 AND t.mm BETWEEN 0 AND 59 THEN t.hh * 60 + t.mm END AS minute,
         sun.sunset_minute, sun.dusk_minute
  FROM typed t LEFT JOIN sun ON t.location = sun.location AND t.stop_on = sun.stop_on
), classified AS (
  SELECT location, subject_race, searched, contraband, minute, dusk_minute,
         {period} AS period,
         CASE WHEN stop_on IS NULL THEN 'date missing or invalid'
              WHEN subject_race IS NULL THEN 'race missing'
              WHEN minute IS NULL THEN 'time missing or invalid'
              WHEN sunset_minute IS NULL THEN 'no coordinates for location'
              WHEN minute < {start} OR minute > {end} THEN 'outside inter-twilight window'
              WHEN minute > sunset_minute AND minute < dusk_minute THEN 'between sunset and dusk'
         END AS veil_exclusion
  FROM timed
), cells AS (
  SELECT period, location, COALESCE(subject_race, '{missing}') AS subject_race, veil_exclusion, searched, contraband,
         CASE WHEN veil_exclusion IS NULL THEN CAST(FLOOR((minute + 2.5) / 5) AS INT) * 5 END AS rounded_minute,
         CASE WHEN veil_exclusion IS NULL THEN CASE WHEN minute > dusk_minute THEN 1 ELSE 0 END END AS is_dark
  FROM classified
)
SELECT period, location, subject_race, veil_exclusion, rounded_minute, is_dark,
       count(*) AS stops, CAST(sum(searched) AS BIGINT) AS searches,
       CAST(sum(searched * contraband) AS BIGINT) AS hits
FROM cells
GROUP BY period, location, subject_race, veil_exclusion, rounded_minute, is_dark
"""

CELL_KEYS = ["period", "location", "subject_race", "veil_exclusion", "rounded_minute", "is_dark"]
MISSING_RACE = "(missing)"


def cells_sql(start: int, end: int, split_on: dt.date | None = None) -> str:
    """The aggregation's SQL for an inter-twilight window [start, end] (minutes) and an optional split date.

    >>> "DATE '2025-02-28'" in cells_sql(990, 1270, dt.date(2025, 2, 28))
    True
    """
    if split_on is None:
        period = "'all'"
    else:
        period = (f"CASE WHEN stop_on IS NULL THEN 'undated' WHEN stop_on < DATE '{split_on.isoformat()}' "
                  "THEN 'before' ELSE 'after' END")
    return CELLS_SQL.format(true=TRUE_TEXT, period=period, start=int(start), end=int(end), missing=MISSING_RACE)


def normalize_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells with fixed dtypes and sorted keys, so that the same counts from any engine compare equal."""
    out = pd.DataFrame({
        "period": frame["period"].astype("string"),
        "location": frame["location"].astype("string"),
        "subject_race": frame["subject_race"].astype("string"),
        "veil_exclusion": frame["veil_exclusion"].astype("string"),
        "rounded_minute": pd.array(frame["rounded_minute"], dtype="Int64"),
        "is_dark": pd.array(frame["is_dark"], dtype="Int64"),
        "stops": frame["stops"].astype("int64"),
        "searches": frame["searches"].astype("int64"),
        "hits": frame["hits"].astype("int64"),
    })
    return out.sort_values(CELL_KEYS, na_position="first", ignore_index=True)


@dataclass(frozen=True)
class StopCells:
    """Aggregated stop records: the cells, the columns they came from, and the facts the tests need."""

    cells: pd.DataFrame
    source: str
    columns: dict[str, str]
    window: tuple[int, int] | None
    split_on: dt.date | None
    first_on: dt.date | None
    last_on: dt.date | None
    engine: str
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Stop records read."""
        return int(self.cells["stops"].sum())

    def exclusions(self) -> pd.DataFrame:
        """Stops left out of the veil-of-darkness test, by period and reason (before the race filter)."""
        excluded = self.cells[self.cells["veil_exclusion"].notna()]
        return (excluded.groupby(["period", "veil_exclusion"], as_index=False)["stops"].sum()
                .sort_values(["period", "veil_exclusion"], ignore_index=True))


def aggregate_stops(path: Path | str, engine: str = "duckdb", columns: dict[str, str] | None = None,
                    tz: str | None = None, center: tuple[float, float] | None = None,
                    split_on: dt.date | None = None, master: str | None = None,
                    progress: Callable[[str], None] | None = None) -> StopCells:
    """Read a stops file and aggregate it into cells on DuckDB or Spark.

    Parameters: ``path`` (CSV or Parquet in OPP's schema), ``engine`` (``duckdb`` or ``spark``), ``columns``
    (standard column -> source column, overriding the alias table), ``tz`` (IANA zone when the file has no
    ``tz`` column), ``center`` ((lat, lng) for every location, when the file has no coordinates), ``split_on``
    (date splitting stops into ``before`` and ``after``), ``master`` (Spark master URL).

    >>> from g287.audits.synthetic import write_stops
    >>> import tempfile
    >>> path = write_stops(Path(tempfile.mkdtemp()) / "stops.parquet", n=2_000, seed=1)
    >>> cells = aggregate_stops(path)
    >>> cells.rows, cells.engine
    (2000, 'duckdb')
    """
    # A URL (s3://, hdfs://, https://) is left to the engine to read; a local path must exist.
    path = str(path) if "://" in str(path) else Path(path)
    step = progress or (lambda _: None)
    fmt = stops_format(path)
    if isinstance(path, Path) and not path.exists():
        raise AuditError(f"{path}: no such file. Give the path of a CSV or Parquet file of stop records.")
    runner = open_engine(engine, master=master)
    try:
        stops = resolve_columns(path, runner.columns(path, fmt), columns)
        runner.register_stops(stops)
        step("profiling stops")
        profile = runner.query(PROFILE_SQL)
        profile["stop_on"] = pd.to_datetime(profile["stop_on"]).dt.date
        races = runner.query(RACES_SQL)
        check_races(stops, races)
        places = resolve_places(stops, profile, tz=tz, center=center)
        step(f"sun times for {len(places):,} location-days")
        sun = compute_sun_minutes(places)
        window = (int(sun["sunset_minute"].min()), int(sun["dusk_minute"].max())) if len(sun) else None
        runner.register_table("sun", sun.astype({"sunset_minute": "int64", "dusk_minute": "int64"}))
        runner.register_table("races", race_table(races))
        step("aggregating stops")
        start, end = window if window else (0, -1)
        cells = normalize_cells(runner.query(cells_sql(start, end, split_on)))
        dated = profile["stop_on"].dropna()
        notes = []
        if "search_conducted" not in stops.columns or "contraband_found" not in stops.columns:
            notes.append('no "search_conducted" or "contraband_found" column: the outcome test is not run.')
        return StopCells(cells=cells, source=stops.name, columns=stops.columns, window=window, split_on=split_on,
                         first_on=min(dated) if len(dated) else None, last_on=max(dated) if len(dated) else None,
                         engine=runner.name, notes=notes)
    finally:
        runner.close()
