"""Low-level workbook reading: values, hyperlinks, error cells, hidden rows, unreadable bytes."""

from __future__ import annotations

import pytest

from g287.errors import UnreadablePublicationError
from g287.parse.workbook import read_sheet
from tests.conftest import shared_path


def test_reads_values_hyperlinks_and_errors_of_the_newest_list():
    path = shared_path("ice-287g/archive/participating/2026-05-18.xlsx")
    sheet = read_sheet(path.read_bytes(), path.name)
    assert sheet.rows[0] == (1, ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED",
                                 "MOA", "ADDENDUM"])
    assert sheet.modified_utc.startswith("2026-05-18")
    assert len(sheet.errors) == 213
    assert sheet.hyperlinks[(1325, 6)] == "https://www.ice.gov/doclib/287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "x.xlsx: the file is empty. Re-download it from ice.gov."),
    (b"%PDF-1.7 not a workbook", "x.xlsx: not an Excel workbook (.xlsx); import ICE's participating or pending spreadsheet."),
])
def test_unreadable_bytes_are_rejected(data, message):
    with pytest.raises(UnreadablePublicationError) as error:
        read_sheet(data, "x.xlsx")
    assert str(error.value) == message


def test_truncated_workbook_is_rejected():
    data = shared_path("ice-287g/archive/participating/2026-05-18.xlsx").read_bytes()
    with pytest.raises(UnreadablePublicationError) as error:
        read_sheet(data[: len(data) // 2], "cut.xlsx")
    assert str(error.value).startswith("cut.xlsx: not a readable Excel workbook (")
    assert str(error.value).endswith("); the file may be truncated, download it again.")
