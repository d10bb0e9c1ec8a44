"""The removal rule on small, explicit sequences of lists."""

import datetime as dt

from g287.ledger.timeline import MIN_ABSENT_DAYS, MIN_ABSENT_LISTS, build_runs, is_confirmed_absence


def _daily(n: int) -> list[dt.date]:
    return [dt.date(2025, 8, 1) + dt.timedelta(days=i) for i in range(n)]


def test_one_or_two_missing_lists_are_bridged():
    days = _daily(10)
    assert build_runs([0, 1, 3, 4, 7, 8, 9], days) == build_runs(list(range(10)), days)


def test_many_lists_in_a_few_days_are_not_a_removal():
    days = [dt.date(2025, 8, 1)] * 3 + [dt.date(2025, 8, 2)] * 3 + [dt.date(2025, 8, 5)]
    assert len(build_runs([0, 6], days)) == 1  # missing from 5 lists but only 4 days


def test_long_absence_splits_runs():
    days = _daily(40)
    runs = build_runs([0, 1, 2, 30, 31], days)
    assert [(r.start, r.end) for r in runs] == [(0, 2), (30, 31)]


def test_rule_thresholds_are_both_needed():
    weekly = [dt.date(2025, 1, 1) + dt.timedelta(days=7 * i) for i in range(6)]
    assert is_confirmed_absence(0, MIN_ABSENT_LISTS, weekly)
    assert not is_confirmed_absence(0, MIN_ABSENT_LISTS - 1, weekly)
    assert (weekly[MIN_ABSENT_LISTS] - weekly[0]).days >= MIN_ABSENT_DAYS
