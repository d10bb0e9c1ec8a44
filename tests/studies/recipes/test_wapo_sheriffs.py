"""The Washington Post's sheriffs figures, re-computed from its data (../shared/data/wapo-sheriffs-287g)."""

from __future__ import annotations

import polars as pl
import pytest

from g287.errors import StudyError
from g287.studies.recipes.wapo_sheriffs import (
    PUBLISHED,
    format_comparison,
    replicate,
    run_recipe,
)
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def wapo():
    return shared_path("wapo-sheriffs-287g")


def test_before_after_figures_match_the_posts_notebook(wapo):
    tidy = {r["kind"]: r for r in replicate(wapo).switches.tidy().iter_rows(named=True)}
    assert round(tidy["left"]["median_pct_change"]) == PUBLISHED["left_median_pct"]
    assert (tidy["left"]["fell"], tidy["left"]["rose"]) == (PUBLISHED["left_fell"], PUBLISHED["left_rose"])
    assert round(tidy["joined"]["mean_pct_change"]) == PUBLISHED["joined_mean_pct"]
    assert tidy["left"]["switches"] == 16 and tidy["joined"]["switches"] == 34


def test_annual_rates_match_the_published_chart_where_the_agency_sets_agree(wapo):
    annual = replicate(wapo).annual
    both = annual.filter(pl.col("agencies") == pl.col("chart_agencies"))
    assert both["year"].to_list() == [2017, 2018]
    assert (both["rate"] == both["chart_rate"]).all()
    # Earlier years: the chart counted a few more agencies than the panel; rates stay within 0.4.
    assert (annual.drop_nulls("rate").select((pl.col("rate") - pl.col("chart_rate")).abs().max()).item()) < 0.41


def test_recipe_writes_the_study_and_its_comparison(wapo, tmp_path):
    result, run = run_recipe(wapo, tmp_path)
    assert (tmp_path / "study" / "report.html").is_file()
    assert run.group_time.provenance["estimator"].startswith("csdid")
    assert any(w.startswith("33 units were already treated in the first period") for w in run.group_time.warnings)
    assert "Median % change in the year of leaving" in format_comparison(result)
    # docs/studies/wapo-sheriffs.md: no post-joining event time is told apart from zero.
    dynamic = run.aggregates["dynamic"].tidy().filter(pl.col("label") >= 0)
    assert ((dynamic["conf_low"] < 0) & (dynamic["conf_high"] > 0)).all()
    assert run.group_time.pretest()["note"] is not None
    html = (tmp_path / "study" / "report.html").read_text()
    assert "Wald pre-test over-rejects" in html and "parallel trends is in doubt" not in html


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(StudyError, match="sheriff_lowlevel_arrests_panel_2008_2018.csv: missing"):
        replicate(tmp_path)


def test_a_2008_2018_county_panel_with_ledger_treatment_reports_its_cohorts(wapo, tmp_path):
    from g287.store.connect import open_ledger
    from g287.studies.recipes.wapo_sheriffs import read_participation, run_ledger_study
    from g287.studies.treatment import first_agreements

    comparison, run = run_ledger_study(wapo, tmp_path)
    provenance = run.group_time.provenance
    cohorts = provenance["treated_units_per_cohort"]
    # Every treated county of the panel is in one cohort; the early ones come from the 2002-2020 agreement lives:
    # Mecklenburg (NC, 37119) signed on 2006-02-27, Maricopa (AZ, 04013) on 2007-02-07.
    assert sum(cohorts.values()) == provenance["treated_units_in_panel"]
    panel = pl.read_csv(tmp_path / "county_panel.csv", schema_overrides={"county_fips": pl.Utf8})
    with open_ledger(None) as con:
        first = {r["unit"]: r for r in first_agreements(con, "county")}
    in_panel = set(panel["county_fips"]) - set(provenance["excluded_uncertain_start"])
    expected: dict[str, int] = {}
    for county in in_panel:
        if county in first:
            year = first[county]["treated_on"][:4]
            expected[year] = expected.get(year, 0) + 1
    assert cohorts == dict(sorted(expected.items()))
    assert first["37119"]["treated_on"] == "2006-02-27" and first["04013"]["treated_on"] == "2007-02-07"
    assert provenance["treatment_from_history"] > 0 and cohorts["2007"] > 0
    # Units left out: exactly the panel's counties whose first start is uncertain by more than the tolerance.
    assert provenance["excluded_uncertain_start"] == sorted(
        c for c in set(panel["county_fips"]) if c in first and first[c]["uncertainty_days"] > 366)
    assert "Treated units per cohort" in run.summary()
    # The two codings, sheriff by sheriff: each relation follows from the two first years.
    post = {r["ori"]: r["year"] for r in read_participation(wapo).filter(pl.col("is_on")).group_by("ori")
            .agg(pl.col("year").min()).iter_rows(named=True)}
    for row in comparison.iter_rows(named=True):
        assert row["post_first_year"] == post.get(row["ori"])
        if row["relation"] == "same year":
            assert row["post_first_year"] == row["ledger_first_year"]
    assert comparison.height == 129 and (comparison["relation"] == "same year").sum() > 100
