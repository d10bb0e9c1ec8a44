"""The full build: every table derived from the raw archive into a new DuckDB file, swapped in atomically.

Parsing is spread over worker processes (it is the heavy part); the ledger rules run once on the result.
The same archive always gives the same tables: rows are ordered, ids are content-derived, and nothing
time-dependent is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pyarrow as pa

from g287.acquire.archive import Archive
from g287.acquire.documents import read_document_rows
from g287.enforcement.link import link_output
from g287.errors import NoLedgerError
from g287.geo import build_jurisdictions
from g287.geo.jurisdictions import CountyLookup
from g287.ledger import add_moa_change_events, build_ledger
from g287.moa.tables import build_moa_tables
from g287.moa.versions import moa_changes
from g287.store.build.atomic import StoreWriter, without_gc
from g287.store.build.incremental import add_publications
from g287.store.build.parsing import build_publications, read_archive
from g287.store.build.state import (
    SCHEMA_VERSION,
    BuildReport,
    ledger_fingerprint,
    write_state,
)
from g287.store.reference import load_reference
from g287.store.schema import TABLES


def build_tables(archive: Archive, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                 cache_dir: Path | None = None, writer: StoreWriter | None = None) -> dict[str, list[dict] | pa.Table]:
    """Every table of the store from the archive (lists of dicts, column dicts or Arrow tables).

    With ``writer``, the publication rows go into the new store on a background thread while the ledger is
    derived.
    """
    return without_gc(lambda: _build_tables(archive, workers, progress, cache_dir, writer))


def _build_tables(archive: Archive, workers: int | None, progress: Callable[[int, int], None] | None,
                  cache_dir: Path | None, writer: StoreWriter | None) -> dict[str, list[dict] | pa.Table]:
    parsed = read_archive(archive, workers, progress, cache_dir)
    publications, rows_by_publication, fix_usage, row_tables, output_counts = build_publications(parsed)
    publication_rows = pa.concat_tables([row_tables[p["publication_id"]] for p in publications])
    if writer is not None:
        writer.add_in_background("publication_rows", publication_rows)
    tables: dict[str, list[dict] | pa.Table] = build_ledger(publications, rows_by_publication)
    tables["_state"] = {"ledger": tables.pop("_ledger"), "fix_usage": fix_usage}
    reference = load_reference()
    tables.update(build_jurisdictions(tables["agencies"], reference["counties"], reference["police_agencies"]))
    tables["counties"] = reference["counties"]
    tables["documents"] = read_document_rows(archive.root)
    tables.update(build_moa_tables([p for p in publications if p["kind"] == "moa" and p["status"] == "accepted"],
                                   archive.object_path, tables["agreements"], cache_dir))
    add_moa_change_events(tables, moa_changes(tables["documents"], tables.pop("_moa_structures")))
    tables["output_counts"] = link_output(output_counts, {a["agency_id"] for a in tables["agencies"]})
    lookup = CountyLookup(reference["counties"])
    for row in tables["output_counts"]:
        row["county_fips"] = lookup.find(row["state"], row["county"]) if row.get("county") else None
    tables["publications"] = publications
    tables["publication_rows"] = publication_rows
    tables["fix_usage"] = [{"fix_table": field, "ice_value": key, "publications": n}
                           for (field, key), n in sorted(fix_usage.items())]
    tables["build_info"] = [{"key": "archive_digest", "value": archive.digest()},
                            {"key": "g287_version", "value": version("g287")},
                            {"key": "schema_version", "value": SCHEMA_VERSION},
                            {"key": "ledger_fingerprint", "value": ledger_fingerprint()}]
    return tables


def build_store(archive_dir: Path, store_path: Path, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None, cache_dir: Path | None = None,
                full: bool = False) -> BuildReport:
    """Bring the store at ``store_path`` up to date with the archive at ``archive_dir`` (parse cache in
    ``cache_dir``): new ICE lists are added to the kept ledger when they can be
    (:func:`g287.store.build.incremental.add_publications`), otherwise, or with ``full``, every table is rebuilt."""
    archive = Archive(archive_dir)
    if not archive.read_manifest():
        raise NoLedgerError(f"The archive at {archive_dir} is empty. Run \"g287 import FILE...\" first.")
    if not full:
        report = add_publications(archive, store_path, cache_dir)
        if report is not None:
            return report
    writer = StoreWriter(store_path)
    try:
        tables = build_tables(archive, workers, progress, cache_dir, writer)
        for name in TABLES:
            if name != "publication_rows":
                writer.add(name, tables.get(name, []))
        write_state(writer.con, **tables["_state"])
        writer.commit()
    except BaseException:
        writer.discard()
        raise
    quarantined = [(p["publication_id"], p["status_reason"]) for p in tables["publications"]
                   if p["status"] == "quarantined"]
    return BuildReport(store_path=store_path, publications=len(tables["publications"]), quarantined=quarantined,
                       agreements=len(tables["agreements"]), events=len(tables["events"]))
