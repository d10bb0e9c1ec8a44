"""Export formats. Each registers a writer ``(connection, table names, out_dir) -> [written paths]``.

- ``parquet``, ``csv``, ``json``: one file per table, written by DuckDB (``json`` is an array of objects);
- ``sqlite``: one ``g287.sqlite`` file with every table, openable in Datasette.

Files are written under a temporary name and renamed, so an interrupted export never leaves half a file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path

import duckdb

from g287.errors import ExportError
from g287.store.schema import export_query

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
        con.execute(f"COPY ({export_query(table)}) TO '{tmp}' ({options})")
        os.replace(tmp, target)
        written.append(target)
    return written


PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd"


@register_format("parquet")
def export_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path) -> list[Path]:
    """One zstd-compressed Parquet file per table."""
    return _copy(con, tables, out_dir, "parquet", PARQUET_OPTIONS)


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
    def fill(lite: sqlite3.Connection) -> None:
        for table in tables:
            _write_sqlite_table(con, lite, table)

    return _sqlite_file(out_dir, None, fill)


# Tables that only grow: a build that adds lists adds their rows and leaves every other row as it was.
APPEND_ONLY = ("publication_rows", "presence")


def update_sqlite(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path, previous: Path) -> list[Path] | None:
    """``g287.sqlite`` as :func:`export_sqlite` writes it, made from ``previous``, the export of an earlier build
    of the same ledger: the rows of the new lists are appended to the tables that only grow (nine tenths of the
    file), every other table is written again. None, with nothing written, when ``previous`` is not such an
    export (another g287, a list added before the newest, a file that cannot be read)."""
    try:
        with closing(sqlite3.connect(f"file:{previous}?mode=ro", uri=True)) as old:
            before = dict(old.execute("SELECT publication_id, seq FROM publications").fetchall())
            built = dict(old.execute("SELECT key, value FROM build_info").fetchall()).get("ledger_fingerprint")
            names = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return None
    new_rows = _new_rows(con, tables, before, built, names)
    if new_rows is None:
        return None

    def fill(lite: sqlite3.Connection) -> None:
        for table in tables:
            if table in APPEND_ONLY:
                _write_sqlite_table(con, lite, table, where=new_rows, create=False)
            else:
                lite.execute(f'DROP TABLE "{table}"')
                _write_sqlite_table(con, lite, table)

    out_dir.mkdir(parents=True, exist_ok=True)
    return _sqlite_file(out_dir, previous, fill)


def update_csv(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path, previous: Path) -> list[Path] | None:
    """The CSV files :func:`export_csv` writes, made from the folder ``previous``, the CSV export of an earlier
    build of the same ledger (as :func:`update_sqlite`): the file of a table that only grows is the previous file
    with the new lists' rows appended (rows are exported in list order), every other table is exported again.
    None, with nothing written, when ``previous`` is not such an export."""
    def append(table: str, new_rows: str, tmp: Path) -> None:
        tail = tmp.with_suffix(".tail")
        shutil.copyfile(previous / f"{table}.csv", tmp)
        con.execute(f"COPY ({export_query(table, new_rows)}) TO '{tail}' (FORMAT csv, HEADER false)")
        with open(tmp, "ab") as out, open(tail, "rb") as rows:
            shutil.copyfileobj(rows, out)
        tail.unlink()

    return _update_folder(con, tables, out_dir, previous, "csv", "read_csv(?, header = true, all_varchar = true)",
                          export_csv, append)


def update_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path, previous: Path) -> list[Path] | None:
    """The Parquet files :func:`export_parquet` writes, made from the folder ``previous``, the Parquet export of an
    earlier build of the same ledger (as :func:`update_sqlite`): a table that only grows is the previous file's
    rows followed by the new lists' rows (DuckDB keeps the order of both parts, so the file is byte for byte the
    one a new export writes, without sorting every row again), every other table is exported again. None, with
    nothing written, when ``previous`` is not such an export."""
    def append(table: str, new_rows: str, tmp: Path) -> None:
        source = str(previous / f"{table}.parquet").replace("'", "''")
        con.execute(f"COPY (SELECT * FROM read_parquet('{source}') UNION ALL ({export_query(table, new_rows)})) "
                    f"TO '{tmp}' ({PARQUET_OPTIONS})")

    return _update_folder(con, tables, out_dir, previous, "parquet", "read_parquet(?)", export_parquet, append)


# The formats an export can be made from the previous export of (``g287 publish``): the function that does it,
# given the previous export's folder.
UPDATE_FORMATS: dict[str, Callable[[duckdb.DuckDBPyConnection, list[str], Path, Path], list[Path] | None]] = {
    "sqlite": lambda con, tables, out_dir, previous: update_sqlite(con, tables, out_dir, previous / "g287.sqlite"),
    "csv": update_csv, "parquet": update_parquet}


def _update_folder(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path, previous: Path, suffix: str,
                   reader: str, export: Callable[[duckdb.DuckDBPyConnection, list[str], Path], list[Path]],
                   append: Callable[[str, str, Path], None]) -> list[Path] | None:
    """A folder of one ``<table>.<suffix>`` file per table made from ``previous`` (read by ``reader``, as
    :func:`_rows_since_export` takes it): the tables that only grow written by ``append(table, new rows'
    condition, temporary file)``, then renamed into place; every other table exported again by ``export``. None,
    with nothing written, when ``previous`` is not an export of an earlier build of the same ledger."""
    new_rows = _rows_since_export(con, tables, previous, suffix, reader)
    if new_rows is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    written = export(con, [t for t in tables if t not in APPEND_ONLY], out_dir)
    for table in (t for t in tables if t in APPEND_ONLY):
        target, tmp = out_dir / f"{table}.{suffix}", out_dir / f".{table}.{suffix}.tmp"
        append(table, new_rows, tmp)
        os.replace(tmp, target)
        written.append(target)
    return written


def _rows_since_export(con: duckdb.DuckDBPyConnection, tables: list[str], previous: Path, suffix: str,
                       reader: str) -> str | None:
    """:func:`_new_rows` for the folder ``previous``, an export of one file per table named ``<table>.<suffix>``,
    read by DuckDB's table function ``reader`` (its one parameter the file); None when it cannot be read."""
    try:
        with duckdb.connect() as old:
            before = {p: int(seq) for p, seq in old.execute(f"SELECT publication_id, seq FROM {reader}",
                                                              [str(previous / f"publications.{suffix}")]).fetchall()}
            built = dict(old.execute(f"SELECT key, value FROM {reader}",
                                     [str(previous / f"build_info.{suffix}")]).fetchall()).get("ledger_fingerprint")
    except (duckdb.Error, ValueError):
        return None
    return _new_rows(con, tables, before, built, {p.stem for p in previous.glob(f"*.{suffix}")})


def _new_rows(con: duckdb.DuckDBPyConnection, tables: list[str], before: dict[str, int], built: str | None,
              names: set[str]) -> str | None:
    """The condition picking the rows of the lists added since an export of the ledger whose publications were
    ``before`` (id: seq), built by ledger code ``built``, with tables ``names``; None when the rows of that export
    are not the first rows of this one (another g287 or other tables, nothing new, or a list added before one
    already exported: it would fall between exported rows)."""
    current = dict(con.execute("SELECT publication_id, seq FROM publications").fetchall())
    fingerprint = dict(con.execute("SELECT key, value FROM build_info").fetchall()).get("ledger_fingerprint")
    new = set(current) - set(before)
    if (fingerprint is None or built != fingerprint or names != set(tables) or not new
            or any(current.get(p) != seq for p, seq in before.items())
            or min(current[p] for p in new) <= max(before.values(), default=0)):
        return None
    listed = ", ".join(f"'{p}'" for p in sorted(new))  # publication ids: hex digits and dashes
    return f"publication_id IN ({listed})"


def _sqlite_file(out_dir: Path, start: Path | None, fill: Callable[[sqlite3.Connection], None]) -> list[Path]:
    """``out_dir/g287.sqlite``: a copy of ``start`` (or a new file) that ``fill`` writes into, renamed into place
    when complete."""
    target, tmp = out_dir / "g287.sqlite", out_dir / ".g287.sqlite.tmp"
    tmp.unlink(missing_ok=True)
    if start is not None:
        shutil.copyfile(start, tmp)
    lite = sqlite3.connect(tmp)
    # A file renamed into place when complete: no journal or sync is needed while it is written.
    lite.execute("PRAGMA journal_mode = OFF")
    lite.execute("PRAGMA synchronous = OFF")
    try:
        fill(lite)
        lite.commit()
    finally:
        lite.close()
    os.replace(tmp, target)
    return [target]


def _write_sqlite_table(con: duckdb.DuckDBPyConnection, lite: sqlite3.Connection, table: str, where: str = "",
                        create: bool = True) -> None:
    """Copy the rows of ``table`` (those matching ``where``) in export order, creating the table first."""
    columns = con.execute(f'DESCRIBE "{table}"').fetchall()
    if create:
        spec = ", ".join(f'"{c[0]}" {_SQLITE_TYPES.get(c[1], "TEXT")}' for c in columns)
        lite.execute(f'CREATE TABLE "{table}" ({spec})')
    marks = ", ".join("?" for _ in columns)
    cursor = con.execute(export_query(table, where))
    while batch := cursor.fetchmany(50_000):
        lite.executemany(f'INSERT INTO "{table}" VALUES ({marks})', batch)


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
