"""The store: atomic, deterministic builds; invariants pass on the real archive."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

import g287
import g287.errors
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


def test_a_failed_build_leaves_the_current_store(copy_of_home: Path):
    store = copy_of_home / "g287.duckdb"
    before = store.read_bytes()
    manifest = copy_of_home / "archive" / "manifest.csv"
    first_object = next(p for p in (copy_of_home / "archive" / "objects").rglob("*") if p.is_file())
    first_object.chmod(0o644)
    first_object.write_bytes(b"PK broken")  # a damaged archive object
    with pytest.raises(g287.errors.ArchiveError) as error:
        g287.build(home=copy_of_home)
    assert str(error.value) == (f"Archive object {first_object} is damaged (its SHA-256 no longer matches); restore "
                                "it from a backup or import the original file again.")
    assert store.read_bytes() == before and manifest.exists()
    assert not list(copy_of_home.glob(".g287-build-*"))
