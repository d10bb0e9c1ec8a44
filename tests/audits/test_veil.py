"""Veil of darkness: recovers a known effect; the fit on aggregated cells equals the row-level GLM fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from g287.audits.aggregate import aggregate_stops
from g287.audits.sun import compute_sun_minutes
from g287.audits.synthetic import generate_stops, write_stops
from g287.audits.veil import (
    design_matrix,
    estimate_veil_of_darkness,
    fit_binomial,
    spline_knots,
)
from g287.errors import AuditError
from tests.audits.conftest import DARKNESS


def test_recovers_the_darkness_effect_within_its_interval(synthetic_parquet: Path):
    result = estimate_veil_of_darkness(synthetic_parquet)
    row = result.tidy().iloc[0]
    assert row["term"] == "is_dark" and row["conf_low"] < DARKNESS < row["conf_high"]
    assert row["std_error"] < 0.05 and row["p_value"] < 1e-6
    assert result.coef() == {"is_dark": row["estimate"]}
    assert list(result.tidy().columns) == ["term", "estimate", "std_error", "statistic", "p_value", "conf_low",
                                           "conf_high"]
    assert result.spec["minority"] == "black" and result.spec["df"] == 6 and result.spec["window"][0] < 1020


def test_no_effect_is_not_found_where_there_is_none(tmp_path: Path):
    path = write_stops(tmp_path / "null.parquet", n=150_000, darkness_effect=0.0, seed=5)
    row = estimate_veil_of_darkness(path).tidy().iloc[0]
    assert row["conf_low"] < 0 < row["conf_high"]


def _row_level(stops: pd.DataFrame) -> pd.DataFrame:
    """OPP's veil-of-darkness rules applied stop by stop in pandas, independently of the SQL."""
    stops = stops.assign(stop_on=pd.to_datetime(stops["date"]).dt.date)
    clock = stops["time"].str.split(":", expand=True).astype(int)
    stops["minute"] = clock[0] * 60 + clock[1]
    places = stops[["location", "stop_on", "lat", "lng", "tz"]].drop_duplicates()
    stops = stops.merge(compute_sun_minutes(places), on=["location", "stop_on"])
    start, end = stops["sunset_minute"].min(), stops["dusk_minute"].max()
    keep = (stops["subject_race"].isin(["white", "black"]) & stops["minute"].between(start, end)
            & ~((stops["minute"] > stops["sunset_minute"]) & (stops["minute"] < stops["dusk_minute"])))
    rows = stops[keep].copy()
    rows["rounded_minute"] = np.floor((rows["minute"] + 2.5) / 5).astype(int) * 5
    rows["is_dark"] = (rows["minute"] > rows["dusk_minute"]).astype(int)
    return rows.reset_index(drop=True)


def test_aggregated_fit_equals_row_level_fit(tmp_path: Path):
    path = write_stops(tmp_path / "small.parquet", n=30_000, darkness_effect=DARKNESS, seed=8)
    rows = _row_level(generate_stops(30_000, darkness_effect=DARKNESS, seed=8))
    knots = spline_knots(rows["rounded_minute"])
    locations = sorted(rows["location"].unique())
    row_fit = fit_binomial(design_matrix(rows, knots, locations), (rows["subject_race"] == "black").astype(int),
                           np.ones(len(rows)))
    aggregated = estimate_veil_of_darkness(path).fits["all"]
    assert aggregated.stops == len(rows)
    assert len(aggregated.coefficients) == len(row_fit.params) == 2 + 6 + len(locations) - 1
    np.testing.assert_allclose(aggregated.coefficients["estimate"], row_fit.params.to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(aggregated.coefficients["std_error"], row_fit.bse.to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(aggregated.knots[0], knots[0], rtol=0, atol=1e-12)


def test_weighted_knots_equal_knots_of_the_expanded_data():
    rng = np.random.default_rng(3)
    values = rng.integers(990, 1290, size=50) // 5 * 5
    weights = rng.integers(1, 40, size=50)
    expanded = np.repeat(values, weights)
    inner, low, high = spline_knots(values, weights, df=6)
    np.testing.assert_allclose(inner, np.quantile(expanded, np.linspace(0, 1, 7)[1:-1]), rtol=0, atol=1e-12)
    assert (low, high) == (expanded.min(), expanded.max())


def test_split_fits_each_period_and_their_difference(synthetic_parquet: Path):
    import datetime as dt

    cells = aggregate_stops(synthetic_parquet, split_on=dt.date(2025, 2, 28))
    result = estimate_veil_of_darkness(cells)
    tidy = result.tidy().set_index("term")
    assert list(tidy.index) == ["is_dark:before", "is_dark:after", "is_dark:after-before"]
    difference = tidy.loc["is_dark:after", "estimate"] - tidy.loc["is_dark:before", "estimate"]
    assert tidy.loc["is_dark:after-before", "estimate"] == pytest.approx(difference, abs=1e-12)
    assert tidy.loc["is_dark:after-before", "conf_low"] < 0 < tidy.loc["is_dark:after-before", "conf_high"]
    assert set(result.exclusions["period"]) == {"before", "after"}


def test_summary_and_plot(synthetic_parquet: Path, tmp_path: Path):
    result = estimate_veil_of_darkness(synthetic_parquet, minority="black")
    text = result.summary()
    assert text.startswith("Veil of darkness (black vs white drivers; window ")
    assert "excluded (all): between sunset and dusk: " in text and "race not white or black" in text
    figure = result.plot(tmp_path / "veil.png")
    assert (tmp_path / "veil.png").stat().st_size > 10_000 and len(figure.axes) == 1


def test_too_few_stops_is_an_error(tmp_path: Path):
    path = write_stops(tmp_path / "tiny.csv", n=40, seed=1)
    with pytest.raises(AuditError) as caught:
        estimate_veil_of_darkness(path, minority="other")
    assert str(caught.value) == ("Veil of darkness, period all: not enough stops to fit; it needs stops of both "
                                 "races in daylight and after dusk within the inter-twilight window.")


def test_intervals_cover_the_true_effect_across_samples(tmp_path: Path):
    covered, estimates = 0, []
    for seed in range(100, 116):
        path = write_stops(tmp_path / f"s{seed}.parquet", n=30_000, darkness_effect=DARKNESS, seed=seed)
        row = estimate_veil_of_darkness(path).tidy().iloc[0]
        covered += row["conf_low"] < DARKNESS < row["conf_high"]
        estimates.append(row["estimate"])
    # 95% intervals: 16 samples should miss about once; three or more misses would be rare (p < 0.05).
    assert covered >= 14
    assert abs(np.mean(estimates) - DARKNESS) < 0.05
