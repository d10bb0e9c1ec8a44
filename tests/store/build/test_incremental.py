"""Adding ICE's next lists to a built store gives exactly the tables a full build gives, on real lists."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

import g287
from g287.store.schema import TABLES
from tests.conftest import ICE, all_publication_files, newest_list_edited, shared_path


def _differences(store: Path, other: Path) -> dict[str, tuple[int, int]]:
    """Per table, the rows only in ``store`` and only in ``other`` (as multisets); empty when all are equal."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{store}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{other}' AS b (READ_ONLY)")
    found = {}
    for table in TABLES:
        only_a, only_b = (con.execute(f'SELECT count(*) FROM (SELECT * FROM {x}."{table}" EXCEPT ALL '
                                      f'SELECT * FROM {y}."{table}")').fetchone()[0] for x, y in (("a", "b"), ("b", "a")))
        if only_a or only_b:
            found[table] = (only_a, only_b)
    con.close()
    return found


def _full_build_of(home: Path, tmp_path: Path) -> Path:
    """The store a full build of ``home``'s archive gives (built in a copy of the home)."""
    copy = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    shutil.copytree(home, copy)
    report = g287.build(home=copy, full=True)
    assert report.added is None
    return copy / "g287.duckdb"


def _downloads_updated_equal_exported(home: Path, tmp_path: Path) -> None:
    """The SQLite, CSV and Parquet downloads made from the previous ones (new list's rows appended) hold what a new
    export does: the SQLite file row for row, the CSV and Parquet files byte for byte; made from themselves
    (nothing new) they are not made."""
    import sqlite3

    from g287.export.formats import tables_present, update_csv, update_parquet, update_sqlite

    exported = g287.export("sqlite", tmp_path / "sqlite-exported", home=home)[0]
    exported_csv = g287.export("csv", tmp_path / "csv-exported", home=home)
    exported_parquet = g287.export("parquet", tmp_path / "parquet-exported", home=home)
    previous = tmp_path / "sqlite-before" / "g287.sqlite"
    with g287.connect(home=home) as con:
        tables = tables_present(con, TABLES)
        updated = update_sqlite(con, tables, tmp_path / "sqlite-updated", previous)
        assert updated is not None
        assert update_sqlite(con, tables, tmp_path / "sqlite-again", exported) is None
        updated_csv = update_csv(con, tables, tmp_path / "csv-updated", tmp_path / "csv-before")
        assert update_csv(con, tables, tmp_path / "csv-again", tmp_path / "csv-exported") is None
        updated_parquet = update_parquet(con, tables, tmp_path / "parquet-updated", tmp_path / "parquet-before")
        assert update_parquet(con, tables, tmp_path / "parquet-again", tmp_path / "parquet-exported") is None
    for fmt, exported_files, updated_files in (("csv", exported_csv, updated_csv),
                                               ("parquet", exported_parquet, updated_parquet)):
        assert sorted(p.name for p in updated_files) == sorted(p.name for p in exported_files)
        for path in exported_files:
            assert (tmp_path / f"{fmt}-updated" / path.name).read_bytes() == path.read_bytes(), path.name
    with duckdb.connect() as rows:
        assert rows.execute("SELECT count(*) FROM read_parquet(?)", [str(tmp_path / "parquet-updated" / "presence.parquet")]
                            ).fetchone()[0] > rows.execute("SELECT count(*) FROM read_parquet(?)",
                                                           [str(tmp_path / "parquet-before" / "presence.parquet")]).fetchone()[0]
    assert (tmp_path / "csv-updated" / "presence.csv").stat().st_size > (tmp_path / "csv-before" / "presence.csv").stat().st_size
    with sqlite3.connect(updated[0]) as a, sqlite3.connect(exported) as b:
        for table in tables:
            assert a.execute(f'SELECT * FROM "{table}"').fetchall() == b.execute(f'SELECT * FROM "{table}"').fetchall(), table
        new = b.execute("SELECT count(*) FROM presence").fetchone()[0] - sqlite3.connect(previous).execute(
            "SELECT count(*) FROM presence").fetchone()[0]
        assert new > 1800  # the newest list's presence rows were appended


def _republished_site_equals_a_new_one(home: Path, tmp_path: Path) -> None:
    """The site published again after the new list (pages kept, downloads made from the previous ones, in the
    publisher's second process kept from the first publish) is the site a publish into a new folder writes: the
    same files, the same bytes, but for the SQLite file, whose pages differ and rows do not."""
    import json
    import sqlite3

    republished = g287.api.publish(tmp_path / "site", home=home)
    assert "downloads/csv/presence.csv" in republished.changed
    g287.api.publish(tmp_path / "new-site", home=home)
    old, new = (json.loads((tmp_path / name / "manifest.json").read_text())["files"] for name in ("site", "new-site"))
    lite = "downloads/sqlite/g287.sqlite"
    assert {p: e["sha256"] for p, e in old.items() if p != lite} == {p: e["sha256"] for p, e in new.items() if p != lite}
    with sqlite3.connect(tmp_path / "site" / lite) as a, sqlite3.connect(tmp_path / "new-site" / lite) as b:
        for (table,) in b.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            assert a.execute(f'SELECT * FROM "{table}"').fetchall() == b.execute(f'SELECT * FROM "{table}"').fetchall()
    on_disk = sorted(str(p.relative_to(tmp_path / "site")) for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert on_disk == sorted([*old, "manifest.json"])  # no file left over, no export folder left behind
    for path in ("downloads/csv/publication_rows.csv", "index.html", "api/v1/snapshots/counts-by-model.json"):
        assert (tmp_path / "site" / path).read_bytes() == (tmp_path / "new-site" / path).read_bytes()
    # The second process kept its app from the first publish: it answers for the rebuilt store, as a new app does.
    from g287.publish.site import AppClient

    fresh = AppClient(home / "g287.duckdb", "")
    try:
        for url, name in (("/index.json", "index.json"), ("/api/v1/dates", "api/v1/dates.json")):
            assert (tmp_path / "site" / name).read_bytes() == fresh.get(url)
    finally:
        fresh.close()


def _truncated_newest(tmp_path: Path) -> Path:
    """ICE's newest list cut to about half its rows, dated the day after: a list the drop gate rejects."""
    import openpyxl

    book = openpyxl.load_workbook(shared_path("ice-287g/archive/participating/2026-05-18.xlsx"))
    sheet = book.worksheets[0]
    sheet.delete_rows(900, sheet.max_row)
    cut = tmp_path / "participatingAgencies05192026am.xlsx"
    book.save(cut)
    return cut


def test_lists_added_one_at_a_time_give_the_tables_of_a_full_build(built_home: Path, tmp_path: Path):
    participating = sorted(shared_path("ice-287g/archive/participating").glob("*.xlsx"))
    pending = sorted((ICE / "archive" / "pending").glob("*.xlsx"))
    older = participating[len(participating) // 2]  # a list of 2025, imported after newer ones
    held = [*pending[-2:], *participating[-6:]]  # in publication order: pending ends in February 2026
    home = tmp_path / "home"
    shutil.copytree(built_home / "cache", home / "cache")  # the session's parsed lists: same parser, same files
    g287.import_files([f for f in all_publication_files() if f not in [*held, older]], home=home)
    assert g287.build(home=home).added is None

    for path in held:
        if path == held[-1]:  # the downloads of the store before the newest list
            g287.export("sqlite", tmp_path / "sqlite-before", home=home)
            g287.export("csv", tmp_path / "csv-before", home=home)
            g287.export("parquet", tmp_path / "parquet-before", home=home)
            g287.api.publish(tmp_path / "site", home=home)
        g287.import_files([path], home=home)
        report = g287.build(home=home)
        assert report.added == 1, f"{path.name} was not added to the kept ledger"
    _downloads_updated_equal_exported(home, tmp_path)
    _republished_site_equals_a_new_one(home, tmp_path)
    full = _full_build_of(home, tmp_path)
    assert _differences(home / "g287.duckdb", full) == {}
    # Exports do not depend on how the store was built: the same bytes, row for row.
    for which, source in (("added", home), ("full", full.parent)):
        g287.export("csv", tmp_path / f"csv-{which}", home=source)
    exported = sorted(p.name for p in (tmp_path / "csv-full").glob("*.csv"))
    assert len(exported) >= 20
    for name in exported:
        assert (tmp_path / "csv-added" / name).read_bytes() == (tmp_path / "csv-full" / name).read_bytes(), name
    with g287.connect(home=home) as con:
        assert con.execute("SELECT max(list_date) FROM publications WHERE kind = 'pending'").fetchone()[0] \
            == "2026-02-27"
        newest = con.execute("SELECT publication_id FROM publications WHERE kind = 'participating' "
                             "ORDER BY seq DESC LIMIT 1").fetchone()[0]
        # The newest list's rows, presence and events are there, each citing it.
        assert con.execute("SELECT count(*) FROM presence WHERE publication_id = ?", [newest]).fetchone()[0] > 1800
        assert con.execute("SELECT count(*) FROM events WHERE publication_id = ?", [newest]).fetchone()[0] > 0

    # A list older than the newest one cannot be added on its own: the whole ledger is built again.
    g287.import_files([older], home=home)
    assert g287.build(home=home).added is None
    # A list the drop gate rejects is added as quarantined, and changes nothing else.
    before = home.parent / "before.duckdb"
    shutil.copyfile(home / "g287.duckdb", before)
    g287.import_files([_truncated_newest(tmp_path)], home=home)
    report = g287.build(home=home)
    assert report.added == 1 and report.quarantined[-1][1].startswith("row count fell from 1,8")
    changed = set(_differences(home / "g287.duckdb", before)) - {"fix_usage"}  # the cut list may use a fix
    assert changed == {"publications", "publication_rows", "build_info"}
    assert _differences(home / "g287.duckdb", _full_build_of(home, tmp_path)) == {}


def test_changed_code_or_reference_data_means_a_full_build(copy_of_home: Path):
    from g287.store.build.state import STATE_TABLE

    store = copy_of_home / "g287.duckdb"
    with duckdb.connect(str(store)) as con:  # as if built by other code
        con.execute(f"UPDATE {STATE_TABLE} SET fingerprint = 'another build'")
    g287.import_files([_first_list_copy(copy_of_home)], home=copy_of_home)
    assert g287.build(home=copy_of_home).added is None


def _first_list_copy(home: Path) -> Path:
    """ICE's newest list posted again a day later: the same rows, saved again (a new modified time)."""
    target = home.parent / "participatingAgencies05192026.xlsx"
    target.write_bytes(newest_list_edited("docProps/core.xml", lambda data: re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]+", rb"\g<1>2026-05-19T12:00:00Z", data)))
    return target


@pytest.mark.parametrize("damage", ["missing state", "no store"])
def test_a_store_without_a_kept_ledger_is_built_in_full(copy_of_home: Path, damage: str):
    from g287.store.build.state import STATE_TABLE

    store = copy_of_home / "g287.duckdb"
    if damage == "missing state":
        with duckdb.connect(str(store)) as con:
            con.execute(f"DROP TABLE {STATE_TABLE}")
    else:
        store.unlink()
    g287.import_files([_first_list_copy(copy_of_home)], home=copy_of_home)
    report = g287.build(home=copy_of_home)
    assert report.added is None and report.publications > 500


def test_the_first_participating_list_rebuilds_the_history_then_lists_are_added(tmp_path: Path):
    # The 2002-2020 agreement lives end at the ledger's first list: that list cannot be added on its own.
    home = tmp_path / "home"
    history = [ICE / "history" / name for name in ("pre2018-roster-long.csv", "primary_source_chart_2010-05-08.csv")]
    g287.import_files([shared_path("ice-287g/historical/historical-ice-lists.csv"), *history], home=home)
    assert g287.build(home=home).added is None
    first, second = sorted(shared_path("ice-287g/archive/participating").glob("2025-02-2*.xlsx"))[:2]
    g287.import_files([first], home=home)
    assert g287.build(home=home).added is None
    with g287.connect(home=home) as con:  # history intervals reaching the first list continue as its agreements
        assert con.execute("SELECT count(*) FROM intervals WHERE agreement_id IS NOT NULL").fetchone()[0] > 0
    g287.import_files([second], home=home)
    assert g287.build(home=home).added == 1
    assert _differences(home / "g287.duckdb", _full_build_of(home, tmp_path)) == {}
    # ICE posts a list already built again under a new name, beside a new list: its names changed, so the
    # whole ledger is built again.
    again = tmp_path / "participatingAgencies02272025.xlsx"
    again.write_bytes(second.read_bytes())
    third = sorted(shared_path("ice-287g/archive/participating").glob("2025-03-*.xlsx"))[0]
    g287.import_files([again, third], home=home)
    assert g287.build(home=home).added is None
    with g287.connect(home=home) as con:
        names = con.execute("SELECT original_names FROM publications WHERE original_names LIKE '%|%'").fetchall()
    assert any("participatingAgencies02272025.xlsx" in n for (n,) in names)


def test_geography_lookups_of_several_states_read_at_once_and_kept(bundled_ledger, tmp_path: Path):
    """The lookups an added list's agencies are resolved with: built for every state missing from the cache in
    one read of the reference tables, each resolving its state's agencies as a lookup of that state alone does,
    and read back from the cache (a damaged entry built again)."""
    from g287.geo.jurisdictions import ReferenceIndex, resolve_jurisdictions
    from g287.store.build.incremental import GEOGRAPHY_INPUTS, _reference_indexes
    from g287.store.reference import load_reference

    cursor = bundled_ledger.execute(f"SELECT agency_id, {', '.join(GEOGRAPHY_INPUTS)} FROM agencies "
                                    "WHERE state IN ('TX', 'MD', 'FL') ORDER BY agency_id")
    agencies = [dict(zip([d[0] for d in cursor.description], row)) for row in cursor.fetchall()]
    (tmp_path / "TX.pickle").write_bytes(b"damaged")
    built = _reference_indexes({"TX", "MD", "FL"}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FL.pickle", "MD.pickle", "TX.pickle"]
    kept = _reference_indexes({"TX", "MD", "FL"}, tmp_path)
    for state in ("TX", "MD", "FL"):
        in_state = [a for a in agencies if a["state"] == state]
        alone = load_reference({state})
        expected = resolve_jurisdictions(in_state, ReferenceIndex.of(alone["counties"], alone["police_agencies"]))
        assert expected["agency_counties"] and len(expected["jurisdictions"]) == len(in_state)
        assert resolve_jurisdictions(in_state, built[state]) == expected
        assert resolve_jurisdictions(in_state, kept[state]) == expected
