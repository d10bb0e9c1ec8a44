"""The site's downloads: every ledger table as SQLite, CSV and Parquet files, exported again only when the ledger
build changed, and then made from the previous publish's files when that is quicker (:func:`export_downloads`)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from g287.export.formats import UPDATE_FORMATS, export_tables, tables_present
from g287.publish.manifest import SiteWriter, file_sha256, fingerprint
from g287.store.connect import build_id, build_info, open_ledger

DOWNLOAD_FORMATS = ("sqlite", "csv", "parquet")


def find_previous_downloads(con: duckdb.DuckDBPyConnection, writer: SiteWriter, code: str
                            ) -> tuple[str, list[str], dict[str, str]]:
    """The downloads' inputs fingerprint; the files kept, when the previous publish's downloads were made from
    the same ledger build and are still in place (then nothing is exported); and the previous publish's download
    folders by format, when all there as it wrote them (the new files are made from them, the rows of the new
    lists appended, when they were exported from an earlier build of this ledger)."""
    inputs = fingerprint(build_id(con), json.dumps(build_info(con), sort_keys=True), code)
    kept = [p for p in writer.previous if p.startswith("downloads/")]
    if kept and all(writer.previous[p].get("inputs") == inputs and writer.previous_size(p) == writer.previous[p]["bytes"]
                    for p in kept):
        return inputs, kept, {}
    previous = {fmt: str(writer.out / "downloads" / fmt) for fmt in UPDATE_FORMATS
                if (files := [p for p in writer.previous if p.startswith(f"downloads/{fmt}/")])
                and all(map(writer.can_keep, files))}
    return inputs, [], previous


def export_downloads(store_path: str, folder: str, formats=DOWNLOAD_FORMATS,
                     previous: dict[str, str] | None = None) -> dict[str, str]:
    """Export every ledger table in ``formats`` into ``folder/<format>/`` (a job of either of the publisher's
    processes: :class:`SharedJobs`); returns the SHA-256 of each file by its path in ``folder``, hashed by the
    process that wrote it while its 200 MB are still in the page cache. The files of each format are made from
    ``previous[format]`` (the previous publish's folder) when that was exported from an earlier build of the
    same ledger (:func:`g287.export.formats.update_sqlite`, :func:`~g287.export.formats.update_csv`,
    :func:`~g287.export.formats.update_parquet`)."""
    from g287.store.schema import TABLES

    with open_ledger(Path(store_path)) as con:
        # One thread, no progress bar: the pages are rendered on the other core meanwhile.
        con.execute("SET threads = 1")
        con.execute("SET enable_progress_bar = false")
        tables = tables_present(con, TABLES)
        written = {}
        for fmt in formats:
            out = Path(folder) / fmt
            files = None
            if fmt in UPDATE_FORMATS and (previous or {}).get(fmt):
                files = UPDATE_FORMATS[fmt](con, tables, out, Path(previous[fmt]))
            written |= {f"{fmt}/{f.name}": file_sha256(f) for f in files or export_tables(con, fmt, out, tables)}
    return written


def finish_downloads(writer: SiteWriter, inputs: str, kept: list[str], done: dict, folder: Path) -> None:
    """Publish the downloads: the ``kept`` files of the previous publish, or the files the ``downloads-*`` jobs
    in ``done`` exported into ``folder``."""
    for path in kept:  # the same build: keep the files
        writer.put(path, bytes, inputs)
    for fmt in DOWNLOAD_FORMATS:
        for name, digest in sorted(done.get(f"downloads-{fmt}", {}).items()):
            writer.put_file(f"downloads/{name}", folder / name, inputs, digest)
