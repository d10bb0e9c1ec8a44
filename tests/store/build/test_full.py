"""The full build: deterministic builds; invariants pass on the real archive; a damaged store is a one-line
error that a build fixes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

import g287
from g287.store.schema import TABLES


def _table_digests(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        digests = {}
        for name in TABLES:
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            digests[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return digests


def test_two_builds_of_the_same_archive_give_identical_tables(built_home: Path, copy_of_home: Path):
    g287.build(home=copy_of_home)
    assert _table_digests(copy_of_home / "g287.duckdb") == _table_digests(built_home / "g287.duckdb")


def test_check_passes_on_the_real_archive(built_home: Path):
    rows = g287.check(home=built_home)
    assert [r for r in rows if r["status"] == "fail"] == []
    rules = [r for r in rows if r["status"] == "pass"]
    assert len(rules) >= 9


@pytest.mark.parametrize("keep", [0, 0.5, 0.9999])
def test_an_empty_or_truncated_store_is_a_one_line_error_naming_the_file_and_the_fix(copy_of_home: Path, keep: float):
    from typer.testing import CliRunner

    from g287.cli import app

    store = copy_of_home / "g287.duckdb"
    data = store.read_bytes()
    store.write_bytes(data[:int(len(data) * keep)])
    result = CliRunner().invoke(app, ["counts"], env={"G287_HOME": str(copy_of_home)})
    size = int(len(data) * keep)
    # Cut at the end, the header's block count tells; cut in the middle, DuckDB fails reading its catalog.
    reason = {0: "the file is empty", 0.5: f"truncated: {size:,} bytes, shorter than the blocks its header lists"
              }.get(keep, f"truncated: {size:,} of {len(data):,} bytes")
    assert result.exit_code == 1
    assert result.output == (f"Error: The store {store} cannot be read ({reason}). "
                             "Run \"g287 build\" to rebuild it from the archive.\n")
    g287.build(home=copy_of_home)  # the fix the message names
    assert g287.counts(home=copy_of_home)["agreements"] == 1843
