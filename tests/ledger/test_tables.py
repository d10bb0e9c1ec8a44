"""Ledger rules on the whole real archive: counts, removals, the mis-named list, the drop gate."""

from __future__ import annotations

import shutil
from pathlib import Path

import g287
from g287.acquire.archive import Archive
from tests.conftest import ICE, shared_path


def test_published_counts_of_the_first_and_newest_spreadsheets(built_home: Path):
    first = g287.counts(as_of="2025-02-21", by="model", home=built_home)
    assert (first["publication_date"], first["agreements"], first["by"]) == (
        "2025-02-21", 151, {"JEM": 60, "TFM": 11, "WSO": 80})
    assert len(g287.counts(as_of="2025-02-21", by="state", home=built_home)["by"]) == 22
    newest = g287.counts(as_of="2026-05-18", by="model", home=built_home)
    assert (newest["agreements"], newest["by"]) == (1843, {"JEM": 182, "TFM": 1162, "WSO": 499})


def test_html_era_first_list(built_home: Path):
    assert g287.counts(as_of="2021-01-12", home=built_home)["agreements"] == 150


def test_maryland_agreements_of_early_february_2026_are_all_removed_citing_the_first_list_missing_them(ledger):
    february = ledger.execute(
        "SELECT DISTINCT p.agreement_id FROM presence p JOIN publications l USING (publication_id) "
        "WHERE p.state = 'MD' AND l.list_date BETWEEN '2026-02-01' AND '2026-02-07'").fetchall()
    assert len(february) >= 8
    for (agreement_id,) in february:
        status, last_pub, removed_on = ledger.execute(
            "SELECT status, last_publication_id, removed_on FROM agreements WHERE agreement_id = ?",
            [agreement_id]).fetchone()
        assert status == "Removed"
        first_missing = ledger.execute(
            "SELECT publication_id, list_date FROM publications WHERE kind = 'participating' AND status = 'accepted' "
            "AND seq > (SELECT seq FROM publications WHERE publication_id = ?) ORDER BY seq LIMIT 1",
            [last_pub]).fetchone()
        cited = ledger.execute(
            "SELECT v.publication_id FROM events e JOIN event_evidence v USING (event_id) "
            "WHERE e.agreement_id = ? AND e.event_type = 'removed' AND v.role = 'absent_from'",
            [agreement_id]).fetchall()
        assert cited == [(first_missing[0],)] and removed_on == first_missing[1]


def test_short_absences_are_bridged_not_removals(ledger):
    # Garrett County (MD) WSO was missing from the single list of 2026-03-03 and back on 2026-03-05.
    events = ledger.execute("SELECT event_type FROM events WHERE agreement_id = "
                            "'MD-garrett-county-sheriffs-office-WSO-2025-02-28' ORDER BY event_on").fetchall()
    assert ("re_listed",) not in events
    assert events.count(("removed",)) == 1  # only its final removal, from the 2026-05-18 list


def _count_series(home: Path, month: str) -> list[int]:
    with g287.connect(home=home) as con:
        dates = [d for (d,) in con.execute(
            "SELECT DISTINCT list_date FROM publications WHERE kind = 'participating' AND list_date LIKE ? "
            "ORDER BY 1", [month + "%"]).fetchall()]
    return [g287.counts(as_of=d, home=home)["agreements"] for d in dates]


def _events(home: Path) -> list[tuple]:
    with g287.connect(home=home) as con:
        return con.execute("SELECT event_type, event_on, agreement_id FROM events ORDER BY ALL").fetchall()


def test_misnamed_september_list_causes_no_drop_in_august_2025(tmp_path: Path):
    # ICE posted the 2025-09-02 pm list as participatingAgencies08022025pm.xlsx. Imported under that name (first,
    # so no other name can date it), the ledger must equal the one built with the list correctly dated.
    summer = sorted(ICE.glob("archive/participating/2025-0[789]-*.xlsx"))
    correct, misnamed_home = tmp_path / "correct", tmp_path / "misnamed"
    g287.import_files(summer, home=correct)
    misnamed = tmp_path / "participatingAgencies08022025pm.xlsx"
    shutil.copy(shared_path("ice-287g/archive/participating/2025-09-02-pm.xlsx"), misnamed)
    g287.import_files([misnamed], home=misnamed_home)
    g287.import_files([p for p in summer if p.name != "2025-09-02-pm.xlsx"], home=misnamed_home)
    for home in (correct, misnamed_home):
        g287.build(home=home)
    dated = {f.names[0]: (f.list_date, f.slot) for f in Archive(misnamed_home / "archive").files()}
    assert dated["participatingAgencies08022025pm.xlsx"] == ("2025-09-02", "pm")
    august = _count_series(misnamed_home, "2025-08")
    assert august == _count_series(correct, "2025-08")
    assert max(before - after for before, after in zip(august, august[1:])) <= 3  # no drop beyond normal
    assert _events(misnamed_home) == _events(correct)


def test_drop_gate_quarantines_a_list_that_loses_half_its_rows(tmp_path: Path):
    import openpyxl

    home = tmp_path / "home"
    g287.import_files([shared_path("ice-287g/archive/participating/2026-05-14.xlsx")], home=home)
    book = openpyxl.load_workbook(shared_path("ice-287g/archive/participating/2026-05-18.xlsx"))
    sheet = book.worksheets[0]
    sheet.delete_rows(900, sheet.max_row)  # a truncated export: about half of the rows
    cut = tmp_path / "participatingAgencies05182026am.xlsx"
    book.save(cut)
    g287.import_files([cut], home=home)
    report = g287.build(home=home)
    assert len(report.quarantined) == 1
    assert report.quarantined[0][1].startswith("row count fell from 1,8")
    # The ledger keeps the last good state: the 2026-05-14 list.
    counts = g287.counts(as_of="2026-05-18", home=home)
    assert counts["publication_date"] == "2026-05-14" and counts["agreements"] > 1800


def test_every_event_type_is_produced_by_the_real_archive(ledger):
    from g287.ledger import EVENT_TYPES

    found = {t for (t,) in ledger.execute("SELECT DISTINCT event_type FROM events").fetchall()}
    # moa_changed needs ICE to replace a posted MOA between two downloads, which the shared archive does not
    # hold: tests/acquire/test_sync.py produces it from a mirror of ice.gov.
    assert found == set(EVENT_TYPES) - {"moa_changed"}
