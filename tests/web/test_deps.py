"""The app's ledger follows the store file: a swapped store is served, a damaged one is not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from g287.web.deps import LiveLedger


def _replace(store: Path, make) -> None:
    """Write a new file beside the store and rename it over, as ``g287 build`` does."""
    new = store.with_name("new.duckdb")
    make(new)
    os.replace(new, store)


def _tiny(path: Path) -> None:
    """A store of one agreement."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE agreements AS SELECT 1 AS agreement_id")


def _agreements(ledger: LiveLedger) -> int:
    return ledger.current().execute("SELECT count(*) FROM agreements").fetchone()[0]


def test_a_swapped_store_is_served_and_a_damaged_one_is_not(built_home: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(LiveLedger, "interval", 0.0)  # look at the file on every request
    store = tmp_path / "g287.duckdb"
    shutil.copy(built_home / "g287.duckdb", store)
    ledger = LiveLedger(store)
    full = _agreements(ledger)
    assert full > 2000 and ledger.generation == 0
    in_flight = ledger.current().cursor()  # a request under way while the store is swapped

    _replace(store, lambda path: path.write_bytes(b""))  # damaged outside g287: keep the store we have
    assert _agreements(ledger) == full and ledger.generation == 0

    _replace(store, _tiny)
    assert _agreements(ledger) == 1 and ledger.generation == 1
    assert in_flight.execute("SELECT count(*) FROM agreements").fetchone()[0] == full


def test_refresh_looks_for_a_swapped_store_at_once(built_home: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(LiveLedger, "interval", 3600.0)  # a request alone would not look for an hour
    store = tmp_path / "g287.duckdb"
    shutil.copy(built_home / "g287.duckdb", store)
    ledger = LiveLedger(store)
    full = _agreements(ledger)

    _replace(store, _tiny)
    assert _agreements(ledger) == full and ledger.generation == 0  # within the interval: the store it has
    assert ledger.refresh().execute("SELECT count(*) FROM agreements").fetchone()[0] == 1
    assert ledger.generation == 1
