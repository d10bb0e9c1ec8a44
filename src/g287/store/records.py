"""Everything g287 knows about agencies and counties, for one or for all of them at once.

The agency and county pages, their JSON twins, the static site and the CLI's ``g287 history`` read the same
records (:func:`agency_history` and :func:`county_history`: the record of one agency, named by id or name, or
of one county). Each part is one query filtered by ``IN (ids)`` (or not filtered at all) and grouped here, so a record
for one agency costs what it always did, and the records of every agency cost a few queries instead of ten per
agency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import duckdb

from g287.errors import NotFoundError
from g287.store.agencies import find_agency
from g287.store.events import select_events
from g287.store.output import agency_outputs, county_output_summaries, shown_output


def _where(column: str, keys: list[str] | None) -> tuple[str, list]:
    """A condition keeping ``keys`` (all rows when ``None``) and its parameters."""
    return ("TRUE", []) if keys is None else (f"{column} IN (SELECT unnest(?::VARCHAR[]))", [list(keys)])


def _grouped(con: duckdb.DuckDBPyConnection, sql: str, params: list, key: str) -> dict[str, list[dict]]:
    """The rows of ``sql`` as dicts, grouped by column ``key`` (the column stays in each row)."""
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in cursor.fetchall():
        record = dict(zip(columns, row))
        groups[record[key]].append(record)
    return groups


def _grouped_by_first(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict[str, list[dict]]:
    """The rows of ``sql`` grouped by their first column, each a dict of the other columns (a record's agreements
    without the agency id on each: copying the rows without it took a third of the records' time)."""
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description][1:]
    groups: dict[str, list[dict]] = defaultdict(list)
    for key, *row in cursor.fetchall():
        groups[key].append(dict(zip(columns, row)))
    return groups


def agency_records(con: duckdb.DuckDBPyConnection, agency_ids: Iterable[str] | None = None,
                   every_event: list[dict] | None = None) -> dict[str, dict]:
    """Per agency id: ``agency`` (its row), ``agreements``, ``events`` with evidence, data ``notes``, agreement
    ``lives`` and ``history_events`` before 2021, the jurisdiction (``jurisdiction_type``, ``coverage_kind``,
    ``counties``), the MOAs read (``moas`` with their ``difference_list``) and enforcement ``output``.
    ``every_event`` is ``select_events(con, "TRUE", [])``, when the caller has read it already."""
    ids = None if agency_ids is None else list(agency_ids)
    where, params = _where("agency_id", ids)

    def on(alias: str) -> str:  # the same condition on a table's alias
        return _where(f"{alias}.agency_id", ids)[0]

    info = _grouped(con, f"SELECT * FROM agencies WHERE {where} ORDER BY agency_id", params, "agency_id")
    agreements = _grouped_by_first(con, f"""
        SELECT agency_id, agreement_id, model, signed_on, status, first_listed_on, last_listed_on, removed_on,
               successor_id, moa_url
        FROM agreements WHERE {where} ORDER BY first_listed_on, agreement_id""", params)
    notes = _grouped_by_first(con, f"""
        SELECT n.agency_id, n.field, n.value, n.rows, n.is_current, f.list_date AS first_list_date,
               n.first_row_number, l.list_date AS last_list_date, n.last_row_number
        FROM agency_notes n JOIN publications f ON f.publication_id = n.first_publication_id
        JOIN publications l ON l.publication_id = n.last_publication_id
        WHERE {on('n')} ORDER BY n.field, n.value""", params)
    lives = _grouped_by_first(con, f"""
        SELECT agency_id, interval_id, model, start_on, start_precision, start_grade, end_on, end_precision,
               end_grade, end_basis, signed_dates, first_listed_on, last_listed_on, agreement_id
        FROM intervals WHERE {where} ORDER BY start_on, model""", params)
    history_events = _grouped_by_first(con, f"""
        SELECT h.agency_id, h.event_on, h.event_type, h.model, h.precision, h.grade, h.interval_id, h.detail,
               h.publication_id, p.list_date, p.reader, publication_file(p.original_names) AS file, p.note,
               h.row_number
        FROM history_events h JOIN publications p USING (publication_id)
        WHERE {on('h')} ORDER BY h.event_on, h.event_type, h.model""", params)
    jurisdictions = _grouped(con, f"SELECT * FROM jurisdictions WHERE {where}", params, "agency_id")
    counties = _grouped_by_first(con, f"""
        SELECT c.agency_id, c.county_fips, k.county_name, k.population FROM agency_counties c
        LEFT JOIN counties k USING (county_fips) WHERE {on('c')} ORDER BY c.county_fips""", params)
    moas = _grouped_by_first(con, f"""
        SELECT a.agency_id, t.* FROM moa_terms t
        JOIN (SELECT DISTINCT agency_id, agreement_id FROM agreements WHERE {where}) a
          ON list_contains(string_split(t.agreement_ids, '|'), a.agreement_id)
        QUALIFY row_number() OVER (PARTITION BY a.agency_id, t.publication_id) = 1
        ORDER BY t.signed_on, t.publication_id""", params)
    differences = _grouped_by_first(con, "SELECT publication_id, section, kind, template_text, moa_text, diff "
                                         "FROM moa_differences WHERE publication_id IN (SELECT unnest(?::VARCHAR[]))",
                                    [[m["publication_id"] for rows in moas.values() for m in rows]])
    events = _events_by_agency(con, on("e"), params, every_event)
    outputs = agency_outputs(con, list(info))

    records = {}
    for agency_id, (row,) in info.items():
        place = jurisdictions.get(agency_id, [{}])[0]
        records[agency_id] = {
            "agency": row,
            "agreements": agreements.get(agency_id, []),
            "events": events.get(agency_id, []),
            "notes": notes.get(agency_id, []),
            "lives": lives.get(agency_id, []),
            "history_events": history_events.get(agency_id, []),
            "jurisdiction": place,
            "jurisdiction_type": place.get("jurisdiction_type"),
            "coverage_kind": place.get("coverage_kind"),
            "counties": counties.get(agency_id, []),
            "moas": [{**m, "difference_list": differences.get(m["publication_id"], [])}
                     for m in moas.get(agency_id, [])],
            "output": outputs.get(agency_id, []),
        }
    return records


def county_records(con: duckdb.DuckDBPyConnection, county_fips: Iterable[str] | None = None,
                   every_event: list[dict] | None = None) -> dict[str, dict]:
    """Per county FIPS code: the ``county`` row, the ``agencies`` covering it (with their models and first
    listing), their ``events`` (newest first) and the county's enforcement ``output`` (None without any).
    ``every_event`` as for :func:`agency_records`."""
    keys = None if county_fips is None else list(county_fips)
    where, params = _where("county_fips", keys)
    on_c = _where("c.county_fips", keys)[0]
    counties = _grouped(con, f"SELECT county_fips, state, county_name, population, hispanic_share FROM counties "
                             f"WHERE {where} ORDER BY county_fips", params, "county_fips")
    agencies = _grouped_by_first(con, f"""
        SELECT c.county_fips, a.agency_id, a.agency_name, j.coverage_kind,
               string_agg(DISTINCT g.model, '+' ORDER BY g.model) FILTER (WHERE g.status = 'Active') AS models,
               min(g.first_listed_on) AS first_listed_on, bool_or(g.status = 'Active') AS is_active
        FROM agency_counties c JOIN agencies a USING (agency_id) JOIN jurisdictions j USING (agency_id)
        JOIN agreements g USING (agency_id)
        WHERE {on_c} GROUP BY ALL ORDER BY is_active DESC, first_listed_on, a.agency_name""", params)
    events_of = _events_by_agency(con, "e.agency_id IN (SELECT agency_id FROM agency_counties WHERE " + where + ")",
                                  params, every_event)
    # Counties with any enforcement output: those of agencies with linked output, or with area counts.
    with_output = {r[0] for r in con.execute(
        "SELECT DISTINCT c.county_fips FROM agency_counties c JOIN jurisdictions j USING (agency_id) "
        "WHERE is_local_agency(j.coverage_kind) AND agency_id IN "
        "(SELECT linked_agency_id FROM output_counts) "
        "UNION SELECT DISTINCT county_fips FROM output_counts WHERE match_method = 'area'").fetchall()}

    outputs = agency_outputs(con, [r[0] for r in con.execute(
        "SELECT DISTINCT linked_agency_id FROM output_counts WHERE linked_agency_id IS NOT NULL").fetchall()])
    summaries = county_output_summaries(con, with_output & set(counties), outputs)
    records = {}
    for fips, (row,) in counties.items():
        covering = agencies.get(fips, [])
        ids = {a["agency_id"] for a in covering}
        events = sorted((e for agency_id in ids for e in events_of[agency_id]), key=_event_order)
        records[fips] = {"county": row, "agencies": covering, "events": events[::-1],
                         "output": shown_output(summaries.get(fips))}
    return records


def agency_history(con: duckdb.DuckDBPyConnection, agency: str, state: str | None = None) -> dict:
    """One agency's agreements, events with evidence, and data notes (the values of TYPE or county on which
    ICE's rows for it disagree, with the lists that print each). ``agency`` is an id or (part of) a name."""
    agency_id = find_agency(con, agency, state)["agency_id"]
    record = agency_records(con, [agency_id])[agency_id]
    return {key: record[key] for key in ("agency", "agreements", "events", "notes", "lives", "history_events")}


def county_history(con: duckdb.DuckDBPyConnection, county_fips: str) -> dict:
    """One county: its population, the agencies covering it (with their agreements), their events (newest
    first) and its enforcement output; NotFoundError when no county has this FIPS code."""
    county_by_fips(con, county_fips)
    return county_records(con, [county_fips])[county_fips]


def _events_by_agency(con: duckdb.DuckDBPyConnection, where: str, params: list,
                      every_event: list[dict] | None) -> defaultdict[str, list[dict]]:
    """The events matching ``where`` by agency id; from ``every_event`` when given (the records of every agency
    or county then need no query: only the agencies asked for are looked up)."""
    events = defaultdict(list)
    for event in select_events(con, where, params) if every_event is None else every_event:
        events[event["agency_id"]].append(event)
    return events


def _event_order(event: dict) -> tuple:
    """The order of ``select_events``: date, type, agency, agreement (none first), id."""
    return (event["event_on"], event["event_type"], event["agency_id"], event["agreement_id"] is not None,
            event["agreement_id"] or "", event["event_id"])


def county_by_fips(con: duckdb.DuckDBPyConnection, county_fips: str) -> dict:
    """The county with FIPS code ``county_fips``: ``{"county_fips", "state", "county_name"}``; NotFoundError when
    there is none.

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     county_by_fips(con, "24023")["county_name"]
    'Garrett County'
    """
    row = con.execute("SELECT county_fips, state, county_name FROM counties WHERE county_fips = ?",
                      [county_fips]).fetchone()
    if row is None:
        raise NotFoundError(f"No county with FIPS code {county_fips!r}. Search by name at /search?q=...")
    return dict(zip(("county_fips", "state", "county_name"), row))
