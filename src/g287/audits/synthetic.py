"""Synthetic stop records in OPP's schema with a known darkness effect, for tests and benchmarks.

Among white and black drivers, the log-odds that a stopped driver is black is a location intercept, plus a
linear trend in time of day, plus ``darkness_effect`` after dusk. That model lies inside the veil-of-darkness
test's own (location effects, natural spline of time of day), so the test's darkness coefficient estimates
``darkness_effect``. Sunset and dusk come from :mod:`g287.audits.sun`, so clock changes move darkness as they
do in real data. Other races, searches and hits are drawn at fixed rates per race.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from g287.audits.sun import compute_sun_minutes

# (location, lat, lng, IANA zone, intercept of log-odds black vs white, share of stops)
PLACES = (
    ("Philadelphia", 39.9525839, -75.1652215, "America/New_York", -0.4, 0.30),
    ("Charlotte", 35.2270869, -80.8431267, "America/New_York", -0.6, 0.20),
    ("Nashville", 36.1626638, -86.7816016, "America/Chicago", -0.9, 0.20),
    ("Denver", 39.7392358, -104.990251, "America/Denver", -1.8, 0.15),
    ("Garrett County", 39.4079, -79.4067, "America/New_York", -3.0, 0.15),
)
OTHER_RACES = ("hispanic", "asian/pacific islander", "other", "unknown")
RACES = ("white", "black") + OTHER_RACES
# Per race (in RACES order): probability of a search, and of contraband among searched stops.
SEARCH_RATE = np.array([0.03, 0.06, 0.05, 0.02, 0.03, 0.03])
HIT_RATE = np.array([0.30, 0.25, 0.22, 0.30, 0.30, 0.30])


def _draw(n: int, darkness_effect: float, seed: int, start: dt.date, days: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    shares = np.array([p[5] for p in PLACES])
    place = rng.choice(len(PLACES), size=n, p=shares / shares.sum())
    day = rng.integers(0, days, size=n)
    # Stops through the day, with more in the evening, where the test looks.
    evening = rng.normal(18.5 * 60, 150, size=n)
    minute = np.where(rng.random(n) < 0.6, rng.integers(0, 1440, size=n), evening).astype(np.int64) % 1440
    grid = pd.DataFrame([(name, start + dt.timedelta(days=int(d)), lat, lng, tz)
                         for name, lat, lng, tz, _, _ in PLACES for d in range(days)],
                        columns=["location", "stop_on", "lat", "lng", "tz"])
    order = {name: i for i, (name, *_rest) in enumerate(PLACES)}
    sun = compute_sun_minutes(grid)
    sun_index = sun["location"].map(order).to_numpy() * days + (
        pd.to_datetime(sun["stop_on"]) - pd.Timestamp(start)).dt.days.to_numpy()
    dusk = np.empty(len(PLACES) * days, dtype=np.int64)
    dusk[sun_index] = sun["dusk_minute"].to_numpy()
    is_dark = minute > dusk[place * days + day]
    intercept = np.array([p[4] for p in PLACES])[place]
    logit = intercept + 0.05 * (minute - 1080) / 60 + darkness_effect * is_dark
    compared = rng.random(n) < 0.85
    race = np.where(compared, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64),
                    2 + rng.integers(0, len(OTHER_RACES), size=n))
    race_missing = rng.random(n) < 0.02
    searched = rng.random(n) < SEARCH_RATE[race]
    hit = searched & (rng.random(n) < HIT_RATE[race])
    return pa.table({
        "day": pa.array(day, pa.int32()),
        "second": pa.array(minute * 60 + rng.integers(0, 60, size=n), pa.int32()),
        "location": pa.DictionaryArray.from_arrays(pa.array(place, pa.int32()), pa.array([p[0] for p in PLACES])),
        "lat": pa.array(np.array([p[1] for p in PLACES])[place]),
        "lng": pa.array(np.array([p[2] for p in PLACES])[place]),
        "tz": pa.DictionaryArray.from_arrays(pa.array(place, pa.int32()), pa.array([p[3] for p in PLACES])),
        "subject_race": pa.DictionaryArray.from_arrays(pa.array(race, pa.int32(), mask=race_missing),
                                                       pa.array(RACES)),
        "search_conducted": pa.array(searched),
        "contraband_found": pa.array(hit, mask=~searched),
    })


def _select(start: dt.date) -> str:
    return (f"SELECT DATE '{start.isoformat()}' + day AS date, "
            "printf('%02d:%02d:%02d', second // 3600, (second // 60) % 60, second % 60) AS time, "
            "CAST(location AS VARCHAR) AS location, lat, lng, CAST(tz AS VARCHAR) AS tz, "
            "CAST(subject_race AS VARCHAR) AS subject_race, search_conducted, contraband_found FROM draws")


def generate_stops(n: int, darkness_effect: float = 0.4, seed: int = 0, start: str | dt.date = "2024-03-01",
                   days: int = 730) -> pd.DataFrame:
    """``n`` synthetic stops in OPP's schema over ``days`` days from ``start``, with a known darkness effect
    (log-odds, black vs white drivers, after dusk against daylight at the same clock time).

    >>> stops = generate_stops(1_000, seed=3)
    >>> list(stops.columns)
    ['date', 'time', 'location', 'lat', 'lng', 'tz', 'subject_race', 'search_conducted', 'contraband_found']
    >>> len(stops), stops["time"].str.fullmatch(r"\\d\\d:\\d\\d:\\d\\d").all()
    (1000, np.True_)
    """
    import duckdb

    start = dt.date.fromisoformat(str(start))
    draws = _draw(n, darkness_effect, seed, start, days)  # noqa: F841 - read by DuckDB by name
    return duckdb.sql(_select(start)).df()


def write_stops(path: Path | str, n: int, darkness_effect: float = 0.4, seed: int = 0,
                start: str | dt.date = "2024-03-01", days: int = 730) -> Path:
    """Write ``n`` synthetic stops (see :func:`generate_stops`) to a CSV or Parquet file; returns the path.

    >>> import tempfile
    >>> write_stops(Path(tempfile.mkdtemp()) / "stops.csv", n=100).read_text().splitlines()[0]
    'date,time,location,lat,lng,tz,subject_race,search_conducted,contraband_found'
    """
    import duckdb

    from g287.audits.stops import stops_format

    path = Path(path)
    fmt = stops_format(path)
    start = dt.date.fromisoformat(str(start))
    draws = _draw(n, darkness_effect, seed, start, days)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    con = duckdb.connect()
    con.register("draws", draws)
    con.execute(f"COPY ({_select(start)}) TO '{str(path).replace(chr(39), chr(39) * 2)}' ({options})")
    con.close()
    return path
