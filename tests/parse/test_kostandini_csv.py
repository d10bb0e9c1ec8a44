"""Kostandini et al. (2014), Table A1: signing dates of 66 agreements (grade C)."""

from g287.parse import read_publication
from tests.conftest import shared_path


def test_signing_dates_without_models():
    path = shared_path("ice-287g/history/kostandini_tableA1.csv")
    [table] = read_publication(path.read_bytes(), path.name)
    assert (table.grade, table.claim, table.list_date, len(table.rows)) == ("C", "signing_dates", "2010-10-29", 66)
    dates = sorted(r["signed_on"] for r in table.rows)
    assert (dates[0], dates[-1]) == ("2002-07-02", "2010-08-19")
    assert {r["model"] for r in table.rows} == {None} and all(r["review_reason"] is None for r in table.rows)
    mesa = next(r for r in table.rows if r["ice_agency"] == "City of Mesa Police Department")
    assert (mesa["state"], mesa["signed_on"]) == ("AZ", "2009-11-19")
