"""The ledger snapshot bundled in the package is what g287 derives from the shared archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

import g287
from g287.store.connect import bundled_dir
from g287.store.schema import BUNDLED_TABLES


def test_rebuilding_reproduces_the_bundled_snapshot(built_home: Path, tmp_path: Path):
    g287.export("parquet", tmp_path, home=built_home, bundled_only=True)
    with duckdb.connect() as con:
        for table in BUNDLED_TABLES:
            if table == "build_info":
                continue  # carries the g287 version, which moves on with every release
            if table.startswith("moa_") and shutil.which("tesseract") is None:
                continue  # the scanned Lee County MOA is read only with Tesseract (tests/moa says so)
            fresh = con.execute(f"SELECT * FROM read_parquet('{tmp_path / table}.parquet')").fetchall()
            bundled = con.execute(f"SELECT * FROM read_parquet('{bundled_dir() / table}.parquet')").fetchall()
            assert fresh == bundled, f"bundled {table} differs from a rebuild: regenerate it (see README)"


def test_counts_work_on_a_fresh_install_from_the_bundle(tmp_path: Path):
    empty_home = tmp_path / "nothing-imported"
    result = g287.counts(as_of="2025-02-21", by="model", home=empty_home)
    assert (result["agreements"], result["by"]) == (151, {"JEM": 60, "TFM": 11, "WSO": 80})
