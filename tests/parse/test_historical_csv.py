"""The 2007/2008 ICE rosters: one CSV, two lists."""

from g287.parse import read_publication
from tests.conftest import shared_path


def test_two_rosters_with_their_dates():
    path = shared_path("ice-287g/historical/historical-ice-lists.csv")
    lists = read_publication(path.read_bytes(), path.name)
    assert [(pl.kind, pl.list_date, len(pl.rows)) for pl in lists] == [("roster", "2007-09-19", 28),
                                                                      ("roster", "2008-03-10", 41)]
    assert all(r["state"] and r["agency_id"] and r["review_reason"] is None for pl in lists for r in pl.rows)
