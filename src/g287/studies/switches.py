"""Before/after changes when units switch treatment on or off (the Washington Post's 2021 sheriffs method).

For each unit that joins (status on this period, off the period before) the change is measured from the
joining period to the next one; for each unit that leaves (off this period, on the period before) from the
period before to the leaving period. Both need the two panel rows to be consecutive periods. This is a
descriptive comparison without a control group: use :func:`g287.studies.estimate_att_gt` for effects.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import polars as pl

from g287.errors import StudyError


@dataclass(frozen=True)
class SwitchChanges:
    """Percentage changes of the outcome at each switch, and their summary by kind (joined, left)."""

    changes: pl.DataFrame
    yname: str

    def tidy(self) -> pl.DataFrame:
        """Per kind: switches measured, median and mean % change, how many fell, rose or stayed."""
        rows = []
        for kind in ("joined", "left"):
            values = self.changes.filter(pl.col("kind") == kind)["pct_change"].to_list()
            rows.append({"kind": kind, "switches": len(values),
                         "median_pct_change": statistics.median(values) if values else None,
                         "mean_pct_change": statistics.fmean(values) if values else None,
                         "fell": sum(v < 0 for v in values), "rose": sum(v > 0 for v in values),
                         "unchanged": sum(v == 0 for v in values)})
        return pl.DataFrame(rows)

    def summary(self) -> str:
        """One line per kind."""
        lines = []
        for r in self.tidy().iter_rows(named=True):
            if not r["switches"]:
                lines.append(f"{r['kind']}: no switch with consecutive periods")
                continue
            lines.append(f"{r['kind']}: {r['switches']} switches; {self.yname} median change "
                         f"{r['median_pct_change']:+.2f}%, mean {r['mean_pct_change']:+.2f}%; fell in {r['fell']}, "
                         f"rose in {r['rose']}")
        return "\n".join(lines)


def estimate_switch_changes(panel: pl.DataFrame, status: pl.DataFrame, *, idname: str, tname: str, yname: str,
                            status_name: str = "is_on", digits: int | None = 1) -> SwitchChanges:
    """Changes of ``yname`` when a unit's status switches, from a panel and a unit x period status table.

    ``status`` must hold every period of each unit (the panel may have gaps): a switch is defined on the
    status calendar, and measured only where the panel has both periods. ``digits`` rounds each change as
    the Post did (``None`` keeps full precision).

    >>> panel = pl.DataFrame({"u": ["a"] * 3, "t": [1, 2, 3], "y": [10.0, 11.0, 12.0]})
    >>> status = pl.DataFrame({"u": ["a"] * 3, "t": [1, 2, 3], "is_on": [False, True, True]})
    >>> estimate_switch_changes(panel, status, idname="u", tname="t", yname="y").changes["pct_change"].to_list()
    [9.1]
    """
    missing = [c for c in (idname, tname, yname) if c not in panel.columns]
    missing += [c for c in (idname, tname, status_name) if c not in status.columns]
    if missing:
        raise StudyError(f'No column "{missing[0]}" in the panel or status table. Name the right column.')
    status = status.select(idname, tname, status_name).sort(idname, tname).with_columns(
        pl.col(status_name).shift(1).over(idname).alias("_was_on"),
        pl.col(tname).shift(1).over(idname).alias("_previous_period"))
    events = status.filter(pl.col("_was_on").is_not_null() & (pl.col("_previous_period") == pl.col(tname) - 1)
                           & (pl.col(status_name) != pl.col("_was_on"))).select(
        idname, pl.col(tname).alias("switch_period"),
        pl.when(pl.col(status_name)).then(pl.lit("joined")).otherwise(pl.lit("left")).alias("kind"))
    values = panel.select(idname, tname, yname)
    # Joining is measured from the joining period to the next; leaving from the period before to the leaving one.
    measured = events.with_columns(
        pl.when(pl.col("kind") == "joined").then(pl.col("switch_period")).otherwise(pl.col("switch_period") - 1)
        .alias("from_period")).with_columns((pl.col("from_period") + 1).alias("to_period"))
    measured = (measured.join(values.rename({tname: "from_period", yname: "before"}), on=[idname, "from_period"])
                .join(values.rename({tname: "to_period", yname: "after"}), on=[idname, "to_period"])
                .filter(pl.col("before") != 0))
    change = (pl.col("after") - pl.col("before")) / pl.col("before") * 100
    measured = measured.with_columns((change.round(digits) if digits is not None else change).alias("pct_change"))
    return SwitchChanges(changes=measured.sort(idname, "switch_period"), yname=yname)
