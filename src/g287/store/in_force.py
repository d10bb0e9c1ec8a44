"""What was in force on a date before ICE's first list in the ledger: answers from the ``intervals`` table.

An interval is in force on D *by its best dates* when ``start_on <= D < end_on``, *surely* when
``start_latest_on <= D < end_earliest_on`` and *possibly* when ``start_earliest_on <= D < end_latest_on`` (a
null end: it reaches the ledger's first list). A count gives the best number with the sure (low) and possible
(high) ones, so uncertainty is never silent (see g287.ledger.history).
"""

from __future__ import annotations

import duckdb

# SQL conditions on ``intervals i`` for a date bound as the parameter ``$on``.
BEST = "(i.start_on <= $on AND (i.end_on IS NULL OR $on < i.end_on))"
SURE = "(i.start_latest_on <= $on AND (i.end_earliest_on IS NULL OR $on < i.end_earliest_on))"
POSSIBLE = "(i.start_earliest_on <= $on AND (i.end_latest_on IS NULL OR $on < i.end_latest_on))"
# The same condition with positional parameters (one ``?`` per use of the date), for queries built around it.
BEST_POSITIONAL = BEST.replace("$on", "?")
GROUP_COLUMNS = {"model": "coalesce(i.model, 'Unknown')", "state": "i.state",
                 "type": "coalesce(a.agency_type, 'Unknown')"}


def first_list_date(con: duckdb.DuckDBPyConnection) -> str | None:
    """Date of the ledger's first accepted participating list: from it on, answers come from the lists."""
    return con.execute("SELECT min(list_date) FROM publications WHERE kind = 'participating' "
                       "AND status = 'accepted'").fetchone()[0]


def count_in_force(con: duckdb.DuckDBPyConnection, as_of: str, by: str | None, state: str | None) -> dict:
    """Agreements and agencies in force on ``as_of`` from the intervals, each with its low and high bound."""
    params = {"on": as_of, "state": state}
    where = "($state IS NULL OR i.state = $state)"
    select = (f"count(*) FILTER (WHERE {BEST}), count(DISTINCT i.agency_id) FILTER (WHERE {BEST}), "
              f"count(*) FILTER (WHERE {SURE}), count(DISTINCT i.agency_id) FILTER (WHERE {SURE}), "
              f"count(*) FILTER (WHERE {POSSIBLE}), count(DISTINCT i.agency_id) FILTER (WHERE {POSSIBLE})")
    totals = con.execute(f"SELECT {select} FROM intervals i WHERE {where}", params).fetchone()
    result = {"agreements": totals[0], "agencies": totals[1],
              "bounds": {"agreements_low": totals[2], "agreements_high": totals[4],
                         "agencies_low": totals[3], "agencies_high": totals[5],
                         "uncertain_agencies": totals[5] - totals[3]},
              "by": {}, "agencies_by": {}}
    if by:
        groups = con.execute(
            f"SELECT {GROUP_COLUMNS[by]} AS k, count(*) FILTER (WHERE {BEST}), "
            f"count(DISTINCT i.agency_id) FILTER (WHERE {BEST}) FROM intervals i "
            f"LEFT JOIN agencies a USING (agency_id) WHERE {where} AND {POSSIBLE} GROUP BY k ORDER BY k",
            params).fetchall()
        result["by"] = {key: n for key, n, m in groups if m}
        result["agencies_by"] = {key: m for key, n, m in groups if m}
    result["sources"] = _sources_around(con, as_of)
    return result


def count_in_force_on_dates(con: duckdb.DuckDBPyConnection, dates: list[str]) -> dict[str, dict]:
    """Per date, the agreements and agencies in force by the intervals' best dates, in all and by model: what
    :func:`count_in_force` counts (``by="model"``, no state) on each of ``dates``, in two queries for all of them
    (the static site's map)."""
    # The dates are a list parameter: building an Arrow table of them would make pyarrow import pandas.
    on_dates = "(SELECT unnest(?::VARCHAR[]) AS on_)"
    best = BEST.replace("$on", "d.on_")
    totals = con.execute(f"SELECT d.on_, count(i.agency_id), count(DISTINCT i.agency_id) FROM {on_dates} d "
                         f"LEFT JOIN intervals i ON {best} GROUP BY ALL", [dates]).fetchall()
    result = {on: {"agreements": n, "agencies": m, "by": {}, "basis": "intervals", "publication_date": None}
              for on, n, m in totals}
    for on, key, n in con.execute(f"SELECT d.on_, {GROUP_COLUMNS['model']} AS k, count(*) FROM {on_dates} d "
                                  f"JOIN intervals i ON {best} GROUP BY ALL ORDER BY 1, 2", [dates]).fetchall():
        result[on]["by"][key] = n
    return result


def _sources_around(con: duckdb.DuckDBPyConnection, as_of: str) -> dict:
    """The nearest in-force lists of 2002-2020 before and after the date (what bounds the answer)."""
    rows = con.execute(
        "SELECT (SELECT max(list_date) FROM publications WHERE kind IN ('history', 'roster') AND status = 'accepted' "
        "AND claim = 'in_force' AND list_date <= $on), (SELECT min(list_date) FROM publications WHERE kind IN "
        "('history', 'roster', 'participating') AND status = 'accepted' AND claim = 'in_force' AND list_date > $on)",
        {"on": as_of}).fetchone()
    return {"list_before_on": rows[0], "list_after_on": rows[1]}


def agencies_in_force(con: duckdb.DuckDBPyConnection, as_of: str, state: str | None, model: str | None) -> list[dict]:
    """Agencies whose agreements were possibly in force on ``as_of``, each with how sure that is: ``sure``,
    ``best`` (by best dates, not sure) or ``possible``."""
    rows = con.execute(
        f"""
        SELECT i.agency_id, a.state, a.agency_name, a.agency_type, a.county,
               string_agg(DISTINCT coalesce(i.model, 'Unknown'), '+' ORDER BY coalesce(i.model, 'Unknown')) AS models,
               count(*) AS agreements,
               min(string_split(i.signed_dates, '|')[1]) AS first_signed_on,
               max(i.signed_dates[-10:]) AS last_signed_on,
               CASE WHEN bool_or({SURE}) THEN 'sure' WHEN bool_or({BEST}) THEN 'best' ELSE 'possible' END AS in_force
        FROM intervals i JOIN agencies a USING (agency_id)
        WHERE {POSSIBLE} AND ($state IS NULL OR i.state = $state) AND ($model IS NULL OR i.model = $model)
        GROUP BY ALL ORDER BY a.state, a.agency_name, i.agency_id
        """, {"on": as_of, "state": state, "model": model})
    columns = [d[0] for d in rows.description]
    return [dict(zip(columns, row)) for row in rows.fetchall()]


def count_agencies_on(con: duckdb.DuckDBPyConnection, on: str) -> int:
    """Agencies in force on ``on`` by best dates (what ``g287 counts --as-of`` answers before the ledger)."""
    return con.execute(f"SELECT count(DISTINCT i.agency_id) FROM intervals i WHERE {BEST}", {"on": on}).fetchone()[0]


def caption_checks(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every count ICE stated for a date (a fact-sheet caption), against the agencies g287 counts in force then.

    A caption is checked on its own date, unless a reviewed row of ``fixes/caption_count.csv`` (keyed on the
    caption's date and number) says on which date its number holds and what g287 should count there.
    """
    from g287.corrections import FixLog

    fixes = FixLog()
    captions = con.execute(
        "SELECT stated_on, stated_count, min(observed_on), arg_min(publication_id, observed_on) FROM publications "
        "WHERE stated_count IS NOT NULL AND stated_on IS NOT NULL AND status = 'accepted' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    rows = []
    for caption_on, stated, observed_on, publication_id in captions:
        fix = fixes.apply("caption_count", str(stated), caption_on=caption_on)
        checked_on = fix["value"] if fix else caption_on
        expected = int(fix["agencies"]) if fix else stated
        counted = count_agencies_on(con, checked_on)
        rows.append({"caption_on": caption_on, "stated_count": stated, "first_seen_on": observed_on,
                     "publication_id": publication_id, "agencies_on_caption_date": count_agencies_on(con, caption_on),
                     "checked_on": checked_on, "expected": expected, "agencies": counted,
                     "reason": fix["reason"] if fix else "", "status": "pass" if counted == expected else "fail"})
    return rows


def history_timeline(con: duckdb.DuckDBPyConnection, step: str = "1 month") -> list[dict]:
    """Agreements in force on the first day of each month (or ``step``) from 2002 to the ledger's first list:
    ``{"on", "model", "agreements", "low", "high"}`` per model (best count, and its sure and possible bounds)."""
    first = first_list_date(con)
    if first is None:
        return []
    rows = con.execute(
        f"""
        WITH days AS (SELECT strftime(d, '%Y-%m-%d') AS on_ FROM range(DATE '2002-07-01', ?::DATE, INTERVAL {step})
                      t(d))
        SELECT d.on_, coalesce(i.model, 'Unknown') AS model,
               count(*) FILTER (WHERE i.start_on <= d.on_ AND (i.end_on IS NULL OR d.on_ < i.end_on)),
               count(*) FILTER (WHERE i.start_latest_on <= d.on_ AND (i.end_earliest_on IS NULL
                                OR d.on_ < i.end_earliest_on)),
               count(*) FILTER (WHERE i.start_earliest_on <= d.on_ AND (i.end_latest_on IS NULL
                                OR d.on_ < i.end_latest_on))
        FROM days d JOIN intervals i ON i.start_earliest_on <= d.on_ AND (i.end_latest_on IS NULL OR d.on_ < i.end_latest_on)
        GROUP BY ALL ORDER BY ALL
        """, [first]).fetchall()
    return [dict(zip(("on", "model", "agreements", "low", "high"), r)) for r in rows]
