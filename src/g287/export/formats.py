"""Export formats. Each registers a writer ``(connection, table names, out_dir) -> [written paths]``.

- ``parquet``, ``csv``, ``json``: one file per table, written by DuckDB (``json`` is an array of objects);
- ``sqlite``: one ``g287.sqlite`` file with every table, openable in Datasette.

Files are written under a temporary name and renamed, so an interrupted export never leaves half a file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from g287.errors import ExportError

Writer = Callable[[duckdb.DuckDBPyConnection, list[str], Path], list[Path]]
EXPORT_FORMATS: dict[str, Writer] = {}


def register_format(name: str) -> Callable[[Writer], Writer]:
    """Register an export writer under ``name``."""
    def register(writer: Writer) -> Writer:
        EXPORT_FORMATS[name] = writer
        return writer
    return register


def _copy(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path, suffix: str, options: str) -> list[Path]:
    written = []
    for table in tables:
        target = out_dir / f"{table}.{suffix}"
        tmp = out_dir / f".{table}.{suffix}.tmp"
        con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{tmp}' ({options})")
        os.replace(tmp, target)
        written.append(target)
    return written


@register_format("parquet")
def export_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path) -> list[Path]:
    """One zstd-compressed Parquet file per table."""
    return _copy(con, tables, out_dir, "parquet", "FORMAT parquet, COMPRESSION zstd")


@register_format("csv")
def export_csv(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path) -> list[Path]:
    """One CSV file (UTF-8, header row) per table."""
    return _copy(con, tables, out_dir, "csv", "FORMAT csv, HEADER true")


@register_format("json")
def export_json(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path) -> list[Path]:
    """One JSON file per table: an array of objects."""
    return _copy(con, tables, out_dir, "json", "FORMAT json, ARRAY true")


_SQLITE_TYPES = {"VARCHAR": "TEXT", "BIGINT": "INTEGER", "INTEGER": "INTEGER", "BOOLEAN": "INTEGER", "DOUBLE": "REAL"}


@register_format("sqlite")
def export_sqlite(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path) -> list[Path]:
    """All tables in one SQLite file, ``g287.sqlite`` (opens in Datasette)."""
    target = out_dir / "g287.sqlite"
    tmp = out_dir / ".g287.sqlite.tmp"
    tmp.unlink(missing_ok=True)
    lite = sqlite3.connect(tmp)
    # A new file renamed into place when complete: no journal or sync is needed while it is written.
    lite.execute("PRAGMA journal_mode = OFF")
    lite.execute("PRAGMA synchronous = OFF")
    try:
        for table in tables:
            columns = con.execute(f'DESCRIBE "{table}"').fetchall()
            spec = ", ".join(f'"{c[0]}" {_SQLITE_TYPES.get(c[1], "TEXT")}' for c in columns)
            lite.execute(f'CREATE TABLE "{table}" ({spec})')
            marks = ", ".join("?" for _ in columns)
            cursor = con.execute(f'SELECT * FROM "{table}"')
            while batch := cursor.fetchmany(50_000):
                lite.executemany(f'INSERT INTO "{table}" VALUES ({marks})', batch)
        lite.commit()
    finally:
        lite.close()
    os.replace(tmp, target)
    return [target]


def tables_present(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> list[str]:
    """Those of ``names`` (in their order) that the ledger ``con`` holds (the bundled snapshot has fewer)."""
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return [name for name in names if name in present]


def export_tables(con: duckdb.DuckDBPyConnection, fmt: str, out_dir: Path, tables: list[str]) -> list[Path]:
    """Write ``tables`` in format ``fmt`` into ``out_dir``; returns the files written."""
    writer = EXPORT_FORMATS.get(fmt)
    if writer is None:
        raise ExportError(f"--format {fmt!r} is not one of {', '.join(sorted(EXPORT_FORMATS))}.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out_dir}: cannot create the output folder ({exc.strerror}).") from None
    return writer(con, tables, out_dir)
