"""g287 check: the rules bite when what they guard breaks."""

from __future__ import annotations

from g287.store.agencies import LISTED_AGENCIES_SQL
from g287.store.checks import ZERO_COUNT_RULES


def _rule(name: str) -> str:
    return next(sql for check, _, sql in ZERO_COUNT_RULES if check.startswith(name))


def test_agencies_listed_equal_counted_fails_when_a_rows_type_splits_an_agency(ledger):
    for name in ("lists whose agencies listed", "(list, state) pairs"):
        sql = _rule(name)
        assert ledger.execute(sql).fetchone()[0] == 0
        # Grouping by each row's TYPE, as g287 agencies once did, lists Hopewell (VA) twice on 2025-08-19.
        split = sql.replace(LISTED_AGENCIES_SQL, LISTED_AGENCIES_SQL.replace("a.agency_type", "p.agency_type"))
        assert split != sql and ledger.execute(split).fetchone()[0] > 0
