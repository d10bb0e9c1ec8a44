"""What happened to agreements: the ledger's events (listed, signed, renewed, removed...), each with the rows of
ICE's lists that are its evidence."""

from __future__ import annotations

import datetime as dt

import duckdb

from g287.inputs import parse_date, parse_state


def select_events(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[dict]:
    """Events matching a SQL condition on ``events e`` (values bound as parameters), each with its evidence."""
    rows = con.execute(
        f"""
        SELECT e.event_on, e.event_type, e.agency_id, a.agency_name, e.state, e.model, e.agreement_id,
               e.detail, e.is_provisional, e.event_id,
               list({{'role': v.role, 'publication_id': v.publication_id, 'list_date': p.list_date,
                      'file': publication_file(p.original_names), 'row_number': v.row_number}}
                    ORDER BY v.role, v.publication_id) AS evidence
        FROM events e
        LEFT JOIN agencies a USING (agency_id)
        JOIN event_evidence v USING (event_id)
        JOIN publications p ON p.publication_id = v.publication_id
        WHERE {where}
        GROUP BY ALL
        ORDER BY e.event_on, e.event_type, e.agency_id, e.agreement_id NULLS FIRST, e.event_id
        """, params).fetchall()
    columns = ("event_on", "event_type", "agency_id", "agency_name", "state", "model", "agreement_id", "detail",
               "is_provisional", "event_id", "evidence")
    return [dict(zip(columns, row)) for row in rows]


def list_events(con: duckdb.DuckDBPyConnection, since: str | dt.date, state: str | None = None,
                event_type: str | None = None) -> list[dict]:
    """Events dated on or after ``since`` (``signed`` events by their signing date), optionally in one state."""
    since_text = parse_date(since, "since")
    code = parse_state(state)
    return select_events(con, "e.event_on >= ? AND (? IS NULL OR e.state = ?) AND (? IS NULL OR e.event_type = ?)",
                   [since_text, code, code, event_type, event_type])


# The events of each feed scope (g287.alerts.feeds): a county's are those of the agencies covering it.
_SCOPES = {"all": "TRUE", "state": "e.state = ?", "agency": "e.agency_id = ?",
           "county": "e.agency_id IN (SELECT agency_id FROM agency_counties WHERE county_fips = ?)"}


def scope_events(con: duckdb.DuckDBPyConnection, kind: str, key: str = "") -> list[dict]:
    """The events of one feed scope: ``all``, or ``state``, ``agency`` or ``county`` with its ``key`` (a code,
    an agency id, a FIPS code), each with its evidence, oldest first."""
    return select_events(con, _SCOPES[kind], [] if kind == "all" else [key])
