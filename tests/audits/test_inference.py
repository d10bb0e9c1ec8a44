"""Tidy rows: Wald statistics, p-values and intervals; differences of independent estimates."""

from __future__ import annotations

import math

import pytest

from g287.audits.inference import (
    TIDY_COLUMNS,
    difference_row,
    period_term,
    tidy_frame,
    tidy_row,
)


def test_tidy_row_at_95_and_90_percent():
    row = tidy_row("is_dark", 0.196, 0.1)
    assert row["p_value"] == pytest.approx(0.05, abs=1e-4)
    assert row["conf_low"] == pytest.approx(0.0, abs=1e-4) and row["conf_high"] == pytest.approx(0.392, abs=1e-4)
    narrow = tidy_row("is_dark", 0.196, 0.1, conf_level=0.90)
    assert narrow["conf_high"] - narrow["conf_low"] == pytest.approx(2 * 1.644854 * 0.1, abs=1e-6)


def test_zero_standard_error_gives_no_test():
    row = tidy_row("hit_rate[other]", 0.0, 0.0)
    assert math.isnan(row["statistic"]) and math.isnan(row["p_value"]) and row["conf_low"] == row["conf_high"] == 0


def test_difference_and_frame():
    after, before = tidy_row("a", 0.6, 0.03), tidy_row("b", 0.5, 0.04)
    row = difference_row("is_dark:after-before", after, before)
    assert row["estimate"] == pytest.approx(0.1) and row["std_error"] == pytest.approx(0.05)
    frame = tidy_frame([after, before, row])
    assert tuple(frame.columns) == TIDY_COLUMNS and frame["term"].tolist() == ["a", "b", "is_dark:after-before"]
    assert period_term("hit_rate[black]", "before") == "hit_rate[black]:before"
