"""Add new ICE lists to a built store without rebuilding it: the same tables a full build would give.

A full build keeps the ledger it folded (:class:`g287.ledger.tables.Ledger`) in the store's ``_ledger_state``
table, with a fingerprint of the code and reference data that built it. When the archive then holds only new
participating or pending lists that come after every publication already in the store (ICE's next list, the
daily case), :func:`add_publications` parses just those, adds them to the kept ledger, and rewrites only the rows
the :class:`~g287.ledger.tables.Change` names: the agreements the list shows or stopped showing (and those whose
removal is not yet confirmed), their agencies, their pending requests, their events, the list's presence and
publication rows, and the geography of agencies that are new or changed name, type or county.

Anything else (an older list imported late, a new MOA or 2002-2020 source, changed code, fixes or reference
data, a changed documents file) needs a full build, and :func:`add_publications` says so by returning None.

The store is still replaced whole: the update is made in a copy beside it, which is then renamed over it, so a
reader never sees half an update.
"""

from __future__ import annotations

import marshal
import os
import pickle
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa

from g287.acquire.archive import Archive, write_atomically
from g287.acquire.documents import read_document_rows
from g287.enforcement.link import link_output
from g287.ledger.gate import gate_reason
from g287.ledger.tables import (
    AGREEMENT_EVENT_TYPES,
    LISTING_COLUMNS,
    PENDING_EVENT_TYPES,
    Change,
    Ledger,
)
from g287.moa.tables import agreements_by_moa_file
from g287.store.build.atomic import TMP_PREFIX, fsync, hold_build_lock, without_gc
from g287.store.build.parsing import (
    file_publications,
    load_parsed,
    parse_cache_path,
    parse_file,
    publication_order,
    verify_object,
)
from g287.store.build.state import (
    STATE_TABLE,
    BuildReport,
    ledger_fingerprint,
    write_state,
)
from g287.store.schema import arrow_table

# The columns of an agency its geography is resolved from.
GEOGRAPHY_INPUTS = ("state", "agency_name", "agency_type", "county", "ice_county")


def add_publications(archive: Archive, store_path: Path, cache_dir: Path | None) -> BuildReport | None:
    """Add the archive's new lists to the store at ``store_path`` in place of a full build; None (the store
    untouched) when they cannot be added on their own (see the module's docstring)."""
    if not store_path.is_file():
        return None
    lock = hold_build_lock(store_path)
    fd, tmp_name = tempfile.mkstemp(dir=store_path.parent, prefix=TMP_PREFIX, suffix=".duckdb")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(store_path, tmp)
        try:
            con = duckdb.connect(str(tmp))
        except duckdb.Error:
            return None  # a damaged store: built again in full
        try:
            report = without_gc(lambda: _add(con, archive, cache_dir, store_path))
            if report is not None:
                con.execute("CHECKPOINT")
        finally:
            con.close()
        if report is None:
            return None
        fsync(tmp)
        os.replace(tmp, store_path)
        fsync(store_path.parent)
        return report
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        lock.close()


def _add(con: duckdb.DuckDBPyConnection, archive: Archive, cache_dir: Path | None,
         store_path: Path) -> BuildReport | None:
    try:
        fingerprint, kept_ledger, kept_usage = con.execute(
            f"SELECT fingerprint, ledger, fix_usage FROM {STATE_TABLE}").fetchone()
    except (duckdb.Error, TypeError):
        return None  # a store from before the ledger was kept
    if fingerprint != ledger_fingerprint():
        return None  # built by other code or reference data: only a full build gives what this code would
    used, free = con.execute("SELECT used_blocks, free_blocks FROM pragma_database_size() "
                             "WHERE database_name = current_database()").fetchone()
    if free > used:
        return None  # rows rewritten in place have left the file twice its size: a full build writes it anew
    stored = {sha for (sha,) in con.execute("SELECT DISTINCT sha256 FROM publications").fetchall()}
    files = archive.files()
    new_files = [f for f in files if f.sha256 not in stored]
    if not new_files or not stored <= {f.sha256 for f in files}:
        return None
    # A list already built may have been posted again under another name, or dated anew by an earlier one.
    by_sha = {f.sha256: f for f in files}
    for sha, names, list_date, slot, basis in con.execute(
            "SELECT sha256, original_names, list_date, slot, date_basis FROM publications").fetchall():
        file = by_sha[sha]
        if names != "|".join(file.names) or (basis != "content" and (list_date, slot, basis) != (
                file.list_date, file.slot, file.date_basis)):
            return None
    if _document_rows(con) != _sorted_documents(read_document_rows(archive.root)):
        return None
    # Parse the new files (the parse cache serves files parsed before).
    fix_usage_new: Counter = Counter()
    output_counts: list[dict] = []
    added = []
    for file in new_files:
        path = archive.object_path(file.sha256)
        verify_object(file.sha256, path)
        cache = parse_cache_path(cache_dir, file.sha256)
        parsed_file = load_parsed(parse_file(str(path), cache), str(path))
        added += file_publications(file, parsed_file, fix_usage_new, output_counts)
    added.sort(key=lambda item: publication_order(item[0]))
    columns = ("publication_id", "seq", "list_date", "slot", "kind", "sha256", "status")
    existing = [dict(zip(columns, r)) for r in con.execute(f"SELECT {', '.join(columns)} FROM publications").fetchall()]
    newest = {kind: max((publication_order(p) for p in existing if p["kind"] == kind), default=None)
              for kind in ("participating", "pending")}
    if any(p["kind"] not in newest or (newest[p["kind"]] and publication_order(p) <= newest[p["kind"]])
           for p, _, _ in added):
        return None  # an older list of its kind, or a kind whose tables are built from all publications at once
    if any(p["kind"] == "participating" for p, _, _ in added) and not any(
            p["kind"] == "participating" and p["status"] == "accepted" for p in existing):
        return None  # the first participating list closes the 2002-2020 agreement lives: the history is built again
    # A new list takes its place in the publication order: publications of other kinds dated later move on.
    order = sorted([*existing, *(p for p, _, _ in added)], key=publication_order)
    renumbered = {p["publication_id"]: seq for seq, p in enumerate(order, start=1)}
    renumber = [(renumbered[p["publication_id"]], p["publication_id"]) for p in existing
                if renumbered[p["publication_id"]] != p["seq"]]

    ledger = Ledger.load(kept_ledger)
    fix_usage = Counter(marshal.loads(kept_usage)) + fix_usage_new
    accepted_rows = con.execute("SELECT row_count FROM publications WHERE kind = 'participating' AND "
                                "status = 'accepted' ORDER BY seq DESC LIMIT 1").fetchone()
    accepted_rows = accepted_rows[0] if accepted_rows else None
    change = Change()
    for publication, rows, _ in added:
        reason = None
        if publication["kind"] == "participating":
            reason = gate_reason(accepted_rows, publication["row_count"]) if accepted_rows is not None else None
            if reason is None:
                accepted_rows = publication["row_count"]
        publication.update(seq=renumbered[publication["publication_id"]],
                           status="quarantined" if reason else "accepted", status_reason=reason)
        if reason is None:
            change.merge(ledger.add(publication, rows))
    rows = ledger.rows(change)

    con.execute("BEGIN TRANSACTION")
    if renumber:
        con.executemany("UPDATE publications SET seq = ? WHERE publication_id = ?", renumber)
    _append(con, "publications", [p for p, _, _ in added])
    _append(con, "publication_rows", pa.concat_tables([t for _, _, t in added]))
    if change.presence:
        _append(con, "presence", change.presence)
    before = {r[0]: r[1:] for r in _select_keyed(con, "agencies", "agency_id", change.agency_ids,
                                                  ("agency_id", *GEOGRAPHY_INPUTS))}
    _replace(con, "agreements", "agreement_id", change.agreement_ids, rows["agreements"])
    if change.listed_again_ids:
        listing = pa.table(ledger.listing_rows(change.listed_again_ids))  # noqa: F841 (DuckDB scan)
        assignments = ", ".join(f'"{c}" = listing."{c}"' for c in LISTING_COLUMNS)
        con.execute(f"UPDATE agreements SET {assignments} FROM listing "
                    "WHERE agreements.agreement_id = listing.agreement_id")
    for table in ("agencies", "agency_names", "agency_notes"):
        _replace(con, table, "agency_id", change.agency_ids, rows[table])
    _replace(con, "pending", "agency_id", change.pending_agency_ids, rows["pending"])
    _replace_events(con, change, rows["events"], rows["event_evidence"])
    relocated = [a for a in rows["agencies"] if before.get(a["agency_id"]) != tuple(a[c] for c in GEOGRAPHY_INPUTS)]
    if relocated:
        _replace_geography(con, relocated, Path(cache_dir) / "geography" / fingerprint if cache_dir else None)
    if change.agency_ids - before.keys():  # a new agency may be the one an output count names
        _relink_output(con)
    _relink_moa_terms(con)
    _replace_all(con, "fix_usage", [{"fix_table": field, "ice_value": key, "publications": n}
                                    for (field, key), n in sorted(fix_usage.items())])
    con.execute("UPDATE build_info SET value = ? WHERE key = 'archive_digest'", [archive.digest()])
    write_state(con, ledger, fix_usage, fingerprint)
    con.execute("COMMIT")
    publications, agreements, events = con.execute(
        "SELECT (SELECT count(*) FROM publications), (SELECT count(*) FROM agreements), "
        "(SELECT count(*) FROM events)").fetchone()
    quarantined = con.execute("SELECT publication_id, status_reason FROM publications "
                              "WHERE status = 'quarantined' ORDER BY seq").fetchall()
    return BuildReport(store_path=store_path, publications=publications, quarantined=quarantined,
                       agreements=agreements, events=events, added=len(added))


def _document_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    cursor = con.execute("SELECT * FROM documents ORDER BY ALL")
    return [tuple(r) for r in cursor.fetchall()]


def _sorted_documents(rows: list[dict]) -> list[tuple]:
    if not rows:
        return []
    documents = arrow_table("documents", rows)  # noqa: F841 (DuckDB scan)
    with duckdb.connect() as con:
        return [tuple(r) for r in con.execute("SELECT * FROM documents ORDER BY ALL").fetchall()]


def _append(con: duckdb.DuckDBPyConnection, name: str, rows) -> None:
    data = rows if isinstance(rows, pa.Table) else arrow_table(name, rows)  # noqa: F841 (DuckDB scan)
    con.execute(f'INSERT INTO "{name}" SELECT * FROM data')


def _keys(con: duckdb.DuckDBPyConnection, keys) -> None:
    key_table = pa.table({"key": pa.array(sorted(keys), pa.string())})  # noqa: F841 (DuckDB scan)
    con.execute("CREATE OR REPLACE TEMP TABLE _keys AS SELECT key FROM key_table")


def _select_keyed(con: duckdb.DuckDBPyConnection, name: str, key: str, keys, columns) -> list[tuple]:
    _keys(con, keys)
    quoted = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f'SELECT {quoted} FROM "{name}" WHERE "{key}" IN (SELECT key FROM _keys)').fetchall()


def _replace(con: duckdb.DuckDBPyConnection, name: str, key: str, keys, rows: list[dict]) -> None:
    """Replace the rows of ``name`` whose ``key`` is one of ``keys`` by ``rows``."""
    if not keys:
        return
    _keys(con, keys)
    con.execute(f'DELETE FROM "{name}" WHERE "{key}" IN (SELECT key FROM _keys)')
    if rows:
        _append(con, name, rows)


def _replace_all(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    con.execute(f'DELETE FROM "{name}"')
    if rows:
        _append(con, name, rows)


def _replace_events(con: duckdb.DuckDBPyConnection, change: Change, events: list[dict], evidence: list[dict]) -> None:
    """Replace the events of the changed agreements, agencies (renames) and pending requests, with their
    evidence; other events (``moa_changed``) stay."""
    owned = {"agreements": (change.agreement_ids, AGREEMENT_EVENT_TYPES),
             "renames": (change.renamed_agency_ids, ("renamed",)),
             "pending": (change.pending_agency_ids, PENDING_EVENT_TYPES)}
    for owner, (keys, types) in owned.items():
        if not keys:
            continue
        _keys(con, keys)
        column = "agreement_id" if owner == "agreements" else "agency_id"
        listed = ", ".join(f"'{t}'" for t in types)
        where = f"event_type IN ({listed}) AND {column} IN (SELECT key FROM _keys)"
        con.execute(f"DELETE FROM event_evidence WHERE event_id IN (SELECT event_id FROM events WHERE {where})")
        con.execute(f"DELETE FROM events WHERE {where}")
    if events:
        _append(con, "events", events)
        _append(con, "event_evidence", evidence)


def _replace_geography(con: duckdb.DuckDBPyConnection, agencies: list[dict], cache: Path | None) -> None:
    """Resolve again the geography of agencies that are new or whose name, type or county changed."""
    from g287.geo.jurisdictions import resolve_jurisdictions

    by_state: dict[str, list[dict]] = {}
    for agency in agencies:
        by_state.setdefault(agency["state"], []).append(agency)
    indexes = _reference_indexes(set(by_state), cache)
    geography: dict[str, list[dict]] = {"jurisdictions": [], "agency_counties": []}
    for state, in_state in sorted(by_state.items()):
        for name, rows in resolve_jurisdictions(in_state, indexes[state]).items():
            geography[name] += rows
    keys = {a["agency_id"] for a in agencies}
    _replace(con, "jurisdictions", "agency_id", keys, geography["jurisdictions"])
    _replace(con, "agency_counties", "agency_id", keys, geography["agency_counties"])


def _reference_indexes(states: set[str], cache: Path | None) -> dict:
    """The county and FBI lookups of each of ``states`` (an agency's geography lies within its state, so its
    state's index resolves it), kept in ``cache`` once built. The reference rows of the states not in the cache
    are read in one pass: a list can bring agencies of many states, and each read costs tens of milliseconds."""
    from g287.geo.jurisdictions import ReferenceIndex
    from g287.store.reference import REFERENCE_TABLES, load_reference

    indexes = {}
    for state in states if cache is not None else ():
        try:
            indexes[state] = pickle.loads((cache / f"{state}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass  # not built yet, or a damaged entry: built again
    missing = sorted(states - indexes.keys())
    if missing:
        reference = load_reference(set(missing))
        for state in missing:
            indexes[state] = ReferenceIndex.of(*([row for row in reference[name] if row["state"] == state]
                                                 for name in REFERENCE_TABLES))
            if cache is not None:
                write_atomically(cache / f"{state}.pickle",
                                 pickle.dumps(indexes[state], protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    return indexes


def _relink_output(con: duckdb.DuckDBPyConnection) -> None:
    """Link the enforcement output counts again: a new agency may be the one a count names."""
    cursor = con.execute("SELECT * FROM output_counts")
    columns = [d[0] for d in cursor.description]
    counts = [dict(zip(columns, r)) for r in cursor.fetchall()]
    if not counts:
        return
    before = [(c["linked_agency_id"], c["match_method"]) for c in counts]
    agencies = {a for (a,) in con.execute("SELECT agency_id FROM agencies").fetchall()}
    link_output(counts, agencies)
    if before != [(c["linked_agency_id"], c["match_method"]) for c in counts]:
        _replace_all(con, "output_counts", counts)


def _relink_moa_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Name again the agreements each archived MOA serves (a new agreement may link to it)."""
    terms = con.execute("SELECT publication_id, file, agreement_ids FROM moa_terms").fetchall()
    if not terms:
        return
    by_file = agreements_by_moa_file(con.execute("SELECT agreement_id, moa_url FROM agreements "
                                                 "WHERE moa_url IS NOT NULL ORDER BY agreement_id").fetchall())
    for publication_id, file, agreement_ids in terms:
        now = by_file.get(file)
        if now != agreement_ids:
            con.execute("UPDATE moa_terms SET agreement_ids = ? WHERE publication_id = ?", [now, publication_id])
