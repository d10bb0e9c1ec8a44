"""The 287(g) chart as of 2010-05-08 (ICE FOIA documents): former and 2009 MOA dates, withdrawals."""

from g287.parse import read_publication
from tests.conftest import shared_path


def test_former_and_new_moa_rows_and_withdrawals():
    path = shared_path("ice-287g/history/primary_source_chart_2010-05-08.csv")
    [chart] = read_publication(path.read_bytes(), path.name)
    assert (chart.kind, chart.grade, chart.claim, chart.list_date) == ("history", "B", "in_force", None)
    assert len({r["row_number"] for r in chart.rows}) == 78
    withdrew = sorted({(r["state"], r["agency_name"]) for r in chart.rows if r["row_status"] == "withdrew"})
    assert [state for state, _ in withdrew] == ["FL", "FL", "MA", "MA", "NC"]  # Brevard, Manatee, Barnstable, ...
    fdle = sorted((r["row_status"], r["signed_on"]) for r in chart.rows
                  if r["ice_agency"] == "Florida Department of Law Enforcement")
    assert fdle[:2] == [("former_moa", "2002-07-02"), ("former_moa", "2003-12-08")]  # "07/02/2002; 12/8/03"
    etowah = sorted((r["row_status"], r["model"], r["signed_on"]) for r in chart.rows
                    if r["agency_id"] == "AL-etowah-county-sheriffs-office")
    assert etowah == [("former_moa", "JEM", "2008-07-08"), ("signed", "JEM", "2009-10-15")]
    assert all(r["review_reason"] is None for r in chart.rows)
