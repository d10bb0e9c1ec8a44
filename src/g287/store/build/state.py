"""What a build leaves besides the tables: the state the next build starts from, and its report.

The store keeps the schema version and the ledger fingerprint (table ``build_info``), and the ledger a build
folded with the fix usage counts (table ``_ledger_state``), so that ICE's next list can be added to it
(:mod:`g287.store.build.incremental`) as long as the code and data that built it have not changed.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import sys
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from g287.ledger.tables import Ledger
from g287.store.build.parsing import parser_fingerprint

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    store_path: Path
    publications: int
    quarantined: list[tuple[str, str]]
    agreements: int
    events: int
    site: object | None = None  # the publish Report when the home's published site was refreshed
    added: int | None = None  # lists added to the kept ledger; None for a full build


STATE_TABLE = "_ledger_state"


@functools.cache  # the code running and the data it reads: fixed for the life of a process
def ledger_fingerprint() -> str:
    """Changes whenever a full build could give different tables from the same archive: parsing, the ledger,
    geography, enforcement linking, MOA reading, the store code, fix tables and reference data."""
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(f"{parser_fingerprint()}|{version('g287')}|{SCHEMA_VERSION}|"
                            f"{sys.version}".encode())  # the kept ledger is marshalled: tied to the Python version
    for path in sorted([*package.glob("ledger/*.py"), *package.glob("geo/*.py"), *package.glob("enforcement/*.py"),
                        *package.glob("moa/*.py"), *package.glob("store/**/*.py"), *package.glob("fixes/*.csv"),
                        *package.glob("data/reference/*")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def write_state(con: duckdb.DuckDBPyConnection, ledger: Ledger, fix_usage: Counter,
                fingerprint: str | None = None) -> None:
    """Keep ``ledger`` (and the fix usage counts) in the store, for the next list to be added to."""
    con.execute(f"CREATE OR REPLACE TABLE {STATE_TABLE} (fingerprint VARCHAR, ledger BLOB, fix_usage BLOB)")
    con.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, ?, ?)",
                [fingerprint or ledger_fingerprint(), ledger.dump(), marshal.dumps(dict(fix_usage))])
