"""The outcome (hit-rate) test: of the stops that led to a search, the share that found contraband, by race.

If officers search drivers of one race on less evidence, those searches succeed less often: a lower hit rate
for a group suggests a lower bar for searching it (Becker 1957; Knowles, Persico and Todd 2001; OPP). Hit rates
are reported per (period, location, race) and pooled per period, with differences against white drivers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from g287.audits.aggregate import MISSING_RACE, StopCells, aggregate_stops
from g287.audits.inference import difference_row, period_term, tidy_frame, tidy_row
from g287.errors import AuditError

BASELINE = "white"


PERIODS = ("all", "before", "after", "undated")


def _rates(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    table = cells.groupby(keys, as_index=False)[["stops", "searches", "hits"]].sum()
    order = table["period"].map({p: i for i, p in enumerate(PERIODS)})
    table = table.assign(order=order).sort_values(["order", *keys[1:]]).drop(columns="order").reset_index(drop=True)
    table["search_rate"] = table["searches"] / table["stops"]
    table["hit_rate"] = (table["hits"] / table["searches"]).where(table["searches"] > 0)
    return table


@dataclass(frozen=True)
class HitRateResult:
    """Result of :func:`estimate_hit_rates`."""

    by_location: pd.DataFrame
    by_race: pd.DataFrame
    spec: dict
    provenance: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Pooled hit rate per race and period (``hit_rate[black]``, ``hit_rate[black]:after``) and each race's
        difference from white drivers (``hit_rate[black]-hit_rate[white]``), with binomial standard errors."""
        rows = []
        for period, group in self.by_race.groupby("period", sort=False):
            estimates = {}
            for record in group.itertuples():
                if record.searches == 0 or record.subject_race == MISSING_RACE:
                    continue
                rate = record.hits / record.searches
                estimates[record.subject_race] = tidy_row(
                    period_term(f"hit_rate[{record.subject_race}]", period), rate,
                    math.sqrt(rate * (1 - rate) / record.searches), self.spec["conf_level"])
            rows += estimates.values()
            if BASELINE in estimates:
                rows += [difference_row(period_term(f"hit_rate[{race}]-hit_rate[{BASELINE}]", period), row,
                                        estimates[BASELINE], self.spec["conf_level"])
                         for race, row in estimates.items() if race != BASELINE]
        return tidy_frame(rows)

    def coef(self) -> dict[str, float]:
        """Estimates by term, from :meth:`tidy`."""
        tidy = self.tidy()
        return dict(zip(tidy["term"], tidy["estimate"]))

    def summary(self) -> str:
        """A plain-text table of stops, searches, hits and rates by period and race."""
        from g287.audits.presentation import hit_rate_summary

        return hit_rate_summary(self)

    def plot(self, path: Path | str | None = None):
        """Hit rate of each race against white drivers' per location, as in OPP (matplotlib Figure)."""
        from g287.audits.presentation import plot_hit_rates

        return plot_hit_rates(self, path)


def estimate_hit_rates(stops: StopCells | Path | str, conf_level: float = 0.95, **aggregate_options) -> HitRateResult:
    """Outcome test on stop records (a file, or cells from :func:`aggregate_stops`).

    Counts stops, searches (``search_conducted``) and hits (searches with ``contraband_found``) per period,
    location and race. Other keyword arguments go to :func:`aggregate_stops` when ``stops`` is a path.

    >>> from g287.audits.synthetic import write_stops
    >>> import tempfile
    >>> path = write_stops(Path(tempfile.mkdtemp()) / "stops.parquet", n=20_000, seed=4)
    >>> result = estimate_hit_rates(path)
    >>> result.by_race[["subject_race", "stops"]].head(2).values.tolist()
    [['(missing)', 371], ['asian/pacific islander', 720]]
    """
    if not isinstance(stops, StopCells):
        stops = aggregate_stops(stops, **aggregate_options)
    if "search_conducted" not in stops.columns or "contraband_found" not in stops.columns:
        raise AuditError(f'{stops.source}: the outcome test needs columns "search_conducted" and '
                         '"contraband_found". Add them or pass --column search_conducted=NAME '
                         "--column contraband_found=NAME.")
    by_location = _rates(stops.cells, ["period", "location", "subject_race"])
    by_race = _rates(stops.cells, ["period", "subject_race"])
    spec = {"conf_level": conf_level, "engine": stops.engine, "columns": dict(stops.columns),
            "split_on": stops.split_on.isoformat() if stops.split_on else None}
    provenance = {"source": stops.source, "first_on": stops.first_on, "last_on": stops.last_on}
    return HitRateResult(by_location=by_location, by_race=by_race, spec=spec, provenance=provenance)
