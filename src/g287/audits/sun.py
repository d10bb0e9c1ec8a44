"""Sunset and dusk per location and date, computed once per distinct (location, date), vectorized.

The formulas are suncalc's (the ``suncalc`` package ports suncalc.js, as does R's suncalc, which the Stanford
Open Policing Project uses). Like R's ``getSunlightTimes(date, lat, lon, tz = tz)``, each date is evaluated at
12:00 local time; times are returned as local clock time in the location's IANA time zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import suncalc

# (sun altitude in degrees, morning name, evening name), as in suncalc: sunset is the top of the disc at the
# horizon with refraction; dusk is the end of civil twilight (6 degrees below).
SUN_ANGLES = [(-0.833, "sunrise", "sunset"), (-6.0, "dawn", "dusk")]


def compute_sun_times(dates, lat, lng, tz: str) -> pd.DataFrame:
    """Local sunset and dusk for each date at one place.

    Parameters: ``dates`` (dates or ISO strings), ``lat`` and ``lng`` (degrees), ``tz`` (IANA name).
    Returns a DataFrame with columns ``sunset`` and ``dusk`` (timezone-aware timestamps, local time).

    >>> t = compute_sun_times(["2017-06-27", "2017-12-07"], 39.9525839, -75.1652215, "America/New_York")
    >>> [s.strftime("%H:%M:%S") for s in t["sunset"]], [s.strftime("%H:%M:%S") for s in t["dusk"]]
    (['20:34:40', '16:36:53'], ['21:07:26', '17:07:09'])
    """
    days = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates)).dt.normalize())
    if len(days) == 0:
        return pd.DataFrame({"sunset": pd.Series([], dtype=f"datetime64[ns, {tz}]"),
                             "dusk": pd.Series([], dtype=f"datetime64[ns, {tz}]")})
    noon = (days + pd.Timedelta(hours=12)).tz_localize(tz).tz_convert("UTC").tz_localize(None)
    # suncalc reads datetime64 values as nanoseconds; pandas may hold them in another unit.
    instants = noon.to_numpy().astype("datetime64[ns]")
    size = len(instants)
    times = suncalc.get_times(instants, np.full(size, float(lng)), np.full(size, float(lat)), times=SUN_ANGLES)
    # suncalc returns a naive UTC Timestamp for a single date and a UTC Series otherwise.
    return pd.DataFrame({name: pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(times[name]), utc=True)).tz_convert(tz)
                         for name in ("sunset", "dusk")})


def compute_sun_minutes(places: pd.DataFrame) -> pd.DataFrame:
    """Sunset and dusk as whole minutes after local midnight, for rows of (location, stop_on, lat, lng, tz).

    Minutes are truncated like R's printed times (20:34:40 is minute 1234). Every distinct location is computed
    in one vectorized call.

    >>> places = pd.DataFrame({"location": ["Philadelphia"], "stop_on": ["2017-06-27"],
    ...                        "lat": [39.9525839], "lng": [-75.1652215], "tz": ["America/New_York"]})
    >>> compute_sun_minutes(places)[["sunset_minute", "dusk_minute"]].values.tolist()
    [[1234, 1267]]
    """
    parts = []
    for (lat, lng, tz), group in places.groupby(["lat", "lng", "tz"], sort=True):
        times = compute_sun_times(group["stop_on"].to_numpy(), lat, lng, tz)
        part = group[["location", "stop_on"]].reset_index(drop=True)
        for name in ("sunset", "dusk"):
            clock = pd.DatetimeIndex(times[name])
            part[f"{name}_minute"] = (clock.hour * 60 + clock.minute).astype("int64")
        parts.append(part)
    columns = ["location", "stop_on", "sunset_minute", "dusk_minute"]
    if not parts:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(parts, ignore_index=True)[columns].sort_values(["location", "stop_on"], ignore_index=True)
