"""Invariants of a built ledger (``g287 check``).

Each result row is ``check, scope, value, expected, status``. A row with an expected value is a rule and
passes or fails; a row without one is a tracked count (``info``) that makes build-to-build changes visible.
"""

from __future__ import annotations

import duckdb

from g287.corrections import fix_tables, load_fix_table
from g287.text import fold_text
from g287.ledger.renames import match_rename_candidates
from g287.store.in_force import caption_checks
from g287.store.agencies import LISTED_AGENCIES_SQL

CHECK_COLUMNS = ("check", "scope", "value", "expected", "status")

# Rules that hold when a query counts nothing: (check, table it concerns, SQL counting the violations).
ZERO_COUNT_RULES = (
    ("superseded agreements without a successor", "agreements",
     "SELECT count(*) FROM agreements WHERE status = 'Superseded' AND successor_id IS NULL"),
    ("successors that are not agreements", "agreements",
     "SELECT count(*) FROM agreements a WHERE successor_id IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM agreements b WHERE b.agreement_id = a.successor_id)"),
    ("events without evidence", "events",
     "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_evidence v WHERE v.event_id = e.event_id)"),
    ("evidence rows that are not rows of their list", "event_evidence",
     "SELECT count(*) FROM event_evidence v WHERE v.role <> 'absent_from' AND NOT EXISTS "
     "(SELECT 1 FROM publication_rows r WHERE r.publication_id = v.publication_id AND r.row_number = v.row_number)"),
    ("removals citing a list that still shows the agreement", "events",
     "SELECT count(*) FROM events e JOIN event_evidence v USING (event_id) "
     "WHERE e.event_type = 'removed' AND v.role = 'absent_from' AND EXISTS "
     "(SELECT 1 FROM presence p WHERE p.publication_id = v.publication_id AND p.agreement_id = e.agreement_id)"),
    ("agreements not shown in their first and last lists", "agreements",
     "SELECT count(*) FROM agreements a WHERE NOT EXISTS (SELECT 1 FROM presence p "
     "WHERE p.publication_id = a.first_publication_id AND p.agreement_id = a.agreement_id) "
     "OR NOT EXISTS (SELECT 1 FROM presence p WHERE p.publication_id = a.last_publication_id "
     "AND p.agreement_id = a.agreement_id)"),
    ("lists whose stored rows differ from their row count", "publications",
     "SELECT count(*) FROM publications p WHERE row_count <> "
     "(SELECT count(*) FROM publication_rows r WHERE r.publication_id = p.publication_id) + "
     "(SELECT count(*) FROM output_counts o WHERE o.publication_id = p.publication_id)"),
    ("lists whose agencies listed (g287 agencies) differ from the agencies counted (g287 counts)", "presence",
     f"SELECT count(*) FROM (SELECT publication_id, count(*) AS listed, count(DISTINCT agency_id) AS counted "
     f"FROM ({LISTED_AGENCIES_SQL}) GROUP BY ALL) WHERE listed <> counted"),
    ("(list, state) pairs whose agencies listed differ from the agencies counted", "presence",
     f"SELECT count(*) FROM (SELECT publication_id, state, count(*) AS listed, count(DISTINCT agency_id) AS counted "
     f"FROM ({LISTED_AGENCIES_SQL}) GROUP BY ALL) WHERE listed <> counted"),
    ("agencies without a jurisdiction row", "jurisdictions",
     "SELECT count(*) FROM agencies a WHERE NOT EXISTS (SELECT 1 FROM jurisdictions j WHERE j.agency_id = a.agency_id)"),
    ("unresolved agencies not marked for review", "jurisdictions",
     "SELECT count(*) FROM jurisdictions WHERE match_type IS NULL AND NOT needs_review"),
    ("agreement lives (2002-2020) ending before they start", "intervals",
     "SELECT count(*) FROM intervals WHERE end_on <= start_on OR end_latest_on < start_earliest_on"),
    ("agreement lives whose best dates lie outside their bounds", "intervals",
     "SELECT count(*) FROM intervals WHERE NOT (start_earliest_on <= start_on AND start_on <= start_latest_on) "
     "OR NOT (end_on IS NULL OR (end_earliest_on <= end_on AND end_on <= end_latest_on))"),
    ("agreement lives with a bound lacking evidence or grade", "intervals",
     "SELECT count(*) FROM intervals WHERE start_publication_id IS NULL OR start_grade IS NULL "
     "OR end_publication_id IS NULL OR end_grade IS NULL"),
    ("agreement lives citing a row their list does not have", "intervals",
     "SELECT count(*) FROM intervals i WHERE (start_row_number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
     "publication_rows r WHERE r.publication_id = i.start_publication_id AND r.row_number = i.start_row_number)) "
     "OR (end_row_number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM publication_rows r "
     "WHERE r.publication_id = i.end_publication_id AND r.row_number = i.end_row_number))"),
    ("covered counties that are not counties", "agency_counties",
     "SELECT count(*) FROM agency_counties c WHERE NOT EXISTS (SELECT 1 FROM counties k WHERE k.county_fips = c.county_fips)"),
)


def _rule(check: str, scope: str, value: object, expected: object) -> dict:
    return {"check": check, "scope": scope, "value": value, "expected": expected,
            "status": "pass" if value == expected else "fail"}


def _info(check: str, scope: str, value: object) -> dict:
    return {"check": check, "scope": scope, "value": value, "expected": None, "status": "info"}


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    return con.execute(sql, params or []).fetchone()[0]


def find_unreviewed_renames(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Removed agreements the rename rule (:mod:`g287.ledger.renames`) pairs with a later listing."""
    cursor = con.execute("SELECT agreement_id, agency_id, state, model, signed_on, moa_url, status, first_listed_on, "
                         "last_listed_on, removed_on FROM agreements")
    columns = [d[0] for d in cursor.description]
    agreements = [dict(zip(columns, row)) for row in cursor.fetchall()]
    names = dict(con.execute("SELECT agency_id, agency_name FROM agencies").fetchall())
    return match_rename_candidates(agreements, names)


def build_checks(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Run every invariant on the store behind ``con`` and return the result rows."""
    results: list[dict] = []
    newest = con.execute("SELECT publication_id, list_date, row_count, unresolved_rows FROM publications "
                         "WHERE kind = 'participating' AND status = 'accepted' ORDER BY seq DESC LIMIT 1").fetchone()
    if newest is None:
        return [_rule("newest participating list exists", "publications", 0, 1)]
    newest_id, newest_on, newest_rows, unresolved = newest
    scope = f"newest list {newest_on} ({newest_id})"
    active = _one(con, "SELECT count(*) FROM agreements WHERE status = 'Active'")
    listed = _one(con, "SELECT count(DISTINCT agreement_id) FROM presence WHERE publication_id = ?", [newest_id])
    duplicates = _one(con, "SELECT count(*) - count(DISTINCT agreement_id) FROM presence WHERE publication_id = ?",
                      [newest_id])
    results.append(_rule("active agreements = agreements in the newest list", scope, active, listed))
    results.append(_rule("rows of the newest list = active + duplicate + unresolved rows", scope, newest_rows,
                         active + duplicates + unresolved))
    for check, table, sql in ZERO_COUNT_RULES:
        results.append(_rule(check, table, _one(con, sql), 0))
    candidates = find_unreviewed_renames(con)
    results.append(_rule("removals the rename rule matches (review them into fixes/agency_name.csv or "
                         "fixes/agreement_agency.csv)", "events",
                         "; ".join(f"{c['agreement_id']} -> {c['candidate_id']}" for c in candidates) or 0, 0))
    resolved = _one(con, "SELECT count(DISTINCT p.agreement_id) FROM presence p JOIN jurisdictions j USING (agency_id) "
                         "WHERE p.publication_id = ? AND j.match_type IS NOT NULL AND NOT j.needs_review", [newest_id])
    results.append(_info("agreements of the newest list resolved to counties or a state", scope,
                         f"{resolved}/{listed}"))
    for kind, n in con.execute("SELECT jurisdiction_type, count(*) FROM jurisdictions GROUP BY 1 ORDER BY 1").fetchall():
        results.append(_info("agencies by jurisdiction type", kind, n))
    for kind, status, n in con.execute("SELECT kind, status, count(*) FROM publications GROUP BY ALL ORDER BY ALL").fetchall():
        results.append(_info(f"{status} lists", kind, n))
    for status, n in con.execute("SELECT status, count(*) FROM agreements GROUP BY 1 ORDER BY 1").fetchall():
        results.append(_info("agreements", status, n))
    for event_type, n, provisional in con.execute(
            "SELECT event_type, count(*), count(*) FILTER (WHERE is_provisional) FROM events GROUP BY 1 ORDER BY 1").fetchall():
        results.append(_info("events", event_type, n))
        if provisional:
            results.append(_info("provisional events", event_type, provisional))
    for reason, n in con.execute("SELECT review_reason, count(*) FROM publication_rows WHERE review_reason IS NOT NULL "
                                 "GROUP BY 1 ORDER BY 1").fetchall():
        results.append(_info("rows needing review", reason, n))
    results.append(_info("hidden rows (counted as data)", "publication_rows",
                         _one(con, "SELECT count(*) FROM publication_rows WHERE is_hidden")))
    for caption in caption_checks(con):
        results.append(_rule("agencies in force on an ICE caption's date = its number (or fixes/caption_count.csv)",
                             f"caption ({caption['stated_count']}) as of {caption['caption_on']}, checked on "
                             f"{caption['checked_on']}", caption["agencies"], caption["expected"]))
    used = {(t, k) for t, k in con.execute("SELECT fix_table, ice_value FROM fix_usage").fetchall()}
    used |= {("caption_count", f"{c['caption_on']}|{c['stated_count']}") for c in caption_checks(con)}
    used |= {("output_agency", f"{fold_text(state)}|{fold_text(agency)}") for state, agency in con.execute(
        "SELECT DISTINCT state, ice_agency FROM output_counts WHERE match_method = 'reviewed'").fetchall()}
    for table in fix_tables():
        for key in load_fix_table(table):
            if (table, "|".join(key)) not in used:
                results.append(_info("fix rows matching nothing in the archive", table, "|".join(key)))
    return results
