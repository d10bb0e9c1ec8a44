"""Where agreements apply: how many of a date's agreements resolve to counties or a state, the jurisdiction of
one agency and the counties it covers, and the agencies no rule resolves; the state a code or name stands for,
and the FIPS digits of each state's counties."""

from __future__ import annotations

import datetime as dt

import duckdb

from g287.errors import InputError, NotFoundError
from g287.inputs import STATE_NAMES, parse_date, parse_state
from g287.store.agencies import find_agency
from g287.store.publications import find_publication, newest_date
from g287.store.records import agency_records


def _listed_publication(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None) -> tuple[str, dict | None]:
    as_of_text = parse_date(as_of) or newest_date(con)
    return as_of_text, find_publication(con, as_of_text)


def geo_stats(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None = None) -> dict:
    """Agreements listed on a date, how many resolve to counties or a state, and how many need review."""
    as_of_text, publication = _listed_publication(con, as_of)
    result = {"as_of": as_of_text, "publication_date": None, "agreements": 0, "resolved": 0, "needs_review": 0}
    if publication is None:
        return result
    agreements, resolved, review = con.execute(
        """
        SELECT count(DISTINCT p.agreement_id),
               count(DISTINCT p.agreement_id) FILTER (WHERE j.match_type IS NOT NULL AND NOT j.needs_review),
               count(DISTINCT p.agreement_id) FILTER (WHERE j.needs_review)
        FROM presence p LEFT JOIN jurisdictions j USING (agency_id) WHERE p.publication_id = ?
        """, [publication["publication_id"]]).fetchone()
    result.update(publication_date=publication["list_date"], agreements=agreements, resolved=resolved,
                  needs_review=review)
    return result


def geo_agency(con: duckdb.DuckDBPyConnection, agency: str, state: str | None = None) -> dict:
    """One agency's jurisdiction type, how it was resolved, and the counties it covers."""
    return agency_jurisdiction(con, find_agency(con, agency, state)["agency_id"])


def agency_jurisdiction(con: duckdb.DuckDBPyConnection, agency_id: str) -> dict:
    """The jurisdiction row of the agency with id ``agency_id`` and the counties it covers (see geo_agency)."""
    record = agency_records(con, [agency_id])[agency_id]
    return {**record["jurisdiction"], "county_fips": [c["county_fips"] for c in record["counties"]],
            "counties": record["counties"]}


def geo_review(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None = None) -> list[dict]:
    """Agencies listed on a date that no rule resolves, with the reason and candidate counties."""
    _, publication = _listed_publication(con, as_of)
    if publication is None:
        return []
    rows = con.execute(
        """
        SELECT j.agency_id, j.state, j.agency_name, j.jurisdiction_type, j.ice_county, j.review_reason,
               j.candidates, count(DISTINCT p.agreement_id) AS agreements
        FROM jurisdictions j JOIN presence p USING (agency_id)
        WHERE p.publication_id = ? AND j.needs_review
        GROUP BY ALL ORDER BY j.state, j.agency_name
        """, [publication["publication_id"]]).fetchall()
    columns = ("agency_id", "state", "agency_name", "jurisdiction_type", "ice_county", "review_reason",
               "candidates", "agreements")
    return [dict(zip(columns, r)) for r in rows]


def find_state(state: str, by_name: bool = True) -> str:
    """The code of the state or territory ``state`` stands for: its code in any case (``fl``) or, when
    ``by_name``, its name (``Florida``); NotFoundError when none.

    >>> find_state("florida"), find_state("fl", by_name=False)
    ('FL', 'FL')
    """
    if not by_name:
        if state.upper() not in STATE_NAMES:
            raise NotFoundError(f"No state {state!r}; use a code (FL).")
        return state.upper()
    try:
        return parse_state(state)
    except InputError:
        raise NotFoundError(f"No state {state!r}; use a code (FL) or a name (Florida).") from None


def fips_prefixes(con: duckdb.DuckDBPyConnection, state: str | None = None) -> dict[str, str]:
    """The two FIPS digits of each state's counties (of ``state`` only, when given): the state map's filter."""
    return dict(con.execute("SELECT state, min(left(county_fips, 2)) FROM counties WHERE ? IS NULL OR state = ? "
                            "GROUP BY state", [state, state]).fetchall())
