"""Exports: every format writes every table, and the SQLite file holds the same rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

import g287
from g287.store.schema import TABLES


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_file_per_table(built_home: Path, tmp_path: Path, fmt: str):
    written = g287.export(fmt, tmp_path, home=built_home)
    assert sorted(p.name for p in written) == sorted(f"{t}.{fmt}" for t in TABLES)
    reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "json": "read_json_auto"}[fmt]
    with duckdb.connect() as con:
        n = con.execute(f"SELECT count(*) FROM {reader}('{tmp_path / ('agreements.' + fmt)}')").fetchone()[0]
    with g287.connect(home=built_home) as con:
        assert n == con.execute("SELECT count(*) FROM agreements").fetchone()[0]


def test_sqlite_for_datasette(built_home: Path, tmp_path: Path):
    [path] = g287.export("sqlite", tmp_path, home=built_home)
    lite = sqlite3.connect(path)
    with g287.connect(home=built_home) as con:
        for table in ("agreements", "events", "presence"):
            expected = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert lite.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == expected
    assert lite.execute("SELECT model, count(*) FROM presence p JOIN publications l USING (publication_id) "
                        "WHERE l.list_date = '2025-02-21' AND l.kind = 'participating' GROUP BY 1 ORDER BY 1"
                        ).fetchall() == [("JEM", 60), ("TFM", 11), ("WSO", 80)]


def test_sqlite_opens_in_datasette(built_home: Path, tmp_path: Path):
    import asyncio

    from datasette.app import Datasette

    [path] = g287.export("sqlite", tmp_path, home=built_home)

    async def fetch():
        datasette = Datasette([str(path)])
        await datasette.invoke_startup()
        response = await datasette.client.get("/g287/agreements.json?_shape=array&status=Active&_size=max")
        return response.status_code, response.json()

    status, rows = asyncio.run(fetch())
    assert status == 200 and len(rows) == 1000  # Datasette's page size; the first page of active agreements
    assert {"agreement_id", "agency_id", "model", "signed_on", "status"} <= set(rows[0])
