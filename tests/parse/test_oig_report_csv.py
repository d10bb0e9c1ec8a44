"""DHS OIG-10-63, Appendix E, Table 3: every jurisdiction as of 2009-10-28."""

from collections import Counter

from g287.parse import read_publication
from tests.conftest import shared_path


def test_the_table_with_hybrids_as_two_agreements_and_pending_rows_kept():
    path = shared_path("ice-287g/history/historical-oig-2009.csv")
    [table] = read_publication(path.read_bytes(), path.name)
    assert (table.kind, table.grade, table.claim, table.list_date) == ("history", "B", "in_force", "2009-10-28")
    assert len({r["row_number"] for r in table.rows}) == 67
    hybrids = path.read_text().count(",Hybrid,")
    assert len(table.rows) == 67 + hybrids and hybrids == 12
    benton = [(r["model"], r["signed_on"]) for r in table.rows if r["ice_agency"] == "Benton County Sheriff's Office"]
    assert benton == [("JEM", "2007-09-26"), ("TFM", "2007-09-26")]
    pending = {r["ice_agency"] for r in table.rows if r["row_status"] == "pending"}
    assert len(pending) == 6 and any("Mesa" in name for name in pending)  # not agreements on that date
    assert Counter(r["row_status"] for r in table.rows)["signed"] == len(table.rows) - 6
    assert all(r["agency_id"] and r["review_reason"] is None for r in table.rows)
