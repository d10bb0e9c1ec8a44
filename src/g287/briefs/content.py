"""What a county brief says, as data: every figure comes with the footnote that names its source.

A brief answers, for one county on one date: which agreements are in force in and over it (its own agencies,
state agencies, pending requests), since when (the county's timeline), whom they cover, what the agreements
oblige each side to do (quoted from the MOA, else from the standard MOA of the model), what studies and official
reports found, and what to ask before signing or renewing. The figures are the ledger's own answers, the same
as the API's for that county and date (the query modules of ``g287.store``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

import duckdb

from g287.errors import QueryError
from g287.geo.topology import county_neighbours
from g287.inputs import STATE_NAMES, parse_date
from g287.store import connect as store_connect
from g287.store import coverage as store_coverage
from g287.store.counts import count_agreements
from g287.store.events import select_events
from g287.store.in_force import BEST, first_list_date
from g287.store.output import output_summary
from g287.store.publications import find_publication, newest_date
from g287.store.reference import load_map_asset

MODELS = ("JEM", "TFM", "WSO")
TOPICS = ("duties", "costs", "supervision", "complaints", "data", "termination")
# Event types a timeline shows: what changed about an agreement (names and MOA links are on the agency page).
# ("listed" and "pending, then signed" repeat a signing; the agency page has them.)
TIMELINE_EVENTS = ("signed", "renewed", "model_added", "model_dropped", "removed", "re_listed",
                   "signed_on_corrected", "pending_listed", "pending_removed")
REGISTER = "evidence.csv"
PER_CLAIM = 3  # register entries shown per claim: the brief stays within four printed pages


class Notes:
    """The brief's footnotes: each source once, numbered in order of first use."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self._numbers: dict[tuple, int] = {}

    def cite(self, kind: str, url: str | None = None, **fields) -> int:
        key = (kind, url, tuple(sorted(fields.items())))
        if key not in self._numbers:
            self.items.append({"number": len(self.items) + 1, "kind": kind, "url": url, **fields})
            self._numbers[key] = len(self.items)
        return self._numbers[key]


def read_register() -> list[dict]:
    """The evidence register: published studies and official reports on 287(g), one reviewed row each."""
    text = (resources.files("g287.briefs") / REGISTER).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        row["year"] = int(row["year"])
        row["states"] = row["states"].split("|")
        row["models"] = row["models"].split("|")
        row["bears_on"] = row["bears_on"].split("|")
    return rows


@dataclass
class BriefContext:
    """What every brief of one date shares (the national coverage, the county map, the register), computed
    once when many briefs are written."""

    con: duckdb.DuckDBPyConnection
    as_of: str
    topology: dict = field(default_factory=load_map_asset)

    @cached_property
    def basis(self) -> str:
        first = first_list_date(self.con)
        return "intervals" if first is not None and self.as_of < first else "list"

    @cached_property
    def publication(self) -> dict | None:
        return None if self.basis == "intervals" else find_publication(self.con, self.as_of)

    @cached_property
    def coverage(self) -> dict:
        return store_coverage.coverage(self.con, as_of=self.as_of)

    @cached_property
    def covered(self) -> dict[str, dict]:
        return {c["county_fips"]: c for c in self.coverage["counties"]}

    @cached_property
    def neighbours(self) -> dict[str, set[str]]:
        return county_neighbours(self.topology)

    @cached_property
    def register(self) -> list[dict]:
        return read_register()

    @cached_property
    def build_id(self) -> str:
        return store_connect.build_id(self.con)

    @cached_property
    def template_moas(self) -> dict[str, dict]:
        """Per model, the archived MOA closest to ICE's template of that model (highest mean similarity)."""
        rows = self.con.execute(
            "SELECT model, publication_id, file, template, mean_similarity FROM moa_terms WHERE read_error IS NULL "
            "AND model IS NOT NULL QUALIFY row_number() OVER (PARTITION BY model ORDER BY mean_similarity DESC, "
            "file) = 1").fetchall()
        return {r[0]: dict(zip(("model", "publication_id", "file", "template", "mean_similarity"), r)) for r in rows}


def county_fips_with_agreements(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every county that has or had an agreement of a local agency (state agencies cover whole states)."""
    rows = con.execute(
        "SELECT DISTINCT c.county_fips FROM agency_counties c JOIN jurisdictions j USING (agency_id) "
        "WHERE is_local_agency(j.coverage_kind) AND (c.agency_id IN (SELECT agency_id FROM agreements) "
        "OR c.agency_id IN (SELECT agency_id FROM intervals)) ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def build_brief(con: duckdb.DuckDBPyConnection, county_fips: str, as_of: str | None = None,
                context: BriefContext | None = None) -> dict:
    """Everything the brief of ``county_fips`` on ``as_of`` (default: the newest list) says, with footnotes.

    >>> from g287.store.connect import open_ledger
    >>> brief = build_brief(open_ledger(None), "12057", as_of="2026-05-18")
    >>> brief["county"]["county_name"], brief["in_force"]["agreements"] > 0
    ('Hillsborough County', True)
    """
    county = con.execute("SELECT county_fips, state, county_name, population, hispanic_share FROM counties "
                         "WHERE county_fips = ?", [county_fips]).fetchone()
    if county is None:
        raise QueryError(f"No county with FIPS code {county_fips!r}; give the five digits, as in 12057 "
                         "(Hillsborough County, FL).")
    as_of = parse_date(as_of) or newest_date(con)
    context = context if context is not None and context.as_of == as_of else BriefContext(con, as_of)
    notes = Notes()
    county = dict(zip(("county_fips", "state", "county_name", "population", "hispanic_share"), county))
    county["state_name"] = STATE_NAMES.get(county["state"], county["state"])
    # Footnotes are numbered in the order the brief shows them: build the sections in that order.
    publication = _publication(con, context, notes)
    county["population_note"] = notes.cite("census")
    agreements = _in_force(con, context, county_fips, notes)
    local = [a for a in agreements if a["coverage_kind"] != "state agency"]
    statewide = [a for a in agreements if a["coverage_kind"] == "state agency"]
    models = sorted({a["model"] for a in local if a["model"]})
    brief = {
        "as_of": as_of, "basis": context.basis, "build_id": context.build_id, "publication": publication,
        "county": county,
        "in_force": {"agreements": len(agreements), "local": local, "statewide": statewide, "models": models,
                     "agencies": len({a["agency_id"] for a in agreements})},
        "pending": _pending(con, county_fips, as_of, notes),
        "coverage": _coverage(con, context, county, agreements, notes),
        "past_agencies": _past_agencies(con, county_fips, {a["agency_id"] for a in agreements}, as_of),
        "spans": _spans(con, county_fips, as_of),
        "timeline": _timeline(con, county_fips, as_of, notes),
        "neighbours": _neighbours(con, context, county_fips),
        "output": _output(con, county_fips, notes),
    }
    brief["agreement_text"] = _agreement_text(con, context, local or statewide, notes)
    brief["questions"] = _questions(brief["agreement_text"])
    brief["evidence"] = _evidence(context, county["state"], models or MODELS, notes)
    brief["notes"] = notes.items
    return brief


def _publication(con: duckdb.DuckDBPyConnection, context: BriefContext, notes: Notes) -> dict | None:
    publication = context.publication
    if publication is None:
        return None
    file = con.execute("SELECT publication_file(original_names) FROM publications WHERE publication_id = ?",
                       [publication["publication_id"]]).fetchone()[0]
    return {**{k: publication[k] for k in ("publication_id", "list_date")}, "file": file,
            "note": notes.cite("list", list_date=publication["list_date"], file=file,
                               publication_id=publication["publication_id"])}


def _in_force(con: duckdb.DuckDBPyConnection, context: BriefContext, county_fips: str, notes: Notes) -> list[dict]:
    """The agreements in force on the date whose agencies cover the county, each with its evidence."""
    if context.basis == "list":
        if context.publication is None:
            return []
        rows = con.execute(
            """
            SELECT p.agency_id, a.agency_name, j.coverage_kind, p.model, g.agreement_id, g.signed_on, g.moa_url,
                   p.row_number, pub.list_date, publication_file(pub.original_names) AS file, pub.publication_id
            FROM presence p JOIN agency_counties c USING (agency_id) JOIN agencies a USING (agency_id)
            JOIN jurisdictions j USING (agency_id) JOIN agreements g USING (agreement_id)
            JOIN publications pub ON pub.publication_id = p.publication_id
            WHERE p.publication_id = ? AND c.county_fips = ?
            ORDER BY NOT is_local_agency(j.coverage_kind), a.agency_name, p.model
            """, [context.publication["publication_id"], county_fips]).fetchall()
        columns = ("agency_id", "agency_name", "coverage_kind", "model", "agreement_id", "signed_on", "moa_url",
                   "row_number", "list_date", "file", "publication_id")
        out = [dict(zip(columns, row)) for row in rows]
        statewide = [a for a in out if a["coverage_kind"] == "state agency"]
        for a in out:
            if a["coverage_kind"] != "state agency":
                a["note"] = notes.cite("list_row", list_date=a["list_date"], file=a["file"],
                                       publication_id=a["publication_id"], row_number=a["row_number"])
        # State agencies reach every county of their state: one note gives all their rows.
        if statewide:
            shared = notes.cite("list_rows", list_date=statewide[0]["list_date"], file=statewide[0]["file"],
                                publication_id=statewide[0]["publication_id"],
                                rows=", ".join(str(r) for r in sorted({a["row_number"] for a in statewide})))
            for a in statewide:
                a["note"] = shared
        return out
    rows = con.execute(
        f"""
        SELECT i.agency_id, a.agency_name, j.coverage_kind, i.model, i.interval_id, i.start_on, NULL AS moa_url,
               i.start_row_number, p.list_date, p.reader, publication_file(p.original_names), p.publication_id,
               i.start_grade
        FROM intervals i JOIN agency_counties c USING (agency_id) JOIN agencies a USING (agency_id)
        JOIN jurisdictions j USING (agency_id) LEFT JOIN publications p ON p.publication_id = i.start_publication_id
        WHERE c.county_fips = $fips AND {BEST}
        ORDER BY NOT is_local_agency(j.coverage_kind), a.agency_name, i.model
        """, {"fips": county_fips, "on": context.as_of}).fetchall()
    out = []
    for row in rows:
        a = dict(zip(("agency_id", "agency_name", "coverage_kind", "model", "agreement_id", "signed_on", "moa_url",
                      "row_number", "list_date", "reader", "file", "publication_id", "grade"), row))
        a["note"] = notes.cite("history_row", list_date=a["list_date"], file=a["file"], reader=a["reader"],
                               publication_id=a["publication_id"], row_number=a["row_number"])
        out.append(a)
    return out


def _past_agencies(con: duckdb.DuckDBPyConnection, county_fips: str, current: set[str], as_of: str) -> list[dict]:
    """Local agencies of the county with an agreement before the date but none in force on it."""
    rows = con.execute(
        """
        SELECT a.agency_id, a.agency_name, least(min(g.first_listed_on), min(i.start_on)) AS since,
               greatest(max(g.last_listed_on), max(i.end_on)) AS until
        FROM agency_counties c JOIN agencies a USING (agency_id) JOIN jurisdictions j USING (agency_id)
        LEFT JOIN agreements g ON g.agency_id = a.agency_id AND g.first_listed_on <= $on
        LEFT JOIN intervals i ON i.agency_id = a.agency_id AND i.start_on <= $on
        WHERE c.county_fips = $fips AND is_local_agency(j.coverage_kind)
        GROUP BY ALL HAVING since IS NOT NULL ORDER BY since, a.agency_name
        """, {"fips": county_fips, "on": as_of}).fetchall()
    return [dict(zip(("agency_id", "agency_name", "since", "until"), r)) for r in rows if r[0] not in current]


def _pending(con: duckdb.DuckDBPyConnection, county_fips: str, as_of: str, notes: Notes) -> list[dict]:
    """Requests on ICE's pending list on the date (local and state agencies covering the county)."""
    rows = con.execute(
        """
        SELECT a.agency_name, j.coverage_kind, p.model, p.first_listed_on, p.last_publication_id, p.last_row_number,
               pub.list_date, publication_file(pub.original_names)
        FROM pending p JOIN agency_counties c USING (agency_id) JOIN agencies a USING (agency_id)
        JOIN jurisdictions j USING (agency_id) JOIN publications pub ON pub.publication_id = p.last_publication_id
        WHERE c.county_fips = ? AND p.first_listed_on <= ? AND (p.status = 'pending' OR p.last_listed_on >= ?)
        ORDER BY NOT is_local_agency(j.coverage_kind), a.agency_name, p.model
        """, [county_fips, as_of, as_of]).fetchall()
    out = []
    for name, kind, model, since, publication_id, row_number, list_date, file in rows:
        out.append({"agency_name": name, "coverage_kind": kind, "model": model, "since": since,
                    "note": notes.cite("pending_row", list_date=list_date, file=file, publication_id=publication_id,
                                       row_number=row_number)})
    return out


def _spans(con: duckdb.DuckDBPyConnection, county_fips: str, as_of: str) -> list[dict]:
    """Per local agency and model, the stretches it had an agreement (2002 on), for the timeline chart: from the
    agreement lives before 2021 and ICE's lists after (first to last list showing it; open when still listed)."""
    rows = con.execute(
        """
        WITH local AS (SELECT agency_id FROM agency_counties JOIN jurisdictions USING (agency_id)
                       WHERE county_fips = $fips AND is_local_agency(coverage_kind)),
        stretches AS (
            SELECT agency_id, coalesce(model, '?') AS model, start_on AS from_on,
                   coalesce(end_on, (SELECT min(list_date) FROM publications WHERE kind = 'participating'
                                     AND status = 'accepted')) AS to_on
            FROM intervals WHERE agency_id IN (SELECT agency_id FROM local) AND start_on <= $on
            UNION ALL
            SELECT agency_id, model, first_listed_on, CASE WHEN status = 'Active' THEN NULL ELSE last_listed_on END
            FROM agreements WHERE agency_id IN (SELECT agency_id FROM local) AND first_listed_on <= $on)
        SELECT a.agency_name, s.model, min(s.from_on), CASE WHEN bool_or(s.to_on IS NULL OR s.to_on > $on) THEN NULL
               ELSE max(s.to_on) END
        FROM stretches s JOIN agencies a USING (agency_id) GROUP BY ALL ORDER BY 3, 1, 2
        """, {"fips": county_fips, "on": as_of}).fetchall()
    return [dict(zip(("agency_name", "model", "from_on", "to_on"), r)) for r in rows]


def _timeline(con: duckdb.DuckDBPyConnection, county_fips: str, as_of: str, notes: Notes) -> list[dict]:
    """The county's own agencies' events since their first agreement, 2002 on, each with its evidence."""
    local = "SELECT agency_id FROM agency_counties JOIN jurisdictions USING (agency_id) WHERE county_fips = ? " \
            "AND is_local_agency(coverage_kind)"
    events = []
    for e in select_events(con, f"e.agency_id IN ({local}) AND e.event_on <= ? AND e.event_type IN "
                                f"({', '.join(repr(t) for t in TIMELINE_EVENTS)})", [county_fips, as_of]):
        first = e["evidence"][0] if e["evidence"] else {}
        events.append({"event_on": e["event_on"], "event_type": e["event_type"], "agency_name": e["agency_name"],
                       "model": e["model"], "history": False,
                       "note": notes.cite("list_row", list_date=first.get("list_date"), file=first.get("file"),
                                          publication_id=first.get("publication_id"),
                                          row_number=first.get("row_number"))})
    rows = con.execute(
        f"""
        SELECT h.event_on, h.event_type, a.agency_name, h.model, h.precision, p.list_date, p.reader,
               publication_file(p.original_names), h.publication_id, h.row_number
        FROM history_events h JOIN agencies a USING (agency_id) JOIN publications p USING (publication_id)
        WHERE h.agency_id IN ({local}) AND h.event_on <= ? ORDER BY h.event_on
        """, [county_fips, as_of]).fetchall()
    for on, kind, name, model, precision, list_date, reader, file, publication_id, row_number in rows:
        events.append({"event_on": on, "event_type": kind, "agency_name": name, "model": model, "history": True,
                       "precision": precision,
                       "note": notes.cite("history_row", list_date=list_date, file=file, reader=reader,
                                          publication_id=publication_id, row_number=row_number)})
    return sorted(events, key=lambda e: (e["event_on"], e["agency_name"] or "", e["model"] or ""))


def _coverage(con: duckdb.DuckDBPyConnection, context: BriefContext, county: dict, agreements: list[dict],
              notes: Notes) -> dict:
    """Residents covered in the county (g287's coverage rule), and the county's share of its state's agreements."""
    row = context.covered.get(county["county_fips"])
    state_counts = count_agreements(con, as_of=context.as_of, state=county["state"])
    state_residents = sum(c["residents_covered"] or 0 for c in context.coverage["counties"]
                          if c["state"] == county["state"])
    state_population = con.execute("SELECT sum(population) FROM counties WHERE state = ?",
                                    [county["state"]]).fetchone()[0]
    in_county = len({a["agreement_id"] for a in agreements})
    return {"residents_covered": row["residents_covered"] if row else 0,
            "models": row["models"] if row else None, "coverage_kinds": row["coverage_kinds"] if row else None,
            "share_of_county": round((row["residents_covered"] or 0) / county["population"], 4)
            if row and county["population"] else 0.0,
            "state_agreements": state_counts["agreements"], "state_agencies": state_counts["agencies"],
            "agreements_covering": in_county,
            "share_of_state_agreements": round(in_county / state_counts["agreements"], 4)
            if state_counts["agreements"] else None,
            "state_counties_covered": sum(1 for c in context.coverage["counties"] if c["state"] == county["state"]),
            "state_residents_covered": state_residents, "state_population": state_population,
            "note": notes.cite("coverage_rule")}


def _neighbours(con: duckdb.DuckDBPyConnection, context: BriefContext, county_fips: str) -> list[dict]:
    """The counties that share a boundary with this one, with the models in force over them on the date."""
    fips = sorted(context.neighbours.get(county_fips, ()))
    if not fips:
        return []
    rows = con.execute("SELECT county_fips, state, county_name, population FROM counties WHERE county_fips IN "
                       f"({', '.join('?' for _ in fips)}) ORDER BY state, county_name", fips).fetchall()
    out = []
    for code, state, name, population in rows:
        covered = context.covered.get(code)
        out.append({"county_fips": code, "state": state, "county_name": name, "population": population,
                    "models": covered["models"] if covered else None,
                    "coverage_kinds": covered["coverage_kinds"] if covered else None,
                    "residents_covered": covered["residents_covered"] if covered else 0})
    return out


def _output(con: duckdb.DuckDBPyConnection, county_fips: str, notes: Notes) -> dict | None:
    """People identified and removed through the county's agencies (ICE statistics, FY2006-2013)."""
    summary = output_summary(con, county=county_fips)
    periods = [p for p in summary["periods"] if p["identified"] or p["removed"]]
    if not periods:
        return None
    return {"totals": summary["totals"], "first": periods[0]["period"], "last": periods[-1]["period"],
            "agencies": summary["agencies"], "note": notes.cite("output")}


def _agreement_text(con: duckdb.DuckDBPyConnection, context: BriefContext, agreements: list[dict],
                    notes: Notes) -> list[dict]:
    """Per model in force: what the MOA says on each topic, from the agreement's own MOA when g287 has read it,
    else from the archived MOA of that model closest to ICE's template (``source`` moa or template)."""
    out = []
    for model in sorted({a["model"] for a in agreements if a["model"] in MODELS}):
        ids = [a["agreement_id"] for a in agreements if a["model"] == model]
        own = con.execute(
            "SELECT publication_id, file, agency FROM moa_terms WHERE read_error IS NULL AND list_has_any("
            "string_split(agreement_ids, '|'), ?::VARCHAR[]) ORDER BY signed_on DESC LIMIT 1", [ids]).fetchone()
        if own is not None:
            source, (publication_id, file, agency) = "moa", own
        elif model in context.template_moas:
            exemplar = context.template_moas[model]
            source, publication_id, file, agency = "template", exemplar["publication_id"], exemplar["file"], None
        else:
            out.append({"model": model, "source": None, "file": None, "clauses": []})
            continue
        url = next((a["moa_url"] for a in agreements if a["model"] == model and a["moa_url"]), None) \
            if source == "moa" else None
        # One note per MOA file; each quote gives its section, page and line beside it.
        note = notes.cite("moa", url=url, file=file)
        clauses = [{"topic": topic, "section": section, "page": page, "line": line, "text": text, "note": note}
                   for topic, section, page, line, text in con.execute(
                       "SELECT topic, section, page, line, text FROM moa_clauses WHERE publication_id = ?",
                       [publication_id]).fetchall()]
        clauses.sort(key=lambda c: TOPICS.index(c["topic"]))
        out.append({"model": model, "source": source, "file": file, "agency": agency, "clauses": clauses,
                    "note": note})
    return out


def _evidence(context: BriefContext, state: str, models: list[str] | tuple, notes: Notes) -> dict:
    """Register entries that bear on the county's models, this state's first, grouped by the claim they test."""
    chosen = [e for e in context.register if set(e["models"]) & set(models)]
    chosen.sort(key=lambda e: (state not in e["states"], "US" not in e["states"], -e["year"]))
    groups: dict[str, list[dict]] = {"public_safety": [], "removals": [], "profiling": [], "trust": [], "cost": [],
                                     "oversight": []}
    for entry in chosen:
        groups.setdefault(entry["bears_on"][0], []).append(entry)
    # Only the entries shown get a note (numbered in the order the brief shows them).
    return {claim: [{**entry, "in_state": state in entry["states"],
                     "note": notes.cite("evidence", url=entry["link"], citation=entry["citation"])}
                    for entry in entries[:PER_CLAIM]]
            for claim, entries in groups.items() if entries}


def _questions(agreement_text: list[dict]) -> list[dict]:
    """Questions to ask before signing or renewing, one per topic the MOA text addresses, citing the clause."""
    questions, seen = [], set()
    for block in agreement_text:
        for clause in block["clauses"]:
            if clause["topic"] in seen:
                continue
            seen.add(clause["topic"])
            questions.append({"topic": clause["topic"], "model": block["model"], "note": clause["note"],
                              "section": clause["section"], "page": clause["page"]})
    for topic in TOPICS:
        if topic not in seen:
            questions.append({"topic": topic, "model": None, "note": None, "section": None, "page": None})
    return sorted(questions, key=lambda q: TOPICS.index(q["topic"]))
