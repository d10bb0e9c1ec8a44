"""Sun times: suncalc's values for Philadelphia in OPP's tutorial, to the second; minutes per place and day."""

from __future__ import annotations

import pandas as pd

from g287.audits.sun import compute_sun_minutes, compute_sun_times

PHILADELPHIA = (39.9525839, -75.1652215)


def test_philadelphia_matches_opp_tutorial_to_the_second():
    times = compute_sun_times(["2017-06-27", "2017-12-07"], *PHILADELPHIA, "America/New_York")
    clock = {name: [t.strftime("%Y-%m-%d %H:%M:%S") for t in times[name]] for name in ("sunset", "dusk")}
    assert clock == {"sunset": ["2017-06-27 20:34:40", "2017-12-07 16:36:53"],
                     "dusk": ["2017-06-27 21:07:26", "2017-12-07 17:07:09"]}


def test_minutes_per_place_follow_clock_changes():
    days = pd.date_range("2017-03-10", "2017-03-14").date
    places = pd.DataFrame({"location": "Philadelphia", "stop_on": days, "lat": PHILADELPHIA[0],
                           "lng": PHILADELPHIA[1], "tz": "America/New_York"})
    denver = places.assign(location="Denver", lat=39.7392358, lng=-104.990251, tz="America/Denver")
    sun = compute_sun_minutes(pd.concat([denver, places]))
    assert list(sun.columns) == ["location", "stop_on", "sunset_minute", "dusk_minute"]
    assert sun["location"].tolist() == ["Denver"] * 5 + ["Philadelphia"] * 5
    philadelphia = sun[sun["location"] == "Philadelphia"]["sunset_minute"].tolist()
    # Daylight saving time began on 2017-03-12: sunset moves an hour later on the clock.
    assert philadelphia[2] - philadelphia[1] == 61 and philadelphia[1] - philadelphia[0] == 1
    assert (sun["dusk_minute"] > sun["sunset_minute"]).all()


def test_no_places_gives_an_empty_table():
    empty = pd.DataFrame(columns=["location", "stop_on", "lat", "lng", "tz"])
    assert compute_sun_minutes(empty).empty
