"""Stop records in the Stanford Open Policing Project's schema: which column holds what, and checks.

A file is CSV or Parquet. Its columns are found by name through the alias table ``columns.csv`` (data, not
code): OPP's standardized names (``date``, ``time``, ``location``, ``lat``, ``lng``, ``subject_race``,
``search_conducted``, ``contraband_found``) and the names of OPP's 2017 files, such as the DataCamp Rhode Island
file (``stop_date``, ``stop_time``, ``driver_race``, ``district``). Race codes are mapped through ``races.csv``.
Anything that cannot be audited raises :class:`g287.errors.AuditError` naming the file, the column and what to do.
"""

from __future__ import annotations

import csv
import zoneinfo
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

import pandas as pd

from g287.errors import AuditError

REQUIRED = ("date", "time", "subject_race")
OPTIONAL = ("location", "lat", "lng", "search_conducted", "contraband_found", "tz", "state")
HINTS = {"date": "your date column", "time": "your time column", "subject_race": "your race column"}
# Names the engines give the standard columns in the ``stops`` view every audit query reads.
VIEW_COLUMNS = {"date": "raw_date", "time": "raw_time", "subject_race": "raw_race", "location": "location",
                "lat": "lat", "lng": "lng", "search_conducted": "raw_searched", "contraband_found": "raw_contraband",
                "tz": "tz", "state": "state"}
MISSING_LOCATION = "(missing)"


def _read_table(name: str) -> list[dict]:
    text = resources.files("g287.audits").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def column_aliases() -> tuple[tuple[str, str], ...]:
    """(standard column, alias) pairs from ``columns.csv``, in order of preference.

    >>> ("subject_race", "driver_race") in column_aliases()
    True
    """
    return tuple((row["column"], row["alias"]) for row in _read_table("columns.csv"))


@cache
def race_codes() -> dict[str, str | None]:
    """Race values accepted (lower case) and the OPP race each stands for; ``None`` for a missing race.

    >>> race_codes()["asian"], race_codes()["na"]
    ('asian/pacific islander', None)
    """
    return {row["value"]: row["subject_race"] or None for row in _read_table("races.csv")}


@cache
def state_timezones() -> dict[str, str]:
    """IANA time zone of each state that lies wholly in one zone (``state_timezones.csv``).

    >>> state_timezones()["RI"]
    'America/New_York'
    """
    return {row["state"]: row["tz"] for row in _read_table("state_timezones.csv")}


@dataclass(frozen=True)
class StopsFile:
    """A stops file, its format and the column that holds each standard column."""

    path: Path | str
    format: str
    columns: dict[str, str]

    @property
    def name(self) -> str:
        return PurePosixPath(str(self.path)).name


def stops_format(path: Path | str) -> str:
    """``csv`` or ``parquet`` from the file name (a path or a URL such as ``s3://bucket/stops.parquet``);
    AuditError otherwise.

    >>> stops_format(Path("ri.csv.gz")), stops_format("s3://bucket/stops.parquet")
    ('csv', 'parquet')
    """
    path = PurePosixPath(str(path))
    suffixes = [s.lower() for s in path.suffixes]
    if ".parquet" in suffixes:
        return "parquet"
    if ".csv" in suffixes or ".tsv" in suffixes:
        return "csv"
    raise AuditError(f"{path.name}: not a CSV or Parquet file. Give stop records as .csv or .parquet.")


def resolve_columns(path: Path | str, present: list[str], overrides: dict[str, str] | None = None) -> StopsFile:
    """Find the source column of each standard column; AuditError naming the first required one missing.

    >>> resolve_columns(Path("ri.csv"), ["stop_date", "stop_time", "driver_race", "district"]).columns["location"]
    'district'
    >>> resolve_columns(Path("stops.csv"), ["date", "time"])
    Traceback (most recent call last):
    ...
    g287.errors.AuditError: stops.csv: missing column "subject_race". Rename your race column or pass --column subject_race=NAME.
    """
    name = PurePosixPath(str(path)).name
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise AuditError(f"--column {unknown[0]}=...: {unknown[0]!r} is not a stop column; use one of "
                         f"{', '.join(REQUIRED + OPTIONAL)}.")
    for column, source in overrides.items():
        if source not in present:
            raise AuditError(f'{name}: no column "{source}" (given for {column}). '
                             f"Its columns are: {', '.join(present)}.")
    columns = dict(overrides)
    for column, alias in column_aliases():
        if column not in columns and alias in present:
            columns[column] = alias
    for column in REQUIRED:
        if column not in columns:
            raise AuditError(f'{name}: missing column "{column}". Rename {HINTS[column]} or pass '
                             f"--column {column}=NAME.")
    return StopsFile(path=path, format=stops_format(path), columns=columns)


def view_select(stops: StopsFile, quote: str, text_type: str) -> str:
    """The SELECT list that gives a stops file the standard column names of the ``stops`` view."""
    parts = []
    for column, view_name in VIEW_COLUMNS.items():
        source = stops.columns.get(column)
        if source is None:
            value = "CAST(NULL AS DOUBLE)" if column in ("lat", "lng") else f"CAST(NULL AS {text_type})"
        elif column in ("lat", "lng"):
            value = f"TRY_CAST({quote}{source}{quote} AS DOUBLE)"
        else:
            value = f"CAST({quote}{source}{quote} AS {text_type})"
        if column == "location":
            value = f"COALESCE(NULLIF(TRIM({value}), ''), '{MISSING_LOCATION}')"
        elif column == "time":
            value = f"TRIM({value})"
        parts.append(f"{value} AS {view_name}")
    return ", ".join(parts)


def check_races(stops: StopsFile, races: pd.DataFrame) -> None:
    """AuditError if the race column holds values (``race_value``, lower case, with ``n_rows``) that are not OPP
    codes (``races.csv``).

    >>> check_races(StopsFile(Path("s.csv"), "csv", {"subject_race": "race"}),
    ...             pd.DataFrame({"race_value": ["white", "green"], "n_rows": [5, 1]}))
    Traceback (most recent call last):
    ...
    g287.errors.AuditError: s.csv: unknown values in column "race": "green" (1 rows). Use OPP's codes (asian/pacific islander, black, hispanic, other, unknown, white) or leave the cell empty.
    """
    codes = race_codes()
    values = races.dropna(subset=["race_value"])
    counts = values.groupby(values["race_value"].str.strip().str.lower())["n_rows"].sum()
    unknown = counts[[value not in codes and value != "" for value in counts.index]]
    if len(unknown):
        listed = ", ".join(f'"{value}" ({int(n):,} rows)' for value, n in unknown.sort_index().head(5).items())
        raise AuditError(f'{stops.name}: unknown values in column "{stops.columns["subject_race"]}": {listed}. '
                         f"Use OPP's codes ({', '.join(sorted({c for c in codes.values() if c}))}) "
                         "or leave the cell empty.")


def race_table(races: pd.DataFrame) -> pd.DataFrame:
    """The join table from each race value found in a file (as written) to its OPP race (empty when missing).

    >>> race_table(pd.DataFrame({"race_value": ["White", " black", None]})).values.tolist()
    [['White', 'white'], [' black', 'black']]
    """
    codes = race_codes()
    rows = [(value, codes.get(value.strip().lower()) or "") for value in races["race_value"].dropna()]
    return pd.DataFrame(rows, columns=["value", "subject_race"])


def check_coordinates(stops: StopsFile, profile: pd.DataFrame) -> None:
    """AuditError if a latitude or longitude lies outside the globe."""
    for column, low, high, bound in (("lat", "min_lat", "max_lat", 90), ("lng", "min_lng", "max_lng", 180)):
        bad = [v for v in pd.concat([profile[low], profile[high]]).dropna() if not -bound <= v <= bound]
        if bad:
            raise AuditError(f'{stops.name}: column "{stops.columns[column]}" has impossible values '
                             f"(such as {bad[0]:g}; {column} must be within -{bound}..{bound}). "
                             "Fix or remove those rows.")


def _timezone(name: str, where: str) -> str:
    """``name`` if it is an IANA zone; otherwise AuditError with ``where`` formatted with the name."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise AuditError(where.format(name) + "; use a name such as America/New_York.") from None
    return name


def resolve_places(stops: StopsFile, profile: pd.DataFrame, tz: str | None = None,
                   center: tuple[float, float] | None = None) -> pd.DataFrame:
    """Rows of (location, stop_on, lat, lng, tz) for every dated location whose coordinates are known.

    A location's coordinates are ``center`` when given, otherwise the mean of its stops' ``lat``/``lng``
    (OPP uses one center per city or county). Its time zone comes from the ``tz`` column, else ``tz``, else
    its ``state`` when the state lies in one zone.
    """
    if center is None and "lat" not in stops.columns:
        raise AuditError(f'{stops.name}: no "lat" and "lng" columns. Pass --lat and --lng, the center of the area '
                         "the stops cover (OPP uses one center per city or county).")
    if tz is not None:
        _timezone(tz, '--tz "{}" is not an IANA time zone')
    check_coordinates(stops, profile)
    rows = []
    for location, group in profile.groupby("location", sort=True):
        zones = sorted(set(group["tz_min"].dropna()) | set(group["tz_max"].dropna()))
        states = sorted({str(s).strip().upper() for s in pd.concat([group["state_min"], group["state_max"]]).dropna()})
        if len(zones) > 1:
            raise AuditError(f'{stops.name}: location "{location}" has several time zones in column '
                             f'"{stops.columns["tz"]}" ({", ".join(zones)}). Give each location one zone.')
        if zones:
            zone = _timezone(zones[0], f'{stops.name}: column "{stops.columns["tz"]}" has "{{}}", not an IANA time zone')
        elif tz is not None:
            zone = tz
        elif len(states) == 1 and states[0] in state_timezones():
            zone = state_timezones()[states[0]]
        else:
            raise AuditError(f'{stops.name}: no time zone for location "{location}". Add a "tz" column or pass '
                             "--tz (an IANA name such as America/New_York).")
        if center is not None:
            lat, lng = center
        else:
            n = group["n_lat"].sum()
            if n == 0:
                continue
            # Rounded so that engines summing in different orders give the same place.
            lat, lng = round(group["sum_lat"].sum() / n, 6), round(group["sum_lng"].sum() / n, 6)
        dates = sorted(set(group["stop_on"].dropna()))
        rows += [(location, day, lat, lng, zone) for day in dates]
    return pd.DataFrame(rows, columns=["location", "stop_on", "lat", "lng", "tz"])
