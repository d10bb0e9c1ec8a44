"""ICE's 287(g) enforcement statistics FY2006-2013 (history/pre2018-ice-removals-long.csv): golden rows."""

from __future__ import annotations

import pytest

from g287.errors import UnknownLayoutError
from g287.parse import read_publication
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def table():
    path = shared_path("ice-287g/history/pre2018-ice-removals-long.csv")
    return read_publication(path.read_bytes(), path.name)


def test_one_output_list_of_584_counts(table):
    assert len(table) == 1
    parsed = table[0]
    assert (parsed.kind, parsed.reader, parsed.grade, parsed.list_date, parsed.rows) == (
        "output", "ice_output_csv", "A", "2013-09-30", [])
    assert len(parsed.counts) == 584
    assert len({(c["state"], c["ice_agency"]) for c in parsed.counts}) == 73


def test_golden_rows(table):
    counts = {(c["ice_agency"], c["period"]): c for c in table[0].counts}
    # Line 2: Alabama DPS, FY2006 (2005-10-01 to 2006-09-30), no figures: unknown, not zero.
    first = counts[("AL Department of Public Safety", "FY2006")]
    assert (first["row_number"], first["state"], first["period_start"], first["period_end"],
            first["identified"], first["removed"]) == (2, "AL", "2005-10-01", "2006-09-30", None, None)
    assert counts[("AL Department of Public Safety", "FY2009")]["identified"] == 2
    # SOURCES.md: Hudson County (NJ) FY2008 has 107 removed and no identified figure.
    hudson = [c for c in table[0].counts if c["state"] == "NJ" and "Hudson" in c["ice_agency"] and c["period"] == "FY2008"]
    assert [(c["identified"], c["removed"]) for c in hudson] == [(None, 107)]
    # ICE's footnote marker stays in the name as printed; the agency name drops it.
    benton = counts[("Benton County Sheriff Office*", "FY2008")]
    assert benton["agency_name"] == "Benton County Sheriff Office"


def test_a_malformed_count_is_a_one_line_error():
    data = (b"state,agency,fiscal_year,fy_start,fy_end,identified,removed\n"
            b"TEXAS,Harris County Sheriff Office,2009,2008-10-01,2009-09-30,12x,3\n")
    with pytest.raises(UnknownLayoutError, match=r"bad\.csv: line 2, identified '12x' is not a whole number"):
        read_publication(data, "bad.csv")
