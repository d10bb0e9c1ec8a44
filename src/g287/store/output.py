"""Enforcement output against agreements: per agency (or county, or state) and fiscal year.

For each reporting agency and period: the people identified and removed (null where the source gives no
figure), whether an agreement was in force in the period (from the agreement lives before 2021 and the
ledger's agreements after), its models, and two rates: per agreement-year (the removals divided by the years
of agreements in force within the period, by best dates) and per 100,000 residents of the agency's
jurisdiction. A period with output but no agreement in force (or with an agreement surely in force all
period and no figure) gets a data note: it is evidence about the agreement's dates or about the source.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from g287.errors import InputError
from g287.inputs import parse_state
from g287.store.agencies import find_agency

# The agreement lives of every agency by best dates (intervals before 2021, the ledger's agreements after, which
# count from their signing date, or first listing, to their removal or today), with the latest possible start and
# earliest possible end that say whether a life surely covers a period.
_LIVES = """
    SELECT agency_id, model, start_on,
           CASE WHEN end_on IS NULL THEN (SELECT min(list_date) FROM publications WHERE kind = 'participating'
                                          AND status = 'accepted') ELSE end_on END AS end_on,
           start_latest_on, end_earliest_on
    FROM intervals
    UNION ALL
    SELECT agency_id, model, coalesce(signed_on, first_listed_on), removed_on, NULL, NULL FROM agreements
"""


def agency_output(con: duckdb.DuckDBPyConnection, agency_id: str) -> list[dict]:
    """One agency's output by period, against its agreements (see the module's docstring)."""
    return agency_outputs(con, [agency_id]).get(agency_id, [])


def agency_outputs(con: duckdb.DuckDBPyConnection, agency_ids: list[str]) -> dict[str, list[dict]]:
    """The output by period of each of ``agency_ids`` that has any, against its agreements: three queries for
    any number of agencies."""
    ids = [list(agency_ids)]
    rows = con.execute(
        """
        SELECT o.linked_agency_id AS agency_id, o.period, o.period_start, o.period_end,
               sum(o.identified) AS identified, sum(o.removed) AS removed,
               count(o.identified) AS identified_reported, count(o.removed) AS removed_reported,
               min(o.publication_id) AS publication_id, min(o.row_number) AS row_number,
               min(publication_file(p.original_names)) AS file, string_agg(DISTINCT o.ice_agency, '; ') AS as_printed
        FROM output_counts o JOIN publications p USING (publication_id)
        WHERE o.linked_agency_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL ORDER BY agency_id, o.period_start
        """, ids)
    columns = [d[0] for d in rows.description]
    periods: dict[str, list[dict]] = {}
    for row in rows.fetchall():
        period = dict(zip(columns, row))
        periods.setdefault(period.pop("agency_id"), []).append(period)
    spans: dict[tuple, list[tuple]] = {}
    for agency_id, period, *span in con.execute(
            f"""
            WITH periods AS (SELECT DISTINCT linked_agency_id AS agency_id, period, period_start AS s,
                                    period_end AS e FROM output_counts
                             WHERE linked_agency_id IN (SELECT unnest(?::VARCHAR[])))
            SELECT p.agency_id, p.period, l.model, greatest(l.start_on, p.s), least(coalesce(l.end_on, p.e), p.e),
                   coalesce(l.start_latest_on <= p.s AND (l.end_earliest_on IS NULL OR l.end_earliest_on > p.e),
                            FALSE)
            FROM periods p JOIN ({_LIVES}) l ON l.agency_id = p.agency_id AND l.start_on <= p.e
                                             AND (l.end_on IS NULL OR l.end_on > p.s)
            """, ids).fetchall():
        spans.setdefault((agency_id, period), []).append(tuple(span))
    residents = _residents(con, list(periods))
    for agency_id, agency_periods in periods.items():
        for period in agency_periods:
            _against_agreements(period, spans.get((agency_id, period["period"]), []), residents.get(agency_id))
    return periods


def _against_agreements(period: dict, spans: list[tuple], residents: int | None) -> None:
    days = _days(period["period_start"], period["period_end"]) + 1
    agreement_years = sum(max(_days(f, t), 0) for _, f, t, _ in spans) / 365.25
    period["models"] = "+".join(sorted({m for m, *_ in spans if m})) or None
    period["in_force"] = "sure" if any(s for *_, s in spans) else "best" if spans else "none"
    period["agreement_years"] = round(agreement_years, 2)
    period["residents"] = residents
    removed = period["removed"] if period["removed_reported"] else None
    period["removed_per_agreement_year"] = (round(removed / agreement_years, 1)
                                            if removed is not None and agreement_years > 0 else None)
    period["removed_per_100k_residents"] = (round(removed * 100_000 / residents, 1)
                                            if removed is not None and residents else None)
    active = (period["identified"] or 0) + (period["removed"] or 0) > 0
    note = None
    if active and not spans:
        note = "output but no agreement in force in this period: evidence about the agreement's dates"
    elif period["in_force"] == "sure" and not period["identified_reported"] and not period["removed_reported"]:
        note = "an agreement was in force all period but the source gives no figure (unknown, not zero)"
    period["data_note"] = note
    period["days"] = days


def _days(start: str, end: str) -> int:
    import datetime as dt

    return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days


def _residents(con: duckdb.DuckDBPyConnection, agency_ids: list[str]) -> dict[str, int | None]:
    """Residents of each agency's jurisdiction: its counties' population, or the population a municipal police
    force serves (FBI roster)."""
    rows = con.execute(
        "SELECT j.agency_id, j.coverage_kind, j.population_served, sum(k.population) FROM jurisdictions j "
        "LEFT JOIN agency_counties c USING (agency_id) LEFT JOIN counties k USING (county_fips) "
        "WHERE j.agency_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL", [agency_ids]).fetchall()
    return {agency_id: served if kind == "municipal police" and served else county_population
            for agency_id, kind, served, county_population in rows}


def output_summary(con: duckdb.DuckDBPyConnection, agency: str | None = None, state: str | None = None,
                   county: str | None = None, outputs: dict[str, list[dict]] | None = None) -> dict:
    """Output for one agency (``agency`` with optional ``state``), one county (FIPS: the agencies covering it,
    statewide agencies left out) or one state (its agencies), by period, with totals. ``outputs`` are
    :func:`agency_outputs` computed beforehand for every agency (summaries of many counties share them)."""
    if agency is not None:
        found = find_agency(con, agency, state)
        agency_id = found["agency_id"]
        periods = agency_output(con, agency_id)
        return {"scope": "agency", "agency_id": agency_id, "agency_name": found["agency_name"],
                "state": found["state"], "periods": periods, "totals": _totals(periods)}
    if county is not None:
        if not (len(county) == 5 and county.isdigit()):
            raise InputError("county", county, "is not a county FIPS code; give five digits, as in 37119.")
        return county_output_summaries(con, [county], outputs)[county]
    if state is not None:
        code = parse_state(state)
        return state_output_summaries(con, [code], outputs)[code]
    agencies = [r[0] for r in con.execute(
        "SELECT DISTINCT linked_agency_id FROM output_counts WHERE linked_agency_id IS NOT NULL").fetchall()]
    names = dict(con.execute("SELECT agency_id, agency_name FROM agencies").fetchall())
    if outputs is None:
        outputs = agency_outputs(con, sorted(agencies))
    rows = con.execute("SELECT period, sum(arrests) FROM output_counts WHERE match_method = 'area' "
                       "GROUP BY 1 ORDER BY 1").fetchall()
    return _summary({"scope": "nation"}, agencies, names, outputs,
                    [{"period": period, "arrests": arrests} for period, arrests in rows])


def state_output_summaries(con: duckdb.DuckDBPyConnection, states: Iterable[str],
                           outputs: dict[str, list[dict]] | None = None) -> dict[str, dict]:
    """The output of each of ``states`` (codes: the agencies of the state), as :func:`output_summary` gives it
    for one, in three queries rather than three per state (the static site shows every state's). ``outputs``
    as for :func:`output_summary`."""
    return _area_summaries(con, "state", "state", states, outputs, """
        SELECT DISTINCT state, linked_agency_id FROM output_counts WHERE linked_agency_id IS NOT NULL
        AND state IN (SELECT unnest(?::VARCHAR[]))""")


def county_output_summaries(con: duckdb.DuckDBPyConnection, counties: Iterable[str],
                            outputs: dict[str, list[dict]] | None = None) -> dict[str, dict]:
    """The output of each of ``counties`` (FIPS codes: the agencies covering it, statewide agencies left out), as
    :func:`output_summary` gives it for one, in three queries rather than three per county (the static site
    shows the output of hundreds of counties). ``outputs`` as for :func:`output_summary`."""
    return _area_summaries(con, "county", "county_fips", counties, outputs, """
        SELECT DISTINCT c.county_fips, c.agency_id FROM agency_counties c JOIN jurisdictions j USING (agency_id)
        WHERE c.county_fips IN (SELECT unnest(?::VARCHAR[])) AND is_local_agency(j.coverage_kind)""")


def _area_summaries(con: duckdb.DuckDBPyConnection, scope: str, column: str, keys: Iterable[str],
                    outputs: dict[str, list[dict]] | None, agencies_sql: str) -> dict[str, dict]:
    """The output summary of each of ``keys``, values of ``output_counts.<column>`` (a state or a county):
    its agencies are the (key, agency id) pairs ``agencies_sql`` selects for the keys (its one parameter), its
    area counts those of ``output_counts`` with that value."""
    wanted = sorted(set(keys))
    agencies: dict[str, list[str]] = {key: [] for key in wanted}
    for key, agency_id in con.execute(agencies_sql, [wanted]).fetchall():
        agencies[key].append(agency_id)
    area: dict[str, list[dict]] = {key: [] for key in wanted}
    for key, period, arrests in con.execute(
            f"SELECT {column}, period, sum(arrests) FROM output_counts WHERE match_method = 'area' "
            f"AND {column} IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1, 2 ORDER BY 1, 2", [wanted]).fetchall():
        area[key].append({"period": period, "arrests": arrests})
    names = dict(con.execute("SELECT agency_id, agency_name FROM agencies").fetchall())
    if outputs is None:
        outputs = agency_outputs(con, sorted({a for ids in agencies.values() for a in ids}))
    return {key: _summary({"scope": scope, column: key}, agencies[key], names, outputs, area[key])
            for key in wanted}


def shown_output(summary: dict | None) -> dict | None:
    """``summary`` (:func:`output_summary`) as a state or county page shows it: None, and so no output section,
    when none of its agencies has output by period."""
    return summary if summary and summary["periods"] else None


def _summary(scope: dict, agencies: Iterable[str], names: dict[str, str], outputs: dict[str, list[dict]],
             area_periods: list[dict]) -> dict:
    """The output of ``agencies`` by period, with totals (see :func:`output_summary`)."""
    by_period: dict[str, dict] = {}
    agency_rows = []
    for agency_id in sorted(agencies):
        periods = outputs.get(agency_id, [])
        if periods:
            agency_rows.append({"agency_id": agency_id, "agency_name": names.get(agency_id), **_totals(periods)})
        for p in periods:
            row = by_period.setdefault(p["period"], {"period": p["period"], "period_start": p["period_start"],
                                                     "period_end": p["period_end"], "identified": 0, "removed": 0,
                                                     "agencies_reporting": 0})
            row["identified"] += p["identified"] or 0
            row["removed"] += p["removed"] or 0
            row["agencies_reporting"] += int(p["identified"] is not None or p["removed"] is not None)
    periods = sorted(by_period.values(), key=lambda p: p["period_start"])
    return {**scope, "agencies": agency_rows, "periods": periods, "totals": _totals(periods),
            "area_periods": area_periods}


def _totals(periods: list[dict]) -> dict:
    return {"identified": sum(p["identified"] or 0 for p in periods),
            "removed": sum(p["removed"] or 0 for p in periods)}


def output_review(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Reporting agencies not linked to a ledger agency (add a reviewed row to fixes/output_agency.csv)."""
    rows = con.execute(
        "SELECT state, ice_agency, agency_name, agency_id, count(*) AS periods, sum(removed) AS removed "
        "FROM output_counts WHERE linked_agency_id IS NULL AND match_method IS DISTINCT FROM 'area' "
        "GROUP BY ALL ORDER BY state, ice_agency")
    columns = [d[0] for d in rows.description]
    return [dict(zip(columns, r)) for r in rows.fetchall()]


def link_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """Reporting agencies by how they were linked (exact, rule, reviewed, unlinked)."""
    rows = con.execute("SELECT coalesce(match_method, 'unlinked'), count(DISTINCT (state, ice_agency)) "
                       "FROM output_counts WHERE ice_agency IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()
    return dict(rows)


def states_with_output(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The states with output linked to one of their agencies."""
    return [r[0] for r in con.execute("SELECT DISTINCT state FROM output_counts "
                                      "WHERE linked_agency_id IS NOT NULL").fetchall()]
