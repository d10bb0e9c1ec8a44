"""Panel checks: each bad input is a one-line error naming the panel and column, or a counted warning."""

from __future__ import annotations

import polars as pl
import pytest

from g287.errors import StudyError
from g287.studies.panel import check_panel, read_panel
from g287.studies.synthetic import generate_panel

NAMES = {"idname": "unit", "tname": "period", "yname": "y", "gname": "first_treated"}


def _panel() -> pl.DataFrame:
    return generate_panel(n_units=60, n_periods=6, n_cohorts=2, seed=2)


def test_missing_column_is_named():
    with pytest.raises(StudyError) as error:
        check_panel(_panel().drop("y"), **NAMES, source="p.csv")
    assert str(error.value) == ('p.csv: no column "y" (columns: unit, period, first_treated, x). '
                                "Name the right column in the study spec.")


def test_duplicated_unit_period_rows_are_an_error():
    panel = _panel()
    with pytest.raises(StudyError) as error:
        check_panel(pl.concat([panel, panel.head(2)]), **NAMES, source="p.csv")
    assert str(error.value) == ("p.csv: 2 (unit, period) pairs appear more than once, first unit=00001 period=1. "
                                "Keep one row per unit and period.")


def test_non_numeric_outcome_is_named():
    panel = _panel().with_columns(pl.col("y").cast(pl.Utf8))
    panel = panel.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("n/a")).otherwise(pl.col("y"))
                               .alias("y"))
    with pytest.raises(StudyError) as error:
        check_panel(panel, **NAMES, source="p.csv")
    assert str(error.value) == """p.csv: column "y" has a non-numeric value ('n/a'). Fix the value or drop the row."""


def test_missing_periods_drop_units_with_a_counted_warning():
    panel = _panel().filter(~((pl.col("unit") == "00005") & (pl.col("period") == 3)))
    checked = check_panel(panel, **NAMES)
    assert "00005" not in checked.frame["unit"].to_list()
    assert checked.warnings[0].startswith("1 of 60 units lack some of the 6 periods and were dropped")
    kept = check_panel(panel, **NAMES, allow_unbalanced_panel=True)
    assert "00005" in kept.frame["unit"].to_list()


def test_treatment_outside_the_panel_is_reported():
    panel = _panel().with_columns(
        pl.when(pl.col("unit") == "00001").then(9).when(pl.col("unit") == "00002").then(1)
        .otherwise(pl.col("first_treated")).alias("first_treated"))
    checked = check_panel(panel, **NAMES)
    assert ("1 units were already treated in the first period (1) and were dropped: they have no untreated "
            "period to compare.") in checked.warnings
    assert "1 units are first treated after the last period (6); they count as not treated within the panel's " \
           "window." in checked.warnings
    assert checked.frame.filter(pl.col("unit") == "00001")["first_treated"].unique().to_list() == [0]


def test_too_few_untreated_units():
    panel = _panel().with_columns(pl.when(pl.col("first_treated") == 0).then(4).otherwise(pl.col("first_treated"))
                                  .alias("first_treated"))
    with pytest.raises(StudyError) as error:
        check_panel(panel, **NAMES, source="p.csv")
    assert str(error.value) == ('p.csv: no never-treated units to compare with. Set control_group = '
                                '"notyettreated" in the study spec, or add units never treated.')
    assert check_panel(panel, **NAMES, control_group="notyettreated").frame.height == panel.height
    few = _panel().filter((pl.col("first_treated") > 0) | (pl.col("unit") <= "00020"))
    n_never = few.filter(pl.col("first_treated") == 0)["unit"].n_unique()
    assert f"Only {n_never} never-treated comparison units: estimates rest on very few units." in \
        check_panel(few, **NAMES).warnings


def test_changing_treatment_period_is_an_error():
    panel = _panel().with_columns(pl.when((pl.col("unit") == "00003") & (pl.col("period") == 6)).then(5)
                                  .otherwise(pl.col("first_treated")).alias("first_treated"))
    with pytest.raises(StudyError, match="changes over time for 1 units, first unit=00003"):
        check_panel(panel, **NAMES)


def test_read_panel_keeps_leading_zeros_and_reads_parquet(tmp_path):
    panel = _panel()
    panel.write_csv(tmp_path / "p.csv")
    panel.write_parquet(tmp_path / "p.parquet")
    assert read_panel(tmp_path / "p.csv")["unit"][0] == "00001"
    assert read_panel(tmp_path / "p.parquet").equals(panel)
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(StudyError, match=r"bad.parquet: cannot read the panel .* Give a CSV with a header row"):
        read_panel(tmp_path / "bad.parquet")
