"""Who is covered: the counties and residents under agreements in force on a date (by model, per state), the
county x date panel, the map's GeoJSON, and the map's timeline of every date at once.

A county covered by a sheriff, a county body, a state agency or a regional body counts all its residents; a
county covered only by municipal police counts the population those police serve.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb

from g287.inputs import parse_date, parse_model, parse_state
from g287.store.counts import count_agreements_on_lists
from g287.store.in_force import (
    BEST,
    BEST_POSITIONAL,
    count_in_force_on_dates,
    first_list_date,
)
from g287.store.publications import (
    before_ledger,
    find_publication,
    list_dates,
    newest_date,
)

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
    basis = "intervals" if before_ledger(con, as_of_text) else "list"
    publication = None if basis == "intervals" else find_publication(con, as_of_text)
    result = {"as_of": as_of_text, "publication_date": None, "basis": basis, "counties": [], "by_model": {},
              "total": {"counties": 0, "county_population": 0, "residents_covered": 0}}
    if basis == "list" and publication is None:
        return result
    local = ("AND agency_id NOT IN (SELECT agency_id FROM jurisdictions WHERE NOT is_local_agency(coverage_kind))"
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
_LOCAL = "is_local_agency(c.coverage_kind)"
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
