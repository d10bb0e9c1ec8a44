"""Counts of agreements and agencies: the JSON shape and codes, dates before the first list, one state, and every
list date counted in one pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import g287
from g287.errors import QueryError
from tests.conftest import run_cli


def test_counts_json_shape_and_codes(built_home: Path):
    result = run_cli(built_home, "counts", "--as-of", "2026-05-18", "--by", "state", "--json")
    data = json.loads(result.output)
    assert list(data) == ["as_of", "publication_date", "basis", "agreements", "agencies", "by", "agencies_by"]
    assert data["as_of"] == "2026-05-18" and data["publication_date"] == "2026-05-18"
    assert {"FL", "GU", "MP", "TX"} <= set(data["by"]) and sum(data["by"].values()) == data["agreements"]
    assert set(data["agencies_by"]) == set(data["by"]) and sum(data["agencies_by"].values()) == data["agencies"]
    by_model = json.loads(run_cli(built_home, "counts", "--as-of", "2026-05-18", "--by", "model", "--json").output)
    assert set(by_model["by"]) == {"JEM", "TFM", "WSO"}


def test_counts_before_any_list_and_for_one_state(built_home: Path):
    before_2021 = g287.counts(as_of="2020-01-01", home=built_home)
    assert (before_2021["publication_date"], before_2021["basis"]) == (None, "intervals")
    assert before_2021["agencies"] > 0
    before_the_program = g287.counts(as_of="2001-12-31", home=built_home)
    assert (before_the_program["agreements"], before_the_program["bounds"]["agencies_high"]) == (0, 0)
    assert "68 agencies (68 to 68; 0 uncertain on this date)" in run_cli(built_home, "counts", "--as-of",
                                                                     "2012-06-01").output
    florida = g287.counts(as_of="2026-05-18", state="Florida", by="type", home=built_home)
    assert florida == g287.counts(as_of="2026-05-18", state="fl", by="type", home=built_home)
    assert sum(florida["by"].values()) == florida["agreements"] > 300


def test_counts_on_every_list_date_in_one_pass_equal_each_date_counted_alone(ledger):
    """The static site's snapshots count every grouping of every list date in one query; each date's answer is
    what ``count_agreements(as_of=D, by=...)`` gives for that date alone (every fifth date, and the last)."""
    from g287.store.counts import (
        count_agreements,
        count_agreements_on_lists,
        counts_on_lists,
    )

    every = counts_on_lists(ledger)
    assert set(every) == {"model", "state", "type"}
    dates = [c["as_of"] for c in every["model"]]
    assert all([c["as_of"] for c in counts] == dates for counts in every.values())
    for index in [*range(0, len(dates), 5), len(dates) - 1]:
        for by, counts in every.items():
            alone = count_agreements(ledger, as_of=dates[index], by=by)
            assert counts[index] == {key: alone[key] for key in counts[index]}, (dates[index], by)
            assert set(alone) - set(counts[index]) <= {"bounds"}
    assert count_agreements_on_lists(ledger, "type") == every["type"]
    with pytest.raises(QueryError):
        counts_on_lists(ledger, ("county",))
