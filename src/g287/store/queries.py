"""Questions users ask of the ledger, answered from the built store or the bundled snapshot.

Every query takes an open DuckDB connection (see :func:`open_ledger`) and uses parameters, never string
formatting of user input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import duckdb

from g287.errors import NoLedgerError, QueryError, StoreError
from g287.parse.rows import MODEL_CODES, STATE_CODES, STATE_NAMES
from g287.store.in_force import (
    BEST,
    BEST_POSITIONAL,
    agencies_in_force,
    count_in_force,
    count_in_force_on_dates,
    first_list_date,
)
from g287.store.schema import BUNDLED_TABLES

BY_OPTIONS = ("model", "state", "type")


def bundled_dir() -> Path:
    """Folder of the ledger snapshot shipped inside the package."""
    return Path(str(resources.files("g287") / "data" / "ledger"))


def open_ledger(store_path: Path | None, load: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store at ``store_path``, or to the bundled snapshot if there is none.

    With ``load``, the bundled snapshot is copied into memory once instead of read from Parquet on every query
    (what a long-running server wants).
    """
    if store_path is not None and Path(store_path).exists():
        return open_store(Path(store_path))
    folder = bundled_dir()
    if not (folder / "agreements.parquet").exists():
        raise NoLedgerError(f'No ledger at {store_path} and no bundled snapshot. Run "g287 build" or set G287_HOME.')
    con = duckdb.connect()
    for name in BUNDLED_TABLES:
        kind = "TABLE" if load else "VIEW"
        con.execute(f"CREATE {kind} \"{name}\" AS SELECT * FROM read_parquet('{folder / name}.parquet')")
    return con


# A DuckDB file is three 4 KiB headers followed by its blocks (DuckDB's storage format, versions 1.x and 2.x).
STORE_HEADER_BYTES = 3 * 4096


def open_store(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the DuckDB store at ``path``; StoreError when the file is empty, shorter than
    the blocks its header declares, or not a DuckDB file.

    The store is attached to a new in-memory database, its tables seen through views, rather than opened
    directly: DuckDB keeps one instance per file path in a process, so a direct connection made after a
    rebuild swapped the file would still read the old one (duckdb/duckdb#15912). A store is only ever replaced
    whole (``g287 build`` writes aside and renames), so a damaged one was damaged outside g287 (a disk, a
    copy); the fix is to rebuild it from the archive.
    """
    size = path.stat().st_size
    if size == 0:
        raise StoreError(damaged_store_message(path, "the file is empty"))
    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS store (READ_ONLY)")
        # The file holds at least every block in use (DuckDB may cut free blocks off its end).
        block_size, blocks = con.execute("SELECT block_size, used_blocks FROM pragma_database_size() "
                                         "WHERE database_name = 'store'").fetchone()
        tables = [name for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                                  "WHERE table_catalog = 'store' ORDER BY 1").fetchall()]
    except duckdb.Error as exc:
        con.close()
        reason = str(exc).splitlines()[0]
        if "Could not read enough bytes" in reason:  # DuckDB read its catalog past the end of the file
            reason = f"truncated: {size:,} bytes, shorter than the blocks its header lists"
        raise StoreError(damaged_store_message(path, reason)) from None
    expected = STORE_HEADER_BYTES + block_size * blocks
    if size < expected:
        con.close()
        raise StoreError(damaged_store_message(path, f"truncated: {size:,} of {expected:,} bytes"))
    for name in tables:
        con.execute(f'CREATE VIEW main."{name}" AS SELECT * FROM store."{name}"')
    return con


def damaged_store_message(path: Path | str, reason: str) -> str:
    """The one-line error for a store that cannot be read.

    >>> damaged_store_message("/data/g287.duckdb", "the file is empty")
    'The store /data/g287.duckdb cannot be read (the file is empty). Run "g287 build" to rebuild it from the archive.'
    """
    return f'The store {path} cannot be read ({reason}). Run "g287 build" to rebuild it from the archive.'


def parse_date(value: str | dt.date | None, option: str = "--as-of") -> str | None:
    """ISO text for a date given as text or date; QueryError for anything else."""
    if value is None or isinstance(value, dt.date):
        return value.isoformat() if value else None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{option} {value!r} is not a date; use YYYY-MM-DD.") from None


def parse_state(value: str | None, option: str = "--state") -> str | None:
    """USPS code for a state given as a code or a name (``fl``, ``Florida``); QueryError if unknown."""
    if value is None:
        return None
    text = value.strip().upper()
    if text in STATE_CODES.values():
        return text
    if text in STATE_CODES:
        return STATE_CODES[text]
    raise QueryError(f"{option} {value!r} is not a U.S. state or territory; use a code (FL) or a name (Florida).")


def parse_model(value: str | None, option: str = "--model") -> str | None:
    """JEM/TFM/WSO for a model given as a code or a full name; QueryError if unknown."""
    if value is None:
        return None
    text = value.strip()
    if text.upper() in MODEL_CODES.values():
        return text.upper()
    code = MODEL_CODES.get(text.casefold())
    if code is None:
        raise QueryError(f"{option} {value!r} is not a 287(g) model; use JEM, TFM or WSO.")
    return code


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
        raise QueryError(f"--by {by!r} is not one of {', '.join(BY_OPTIONS)}.")
    code = parse_state(state)
    if _before_ledger(con, as_of):
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
            raise QueryError(f"--by {by!r} is not one of {', '.join(BY_OPTIONS)}.")
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


def _before_ledger(con: duckdb.DuckDBPyConnection, as_of: str) -> bool:
    """True for a date before the ledger's first list, which the 2002-2020 intervals answer."""
    first = first_list_date(con)
    return first is not None and as_of < first


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
    if _before_ledger(con, as_of):
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


def select_events(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[dict]:
    """Events matching a SQL condition on ``events e`` (values bound as parameters), each with its evidence."""
    rows = con.execute(
        f"""
        SELECT e.event_on, e.event_type, e.agency_id, a.agency_name, e.state, e.model, e.agreement_id,
               e.detail, e.is_provisional, e.event_id,
               list({{'role': v.role, 'publication_id': v.publication_id, 'list_date': p.list_date,
                      'file': split_part(p.original_names, '|', 1), 'row_number': v.row_number}}
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


def agency_history(con: duckdb.DuckDBPyConnection, agency: str, state: str | None = None) -> dict:
    """One agency's agreements, events with evidence, and data notes (the values of TYPE or county on which
    ICE's rows for it disagree, with the lists that print each). ``agency`` is an id or (part of) a name."""
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
        where = f" in {parse_state(state)}" if state else ""
        raise QueryError(f"No agency matches {agency!r}{where}; try part of the name, or \"g287 agencies --state XX\".")
    if len(matches) > 1:
        listed = "; ".join(f"{m['agency_name']} ({m['state']}, {m['agency_id']})" for m in matches[:5])
        more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
        raise QueryError(f"{agency!r} matches {len(matches)} agencies: {listed}{more}. Give the agency id or --state.")
    from g287.store.records import agency_records

    record = agency_records(con, [matches[0]["agency_id"]])[matches[0]["agency_id"]]
    return {key: record[key] for key in ("agency", "agreements", "events", "notes", "lives", "history_events")}


def list_events(con: duckdb.DuckDBPyConnection, since: str | dt.date, state: str | None = None,
                event_type: str | None = None) -> list[dict]:
    """Events dated on or after ``since`` (``signed`` events by their signing date), optionally in one state."""
    since_text = parse_date(since, "--since")
    code = parse_state(state)
    return select_events(con, "e.event_on >= ? AND (? IS NULL OR e.state = ?) AND (? IS NULL OR e.event_type = ?)",
                   [since_text, code, code, event_type, event_type])


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
    return agency_jurisdiction(con, agency_history(con, agency, state)["agency"]["agency_id"])


def agency_jurisdiction(con: duckdb.DuckDBPyConnection, agency_id: str) -> dict:
    """The jurisdiction row of the agency with id ``agency_id`` and the counties it covers (see geo_agency)."""
    from g287.store.records import agency_records

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


# The counting rule of residents covered, written once. ``listed`` is a CTE of (agency_id, model) rows, plus the
# columns named in ``keys`` (``l.list_date,``): the agreements to count. ``per_county`` groups them by county and
# by the columns in ``group`` (``c.model,``).
_PER_COUNTY = """
    covered AS (
        SELECT {keys} l.model, c.county_fips, j.coverage_kind, j.agency_id,
               j.population_served / greatest(j.county_count, 1) AS served
        FROM listed l JOIN agency_counties c USING (agency_id) JOIN jurisdictions j USING (agency_id) {join}),
    per_county AS (
        SELECT {group} c.county_fips, k.state, k.county_name, k.population, k.hispanic_share,
               bool_or(c.coverage_kind <> 'municipal police') AS county_wide,
               coalesce(sum(c.served) FILTER (WHERE c.coverage_kind = 'municipal police'), 0) AS municipal,
               string_agg(DISTINCT c.model, '+' ORDER BY c.model) AS models,
               string_agg(DISTINCT c.coverage_kind, ', ' ORDER BY c.coverage_kind) AS coverage_kinds,
               count(DISTINCT c.agency_id) AS agencies {extra}
        FROM covered c JOIN counties k USING (county_fips)
        WHERE ? IS NULL OR k.state = ?
        GROUP BY ALL)
"""
# A county covered county-wide counts all its residents; one covered only by municipal police counts the
# population those police serve, capped at the county's population.
_RESIDENTS = "CASE WHEN county_wide THEN population ELSE least(population, round(municipal)) END"


def coverage(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None = None, state: str | None = None,
             model: str | None = None, local_only: bool = False) -> dict:
    """Counties covered by agreements in force on a date, and the residents covered, by model.

    A county covered by a sheriff, a county body, a state agency or a regional body counts all its residents;
    a county covered only by municipal police counts the population those police serve (FBI roster, split
    evenly over the counties of a city that spans several), capped at the county's population. With
    ``local_only``, state agencies' agreements are left out (one of them covers every county of its state).
    Before the ledger's first list, the agreements are those in force by the intervals' best dates
    (``basis`` ``intervals``).
    """
    as_of_text = parse_date(as_of) or newest_date(con)
    code, model_code = parse_state(state), parse_model(model)
    basis = "intervals" if _before_ledger(con, as_of_text) else "list"
    publication = None if basis == "intervals" else find_publication(con, as_of_text)
    result = {"as_of": as_of_text, "publication_date": None, "basis": basis, "counties": [], "by_model": {},
              "total": {"counties": 0, "county_population": 0, "residents_covered": 0}}
    if basis == "list" and publication is None:
        return result
    local = ("AND agency_id NOT IN (SELECT agency_id FROM jurisdictions WHERE coverage_kind = 'state agency')"
             if local_only else "")
    if basis == "intervals":
        listed = f"""
            WITH listed AS (
                SELECT DISTINCT i.agency_id, coalesce(i.model, 'Unknown') AS model FROM intervals i
                WHERE {BEST_POSITIONAL} AND (? IS NULL OR i.model = ?) {local}),"""
        params = [as_of_text] * BEST_POSITIONAL.count("?") + [model_code, model_code, code, code]
    else:
        listed = f"""
            WITH listed AS (
                SELECT DISTINCT p.agency_id, p.model FROM presence p
                WHERE p.publication_id = ? AND (? IS NULL OR p.model = ?) {local}),"""
        params = [publication["publication_id"], model_code, model_code, code, code]
    counties = con.execute(listed + _PER_COUNTY.format(keys="", group="", join="", extra="") + f"""
        SELECT county_fips, state, county_name, population, hispanic_share, models, coverage_kinds, agencies,
               {_RESIDENTS}::BIGINT AS residents_covered
        FROM per_county ORDER BY county_fips""", params).fetchall()
    columns = ("county_fips", "state", "county_name", "population", "hispanic_share", "models", "coverage_kinds",
               "agencies", "residents_covered")
    result["counties"] = [dict(zip(columns, r)) for r in counties]
    rows = con.execute(listed + _PER_COUNTY.format(keys="", group="c.model,", join="", extra="") + f"""
        SELECT model, count(*), sum(population)::BIGINT, sum({_RESIDENTS})::BIGINT
        FROM per_county GROUP BY ALL ORDER BY ALL""", params).fetchall()
    result["by_model"] = {model: {"counties": n, "county_population": people, "residents_covered": covered}
                          for model, n, people, covered in rows}
    # The total is the sum of the counties, as SQL sums (no county, or only nulls: null).
    result["total"] = {"counties": len(counties),
                       "county_population": _sum(r["population"] for r in result["counties"]),
                       "residents_covered": _sum(r["residents_covered"] for r in result["counties"])}
    result["publication_date"] = publication["list_date"] if publication else None
    return result


def _sum(values: Iterable[int | None]) -> int | None:
    """SQL's ``sum``: nulls left out, null when every value is null.

    >>> _sum([3, None, 4]), _sum([None, None])
    (7, None)
    """
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def coverage_timeline(con: duckdb.DuckDBPyConnection, by_model: list[dict] | None = None) -> dict:
    """Coverage and counts on every date of the map's time slider at once: what the static site's map shows for
    any date, where the live site asks ``/api/v1/coverage`` and ``/api/v1/counts?by=model`` one date at a time.

    ``dates`` are :func:`map_dates`. ``counties`` (and ``local_counties``, state agencies' agreements left out)
    give each county's coverage as :func:`coverage` counts it, from the date each value begins:
    ``{fips: [[date index, models, coverage_kinds, residents_covered], ...]}``, models None when not covered.
    ``counts`` are what :func:`count_agreements` answers ``by="model"`` on each date (``by_model`` is
    :func:`count_agreements_on_lists` by model, when known already).
    """
    dates = map_dates(con)
    first = first_list_date(con)
    counties, local_counties = _county_timelines(con, dates, first)
    return {"dates": dates, "counties": counties, "local_counties": local_counties,
            "counts": _counts_on_dates(con, dates, first, by_model)}


# The coverage of a county without state agencies' agreements (``local_only``): the per-county aggregates of
# _PER_COUNTY over the agencies that are not state agencies.
_LOCAL = "c.coverage_kind IS DISTINCT FROM 'state agency'"
_LOCAL_AGGREGATES = f""",
               bool_or(c.coverage_kind <> 'municipal police') FILTER (WHERE {_LOCAL}) AS local_county_wide,
               string_agg(DISTINCT c.model, '+' ORDER BY c.model) FILTER (WHERE {_LOCAL}) AS local_models,
               string_agg(DISTINCT c.coverage_kind, ', ' ORDER BY c.coverage_kind) FILTER (WHERE {_LOCAL})
                   AS local_coverage_kinds"""


def _county_timelines(con: duckdb.DuckDBPyConnection, dates: list[str], first: str | None
                      ) -> tuple[dict[str, list[list]], dict[str, list[list]]]:
    """Each county's coverage over ``dates``, with every agency and without state agencies (``counties`` and
    ``local_counties`` of :func:`coverage_timeline`), in one query. A county is evaluated only on the dates one
    of its agencies appears, changes model or leaves: a tenth of a county-by-date grid. Those dates include the
    ones where only a state agency changes; there the local coverage stays as it was, and the series skip it."""
    if first is None:
        return {}, {}
    parse_date(first)  # a date from the store, written into the query
    # The dates are a list parameter, not an Arrow table: pyarrow imports pandas (0.4 s to 1 s) the first time
    # it converts Python values, and nothing else in a publish's second process needs it.
    rows = con.execute(f"""
        WITH map_dates AS (SELECT unnest(?::VARCHAR[]) AS as_of, unnest(range(len(?::VARCHAR[]))) AS i),
        lists AS (SELECT publication_id, list_date, seq FROM publications
                  WHERE kind = 'participating' AND status = 'accepted'),
        picked AS (SELECT d.i, arg_max(l.publication_id, l.seq) AS publication_id
                   FROM map_dates d JOIN lists l ON l.list_date <= d.as_of WHERE d.as_of >= '{first}' GROUP BY d.i),
        listed AS (
            SELECT DISTINCT k.i, p.agency_id, p.model FROM picked k JOIN presence p USING (publication_id)
            UNION ALL
            SELECT DISTINCT d.i, i.agency_id, coalesce(i.model, 'Unknown') FROM map_dates d JOIN intervals i
              ON {BEST.replace("$on", "d.as_of")} WHERE d.as_of < '{first}'),
        -- The dates each agency appears, changes model or leaves on (the date after its last).
        signatures AS (SELECT agency_id, i, string_agg(model, '+' ORDER BY model) AS models FROM listed GROUP BY ALL),
        steps AS (SELECT agency_id, i, models, lag(i) OVER w AS i_before, lag(models) OVER w AS models_before,
                         lead(i) OVER w AS i_after
                  FROM signatures WINDOW w AS (PARTITION BY agency_id ORDER BY i)),
        changes AS (SELECT agency_id, i FROM steps WHERE i_before IS NULL OR i_before <> i - 1 OR models_before <> models
                    UNION SELECT agency_id, i + 1 FROM steps WHERE (i_after IS NULL OR i_after <> i + 1) AND i + 1 < {len(dates)}),
        keyframes AS (SELECT DISTINCT c.county_fips, m.i FROM changes m JOIN agency_counties c USING (agency_id)),
        {_PER_COUNTY.format(keys="l.i,", group="c.i,", extra=_LOCAL_AGGREGATES,
                            join="JOIN keyframes f ON f.county_fips = c.county_fips AND f.i = l.i")},
        valued AS (SELECT county_fips, i, models, coverage_kinds, {_RESIDENTS}::BIGINT AS residents,
                          local_models, local_coverage_kinds,
                          {_RESIDENTS.replace("county_wide", "local_county_wide")}::BIGINT AS local_residents
                   FROM per_county)
        SELECT f.county_fips, f.i, v.models, v.coverage_kinds, coalesce(v.residents, 0),
               v.local_models, v.local_coverage_kinds, coalesce(v.local_residents, 0)
        FROM keyframes f LEFT JOIN valued v ON v.county_fips = f.county_fips AND v.i = f.i
        ORDER BY f.county_fips, f.i""", [dates, dates, None, None]).fetchall()  # no state: every county
    timeline: dict[str, list[list]] = {}
    local: dict[str, list[list]] = {}
    for fips, i, models, kinds, residents, local_models, local_kinds, local_residents in rows:
        # A keyframe may change nothing in a series. A county's local series begins with its first local
        # agency, where the series of every agency begins with the county's first keyframe.
        series = timeline.setdefault(fips, [])
        if not series or series[-1][1:] != [models, kinds, residents]:
            series.append([i, models, kinds, residents])
        series = local.setdefault(fips, [])
        if (series[-1][1:] != [local_models, local_kinds, local_residents]) if series else local_models is not None:
            series.append([i, local_models, local_kinds, local_residents])
    return timeline, {fips: series for fips, series in local.items() if series}


def _counts_on_dates(con: duckdb.DuckDBPyConnection, dates: list[str], first: str | None,
                     by_model: list[dict] | None = None) -> list[dict]:
    """What :func:`count_agreements` answers ``by="model"`` on each of ``dates`` (the fields the map shows)."""
    on_lists = {c["as_of"]: c for c in by_model or count_agreements_on_lists(con, "model")}
    in_force = count_in_force_on_dates(con, [d for d in dates if first is None or d < first])
    fields = ("agreements", "agencies", "by", "basis", "publication_date")
    return [{k: (in_force.get(d) or on_lists.get(d) or {"agreements": 0, "agencies": 0, "by": {}, "basis": "list",
                                                         "publication_date": None}).get(k) for k in fields}
            for d in dates]


def coverage_by_state(con: duckdb.DuckDBPyConnection, as_of: str | dt.date | None = None,
                      model: str | None = None, local_only: bool = False) -> list[dict]:
    """Per state: residents covered by the agreements in force on a date, and their share of the state."""
    result = coverage(con, as_of=as_of, model=model, local_only=local_only)
    totals = dict(con.execute("SELECT state, sum(population) FROM counties GROUP BY 1").fetchall())
    by_state: dict[str, dict] = {}
    for county in result["counties"]:
        row = by_state.setdefault(county["state"], {"state": county["state"], "counties": 0, "residents_covered": 0})
        row["counties"] += 1
        row["residents_covered"] += county["residents_covered"]
    rows = []
    for state, row in sorted(by_state.items()):
        population = totals.get(state)
        share = round(row["residents_covered"] / population, 4) if population else None
        rows.append({**row, "state_population": population, "share_covered": share})
    return rows


def coverage_panel(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    """Write the county x date x model coverage panel (Parquet): the first day of each quarter from 2002-07-01
    to the ledger's first list (agreements in force by the 2002-2020 intervals' best dates, ``basis``
    ``intervals``), then one date per day with a participating list (its last accepted list, ``basis`` ``list``).

    Each row: ``list_date``, ``basis``, ``county_fips``, ``state``, ``model``, ``coverage_kinds``, ``agencies``
    and ``residents_covered`` (same counting rule as :func:`coverage`).
    """
    tmp = Path(out).with_name(f".{Path(out).name}.tmp")
    first = first_list_date(con) or dt.date.today().isoformat()
    sql = f"""
        WITH lists AS (
            SELECT publication_id, list_date FROM (
                SELECT publication_id, list_date, row_number() OVER (PARTITION BY list_date ORDER BY seq DESC) AS n
                FROM publications WHERE kind = 'participating' AND status = 'accepted') WHERE n = 1),
        quarters AS (
            SELECT strftime(d, '%Y-%m-%d') AS on_ FROM range(DATE '2002-07-01', DATE '{first}', INTERVAL 3 MONTH) t(d)),
        listed AS (
            SELECT DISTINCT l.list_date, p.agency_id, p.model FROM lists l JOIN presence p USING (publication_id)
            UNION ALL
            SELECT DISTINCT q.on_, i.agency_id, coalesce(i.model, 'Unknown') FROM quarters q JOIN intervals i
              ON i.start_on <= q.on_ AND (i.end_on IS NULL OR q.on_ < i.end_on)),
    """ + _PER_COUNTY.format(keys="l.list_date,", group="c.list_date, c.model,", join="", extra="") + f"""
        SELECT list_date, CASE WHEN list_date < '{first}' THEN 'intervals' ELSE 'list' END AS basis,
               county_fips, state, model, coverage_kinds, agencies, {_RESIDENTS}::BIGINT AS residents_covered
        FROM per_county ORDER BY list_date, county_fips, model"""
    con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)", [None, None])
    tmp.replace(out)
    return Path(out)


def coverage_geojson(con: duckdb.DuckDBPyConnection, topology: dict, as_of: str | dt.date | None = None,
                     model: str | None = None, covered: dict | None = None) -> dict:
    """A GeoJSON FeatureCollection of every county with its coverage on a date (zeros where none); ``covered``
    is what :func:`coverage` answers for that date and model, when known already."""
    from g287.geo.topology import county_features

    result = covered if covered is not None else coverage(con, as_of=as_of, model=model)
    by_fips = {c["county_fips"]: c for c in result["counties"]}
    counties = {r[0]: r for r in con.execute(
        "SELECT county_fips, state, county_name, population, hispanic_share FROM counties").fetchall()}
    features = []
    for fips, decoded in county_features(topology).items():
        feature = dict(decoded)  # the decoded geometry is shared, the properties are this collection's
        known = counties.get(fips)
        row = by_fips.get(fips, {})
        feature["properties"] = {
            "county_fips": fips, "state": known[1] if known else None,
            "county_name": known[2] if known else feature["properties"].get("name"),
            "population": known[3] if known else None, "hispanic_share": known[4] if known else None,
            "models": row.get("models"),
            "coverage_kinds": row.get("coverage_kinds"), "agencies": row.get("agencies", 0),
            "residents_covered": row.get("residents_covered", 0)}
        features.append(feature)
    return {"type": "FeatureCollection", "as_of": result["as_of"], "publication_date": result["publication_date"],
            "features": features}


TREATMENT_UNITS = ("county", "agency")


def first_agreements(con: duckdb.DuckDBPyConnection, unit: str = "county", model: str | None = None,
                     exclude_coverage_kinds: tuple[str, ...] = ("state agency",)) -> list[dict]:
    """Per county (FIPS) or agency (FBI ORI): the first agreement that covers it, for treatment dates.

    The date is the earliest start of an agreement life before 2021 (``source`` ``history``: its best start,
    with ``uncertainty_days`` between its earliest and latest possible start) or of a ledger agreement
    (``source`` ``ledger``: its signing date, its first listing when ICE gave none; uncertainty 0).
    ``agreement_id`` cites the ledger agreement or the life (``interval_id``). Agreements of agencies whose
    ``coverage_kind`` is in ``exclude_coverage_kinds`` are left out: by default a state agency, which would
    mark every county of its state treated on one day.
    """
    if unit not in TREATMENT_UNITS:
        raise QueryError(f'Treatment unit "{unit}" is unknown. Use "county" or "agency".')
    model_code = parse_model(model)
    key, join = (("c.county_fips", "JOIN agency_counties c ON c.agency_id = s.agency_id") if unit == "county"
                 else ("j.ori", ""))
    rows = con.execute(f"""
        WITH starts AS (
            SELECT agency_id, model, coalesce(signed_on, first_listed_on) AS treated_on, agreement_id AS cited,
                   agreement_id AS same, 'ledger' AS source, 0 AS uncertainty_days FROM agreements
            UNION ALL
            SELECT agency_id, model, start_on, interval_id, coalesce(agreement_id, interval_id), 'history',
                   date_diff('day', start_earliest_on::DATE, start_latest_on::DATE) FROM intervals)
        SELECT {key} AS unit, min(s.treated_on) AS treated_on,
               arg_min(s.cited, s.treated_on || s.source || s.cited) AS agreement_id,
               arg_min(s.source, s.treated_on || s.source || s.cited) AS source,
               arg_min(s.uncertainty_days, s.treated_on || s.source || s.cited) AS uncertainty_days,
               count(DISTINCT s.same) AS agreements
        FROM starts s {join}
        JOIN jurisdictions j ON j.agency_id = s.agency_id
        WHERE (? IS NULL OR s.model = ?) AND {key} IS NOT NULL
          AND NOT list_contains(?::VARCHAR[], coalesce(j.coverage_kind, ''))
        GROUP BY 1 ORDER BY 1""", [model_code, model_code, list(exclude_coverage_kinds)]).fetchall()
    return [dict(zip(("unit", "treated_on", "agreement_id", "source", "uncertainty_days", "agreements"), r))
            for r in rows]


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The ledger build's facts: ``archive_digest``, ``g287_version``, ``schema_version``."""
    return dict(con.execute("SELECT key, value FROM build_info").fetchall())


def build_id(con: duckdb.DuckDBPyConnection) -> str:
    """Identifier of the ledger build: the digest of the archive it was built from."""
    info = build_info(con)
    return f"{info.get('archive_digest')} (g287 {info.get('g287_version')})"


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


# The map's time slider starts here: earlier, a handful of agreements (docs/history.md).
MAP_START_YEAR = 2006


def map_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The dates of the map's time slider: each quarter from 2006 to the ledger's first list (answered from the
    2002-2020 intervals), then every date with an accepted participating list."""
    dates = list_dates(con)
    first = dates[0] if dates else dt.date.today().isoformat()
    quarters = [f"{year}-{month:02d}-01" for year in range(MAP_START_YEAR, int(first[:4]) + 1)
                for month in (1, 4, 7, 10)]
    return [d for d in quarters if d < first] + dates


def list_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every date with an accepted participating list, oldest first."""
    return [r[0] for r in con.execute("SELECT DISTINCT list_date FROM publications WHERE kind = 'participating' "
                                      "AND status = 'accepted' ORDER BY 1").fetchall()]


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


def county_history(con: duckdb.DuckDBPyConnection, county_fips: str) -> dict:
    """One county: its population, the agencies covering it (with their agreements), their events (newest
    first) and its enforcement output."""
    from g287.store.records import county_records

    record = county_records(con, [county_fips]).get(county_fips)
    if record is None:
        raise QueryError(f"No county with FIPS code {county_fips!r}; use the five digits (24023).")
    return record


def search_ledger(con: duckdb.DuckDBPyConnection, text: str, limit: int = 20) -> list[dict]:
    """Agencies, counties and states whose names are close to ``text``, typos allowed, best first.

    Each result: ``kind`` (agency, county, state), ``key`` (agency id, county FIPS, state code), ``name``,
    ``state`` and ``score`` (1 for a name containing the text, else Jaro-Winkler similarity of the words).
    """
    query = " ".join(re.sub(r"[^a-z0-9]", " ", text.casefold().replace("'", "")).split())
    if not query:
        return []
    rows = con.execute(
        """
        WITH names AS (
            SELECT 'agency' AS kind, agency_id AS key, agency_name AS name, state FROM agencies
            UNION ALL SELECT 'county', county_fips, county_name, state FROM counties
            UNION ALL SELECT 'state', s.code, s.name, s.code FROM (SELECT unnest(?) AS code, unnest(?) AS name) s),
        plain AS (SELECT *, trim(regexp_replace(replace(lower(name), '''', ''), '[^a-z0-9]+', ' ', 'g')) AS text FROM names),
        pairs AS (
            SELECT p.kind, p.key, p.name, p.state, p.text, q.word,
                   max(jaro_winkler_similarity(w.word, q.word)) AS best
            FROM plain p, unnest(string_split(p.text, ' ')) AS w(word), unnest(string_split(?, ' ')) AS q(word)
            GROUP BY ALL),
        scored AS (
            SELECT kind, key, name, state,
                   CASE WHEN bool_or(text LIKE '%' || ? || '%' OR lower(key) = ?) THEN 1.0 ELSE avg(best) END AS score
            FROM pairs GROUP BY ALL)
        SELECT kind, key, name, state, round(score, 3) FROM scored WHERE score >= 0.88
        ORDER BY score DESC, kind = 'agency', length(name), name LIMIT ?
        """, [list(STATE_NAMES), list(STATE_NAMES.values()), query, query, query, limit]).fetchall()
    return [dict(zip(("kind", "key", "name", "state", "score"), r)) for r in rows]
