"""Which agencies: those listed on a date (with their models), those whose names match a text, the one agency
a name or id stands for, and every agreement with its agency."""

from __future__ import annotations

import datetime as dt

import duckdb

from g287.errors import NotFoundError, QueryError
from g287.inputs import parse_date, parse_model, parse_state
from g287.store.in_force import agencies_in_force
from g287.store.publications import before_ledger, find_publication, newest_date

# One row per agency listed in a publication: what ``g287 agencies`` prints, and what ``g287 check`` holds equal
# to the agencies counted (one row per agency: descriptive columns come from the agency, never from a row).
LISTED_AGENCIES_SQL = """
    SELECT p.publication_id, p.agency_id, a.state, a.agency_name, a.agency_type, a.county,
           string_agg(DISTINCT p.model, '+' ORDER BY p.model) AS models,
           count(DISTINCT p.agreement_id) AS agreements,
           min(g.signed_on) AS first_signed_on, max(g.signed_on) AS last_signed_on
    FROM presence p JOIN agencies a USING (agency_id) JOIN agreements g USING (agreement_id)
    GROUP BY ALL
"""


def list_agencies(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None = None, state: str | None = None,
                  model: str | None = None) -> list[dict]:
    """Agencies with agreements in the newest accepted list on or before ``as_of``, with their models."""
    as_of = parse_date(as_of) or newest_date(con)
    code, model_code = parse_state(state), parse_model(model)
    if before_ledger(con, as_of):
        return agencies_in_force(con, as_of, code, model_code)
    publication = find_publication(con, as_of)
    if publication is None:
        return []
    columns = ("agency_id", "state", "agency_name", "agency_type", "county", "models", "agreements",
               "first_signed_on", "last_signed_on")
    rows = con.execute(
        f"""
        SELECT {", ".join(columns)} FROM ({LISTED_AGENCIES_SQL})
        WHERE publication_id = ? AND (? IS NULL OR state = ?)
          AND agency_id IN (SELECT agency_id FROM presence WHERE publication_id = ? AND (? IS NULL OR model = ?))
        ORDER BY state, agency_name, agency_id
        """, [publication["publication_id"], code, code, publication["publication_id"], model_code, model_code]).fetchall()
    return [dict(zip(columns, row)) for row in rows]


def find_agencies(con: duckdb.DuckDBPyConnection, name: str, state: str | None = None) -> list[dict]:
    """Agencies whose id, current name or any past name matches ``name`` (case-insensitive substring)."""
    code = parse_state(state)
    rows = con.execute(
        """
        SELECT DISTINCT a.agency_id, a.state, a.agency_name FROM agencies a
        LEFT JOIN agency_names n USING (agency_id)
        WHERE (a.agency_id = ? OR a.agency_name ILIKE '%' || ? || '%' OR n.agency_name ILIKE '%' || ? || '%')
          AND (? IS NULL OR a.state = ?)
        ORDER BY a.state, a.agency_name
        """, [name, name, name, code, code]).fetchall()
    return [dict(zip(("agency_id", "state", "agency_name"), row)) for row in rows]


def find_agency(con: duckdb.DuckDBPyConnection, agency: str, state: str | None = None) -> dict:
    """The one agency ``agency`` stands for: an id, or (part of) a current or past name, in ``state`` when given
    (a name matched exactly wins over names containing it); NotFoundError when none matches, QueryError when
    several do.

    Returns ``{"agency_id", "state", "agency_name"}``.

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     find_agency(con, "Garrett County Sheriff", state="MD")["agency_id"]
    'MD-garrett-county-sheriffs-office'
    """
    code = parse_state(state)
    by_id = con.execute("SELECT agency_id, state, agency_name FROM agencies WHERE agency_id = ? "
                        "AND (? IS NULL OR state = ?)", [agency, code, code]).fetchone()
    if by_id is not None:
        matches = [dict(zip(("agency_id", "state", "agency_name"), by_id))]
    else:
        matches = find_agencies(con, agency, state)
        exact = [m for m in matches if m["agency_name"].casefold() == agency.casefold()]
        matches = exact or matches
    if not matches:
        where = f" in {code}" if code else ""
        raise NotFoundError(f"No agency matches {agency!r}{where}; try part of the name, or \"g287 agencies --state XX\".")
    if len(matches) > 1:
        listed = "; ".join(f"{m['agency_name']} ({m['state']}, {m['agency_id']})" for m in matches[:5])
        more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
        raise QueryError(f"{agency!r} matches {len(matches)} agencies: {listed}{more}. Give the agency id or --state.")
    return matches[0]


def list_agreements(con: duckdb.DuckDBPyConnection, state: str | None = None, model: str | None = None,
                    status: str | None = None) -> list[dict]:
    """Every agreement the ledger knows (active, superseded or removed), with its agency."""
    code, model_code = parse_state(state), parse_model(model)
    rows = con.execute(
        """
        SELECT g.agreement_id, g.model, g.signed_on, g.status, g.first_listed_on, g.last_listed_on, g.removed_on,
               g.successor_id, g.moa_url, g.agency_id, g.state, a.agency_name
        FROM agreements g JOIN agencies a USING (agency_id)
        WHERE (? IS NULL OR g.state = ?) AND (? IS NULL OR g.model = ?) AND (? IS NULL OR g.status = ?)
        ORDER BY g.state, a.agency_name, g.first_listed_on, g.agreement_id
        """, [code, code, model_code, model_code, status, status]).fetchall()
    columns = ("agreement_id", "model", "signed_on", "status", "first_listed_on", "last_listed_on", "removed_on",
               "successor_id", "moa_url", "agency_id", "state", "agency_name")
    return [dict(zip(columns, r)) for r in rows]


def agency_by_id(con: duckdb.DuckDBPyConnection, agency_id: str, search: str = "/search?q=...") -> dict:
    """The agency with id ``agency_id``: ``{"agency_id", "state", "agency_name"}``. NotFoundError when there is
    none; its message says to look the agency up by name at ``search`` (the site's search page, or the API's).

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     agency_by_id(con, "MD-garrett-county-sheriffs-office")["state"]
    'MD'
    """
    row = con.execute("SELECT agency_id, state, agency_name FROM agencies WHERE agency_id = ?", [agency_id]).fetchone()
    if row is None:
        raise NotFoundError(f"No agency with id {agency_id!r}. Search by name at {search}")
    return dict(zip(("agency_id", "state", "agency_name"), row))
