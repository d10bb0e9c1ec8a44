"""Outcome test: hit rates by race; the Rhode Island file's documented counts and rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from g287.audits.aggregate import aggregate_stops
from g287.audits.outcome import estimate_hit_rates
from g287.errors import AuditError
from tests.conftest import shared_path

RI_CENTER = (41.7, -71.5)


@pytest.fixture(scope="module")
def ri_hit_rates():
    return estimate_hit_rates(shared_path("stops/ri_statewide_truncated/police.csv"), center=RI_CENTER)


def test_ri_counts_and_rates_match_the_data_documentation(ri_hit_rates):
    # Quick facts of stops/SOURCES.md: race counts, search rates, searches and drug-related share of searches.
    by_race = ri_hit_rates.by_race.set_index("subject_race")
    assert by_race["stops"].to_dict() == {"(missing)": 1_454, "asian/pacific islander": 763, "black": 3_256,
                                          "hispanic": 1_456, "other": 95, "white": 20_894}
    assert by_race["searches"].sum() == 1_148
    assert round(by_race.loc["white", "search_rate"], 4) == 0.0338
    assert round(by_race.loc["black", "search_rate"], 4) == 0.0906
    assert round(by_race.loc["hispanic", "search_rate"], 4) == 0.0872
    assert by_race.loc[["white", "black", "hispanic"], "searches"].tolist() == [707, 295, 127]
    assert [round(by_race.loc[r, "hit_rate"], 3) for r in ("white", "black", "hispanic")] == [0.180, 0.203, 0.087]
    assert ri_hit_rates.spec["columns"]["contraband_found"] == "drugs_related_stop"


def test_ri_by_zone(ri_hit_rates):
    zones = set(ri_hit_rates.by_location["location"])
    assert zones == {"Zone K1", "Zone K2", "Zone K3", "Zone X1", "Zone X3", "Zone X4", "(missing)"}
    assert ri_hit_rates.by_location["stops"].sum() == 27_918


def test_tidy_has_rates_and_differences_from_white(synthetic_parquet: Path):
    result = estimate_hit_rates(synthetic_parquet)
    tidy = result.tidy().set_index("term")
    white = result.by_race.set_index("subject_race").loc["white"]
    assert tidy.loc["hit_rate[white]", "estimate"] == white["hits"] / white["searches"]
    difference = tidy.loc["hit_rate[black]", "estimate"] - tidy.loc["hit_rate[white]", "estimate"]
    assert tidy.loc["hit_rate[black]-hit_rate[white]", "estimate"] == pytest.approx(difference, abs=1e-15)
    # The synthetic hit rates are 0.25 for black and 0.30 for white drivers.
    assert tidy.loc["hit_rate[black]-hit_rate[white]", "conf_high"] < 0
    assert result.coef()["hit_rate[white]"] == tidy.loc["hit_rate[white]", "estimate"]
    assert "(missing)" not in " ".join(tidy.index)


def test_summary_and_plot(synthetic_parquet: Path, tmp_path: Path):
    result = estimate_hit_rates(synthetic_parquet)
    assert result.summary().splitlines()[0] == "Outcome test (hit rate of searches)"
    figure = result.plot(tmp_path / "hits.png")
    assert (tmp_path / "hits.png").exists() and len(figure.axes) == 1


def test_without_search_columns_the_outcome_test_is_an_error(tmp_path: Path):
    path = tmp_path / "stops.csv"
    path.write_text("date,time,subject_race,lat,lng\n2017-06-27,21:30,white,39.95,-75.16\n")
    cells = aggregate_stops(path, tz="America/New_York")
    assert cells.notes == ['no "search_conducted" or "contraband_found" column: the outcome test is not run.']
    with pytest.raises(AuditError) as caught:
        estimate_hit_rates(cells)
    assert str(caught.value) == ('stops.csv: the outcome test needs columns "search_conducted" and "contraband_found". '
                                 "Add them or pass --column search_conducted=NAME --column contraband_found=NAME.")
