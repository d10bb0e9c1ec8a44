"""Every table g287 builds: columns, types and what each column means (the data dictionary).

One column has one name everywhere (DuckDB, Parquet, CSV, JSON). Dates end in ``_on`` and are ISO text
(``YYYY-MM-DD``); booleans start with ``is_``; identifiers end in ``_id``; ICE's original values keep the
``ice_`` prefix beside ours.
"""

from __future__ import annotations

from operator import itemgetter

import pyarrow as pa

S, I, B, D = pa.string(), pa.int64(), pa.bool_(), pa.float64()

TABLES: dict[str, tuple[str, list[tuple[str, pa.DataType, str]]]] = {
    "publications": ("One row per list read from the archive (a file can hold several, e.g. the 2007/2008 rosters).", [
        ("publication_id", S, "First 12 hex digits of the file's SHA-256 (plus -YYYYMMDD for multi-list files)."),
        ("sha256", S, "SHA-256 of the archived file."),
        ("kind", S, "participating, pending, roster, history (a 2002-2020 reference source), output (enforcement statistics) or moa (an agreement's PDF), decided by the file's content."),
        ("reader", S, "The g287 reader that parsed it (ice_workbook, html_table_workbook, historical_csv)."),
        ("list_date", S, "Date of the list (ISO), from the file name with repairs, or from the content."),
        ("slot", S, "Position within the day when ICE posted several lists: am, am-b, mid, pm, pm-b, pm-2."),
        ("date_basis", S, "How list_date was set: iso-filename, ice-filename, ice-filename-corrected, wayback-capture, override, content."),
        ("seq", I, "Publication order over all lists (1 = oldest)."),
        ("row_count", I, "Non-empty data rows, hidden rows included."),
        ("hidden_rows", I, "Rows ICE saved hidden (autofilter); they are data and are counted."),
        ("unresolved_rows", I, "Rows kept out of the ledger because no state, agency or model could be read."),
        ("status", S, "accepted, or quarantined by the drop gate (not applied to the ledger)."),
        ("status_reason", S, "Why a list was quarantined."),
        ("columns", S, "Header names, |-separated."),
        ("sheet_names", S, "Sheet names, |-separated."),
        ("original_names", S, "Every file name these bytes were imported under, |-separated."),
        ("modified_utc", S, "Workbook 'modified' time from its document properties (UTC)."),
        ("grade", S, "Evidence grade of the source: A (ICE's own list, page or MOA), B (government report, FOIA document), C (third party)."),
        ("claim", S, "in_force (each row an agreement in force on list_date) or signing_dates (each row a signing date only)."),
        ("stated_count", I, "The number of agreements the source itself states for this list (ICE's page caption), when it states one."),
        ("note", S, "The source's own heading or citation (ICE's caption, the report's table)."),
        ("observed_on", S, "The day the list was seen (a web capture), for lists dated by a caption that may be older."),
        ("stated_on", S, "The date stated_count is given for (the caption's own date, which may be older than list_date)."),
    ]),
    "publication_rows": ("Every data row of every list, normalised, with ICE's original values beside ours.", [
        ("publication_id", S, "The list the row is in."),
        ("row_number", I, "Excel row number (header = 1), or CSV line number."),
        ("is_hidden", B, "The row was hidden in the workbook."),
        ("ice_state", S, "STATE as ICE printed it."),
        ("state", S, "USPS code (FL, GU, MP) after trimming, case folding, fixes/state.csv and fixes/agreement_agency.csv."),
        ("ice_agency", S, "LAW ENFORCEMENT AGENCY as ICE printed it."),
        ("agency_name", S, "Agency name: whitespace and apostrophes cleaned, misspellings fixed (fixes/agency_name.csv), agreements printed under another agency moved (fixes/agreement_agency.csv)."),
        ("agency_id", S, "Stable agency id: state + spelling-insensitive name; renames join the new name's id."),
        ("ice_type", S, "TYPE as ICE printed it."),
        ("agency_type", S, "County, Municipality, State Agency or State."),
        ("ice_county", S, "COUNTY as ICE printed it (#N/A error cells kept as text)."),
        ("county", S, "County name, null markers removed, misspellings fixed (fixes/county.csv)."),
        ("ice_support_type", S, "SUPPORT TYPE as ICE printed it."),
        ("model", S, "JEM, TFM or WSO."),
        ("ice_signed", S, "SIGNED as ICE stored it (a date, or text)."),
        ("signed_on", S, "Signing date (ISO)."),
        ("signed_on_source", S, "cell (an Excel date), text (parsed from text) or fix (fixes/signed_on.csv)."),
        ("ice_moa", S, "MOA cell text (link, link pending, ...)."),
        ("moa_url", S, "MOA PDF URL from the cell's hyperlink, safe links and viewer wrappers removed."),
        ("ice_addendum", S, "ADDENDUM cell text."),
        ("addendum_url", S, "Addendum PDF URL."),
        ("review_reason", S, "Why a value could not be resolved (missing_state, missing_model, missing_signed_on, ...)."),
        ("row_status", S, "For the 2002-2020 reference sources: signed, pending, withdrew, in_negotiation or former_moa (the row gives the date of an MOA the 2009 standard MOA replaced); null in ICE's lists."),
    ]),
    "agreements": ("One row per agreement: agency + model + signing date.", [
        ("agreement_id", S, "<agency_id>-<MODEL>-<signed_on or undated>."),
        ("agency_id", S, "The agency."),
        ("state", S, "USPS code."),
        ("model", S, "JEM, TFM or WSO."),
        ("signed_on", S, "Signing date (ISO); null when ICE gave none."),
        ("is_signed_on_carried", B, "A list left SIGNED empty and the date was carried from the previous list."),
        ("status", S, "Active (in the newest accepted list), Superseded (has a successor) or Removed."),
        ("first_listed_on", S, "Date of the first list showing it."),
        ("last_listed_on", S, "Date of the last list showing it."),
        ("removed_on", S, "Date of the first list it is missing from after its last appearance."),
        ("first_publication_id", S, "Evidence: first list showing it."),
        ("first_row_number", I, "Evidence: its row in that list."),
        ("last_publication_id", S, "Evidence: last list showing it."),
        ("last_row_number", I, "Evidence: its row in that list."),
        ("listed_publications", I, "Number of accepted participating lists showing it."),
        ("successor_id", S, "The agreement that replaced it (renewal or corrected signing date)."),
        ("predecessor_id", S, "The agreement it replaced."),
        ("moa_url", S, "Latest MOA PDF URL."),
        ("addendum_url", S, "Latest addendum PDF URL."),
    ]),
    "presence": ("Which agreement each participating list shows, and in which row.", [
        ("publication_id", S, "The list."),
        ("agreement_id", S, "The agreement."),
        ("agency_id", S, "Its agency."),
        ("state", S, "USPS code."),
        ("model", S, "JEM, TFM or WSO."),
        ("agency_type", S, "TYPE in that list."),
        ("row_number", I, "Row in that list (the first, when ICE listed it twice)."),
    ]),
    "agencies": ("One row per agency that has been on a participating list.", [
        ("agency_id", S, "Stable agency id."),
        ("state", S, "USPS code."),
        ("agency_name", S, "Name in the latest list showing it."),
        ("agency_type", S, "Latest TYPE (rows that disagree: agency_notes)."),
        ("county", S, "Latest county (rows that disagree: agency_notes)."),
        ("ice_county", S, "Latest COUNTY as ICE printed it."),
        ("first_listed_on", S, "First participating list showing it."),
        ("last_listed_on", S, "Last participating list showing it."),
        ("is_active", B, "Has an agreement in the newest accepted participating list."),
    ]),
    "agency_names": ("Every name an agency was listed under.", [
        ("agency_id", S, "The agency."),
        ("agency_name", S, "The name."),
        ("first_seen_on", S, "First list with this name."),
        ("first_publication_id", S, "Evidence: that list."),
        ("first_row_number", I, "Evidence: the row."),
        ("last_seen_on", S, "Last list with this name."),
        ("last_publication_id", S, "Evidence: that list."),
        ("last_row_number", I, "Evidence: the row."),
    ]),
    "agency_notes": ("Values of TYPE or county on which one agency's rows disagree (the agency keeps its latest "
                     "value in agencies; a disagreement never splits an agency).", [
        ("agency_id", S, "The agency."),
        ("field", S, "agency_type or county."),
        ("value", S, "One of the values its rows carry."),
        ("rows", I, "Rows (over all participating lists) carrying this value."),
        ("is_current", B, "This is the value the agencies table keeps (the latest)."),
        ("first_publication_id", S, "Evidence: first list with this value."),
        ("first_row_number", I, "Evidence: the row."),
        ("last_publication_id", S, "Evidence: last list with this value."),
        ("last_row_number", I, "Evidence: the row."),
    ]),
    "pending": ("Stretches of time an agency (and model) spent on ICE's pending list, and the outcome.", [
        ("agency_id", S, "The agency."),
        ("state", S, "USPS code."),
        ("model", S, "JEM, TFM or WSO (null when ICE left it empty)."),
        ("first_listed_on", S, "First pending list of the stretch."),
        ("last_listed_on", S, "Last pending list of the stretch."),
        ("first_publication_id", S, "Evidence: first pending list."),
        ("first_row_number", I, "Evidence: the row."),
        ("last_publication_id", S, "Evidence: last pending list."),
        ("last_row_number", I, "Evidence: the row."),
        ("status", S, "pending (still listed), signed (became an agreement) or removed."),
        ("agreement_id", S, "The agreement it became, when signed."),
    ]),
    "events": ("Every change the ledger found, each citing its evidence.", [
        ("event_id", S, "Stable id."),
        ("event_type", S, "listed, signed, renewed, signed_on_corrected, removed, re_listed, model_added, model_dropped, renamed, moa_posted, moa_changed, pending_listed, pending_signed, pending_removed."),
        ("event_on", S, "Date of the event: the list date, or the signing date for signed."),
        ("agency_id", S, "The agency."),
        ("agreement_id", S, "The agreement, when the event concerns one."),
        ("state", S, "USPS code."),
        ("model", S, "JEM, TFM or WSO."),
        ("publication_id", S, "Main evidence: the list."),
        ("row_number", I, "Main evidence: the row (null when the evidence is an absence)."),
        ("detail", S, "Old -> new values, the MOA URL, or a note."),
        ("is_provisional", B, "A removal not yet confirmed by the removal rule (missing from too few lists)."),
    ]),
    "event_evidence": ("All evidence of each event.", [
        ("event_id", S, "The event."),
        ("role", S, "row, previous_row, absent_from, last_row, last_pending_row, or for moa_changed moa and previous_moa."),
        ("publication_id", S, "The list."),
        ("row_number", I, "The row (null for absent_from)."),
    ]),
    "intervals": ("Agreement lives before the ledger's first list (2002 to 2021-01-12), each bound with its evidence "
                  "(docs/history.md). In force on D: by best dates start_on <= D < end_on; surely when "
                  "start_latest_on <= D < end_earliest_on; possibly when start_earliest_on <= D < end_latest_on.", [
        ("interval_id", S, "<agency_id>-<MODEL or unknown>-<start_on>."),
        ("agency_id", S, "The agency (joined to today's agency ids)."),
        ("state", S, "USPS code."),
        ("model", S, "JEM or TFM (WSO for agreements the 2021 list continues); null when no source names it."),
        ("start_on", S, "Best start date: the earliest signing date, or the first list showing it."),
        ("start_earliest_on", S, "Earliest possible start."),
        ("start_latest_on", S, "Latest possible start (the first list showing it)."),
        ("start_precision", S, "day; listed_later (signed that day, but in-force lists after it omit it until start_latest_on); between (after the previous list, by the first showing it); before (by the first list, 2007-09-19)."),
        ("start_basis", S, "signed (a signing date) or first_listed."),
        ("start_grade", S, "Grade of the start's evidence: A, B or C."),
        ("start_publication_id", S, "Evidence: the list or source."),
        ("start_row_number", I, "Evidence: the row."),
        ("end_on", S, "Best end: the first day it was no longer in force; null when the ledger's first list continues it."),
        ("end_earliest_on", S, "Earliest possible end (the day after the last list showing it)."),
        ("end_latest_on", S, "Latest possible end (the first in-force list omitting it)."),
        ("end_precision", S, "day (Task Force end, 2012-12-31), between (two lists), before (never listed: by the first list after its signing) or continues."),
        ("end_basis", S, "absent_from, task_force_end or continues."),
        ("end_grade", S, "Grade of the end's evidence: A, B or C."),
        ("end_publication_id", S, "Evidence: the first list omitting it (or the ledger's first list, when it continues)."),
        ("end_row_number", I, "Evidence: the row in the ledger's first list, when it continues."),
        ("first_listed_on", S, "First in-force list showing it (null when only its signing is known)."),
        ("last_listed_on", S, "Last 2002-2020 in-force list showing it."),
        ("lists", I, "2002-2020 in-force lists showing it."),
        ("signed_dates", S, "Every signing date of the agreement (first signing, the 2009 standard MOA, later renewals), |-separated."),
        ("agreement_id", S, "The ledger agreement it continues as, from the first 2021 list."),
    ]),
    "history_events": ("Events of the agreement lives before 2021, each with its precision, grade and evidence.", [
        ("event_id", S, "Stable id."),
        ("event_type", S, "signed, first_listed, renewed (a later signing: the 2009 standard MOA, renewals) or ended."),
        ("event_on", S, "Best date."),
        ("precision", S, "day, listed_later, between, before (see intervals)."),
        ("grade", S, "A, B or C."),
        ("agency_id", S, "The agency."),
        ("interval_id", S, "The agreement life."),
        ("state", S, "USPS code."),
        ("model", S, "JEM, TFM, WSO or null."),
        ("publication_id", S, "Evidence: the list or source."),
        ("row_number", I, "Evidence: the row (null for an absence)."),
        ("detail", S, "A note (why all Task Force agreements ended)."),
    ]),
    "output_counts": ("Enforcement output: people identified and removed through 287(g), one row per reporting "
                      "agency (or area) and period as the source gives it; never a row about a person "
                      "(docs/output.md).", [
        ("publication_id", S, "The source table (publications.kind = output)."),
        ("row_number", I, "Its line (CSV) or row."),
        ("ice_state", S, "State as the source prints it."),
        ("state", S, "USPS code."),
        ("ice_agency", S, "Reporting agency as the source prints it (ICE's footnote marker * kept)."),
        ("agency_name", S, "Agency name, whitespace cleaned and spelling fixes applied."),
        ("agency_id", S, "The id that name gives (state + spelling-insensitive name)."),
        ("linked_agency_id", S, "The ledger agency it is linked to; null when unlinked (g287 output review)."),
        ("match_method", S, "exact, rule or reviewed (fixes/output_agency.csv); area for counts of an area, not an agency; null when unlinked."),
        ("period", S, "The period as the source names it: FY2006 (a federal fiscal year, October to September), or a month (2025-03)."),
        ("period_start", S, "First day of the period."),
        ("period_end", S, "Last day of the period."),
        ("identified", I, "People identified through 287(g) in the period; null when the source gives no figure (not zero)."),
        ("removed", I, "People removed; null when the source gives no figure (not zero)."),
        ("arrests", I, "Arrests whose apprehension method is the 287(g) program (FOIA tables, counted per area and month on import)."),
        ("county", S, "County of the arrests, as the FOIA table names it (area rows)."),
        ("county_fips", S, "Its FIPS code, where g287 can name the county."),
        ("aor", S, "ICE area of responsibility (area rows)."),
    ]),
    "moa_terms": ("One row per archived MOA PDF: its terms, read from its text, and how far it departs from ICE's "
                  "template for its model (docs/moa.md).", [
        ("publication_id", S, "The archived PDF (publications.kind = moa)."),
        ("file", S, "ICE's file name."),
        ("agreement_ids", S, "Agreements whose MOA link names this file, |-separated."),
        ("model", S, "JEM, TFM or WSO, from the MOA's title (or ICE's file name: model_source)."),
        ("model_source", S, "text or file name."),
        ("agency", S, "The agency the MOA's opening paragraph names."),
        ("signed_on", S, "The date in ICE's file name."),
        ("effective_on", S, "The last signature readable in the signature block (or signed_on when later)."),
        ("party_dates", S, "Every date readable in the signature block, |-separated."),
        ("duration_termination", S, "First sentence of its effective date and termination section."),
        ("steering_committee", B, "The text provides for a steering committee."),
        ("complaint_procedure", B, "The text sets out a complaint procedure."),
        ("data_collection", B, "The text requires data to be collected, tracked or reported."),
        ("template", S, "The template it was compared with: MODEL/ERA."),
        ("sections_found", I, "Numbered sections and appendices found."),
        ("sections_identified", I, "Of these, sections whose title other MOAs use."),
        ("mean_similarity", D, "Mean similarity of its sections to the template's (1 = the same words)."),
        ("differences", I, "Clauses added, removed or changed against the template."),
        ("read_error", S, "Why the MOA could not be read (then every other field is null); null when it was."),
    ]),
    "moa_differences": ("Each clause an MOA adds, removes or changes against ICE's template (filled-in blanks "
                        "masked; docs/moa.md).", [
        ("publication_id", S, "The MOA."),
        ("section", S, "Section title."),
        ("kind", S, "added, removed, changed, section added or section removed."),
        ("template_text", S, "The template's clause (masked)."),
        ("moa_text", S, "The MOA's clause (masked)."),
        ("diff", S, "Word-level diff of a changed clause: [-removed-] {+added+}."),
    ]),
    "moa_clauses": ("What each MOA says on six topics (duties, costs, supervision, complaints, data, termination), "
                    "quoted from its text with section, page and line (g287.moa.clauses).", [
        ("publication_id", S, "The MOA."),
        ("topic", S, "duties, costs, supervision, complaints, data or termination."),
        ("section", S, "Title of the section quoted."),
        ("page", I, "Page where that section starts."),
        ("line", I, "Line on that page where it starts."),
        ("text", S, "The section's first sentences on the topic (at most 420 characters)."),
    ]),
    "jurisdictions": ("One row per agency: the jurisdiction it covers and how it was resolved.", [
        ("agency_id", S, "The agency."),
        ("state", S, "USPS code."),
        ("agency_name", S, "Latest name."),
        ("jurisdiction_type", S, "state, county, municipality, regional, campus, airport_port, detention_facility or other."),
        ("coverage_kind", S, "How it covers its counties: own sheriff, municipal police, state agency or other."),
        ("match_type", S, "override (fixes/agency_counties.csv), state_agency, fbi_place, ice_county or agency_name; null when unresolved."),
        ("match_grade", S, "A (ICE's county, a reviewed override, the whole state, or an FBI place match agreeing with ICE) or B (name-based)."),
        ("county_count", I, "Number of counties covered."),
        ("ice_county", S, "Latest COUNTY as ICE printed it."),
        ("county", S, "Latest county after fixes."),
        ("needs_review", B, "No rule resolved the agency: listed by g287 geo review."),
        ("review_reason", S, "no_county or unknown_county."),
        ("candidates", S, "Close county names, for review."),
        ("ori", S, "FBI ORI of the agency in the FBI LEE roster, where exactly one roster agency matches."),
        ("fbi_agency_name", S, "Its FBI name."),
        ("ori_match", S, "How the roster agency was matched: place (city police), county (sheriff's office, which the FBI names by its county) or name (the same name in the same state)."),
        ("population_served", I, "Population the FBI roster gives for that agency."),
        ("officers", I, "Sworn officers in the FBI roster."),
    ]),
    "agency_counties": ("One row per agency and county it covers.", [
        ("agency_id", S, "The agency."),
        ("county_fips", S, "5-digit county FIPS code."),
        ("match_type", S, "How the county was found (see jurisdictions.match_type)."),
    ]),
    "counties": ("Counties with their population (Census Vintage 2019) and Hispanic share (2012).", [
        ("county_fips", S, "5-digit county FIPS code."),
        ("state", S, "USPS code."),
        ("county_name", S, "Census name (Autauga County, Hopewell city)."),
        ("population", I, "Resident population, July 1, 2019."),
        ("hispanic_share", D, "Hispanic share of the population, 2012 estimates (0 to 1)."),
    ]),
    "documents": ("MOA and addendum PDFs linked from ICE's lists: archived copies and broken links.", [
        ("url", S, "The document's ice.gov URL (after safe-link and viewer repairs)."),
        ("document_kind", S, "moa or addendum."),
        ("agreement_ids", S, "Agreements whose rows link to it, |-separated."),
        ("sha256", S, "SHA-256 of the archived PDF (null until fetched)."),
        ("size_bytes", I, "Size of the archived PDF."),
        ("status", S, "200, an HTTP status (404), 'not a PDF' or 'unreachable'."),
        ("failing_since", S, "First day the link was found broken (null when it works)."),
        ("last_tried_on", S, "Last day g287 tried it."),
        ("retrieved_at", S, "When the archived copy was last downloaded (UTC); g287 sync fetches it again after 30 days."),
        ("previous_sha256", S, "Earlier versions ICE replaced under the same URL, as sha256@retrieved_at, |-separated."),
    ]),
    "fix_usage": ("Which reviewed fix rows matched the archive.", [
        ("fix_table", S, "The fixes/<table>.csv file."),
        ("ice_value", S, "The (folded) key the row matches on."),
        ("publications", I, "Number of lists where it applied."),
    ]),
    "build_info": ("How and from what the store was built.", [
        ("key", S, "archive_digest, g287_version, schema_version."),
        ("value", S, "Its value."),
    ]),
}

# Tables the package bundles: enough for counts, agencies, history and events on a fresh install.
# The order of the rows of each table in every export (g287 export, the site's downloads), the same however the
# store was built (in full, or by adding lists to the kept ledger, which rewrites rows in place); every other
# table is ordered by all its columns.
_BY_LIST = "(SELECT seq FROM publications p WHERE p.publication_id = t.publication_id), row_number"
EXPORT_ORDER = {
    "publications": "seq",
    "publication_rows": _BY_LIST,
    "presence": f"{_BY_LIST}, agreement_id",
    "events": "event_on NULLS FIRST, agency_id, agreement_id NULLS FIRST, event_type, event_id",
    "event_evidence": "event_id, role, publication_id",
}


def export_query(table: str, where: str = "") -> str:
    """``SELECT`` of the rows of ``table`` (those matching ``where``, if given) in its export order
    (:data:`EXPORT_ORDER`)."""
    return f'SELECT * FROM "{table}" t {"WHERE " + where if where else ""} ORDER BY {EXPORT_ORDER.get(table, "ALL")}'


BUNDLED_TABLES = ("publications", "agreements", "presence", "agencies", "agency_names", "agency_notes", "pending", "events",
                  "event_evidence", "intervals", "history_events", "output_counts", "moa_terms", "moa_differences",
                  "moa_clauses", "jurisdictions", "agency_counties", "counties", "build_info")


def arrow_table(name: str, rows: list[dict] | dict[str, list]) -> pa.Table:
    """Table ``name`` as Arrow with its declared schema, from a list of row dicts or a dict of columns."""
    columns = TABLES[name][1]
    schema = pa.schema([(column, kind) for column, kind, _ in columns])
    if isinstance(rows, dict):
        return pa.table({column: pa.array(rows[column], type=kind) for column, kind, _ in columns}, schema=schema)
    if not rows:
        return schema.empty_table()
    # Transpose with C-level helpers: rows are many (every row of every list), columns few.
    present = [column for column, _, _ in columns if column in rows[0]]
    values = dict(zip(present, zip(*map(itemgetter(*present), rows)))) if len(present) > 1 else {
        present[0]: [row[present[0]] for row in rows]}
    return pa.table({column: pa.array(values.get(column, [None] * len(rows)), type=kind)
                     for column, kind, _ in columns}, schema=schema)


# SQL rules that several questions apply, each named once. :func:`g287.store.connect.open_ledger` creates them
# on every connection it opens: they belong to the connection, not to the store file, so the bundled snapshot
# has them too. Each: name -> (parameters, body).
MACROS: dict[str, tuple[str, str]] = {
    # An agency whose agreement covers its own area, not its whole state: a county's coverage, brief and output
    # leave state agencies out (one of them would cover every county of its state). Every agency has a
    # coverage kind (docs/geography.md).
    "is_local_agency": ("coverage_kind", "coverage_kind IS DISTINCT FROM 'state agency'"),
    # The file name a publication first arrived under (``original_names`` lists every name, '|'-separated).
    "publication_file": ("original_names", "split_part(original_names, '|', 1)"),
}


def macro_statements() -> list[str]:
    """The ``CREATE MACRO`` statements of :data:`MACROS`.

    >>> macro_statements()[1]
    "CREATE OR REPLACE MACRO publication_file(original_names) AS split_part(original_names, '|', 1)"
    """
    return [f"CREATE OR REPLACE MACRO {name}({params}) AS {body}" for name, (params, body) in MACROS.items()]
