"""How many agreements and agencies were in force on a date, in all or grouped by model, state or type; on one
date, on every list date at once, and over time.

Every query uses parameters, never string formatting of user input.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from g287.errors import InputError
from g287.inputs import STATE_NAMES, parse_date, parse_state
from g287.store.in_force import count_in_force
from g287.store.publications import before_ledger, find_publication, newest_date

BY_OPTIONS = ("model", "state", "type")


# What ``by`` groups counts on (presence ``p`` joined with agencies ``a``): an agency's type is its one type.
_GROUP_COLUMNS = {"model": "p.model", "state": "p.state", "type": "coalesce(a.agency_type, 'Unknown')"}


def count_agreements(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None = None, by: str | None = None,
                     state: str | None = None) -> dict:
    """Agreements and distinct agencies in force on ``as_of``: in the newest accepted participating list on or
    before it (``basis`` ``list``) or, before the ledger's first list, from the 2002-2020 intervals (``basis``
    ``intervals``, with ``bounds``: the sure and possible numbers, and ``sources``: the nearest lists).

    ``by`` is ``model``, ``state`` or ``type``. Returns ``{"as_of", "publication_date", "basis", "agreements",
    "agencies", "by", "agencies_by"}`` where ``by`` maps each key to its number of agreements and
    ``agencies_by`` to its number of agencies (both empty when not grouped). An agency's type is its one
    type in the ledger (``agencies.agency_type``), so each agency counts under one type.
    """
    as_of = parse_date(as_of) or newest_date(con)
    if by is not None and by not in BY_OPTIONS:
        raise InputError("by", by, f"is not one of {', '.join(BY_OPTIONS)}.")
    code = parse_state(state)
    if before_ledger(con, as_of):
        return {"as_of": as_of, "publication_date": None, "basis": "intervals",
                **count_in_force(con, as_of, by, code)}
    publication = find_publication(con, as_of)
    result = {"as_of": as_of, "publication_date": None, "basis": "list", "agreements": 0, "agencies": 0, "by": {},
              "agencies_by": {}}
    if publication is None:
        return result
    where = "p.publication_id = ?" + (" AND p.state = ?" if code else "")
    params = [publication["publication_id"]] + ([code] if code else [])
    agreements, agencies = con.execute(
        f"SELECT count(DISTINCT agreement_id), count(DISTINCT agency_id) FROM presence p WHERE {where}",
        params).fetchone()
    result.update(publication_date=publication["list_date"], agreements=agreements, agencies=agencies)
    if by:
        column = _GROUP_COLUMNS[by]
        groups = con.execute(f"SELECT {column} AS k, count(DISTINCT p.agreement_id), count(DISTINCT p.agency_id) "
                             f"FROM presence p JOIN agencies a USING (agency_id) WHERE {where} "
                             "GROUP BY k ORDER BY k", params).fetchall()
        result["by"] = {key: n for key, n, _ in groups}
        result["agencies_by"] = {key: n for key, _, n in groups}
    return result


def count_agreements_on_lists(con: duckdb.DuckDBPyConnection, by: str) -> list[dict]:
    """:func:`count_agreements` grouped ``by`` on every list date (what ``as_of=`` each list date answers): the
    API snapshots of the static site."""
    return counts_on_lists(con, (by,))[by]


def counts_on_lists(con: duckdb.DuckDBPyConnection, groupings: tuple[str, ...] = BY_OPTIONS) -> dict[str, list[dict]]:
    """:func:`count_agreements_on_lists` for each of ``groupings``, all counted in one pass over the presence
    rows (GROUPING SETS: the totals and each grouping of every date). A list's presence rows name each agreement
    once (its first row when ICE lists it twice), so agreements are counted without DISTINCT, which here costs
    a third of the query."""
    for by in groupings:
        if by not in BY_OPTIONS:
            raise InputError("by", by, f"is not one of {', '.join(BY_OPTIONS)}.")
    keys = ", ".join(f"{_GROUP_COLUMNS[by]} AS key_{by}" for by in groupings)
    sets = ", ".join(["(as_of, publication_date)", *(f"(as_of, publication_date, key_{by})" for by in groupings)])
    rows = con.execute(f"""
        WITH lists AS (SELECT publication_id, list_date, seq FROM publications
                       WHERE kind = 'participating' AND status = 'accepted'),
        picked AS (SELECT d.list_date AS as_of, arg_max(l.publication_id, l.seq) AS publication_id,
                          arg_max(l.list_date, l.seq) AS publication_date
                   FROM (SELECT DISTINCT list_date FROM lists) d JOIN lists l ON l.list_date <= d.list_date
                   GROUP BY d.list_date),
        listed AS (SELECT k.as_of, k.publication_date, p.agreement_id, p.agency_id, {keys}
                   FROM picked k LEFT JOIN presence p USING (publication_id) LEFT JOIN agencies a USING (agency_id))
        SELECT as_of, publication_date, {", ".join(f"key_{by}" for by in groupings)},
               GROUPING({", ".join(f"key_{by}" for by in groupings)}) AS grouped,
               count(agreement_id), count(DISTINCT agency_id)
        FROM listed GROUP BY GROUPING SETS ({sets}) ORDER BY ALL""").fetchall()
    # GROUPING() sets one bit per key column, the first column highest: a row of grouping i leaves every other
    # key out (bit set) and keeps its own.
    every = (1 << len(groupings)) - 1
    totals: dict = {}
    grouped: dict[str, dict] = {by: {} for by in groupings}
    for as_of, published, *key_values, bits, agreements, agencies in rows:
        if bits == every:
            totals[as_of] = (published, agreements, agencies)
            continue
        position = next(i for i in range(len(groupings)) if not bits >> (len(groupings) - 1 - i) & 1)
        if agreements:  # a date with no presence rows has a NULL group of nothing
            grouped[groupings[position]].setdefault(as_of, []).append((key_values[position], agreements, agencies))
    return {by: [{"as_of": as_of, "publication_date": published, "basis": "list", "agreements": agreements,
                  "agencies": agencies, "by": {k: n for k, n, _ in grouped[by].get(as_of, [])},
                  "agencies_by": {k: n for k, _, n in grouped[by].get(as_of, [])}}
                 for as_of, (published, agreements, agencies) in sorted(totals.items())]
            for by in groupings}


def count_agreements_by_state(con: duckdb.DuckDBPyConnection, by: str = "model") -> dict[str, dict]:
    """:func:`count_agreements` on the newest list grouped ``by``, for every state at once (two queries): what
    the state pages of the static site show."""
    column = _GROUP_COLUMNS[by]
    as_of = newest_date(con)
    publication = find_publication(con, as_of)
    def empty() -> dict:
        return {"as_of": as_of, "publication_date": publication["list_date"], "basis": "list", "agreements": 0,
                "agencies": 0, "by": {}, "agencies_by": {}}

    result = {code: empty() for code in STATE_NAMES}
    for code, agreements, agencies in con.execute(
            "SELECT state, count(DISTINCT agreement_id), count(DISTINCT agency_id) FROM presence "
            "WHERE publication_id = ? GROUP BY state", [publication["publication_id"]]).fetchall():
        result.setdefault(code, empty()).update(agreements=agreements, agencies=agencies)
    for code, key, agreements, agencies in con.execute(
            f"SELECT p.state, {column} AS k, count(DISTINCT p.agreement_id), count(DISTINCT p.agency_id) "
            "FROM presence p JOIN agencies a USING (agency_id) WHERE p.publication_id = ? GROUP BY ALL "
            "ORDER BY p.state, k", [publication["publication_id"]]).fetchall():
        result[code]["by"][key] = agreements
        result[code]["agencies_by"][key] = agencies
    return result


def count_timeline(con: duckdb.DuckDBPyConnection, state: str | None = None) -> list[dict]:
    """Agreements by model on every date with an accepted participating list (its last list of the day).

    Returns rows ``{"list_date", "model", "agreements"}`` ordered by date and model: the growth of the program.
    """
    code = parse_state(state)
    return _timelines(con, "? IS NULL OR p.state = ?", [code, code]).get(None, [])


def count_timelines_by_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """:func:`count_timeline` of every state at once (one query)."""
    return _timelines(con, "TRUE", [], "p.state")


def _timelines(con: duckdb.DuckDBPyConnection, where: str, params: list, group: str = "NULL") -> dict:
    rows = con.execute(
        f"""
        WITH lists AS (
            SELECT publication_id, list_date FROM (
                SELECT publication_id, list_date, row_number() OVER (PARTITION BY list_date ORDER BY seq DESC) AS n
                FROM publications WHERE kind = 'participating' AND status = 'accepted') WHERE n = 1)
        SELECT {group} AS grp, l.list_date, p.model, count(p.agreement_id)  -- once per list (counts_on_lists)
        FROM lists l JOIN presence p USING (publication_id)
        WHERE {where}
        GROUP BY ALL ORDER BY ALL
        """, params).fetchall()
    groups: dict = {}
    for grp, *row in rows:
        groups.setdefault(grp, []).append(dict(zip(("list_date", "model", "agreements"), row)))
    return groups
