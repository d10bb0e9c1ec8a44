"""List dates from file names, checked against the archive index's dates (first and corrected names)."""

import pytest

from g287.acquire.list_date import resolve_list_date
from g287.errors import ListDateError


def test_every_archived_file_gets_its_indexed_list_date_from_its_names(archive_index):
    wrong = []
    for entry in archive_index:
        dated = []
        for name in entry["original_names"].split("|"):
            try:
                dated.append(resolve_list_date(name)[:2])
            except ListDateError:
                continue  # pendingAgencies.xlsx carries no date
        date, slot = min(dated)
        if date != entry["list_date"]:
            wrong.append((entry["local_path"], entry["original_names"], date))
    assert len(archive_index) == 470
    assert wrong == []


def test_misnamed_file_is_repaired_from_the_fixes_table():
    assert resolve_list_date("participatingAgencies08022025pm.xlsx") == ("2025-09-02", "pm", "ice-filename-corrected")


@pytest.mark.parametrize(("name", "expected"), [
    ("participatingAgencies07242025pmB.xlsx", ("2025-07-24", "pm-b", "ice-filename")),
    ("participatingAgencies07242025pm_b.xlsx", ("2025-07-24", "pm-b", "ice-filename")),
    ("pendingAgencies12042025pm2.xlsx", ("2025-12-04", "pm-2", "ice-filename")),
    ("participatingAgencies07152025pm copy.xlsx", ("2025-07-15", "pm", "ice-filename")),
    ("participatingAgencies-20250327140000.xlsx", ("2025-03-27", "am", "wayback-capture")),
    ("ParticipatingEntities-20210113002027.xlsx", ("2021-01-12", "pm", "wayback-capture")),
    ("2025-09-02-am.xlsx", ("2025-09-02", "am", "iso-filename")),
])
def test_name_forms(name, expected):
    assert resolve_list_date(name) == expected


def test_undated_name_asks_for_list_date():
    with pytest.raises(ListDateError) as error:
        resolve_list_date("pendingAgencies.xlsx")
    assert str(error.value) == ("pendingAgencies.xlsx: cannot tell the list date from the file name; pass "
                                "--list-date YYYY-MM-DD (and add the name to fixes/list_date.csv if ICE mis-dated it).")
