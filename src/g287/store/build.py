"""Derive every table from the raw archive into a DuckDB file, written aside and swapped in atomically.

Parsing is spread over worker processes (it is the heavy part); the ledger rules run once on the result.
The same archive always gives the same tables: rows are ordered, ids are content-derived, and nothing
time-dependent is stored.
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from g287.acquire.archive import Archive, ArchivedFile
from g287.acquire.list_date import slot_rank
from g287.corrections import FixLog
from g287.errors import NoLedgerError
from g287.ledger import build_gate, build_ledger
from g287.parse import ParsedList, read_publication
from g287.store.schema import TABLES, arrow_table
from g287.text import fold_text

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    store_path: Path
    publications: int
    quarantined: list[tuple[str, str]]
    agreements: int
    events: int


def _parse_file(path: str) -> list[ParsedList]:
    with open(path, "rb") as handle:
        return read_publication(handle.read(), os.path.basename(path))


def read_archive(archive: Archive, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[tuple[ArchivedFile, list[ParsedList]]]:
    """Parse every archived file (in parallel); returns (file, lists) in publication order."""
    files = archive.files()
    paths = [str(archive.object_path(f.sha256)) for f in files]
    workers = workers or min(2, os.cpu_count() or 1)
    results: list[list[ParsedList]] = []
    if workers <= 1 or len(files) < 8:
        for done, path in enumerate(paths, start=1):
            results.append(_parse_file(path))
            if progress:
                progress(done, len(paths))
    else:
        # Contiguous chunks keep consecutive (near-identical) lists in one process, where the row cache hits.
        chunk = max(1, len(paths) // (workers * 4))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done, parsed in enumerate(pool.map(_parse_file, paths, chunksize=chunk), start=1):
                results.append(parsed)
                if progress:
                    progress(done, len(paths))
    return list(zip(files, results))


def build_publications(parsed: list[tuple[ArchivedFile, list[ParsedList]]]) -> tuple[list[dict], dict[str, list[dict]], Counter]:
    """Publication records (ordered, gated), rows by publication, and fix usage counts."""
    publications = []
    rows_by_publication: dict[str, list[dict]] = {}
    fix_usage: Counter = Counter()
    for file, lists in parsed:
        for name in file.names:  # list-date repairs apply to file names, at import
            if FixLog().apply("list_date", name):
                fix_usage[("list_date", fold_text(name))] += 1
        for parsed_list in lists:
            publication_id = file.sha256[:12]
            if len(lists) > 1:
                publication_id += "-" + (parsed_list.list_date or "").replace("-", "")
            list_date = parsed_list.list_date or file.list_date
            rows = parsed_list.rows
            publications.append({
                "publication_id": publication_id, "sha256": file.sha256, "kind": parsed_list.kind,
                "reader": parsed_list.reader, "list_date": list_date,
                "slot": "" if parsed_list.list_date else file.slot,
                "date_basis": "content" if parsed_list.list_date else file.date_basis,
                "row_count": len(rows), "hidden_rows": parsed_list.hidden_rows,
                "unresolved_rows": sum(1 for r in rows if r["agency_id"] is None or
                                       (parsed_list.kind != "roster" and r["model"] is None)),
                "columns": "|".join(parsed_list.columns), "sheet_names": "|".join(parsed_list.sheet_names),
                "original_names": "|".join(file.names), "modified_utc": parsed_list.modified_utc,
            })
            rows_by_publication[publication_id] = rows
            for field, key in parsed_list.fixes_used:
                fix_usage[(field, "|".join(key))] += 1
    kind_order = {"roster": 0, "participating": 1, "pending": 2}
    publications.sort(key=lambda p: (p["list_date"], slot_rank(p["slot"]), kind_order[p["kind"]], p["sha256"]))
    for seq, publication in enumerate(publications, start=1):
        publication["seq"] = seq
    build_gate(publications)
    return publications, rows_by_publication, fix_usage


def build_tables(archive: Archive, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, list[dict]]:
    """Every table of the store, as lists of dicts, from the archive."""
    # The build creates millions of small dicts and frees none until the end: the cyclic garbage collector
    # would only rescan them over and over.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_tables(archive, workers, progress)
    finally:
        if enabled:
            gc.enable()


def _build_tables(archive: Archive, workers: int | None,
                  progress: Callable[[int, int], None] | None) -> dict[str, list[dict]]:
    publications, rows_by_publication, fix_usage = build_publications(read_archive(archive, workers, progress))
    tables = build_ledger(publications, rows_by_publication)
    tables["publications"] = publications
    tables["publication_rows"] = [{"publication_id": p["publication_id"], **row}
                                  for p in publications for row in rows_by_publication[p["publication_id"]]]
    tables["fix_usage"] = [{"fix_table": field, "ice_value": key, "publications": n}
                           for (field, key), n in sorted(fix_usage.items())]
    tables["build_info"] = [{"key": "archive_digest", "value": archive.digest()},
                            {"key": "g287_version", "value": version("g287")},
                            {"key": "schema_version", "value": SCHEMA_VERSION}]
    return tables


def write_store(tables: dict[str, list[dict]], store_path: Path) -> None:
    """Write ``tables`` into a new DuckDB file and atomically replace ``store_path`` with it."""
    store_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=store_path.parent, prefix=".g287-build-", suffix=".duckdb")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB must create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name in TABLES:
                data = arrow_table(name, tables.get(name, []))  # noqa: F841  (read by DuckDB's replacement scan)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM data')
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, store_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise


def build_store(archive_dir: Path, store_path: Path, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Rebuild the store at ``store_path`` from the archive at ``archive_dir``."""
    archive = Archive(archive_dir)
    if not archive.read_manifest():
        raise NoLedgerError(f"The archive at {archive_dir} is empty. Run \"g287 import FILE...\" first.")
    tables = build_tables(archive, workers, progress)
    write_store(tables, store_path)
    quarantined = [(p["publication_id"], p["status_reason"]) for p in tables["publications"]
                   if p["status"] == "quarantined"]
    return BuildReport(store_path=store_path, publications=len(tables["publications"]), quarantined=quarantined,
                       agreements=len(tables["agreements"]), events=len(tables["events"]))
