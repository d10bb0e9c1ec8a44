"""Before/after changes at switches: defined on the status calendar, measured on consecutive panel rows."""

from __future__ import annotations

import polars as pl

from g287.studies.switches import estimate_switch_changes


def test_joins_and_leaves_need_consecutive_rows():
    panel = pl.DataFrame({"u": ["a", "a", "a", "b", "b", "b"], "t": [1, 2, 4, 1, 2, 3],
                          "y": [10.0, 12.0, 9.0, 5.0, 5.0, 4.0]})
    status = pl.DataFrame({"u": ["a"] * 4 + ["b"] * 3, "t": [1, 2, 3, 4, 1, 2, 3],
                           "is_on": [False, True, True, False, True, True, False]})
    changes = estimate_switch_changes(panel, status, idname="u", tname="t", yname="y", digits=None)
    # a joins in 2 (measured 2 -> 3, but 3 is missing); a leaves in 4 (3 -> 4, 3 missing); b leaves in 3.
    assert changes.changes.select("u", "switch_period", "kind", "pct_change").rows() == [("b", 3, "left", -20.0)]
    tidy = {r["kind"]: r for r in changes.tidy().iter_rows(named=True)}
    assert tidy["left"]["fell"] == 1 and tidy["joined"]["switches"] == 0
    assert "joined: no switch with consecutive periods" in changes.summary()
