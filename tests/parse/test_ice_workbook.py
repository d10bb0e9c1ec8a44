"""ICE's participating and pending workbooks, read from the real archive."""

from __future__ import annotations

from collections import Counter

import pytest

from g287.errors import UnknownLayoutError
from g287.parse import read_publication
from tests.conftest import SHARED, newest_list_with_header, shared_path


def _read(relative: str):
    path = shared_path(relative)
    return read_publication(path.read_bytes(), path.name)


def test_every_publication_parses_to_its_indexed_data_rows(sheets_index):
    mismatches = []
    for entry in sheets_index:
        lists = read_publication((SHARED / entry["local_path"]).read_bytes(), entry["local_path"])
        kind = "participating" if entry["kind"] == "participating-html-derived" else entry["kind"]
        got = (len(lists), lists[0].kind, len(lists[0].rows))
        if got != (1, kind, int(entry["data_rows"])):
            mismatches.append((entry["local_path"], got, entry["data_rows"]))
    assert len(sheets_index) == 521
    assert mismatches == []


def test_kind_is_decided_by_content_for_the_swapped_files_of_2025_09_22():
    # ICE posted the pending list under the participating name and the reverse (README, Quirks).
    assert _read("ice-287g/quirks/participatingAgencies09222025pm.xlsx")[0].kind == "pending"
    swapped = _read("ice-287g/quirks/pendingAgencies09222025pm.xlsx")[0]
    assert (swapped.kind, len(swapped.rows)) == ("participating", 1000)


def test_newest_list_counts_by_model_match_the_published_figures():
    rows = _read("ice-287g/archive/participating/2026-05-18.xlsx")[0].rows
    assert Counter(r["model"] for r in rows) == {"TFM": 1162, "WSO": 499, "JEM": 182}


def test_excel_error_values_are_kept_as_ices_original_and_read_as_no_county():
    rows = _read("ice-287g/archive/participating/2026-05-18.xlsx")[0].rows
    errors = [r for r in rows if r["ice_county"] == "#N/A"]
    assert len(errors) == 213  # README: 213 #N/A cells in the newest file
    assert all(r["county"] is None for r in errors)


def test_hyperlinks_match_openpyxl_and_wrappers_are_removed():
    import openpyxl

    path = shared_path("ice-287g/archive/participating/2025-09-02-am.xlsx")
    rows = read_publication(path.read_bytes(), path.name)[0].rows
    sheet = openpyxl.load_workbook(path).worksheets[0]  # independent reader of the same hyperlinks
    moa = [c.column for c in sheet[1] if c.value == "MOA"][0]
    expected = {c.row for c in sheet.iter_cols(min_col=moa, max_col=moa).__next__() if c.hyperlink and c.row > 1}
    ours = {r["row_number"] for r in rows if r["moa_url"]}
    assert ours == expected
    urls = [r["moa_url"] for r in rows if r["moa_url"]]
    assert not [u for u in urls if "safelinks" in u or u.startswith("http://") or "chrome-extension" in u]
    assert all(u.startswith("https://") for u in urls)


def test_hidden_rows_are_data_and_counted(sheets_index):
    import openpyxl

    relative = "ice-287g/archive/participating/2025-03-27-am.xlsx"
    parsed = _read(relative)[0]
    sheet = openpyxl.load_workbook(shared_path(relative)).worksheets[0]
    hidden = {n for n, d in sheet.row_dimensions.items() if d.hidden}
    assert parsed.hidden_rows == len(hidden) > 0
    assert {r["row_number"] for r in parsed.rows if r["is_hidden"]} == hidden
    indexed = next(int(e["data_rows"]) for e in sheets_index if e["local_path"] == relative)
    assert len(parsed.rows) == indexed


def test_extra_sheet_is_ignored():
    parsed = _read("ice-287g/archive/participating/2026-03-02.xlsx")[0]
    assert parsed.sheet_names == ["Sheet1", "Sheet2"]
    assert len(parsed.rows) == 1499 and parsed.columns[0] == "STATE"


def test_zero_row_pending_list_is_valid():
    parsed = _read("ice-287g/archive/pending/2025-11-20.xlsx")[0]
    assert (parsed.kind, parsed.rows) == ("pending", [])


def test_malformed_signing_dates_are_repaired_from_the_fixes_table():
    rows = _read("ice-287g/archive/participating/2025-07-14.xlsx")[0].rows
    fixed = {r["ice_signed"]: r["signed_on"] for r in rows if r["signed_on_source"] == "fix"}
    assert fixed == {"05/082025": "2025-05-08", "7/72025": "2025-07-07", "5025-07-07": "2025-07-07"}


def test_empty_signing_date_is_kept_for_review_not_dropped():
    rows = _read("ice-287g/archive/participating/2025-12-02.xlsx")[0].rows
    missing = [r for r in rows if r["review_reason"] == "missing_signed_on"]
    assert [(r["state"], r["model"]) for r in missing] == [("WV", "TFM")]


def test_state_typos_and_case_fold_to_usps_codes():
    rows = _read("ice-287g/archive/participating/2025-08-29.xlsx")[0].rows
    assert {r["state"] for r in rows if r["ice_state"] == "WEST VIRIGINIA"} == {"WV"}
    assert None not in {r["state"] for r in rows}


def test_unknown_column_is_rejected_with_the_column_named():
    with pytest.raises(UnknownLayoutError) as error:
        read_publication(newest_list_with_header("ADDENDUM", "NOTES"), "renamed.xlsx")
    assert str(error.value) == (
        "renamed.xlsx: unknown column 'NOTES' in a participating list header; g287 reads STATE, "
        "LAW ENFORCEMENT AGENCY, TYPE, COUNTY, SUPPORT TYPE, SIGNED, MOA, ADDENDUM. Check the file, and if ICE "
        "changed its layout, teach g287's reader the new column.")
