"""Stops files: columns found by alias, and one clear error for every input that cannot be audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from g287.audits.aggregate import aggregate_stops
from g287.audits.stops import column_aliases, race_codes, resolve_columns
from g287.errors import AuditError

HEADER = "date,time,location,lat,lng,subject_race,search_conducted,contraband_found"
GOOD = ["2017-06-27,21:30:00,Philadelphia,39.95,-75.16,white,FALSE,",
        "2017-06-27,20:00:00,Philadelphia,39.95,-75.16,black,TRUE,TRUE"]


def _csv(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "stops.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _error(path: Path, **options) -> str:
    with pytest.raises(AuditError) as caught:
        aggregate_stops(path, **options)
    return str(caught.value)


def test_ri_names_map_through_the_alias_table():
    present = ["state", "stop_date", "stop_time", "county_name", "driver_race", "search_conducted",
               "drugs_related_stop", "district"]
    stops = resolve_columns(Path("police.csv"), present)
    assert stops.columns == {"date": "stop_date", "time": "stop_time", "location": "district",
                             "subject_race": "driver_race", "search_conducted": "search_conducted",
                             "contraband_found": "drugs_related_stop", "state": "state"}
    assert stops.format == "csv" and ("location", "district") in column_aliases()


def test_overrides_win_over_aliases():
    stops = resolve_columns(Path("s.parquet"), ["date", "time", "race", "subject_race"], {"subject_race": "race"})
    assert stops.columns["subject_race"] == "race" and stops.format == "parquet"


def test_missing_column(tmp_path: Path):
    path = _csv(tmp_path, ["2017-06-27,21:30,Philadelphia,white"], header="date,time,location,race")
    assert _error(path, tz="America/New_York") == ('stops.csv: missing column "subject_race". Rename your race '
                                                   "column or pass --column subject_race=NAME.")


def test_override_errors():
    with pytest.raises(AuditError) as caught:
        resolve_columns(Path("stops.csv"), ["date"], {"race": "x"})
    assert str(caught.value) == ("--column race=...: 'race' is not a stop column; use one of date, time, "
                                 "subject_race, location, lat, lng, search_conducted, contraband_found, tz, state.")
    with pytest.raises(AuditError) as caught:
        resolve_columns(Path("stops.csv"), ["date", "time"], {"subject_race": "ethnicity"})
    assert str(caught.value) == 'stops.csv: no column "ethnicity" (given for subject_race). Its columns are: date, time.'


def test_unknown_race_codes(tmp_path: Path):
    path = _csv(tmp_path, [*GOOD, "2017-06-27,21:30,Philadelphia,39.95,-75.16,W,FALSE,",
                           "2017-06-28,21:30,Philadelphia,39.95,-75.16,W,FALSE,",
                           "2017-06-28,21:30,Philadelphia,39.95,-75.16,Martian,FALSE,"])
    assert _error(path, tz="America/New_York") == (
        'stops.csv: unknown values in column "subject_race": "martian" (1 rows), "w" (2 rows). Use OPP\'s codes '
        "(asian/pacific islander, black, hispanic, other, unknown, white) or leave the cell empty.")
    assert race_codes()["White".lower()] == "white"


def test_impossible_coordinates(tmp_path: Path):
    path = _csv(tmp_path, [*GOOD, "2017-06-27,21:30,Philadelphia,139.95,-75.16,white,FALSE,"])
    assert _error(path, tz="America/New_York") == ('stops.csv: column "lat" has impossible values (such as 139.95; '
                                                   "lat must be within -90..90). Fix or remove those rows.")
    path = _csv(tmp_path, [*GOOD, "2017-06-27,21:30,Philadelphia,39.95,-275.16,white,FALSE,"])
    assert _error(path, tz="America/New_York") == ('stops.csv: column "lng" has impossible values (such as -275.16; '
                                                   "lng must be within -180..180). Fix or remove those rows.")


def test_time_zone_errors(tmp_path: Path):
    path = _csv(tmp_path, GOOD)
    assert _error(path) == ('stops.csv: no time zone for location "Philadelphia". Add a "tz" column or pass --tz '
                            "(an IANA name such as America/New_York).")
    assert _error(path, tz="Mars/Olympus") == ('--tz "Mars/Olympus" is not an IANA time zone; use a name such as '
                                               "America/New_York.")
    zoned = _csv(tmp_path, [row + ",Europe/Nowhere" for row in GOOD], header=HEADER + ",tz", name="zoned.csv")
    assert _error(zoned) == ('zoned.csv: column "tz" has "Europe/Nowhere", not an IANA time zone; use a name such '
                             "as America/New_York.")


def test_no_coordinates(tmp_path: Path):
    path = _csv(tmp_path, ["2017-06-27,21:30,Zone K1,white"], header="date,time,district,driver_race")
    assert _error(path, tz="America/New_York") == (
        'stops.csv: no "lat" and "lng" columns. Pass --lat and --lng, the center of the area the stops cover '
        "(OPP uses one center per city or county).")


def test_file_errors(tmp_path: Path):
    assert _error(tmp_path / "stops.xlsx") == "stops.xlsx: not a CSV or Parquet file. Give stop records as .csv or .parquet."
    assert _error(tmp_path / "none.csv") == (f"{tmp_path}/none.csv: no such file. Give the path of a CSV or Parquet "
                                             "file of stop records.")


def test_impossible_times_and_dates_are_counted_exclusions(tmp_path: Path):
    rows = [*GOOD, "2017-06-27,25:10,Philadelphia,39.95,-75.16,white,FALSE,",
            "2017-06-27,,Philadelphia,39.95,-75.16,white,FALSE,",
            "2017-06-27,7pm,Philadelphia,39.95,-75.16,black,FALSE,",
            "2017-06-27,21:61,Philadelphia,39.95,-75.16,black,FALSE,",
            "2017-02-30,21:30,Philadelphia,39.95,-75.16,black,FALSE,",
            "2017-06-27,21:30,Philadelphia,39.95,-75.16,,FALSE,"]
    cells = aggregate_stops(_csv(tmp_path, rows), tz="America/New_York")
    excluded = dict(zip(cells.exclusions()["veil_exclusion"], cells.exclusions()["stops"]))
    # One day at one place: the inter-twilight window is that day's sunset to dusk, which the two good stops miss.
    assert excluded == {"time missing or invalid": 4, "date missing or invalid": 1, "race missing": 1,
                        "outside inter-twilight window": 2}
    assert cells.rows == 8
