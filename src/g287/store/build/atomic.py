"""Atomic writing of the store: a build writes a new DuckDB file beside it and renames it over the store only
when complete, under a lock that lets one build at a time write it.

A build that fails, or is killed, leaves the current store as it was; what a killed build left behind is
removed by the next one. The cyclic garbage collector is paused while a build runs (:func:`without_gc`).
"""

from __future__ import annotations

import gc
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from g287.errors import BuildLockedError
from g287.store.schema import arrow_table


class StoreWriter:
    """Writes tables into a new DuckDB file beside the store and swaps it in on :meth:`commit`.

    ``add_in_background`` ingests a large Arrow table on a second thread (DuckDB releases the GIL), so the
    ledger rules can run meanwhile. Anything short of a commit removes the new file: the current store stays.
    """

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        store_path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = hold_build_lock(store_path)
        # What a killed build left behind: only one build runs at a time (the lock), so none is in use.
        for stale in store_path.parent.glob(f"{TMP_PREFIX}*"):
            stale.unlink(missing_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=store_path.parent, prefix=TMP_PREFIX, suffix=".duckdb")
        os.close(fd)
        self.tmp = Path(tmp_name)
        self.tmp.unlink()  # DuckDB must create the file itself
        self.con = duckdb.connect(str(self.tmp))
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def add(self, name: str, rows: list[dict] | dict[str, list] | pa.Table, cursor=None) -> None:
        """Create table ``name`` (schema from :data:`TABLES`) holding ``rows``."""
        data = rows if isinstance(rows, pa.Table) else arrow_table(name, rows)  # noqa: F841 (DuckDB scan)
        (cursor or self.con).execute(f'CREATE TABLE "{name}" AS SELECT * FROM data')

    def add_in_background(self, name: str, table: pa.Table) -> None:
        cursor = self.con.cursor()

        def run() -> None:
            try:
                self.add(name, table, cursor)
            except BaseException as exc:  # re-raised by commit
                self.errors.append(exc)
            finally:
                cursor.close()

        thread = threading.Thread(target=run, name=f"g287-store-{name}")
        thread.start()
        self.threads.append(thread)

    def commit(self) -> None:
        """Wait for background tables, write everything, and replace the store atomically."""
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]
        self.con.execute("CHECKPOINT")
        self.con.close()
        fsync(self.tmp)
        os.replace(self.tmp, self.store_path)
        fsync(self.store_path.parent)  # the rename itself survives a power cut
        self.lock.close()

    def discard(self) -> None:
        for thread in self.threads:
            thread.join()
        self.con.close()
        self.tmp.unlink(missing_ok=True)
        Path(str(self.tmp) + ".wal").unlink(missing_ok=True)
        self.lock.close()


TMP_PREFIX = ".g287-build-"


def hold_build_lock(store_path: Path):
    """An open lock file, locked for the whole build; BuildLockedError if another build holds it."""
    handle = open(store_path.parent / ".g287-build.lock", "w")  # noqa: SIM115 (held until commit or discard)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; builds there must not overlap
        return handle
    try:
        # A POSIX record lock belongs to this process alone: the parser processes it forks do not inherit it,
        # so a killed build frees the lock at once even while its workers wind down.
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BuildLockedError(f"Another g287 build is writing {store_path}; wait for it to finish, "
                               "then run \"g287 build\" again if needed.") from None
    return handle


def fsync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder after a rename in it) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def without_gc(call: Callable):
    """Run ``call`` with the cyclic garbage collector paused.

    A build creates millions of small dicts and frees none until the end: the collector would only rescan
    them over and over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return call()
    finally:
        if enabled:
            gc.enable()
