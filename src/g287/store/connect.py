"""Where the ledger is and how to open it: the built DuckDB store, or the snapshot bundled with the package; and
which build it is.

Every query of g287 takes a connection :func:`open_ledger` returns.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from g287.errors import NoLedgerError, StoreError
from g287.store.schema import BUNDLED_TABLES, macro_statements


def bundled_dir() -> Path:
    """Folder of the ledger snapshot shipped inside the package."""
    return Path(str(resources.files("g287") / "data" / "ledger"))


def open_ledger(store_path: Path | None, load: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store at ``store_path``, or to the bundled snapshot if there is none.

    With ``load``, the bundled snapshot is copied into memory once instead of read from Parquet on every query
    (what a long-running server wants).
    """
    if store_path is not None and Path(store_path).exists():
        return open_store(Path(store_path))
    folder = bundled_dir()
    if not (folder / "agreements.parquet").exists():
        raise NoLedgerError(f'No ledger at {store_path} and no bundled snapshot. Run "g287 build" or set G287_HOME.')
    con = duckdb.connect()
    for name in BUNDLED_TABLES:
        kind = "TABLE" if load else "VIEW"
        con.execute(f"CREATE {kind} \"{name}\" AS SELECT * FROM read_parquet('{folder / name}.parquet')")
    return with_macros(con)


# A DuckDB file is three 4 KiB headers followed by its blocks (DuckDB's storage format, versions 1.x and 2.x).
STORE_HEADER_BYTES = 3 * 4096


def open_store(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the DuckDB store at ``path``; StoreError when the file is empty, shorter than
    the blocks its header declares, or not a DuckDB file.

    The store is attached to a new in-memory database, its tables seen through views, rather than opened
    directly: DuckDB keeps one instance per file path in a process, so a direct connection made after a
    rebuild swapped the file would still read the old one (duckdb/duckdb#15912). A store is only ever replaced
    whole (``g287 build`` writes aside and renames), so a damaged one was damaged outside g287 (a disk, a
    copy); the fix is to rebuild it from the archive.
    """
    size = path.stat().st_size
    if size == 0:
        raise StoreError(damaged_store_message(path, "the file is empty"))
    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS store (READ_ONLY)")
        # The file holds at least every block in use (DuckDB may cut free blocks off its end).
        block_size, blocks = con.execute("SELECT block_size, used_blocks FROM pragma_database_size() "
                                         "WHERE database_name = 'store'").fetchone()
        tables = [name for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                                  "WHERE table_catalog = 'store' ORDER BY 1").fetchall()]
    except duckdb.Error as exc:
        con.close()
        reason = str(exc).splitlines()[0]
        if "Could not read enough bytes" in reason:  # DuckDB read its catalog past the end of the file
            reason = f"truncated: {size:,} bytes, shorter than the blocks its header lists"
        raise StoreError(damaged_store_message(path, reason)) from None
    expected = STORE_HEADER_BYTES + block_size * blocks
    if size < expected:
        con.close()
        raise StoreError(damaged_store_message(path, f"truncated: {size:,} of {expected:,} bytes"))
    for name in tables:
        con.execute(f'CREATE VIEW main."{name}" AS SELECT * FROM store."{name}"')
    return with_macros(con)


def with_macros(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``con`` with the SQL rules of :data:`g287.store.schema.MACROS` defined on it."""
    for statement in macro_statements():
        con.execute(statement)
    return con


def damaged_store_message(path: Path | str, reason: str) -> str:
    """The one-line error for a store that cannot be read.

    >>> damaged_store_message("/data/g287.duckdb", "the file is empty")
    'The store /data/g287.duckdb cannot be read (the file is empty). Run "g287 build" to rebuild it from the archive.'
    """
    return f'The store {path} cannot be read ({reason}). Run "g287 build" to rebuild it from the archive.'


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The ledger build's facts: ``archive_digest``, ``g287_version``, ``schema_version``."""
    return dict(con.execute("SELECT key, value FROM build_info").fetchall())


def build_id(con: duckdb.DuckDBPyConnection) -> str:
    """Identifier of the ledger build: the digest of the archive it was built from."""
    info = build_info(con)
    return f"{info.get('archive_digest')} (g287 {info.get('g287_version')})"
