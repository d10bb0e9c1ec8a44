"""``g287 import``: content-addressed archive, no-op re-imports, and bad input that changes nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g287.acquire.archive import Archive
from g287.cli import app
from tests.conftest import newest_list_with_header, shared_path

runner = CliRunner()


def _snapshot(home: Path) -> dict[str, str]:
    """Hash of every file under the archive and the store (what must not change). The parse cache is left out:
    it is derived data, and may keep what was read of a good file in a batch a bad file stopped."""
    files = sorted(p for p in home.rglob("*") if p.is_file() and not {"quarantine", "cache"} & set(p.parts))
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _g287(home: Path, *args: str):
    return runner.invoke(app, list(args), env={"G287_HOME": str(home)})


@pytest.fixture
def small_home(tmp_path: Path) -> Path:
    """A home with two real lists imported and built."""
    home = tmp_path / "home"
    import g287
    g287.import_files([shared_path("ice-287g/archive/participating/2025-02-21.xlsx"),
                       shared_path("ice-287g/archive/pending/2025-02-21.xlsx")], home=home)
    g287.build(home=home)
    return home


def test_same_bytes_twice_is_a_noop_and_a_new_name_is_recorded(small_home: Path, tmp_path: Path):
    before = _snapshot(small_home)
    again = _g287(small_home, "import", str(shared_path("ice-287g/archive/participating/2025-02-21.xlsx")))
    assert again.exit_code == 0 and again.output.startswith("already archived: 2025-02-21.xlsx")
    assert _snapshot(small_home) == before
    renamed = tmp_path / "participatingAgencies-20250222170629.xlsx"
    shutil.copy(shared_path("ice-287g/archive/participating/2025-02-21.xlsx"), renamed)
    result = _g287(small_home, "import", str(renamed))
    assert result.output.startswith("new name for: participatingAgencies-20250222170629.xlsx")
    archive = Archive(small_home / "archive")
    files = archive.files()
    assert len(files) == 2 and len(list((small_home / "archive" / "objects").rglob("*"))) == 2 + 2
    assert [f.list_date for f in files] == ["2025-02-21", "2025-02-21"]
    assert sorted(files[0].names + files[1].names) == sorted(["2025-02-21.xlsx", "2025-02-21.xlsx",
                                                              "participatingAgencies-20250222170629.xlsx"])


def test_originals_are_stored_byte_for_byte_and_read_only(small_home: Path):
    source = shared_path("ice-287g/archive/participating/2025-02-21.xlsx").read_bytes()
    stored = Archive(small_home / "archive").object_path(hashlib.sha256(source).hexdigest())
    assert stored.read_bytes() == source
    assert not stored.stat().st_mode & 0o222


def _truncated(tmp_path: Path) -> Path:
    data = shared_path("ice-287g/archive/participating/2025-03-06.xlsx").read_bytes()
    path = tmp_path / "participatingAgencies03062025am.xlsx"
    path.write_bytes(data[:5000])
    return path


def _unknown_header(tmp_path: Path) -> Path:
    path = tmp_path / "participatingAgencies05192026am.xlsx"
    path.write_bytes(newest_list_with_header("ADDENDUM", "NOTES"))
    return path


def _not_excel(tmp_path: Path) -> Path:
    path = tmp_path / "participatingAgencies05192026am.xlsx"
    shutil.copy(shared_path("ice-287g/moa/ArcadiaPDFL_TFM_MOA_030425.pdf"), path)
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "pendingAgencies05192026am.xlsx"
    path.write_bytes(b"")
    return path


def _wrong_kind(tmp_path: Path) -> Path:
    # A workbook under ICE's name that is not an ICE list: a third party's cumulative table.
    path = tmp_path / "participatingAgencies05182026am.xlsx"
    shutil.copy(shared_path("ice-287g/processed/287g-detentiondata/Total-participatingAgencies05182026am.xlsx"), path)
    return path


BAD_INPUTS = {
    "truncated": (_truncated, "participatingAgencies03062025am.xlsx: not a readable Excel workbook ("),
    "unknown header": (_unknown_header, "participatingAgencies05192026am.xlsx: unknown column 'NOTES' in a "
                       "participating list header; g287 reads STATE, LAW ENFORCEMENT AGENCY, TYPE, COUNTY, SUPPORT TYPE, "
                       "SIGNED, MOA, ADDENDUM."),
    "not excel": (_not_excel, "participatingAgencies05192026am.xlsx: neither an Excel workbook nor UTF-8 text; "
                  "import ICE's spreadsheet as downloaded."),
    "empty": (_empty, "pendingAgencies05192026am.xlsx: the file is empty. Re-download it from ice.gov."),
    "wrong kind": (_wrong_kind, "participatingAgencies05182026am.xlsx: unknown column 'Extracted Link' in a "
                   "participating list header; g287 reads STATE, LAW ENFORCEMENT AGENCY, TYPE, COUNTY, SUPPORT TYPE, "
                   "SIGNED, MOA, ADDENDUM."),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_nonzero_and_changes_nothing(case: str, small_home: Path, tmp_path: Path):
    make, message = BAD_INPUTS[case]
    bad = make(tmp_path)
    before = _snapshot(small_home)
    result = _g287(small_home, "import", str(bad))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: " + message)
    assert _snapshot(small_home) == before
    kept = small_home / "quarantine" / hashlib.sha256(bad.read_bytes()).hexdigest()
    assert kept.read_bytes() == bad.read_bytes()  # raw bytes are kept, outside the archive


def test_a_bad_file_in_a_batch_archives_nothing(small_home: Path, tmp_path: Path):
    before = _snapshot(small_home)
    good = shared_path("ice-287g/archive/participating/2025-02-26.xlsx")
    result = _g287(small_home, "import", str(good), str(_empty(tmp_path)))
    assert result.exit_code == 1
    assert _snapshot(small_home) == before


def test_an_imported_list_is_parsed_once(tmp_path: Path):
    """What g287 import read of ICE's lists is the parse cache entry the build would write; an MOA is not kept
    (its date comes from its file name, which the archive does not keep)."""
    import g287
    from g287.store.build.parsing import parse_cache_path, parse_file

    home = tmp_path / "home"
    lists = [shared_path("ice-287g/archive/participating/2026-05-18.xlsx"),
             shared_path("ice-287g/archive/pending/2026-02-27.xlsx")]
    moa = sorted(shared_path("ice-287g/moa").glob("*.pdf"))[0]
    results = g287.import_files([*lists, moa], home=home)
    archive = Archive(home / "archive")
    for result in results[:2]:
        cached = Path(parse_cache_path(home / "cache", result.sha256))
        assert cached.read_bytes() == parse_file(str(archive.object_path(result.sha256)), None)
    assert not Path(parse_cache_path(home / "cache", results[2].sha256)).exists()
    assert [r.kind for r in results] == ["participating", "pending", "moa"]
    # The build reads them from the cache and gives what it gives without one.
    report = g287.build(home=home)
    shutil.rmtree(home / "cache")
    again = g287.build(home=home, full=True)
    assert (report.publications, report.agreements, report.events) == (again.publications, again.agreements, again.events)


def test_the_history_sources_are_archived_as_history_lists(small_home: Path):
    from tests.conftest import HISTORY_FILES

    result = _g287(small_home, "import", *[str(shared_path(f"ice-287g/history/{name}")) for name in HISTORY_FILES])
    assert result.exit_code == 0, result.output
    archived = sorted(line.split(" (")[1].split(",")[:2] for line in result.output.splitlines())
    assert archived == [["history", " 2009-10-28"], ["history", " 2010-05-08"], ["history", " 2010-10-29"],
                        ["history", " 2010-10-29"], ["history", " 2026-04-20"]]
    import g287

    g287.build(home=small_home)
    with g287.connect(home=small_home) as con:
        lists = con.execute("SELECT reader, grade, claim, count(*), min(list_date), max(list_date) FROM publications "
                            "WHERE kind = 'history' GROUP BY ALL ORDER BY 1").fetchall()
    assert lists == [("foia_chart_csv", "B", "in_force", 1, "2010-05-08", "2010-05-08"),
                     ("ice_factsheet_csv", "A", "in_force", 33, "2010-10-29", "2017-08-01"),
                     ("ice_moa_index_tsv", "A", "signing_dates", 1, "2026-04-20", "2026-04-20"),
                     ("kostandini_csv", "C", "signing_dates", 1, "2010-10-29", "2010-10-29"),
                     ("oig_report_csv", "B", "in_force", 1, "2009-10-28", "2009-10-28")]
    assert g287.counts(as_of="2025-02-21", home=small_home)["agreements"] == 151  # the ledger is unchanged
    assert [r for r in g287.check(home=small_home) if r["status"] == "fail"] == []
