"""Presence of a record across an ordered series of lists, and the removal rule.

**Removal rule.** A record (an agreement, or a pending agency) that is missing from a list is not taken as
removed until it has been missing from at least :data:`MIN_ABSENT_LISTS` consecutive lists *and* for at
least :data:`MIN_ABSENT_DAYS` days, counted from the last list that showed it to the last list that did
not. Shorter absences are bridged: the record counts as continuously listed and no event is emitted.

Why: in the 2025-2026 archive, agreements that vanished and came back were missing from 1 to 4 lists
spanning at most 7 days (ICE's own re-exports drop and restore rows); every longer absence lasted at least
10 lists and 43 days. Counting lists alone would misfire on days with three lists; counting days alone would
misfire in the monthly HTML-era sample, where one missing list already spans a month.

A record missing from the newest lists is not active either way; its removal event is then marked
provisional until the rule is met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MIN_ABSENT_LISTS = 3
MIN_ABSENT_DAYS = 14


@dataclass(slots=True)
class Run:
    """An unbroken stretch of listing: indices of the first and last list (inclusive), and the record's row
    number in each of them. ``after`` is filled in when the record goes missing: what its agency held in the
    first list without it (for ``model_dropped``)."""

    start: int
    end: int
    start_row: int | None = None
    end_row: int | None = None
    after: tuple[str, ...] | None = None


def is_confirmed_absence(last_seen: int, last_absent: int, dates: list[dt.date]) -> bool:
    """True when missing from lists ``last_seen + 1 .. last_absent`` meets the removal rule.

    >>> days = [dt.date(2025, 7, d) for d in (1, 2, 3, 4, 20)]
    >>> is_confirmed_absence(0, 3, days), is_confirmed_absence(0, 4, days)
    (False, True)
    """
    missing = last_absent - last_seen
    return missing >= MIN_ABSENT_LISTS and (dates[last_absent] - dates[last_seen]).days >= MIN_ABSENT_DAYS


def add_listing(runs: list[Run], index: int, row_number: int | None, dates: list[dt.date]) -> bool:
    """Record that a record is listed in list ``index`` (no earlier than any list already recorded) at
    ``row_number``; a short absence since its last listing is bridged, a confirmed one starts a new run.
    Returns False when the record was already listed in that list (its first row counts).

    >>> days = [dt.date(2025, 7, 1) + dt.timedelta(days=7 * i) for i in range(8)]
    >>> runs = []
    >>> [add_listing(runs, i, 10 + i, days) for i in (0, 1, 1, 3, 7)]
    [True, True, False, True, True]
    >>> [(r.start, r.end, r.start_row, r.end_row) for r in runs]
    [(0, 3, 10, 13), (7, 7, 17, 17)]
    """
    if runs:
        run = runs[-1]
        if run.end == index:
            return False
        if index == run.end + 1 or not is_confirmed_absence(run.end, index - 1, dates):
            run.end, run.end_row, run.after = index, row_number, None
            return True
    runs.append(Run(index, index, row_number, row_number))
    return True


def build_runs(indices: list[int], dates: list[dt.date]) -> list[Run]:
    """Split the sorted list ``indices`` where a record was listed into runs, bridging short absences.

    >>> days = [dt.date(2025, 7, 1) + dt.timedelta(days=7 * i) for i in range(8)]
    >>> [(r.start, r.end) for r in build_runs([0, 1, 3, 7], days)]
    [(0, 3), (7, 7)]
    """
    runs: list[Run] = []
    for index in indices:
        add_listing(runs, index, None, dates)
    return runs
