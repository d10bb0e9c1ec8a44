"""Which of ICE's lists answers for a date: the accepted participating lists, their dates, and whether a date
falls before the ledger's first list (where the 2002-2020 intervals answer instead)."""

from __future__ import annotations

import duckdb

from g287.errors import NoLedgerError
from g287.store.in_force import first_list_date


def find_publication(con: duckdb.DuckDBPyConnection, as_of: str, kind: str = "participating") -> dict | None:
    """The newest accepted list of ``kind`` dated on or before ``as_of``."""
    row = con.execute(
        "SELECT publication_id, list_date, slot FROM publications WHERE kind = ? AND status = 'accepted' "
        "AND list_date <= ? ORDER BY seq DESC LIMIT 1", [kind, as_of]).fetchone()
    return dict(zip(("publication_id", "list_date", "slot"), row)) if row else None


def newest_date(con: duckdb.DuckDBPyConnection) -> str:
    """Date of the newest accepted participating list."""
    row = con.execute("SELECT max(list_date) FROM publications WHERE kind = 'participating' "
                      "AND status = 'accepted'").fetchone()
    if row[0] is None:
        raise NoLedgerError("The ledger has no accepted participating list. Import one and run \"g287 build\".")
    return row[0]


def list_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every date with an accepted participating list, oldest first."""
    return [r[0] for r in con.execute("SELECT DISTINCT list_date FROM publications WHERE kind = 'participating' "
                                      "AND status = 'accepted' ORDER BY 1").fetchall()]


def before_ledger(con: duckdb.DuckDBPyConnection, as_of: str) -> bool:
    """True for a date before the ledger's first list, which the 2002-2020 intervals answer."""
    first = first_list_date(con)
    return first is not None and as_of < first


def history_sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The sources of the years before ICE's lists (rosters and histories), by reader, grade and claim: how
    many lists each has and the dates of its first and last, oldest first."""
    sources = con.execute("SELECT reader, grade, claim, count(*), min(list_date), max(list_date) FROM publications "
                          "WHERE kind IN ('history', 'roster') GROUP BY ALL ORDER BY min(list_date), reader, grade, claim"
                          ).fetchall()
    return [dict(zip(("reader", "grade", "claim", "lists", "first_on", "last_on"), s)) for s in sources]
