"""Coverage outputs: state shares, the county x date panel, GeoJSON with county boundaries."""

from __future__ import annotations

import json
import os
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

import g287
from g287.store.reference import MAP_ASSET, reference_dir, write_map_asset

REPO = Path(__file__).resolve().parents[2]


def test_state_shares(built_home: Path):
    rows = {r["state"]: r for r in g287.api.coverage_by_state(as_of="2026-05-18", home=built_home)}
    assert rows["FL"]["share_covered"] == 1.0 and rows["FL"]["counties"] == 67
    assert all(0 < r["share_covered"] <= 1 for r in rows.values() if r["state_population"])
    total = g287.coverage(as_of="2026-05-18", home=built_home)["total"]["residents_covered"]
    assert sum(r["residents_covered"] for r in rows.values()) == total


def test_panel_matches_the_single_date_coverage(built_home: Path, tmp_path: Path):
    path = g287.api.coverage_panel(tmp_path / "panel.parquet", home=built_home)
    with duckdb.connect() as con:
        dates = con.execute(f"SELECT count(DISTINCT list_date), min(list_date), max(list_date) "
                            f"FROM read_parquet('{path}') WHERE basis = 'list'").fetchone()
        early = dict(con.execute(f"SELECT model, count(*) FROM read_parquet('{path}') "
                                 "WHERE list_date = '2010-10-01' AND basis = 'intervals' GROUP BY 1").fetchall())
        by_model = dict(con.execute(f"SELECT model, count(*) FROM read_parquet('{path}') "
                                    "WHERE list_date = '2026-05-18' GROUP BY 1").fetchall())
        duplicates = con.execute(f"SELECT count(*) FROM (SELECT list_date, county_fips, model, count(*) n "
                                 f"FROM read_parquet('{path}') GROUP BY ALL HAVING n > 1)").fetchone()[0]
    assert dates[1] == "2021-01-12" and dates[2] == "2026-05-18" and dates[0] > 200
    expected = g287.coverage(as_of="2026-05-18", home=built_home)["by_model"]
    assert by_model == {m: row["counties"] for m, row in expected.items()}
    assert duplicates == 0
    # Before 2021: a row per quarter from the agreement lives, equal to coverage on that date.
    assert early == {m: row["counties"] for m, row in
                     g287.coverage(as_of="2010-10-01", home=built_home)["by_model"].items()}


def _on(series: list[list], index: int) -> list | None:
    """A county's value on the date ``index`` of a coverage timeline: the last one begun on or before it."""
    begun = [value for value in series if value[0] <= index]
    return begun[-1][1:] if begun and begun[-1][1] else None


def test_timeline_is_the_coverage_and_counts_of_every_slider_date(bundled_ledger):
    """The static map's one file gives, on each slider date, what /api/v1/coverage and /api/v1/counts give."""
    from g287.store.counts import count_agreements
    from g287.store.coverage import coverage, coverage_timeline, map_dates
    from g287.store.in_force import (
        count_in_force,
        count_in_force_on_dates,
        first_list_date,
    )

    timeline = coverage_timeline(bundled_ledger)
    dates = timeline["dates"]
    assert dates == map_dates(bundled_ledger) and dates[0] == "2006-01-01"
    first = first_list_date(bundled_ledger)
    checked = sorted({*range(0, len(dates), 6), dates.index(first) - 1, dates.index(first), len(dates) - 1})
    for index in checked:
        for key, local_only in (("counties", False), ("local_counties", True)):
            expected = {c["county_fips"]: [c["models"], c["coverage_kinds"], c["residents_covered"]]
                        for c in coverage(bundled_ledger, as_of=dates[index], local_only=local_only)["counties"]}
            found = {fips: value for fips, series in timeline[key].items() if (value := _on(series, index))}
            assert found == expected, (dates[index], key)
        counts = count_agreements(bundled_ledger, as_of=dates[index], by="model")
        assert timeline["counts"][index] == {k: counts[k] for k in timeline["counts"][index]}, dates[index]
    assert len(checked) > 50
    # Each county's values begin only where they change: far fewer than a county-by-date grid.
    values = sum(len(series) for series in timeline["counties"].values())
    assert values < len(timeline["counties"]) * 10 < len(timeline["counties"]) * len(dates)
    for key in ("counties", "local_counties"):
        for series in timeline[key].values():
            assert all(before[1:] != after[1:] for before, after in pairwise(series)), key
    assert all(series[0][1] is not None for series in timeline["local_counties"].values())
    # The counts of the quarters before the first list are the intervals' counts, date by date.
    quarters = [d for d in dates if d < first]
    bulk = count_in_force_on_dates(bundled_ledger, quarters)
    for on in quarters:
        one = count_in_force(bundled_ledger, on, "model", None)
        assert (bulk[on]["agreements"], bulk[on]["agencies"], bulk[on]["by"]) == (one["agreements"], one["agencies"], one["by"])


def test_geojson_has_every_county_with_boundaries(built_home: Path, tmp_path: Path):
    path = g287.api.coverage_geojson(tmp_path / "coverage.geojson", as_of="2026-05-18", home=built_home)
    collection = json.loads(path.read_text())
    features = {f["id"]: f for f in collection["features"]}
    assert collection["type"] == "FeatureCollection" and collection["publication_date"] == "2026-05-18"
    covered = g287.coverage(as_of="2026-05-18", home=built_home)["counties"]
    assert {c["county_fips"] for c in covered} <= set(features)  # every covered county can be drawn
    for county in covered:
        properties = features[county["county_fips"]]["properties"]
        assert properties["residents_covered"] == county["residents_covered"]
        assert properties["hispanic_share"] == county["hispanic_share"]
    assert features["48141"]["properties"]["hispanic_share"] > 0.8  # El Paso County, TX: over 80 % Hispanic
    rings = []
    for feature in features.values():
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        rings += [ring for polygon in polygons for ring in polygon]
    assert all(ring[0] == ring[-1] for ring in rings)  # every ring closes
    assert all(-180 <= x <= 180 and -15 <= y <= 72 for ring in rings for x, y in ring)
    # us-atlas quantizes coordinates, which collapses a few tiny islands to a point; nothing more.
    assert sum(len(ring) < 4 for ring in rings) < 0.01 * len(rings)
    leon = features["12073"]  # Leon County, FL: Tallahassee, near 30.45 N, 84.28 W
    xs = [x for ring in leon["geometry"]["coordinates"] for x, _ in ring]
    ys = [y for ring in leon["geometry"]["coordinates"] for _, y in ring]
    assert min(xs) < -84.28 < max(xs) and min(ys) < 30.45 < max(ys)


def _us_atlas() -> Path:
    path = Path(os.environ.get("G287_US_ATLAS") or REPO / ".ci" / "npm" / "node_modules" / "us-atlas" / "counties-10m.json")
    if not path.exists():
        pytest.skip(f"us-atlas not installed at {path}: npm install --prefix .ci/npm us-atlas@3.0.1")
    return path


def test_regenerating_reproduces_the_bundled_map_asset(tmp_path: Path):
    written = write_map_asset(_us_atlas(), tmp_path)
    assert written.read_bytes() == (reference_dir() / MAP_ASSET).read_bytes()


def test_sheriffs_and_cities_carry_their_fbi_ori(built_home: Path):
    sheriff = g287.geo_agency("Lee County Sheriff's Office", state="FL", home=built_home)
    assert (sheriff["ori"], sheriff["ori_match"]) == ("FL0360000", "county")
    city = g287.geo_agency("League City Police Department", state="TX", home=built_home)
    assert city["ori_match"] == "place" and city["ori"].startswith("TX") and city["officers"] > 0
