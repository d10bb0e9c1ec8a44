"""Agencies: filters and CSV, one row per agency on every list date, and the lookup of one agency by name."""

from __future__ import annotations

from pathlib import Path

import pytest

import g287
from g287.errors import QueryError
from tests.conftest import run_cli


def test_agencies_filters_and_csv(built_home: Path):
    rows = g287.agencies(state="MD", as_of="2026-02-05", home=built_home)
    assert len(rows) >= 8 and {r["state"] for r in rows} == {"MD"}
    tfm = g287.agencies(model="TFM", state="FL", home=built_home)
    assert all("TFM" in r["models"] for r in tfm)
    csv_out = run_cli(built_home, "agencies", "--state", "GU", "--csv").output.splitlines()
    assert csv_out[0].startswith("agency_id,state,agency_name") and len(csv_out) >= 2


def test_ambiguous_agency_asks_for_an_id(built_home: Path):
    with pytest.raises(QueryError) as error:
        g287.history("County Sheriff's Office", home=built_home)
    assert "Give the agency id or --state." in str(error.value)


def test_agencies_listed_equal_agencies_counted_on_every_list_date(ledger):
    """One agency, one row: on every participating list date in the archive, ``g287 agencies --as-of D`` lists
    exactly the agencies ``g287 counts --as-of D`` counts, in total and per state."""
    from collections import Counter

    from g287.store.agencies import list_agencies
    from g287.store.counts import count_agreements

    dates = [d for (d,) in ledger.execute("SELECT DISTINCT list_date FROM publications WHERE kind = 'participating' "
                                          "AND status = 'accepted' ORDER BY 1").fetchall()]
    assert (dates[0], dates[-1]) == ("2021-01-12", "2026-05-18")  # the first HTML-era list to the newest
    for as_of in dates:
        rows = list_agencies(ledger, as_of=as_of)
        counted = count_agreements(ledger, as_of=as_of, by="state")
        assert len({r["agency_id"] for r in rows}) == len(rows) == counted["agencies"], as_of
        assert Counter(r["state"] for r in rows) == counted["agencies_by"], as_of


def test_an_agency_whose_rows_disagree_on_type_is_one_row_and_counts_under_one_type(ledger):
    # Hopewell (VA), 2025-08-19 list: the TFM row says County, the JEM and WSO rows say Municipality.
    from g287.store.agencies import list_agencies
    from g287.store.counts import count_agreements

    types = ledger.execute("SELECT DISTINCT p.agency_type FROM presence p JOIN publications l USING (publication_id) "
                           "WHERE p.agency_id = 'VA-hopewell-county-sheriffs-office' AND l.list_date = '2025-08-19'"
                           ).fetchall()
    assert sorted(types) == [("County",), ("Municipality",)]
    rows = [r for r in list_agencies(ledger, as_of="2025-08-20", state="VA")
            if r["agency_id"] == "VA-hopewell-county-sheriffs-office"]
    assert len(rows) == 1 and rows[0]["models"] == "JEM+TFM+WSO" and rows[0]["agreements"] == 3
    by_type = count_agreements(ledger, as_of="2025-08-20", by="type")
    assert sum(by_type["agencies_by"].values()) == by_type["agencies"]
    notes = ledger.execute("SELECT value, rows > 0, is_current FROM agency_notes WHERE agency_id = "
                           "'VA-hopewell-county-sheriffs-office' AND field = 'agency_type' ORDER BY value").fetchall()
    current = ledger.execute("SELECT agency_type FROM agencies WHERE agency_id = "
                             "'VA-hopewell-county-sheriffs-office'").fetchone()[0]
    assert notes == [("County", True, current == "County"), ("Municipality", True, current == "Municipality")]


def test_one_agency_by_id_else_not_found(bundled_ledger):
    from g287.errors import NotFoundError
    from g287.store.agencies import agency_by_id, find_agency

    assert agency_by_id(bundled_ledger, "MD-garrett-county-sheriffs-office") == {
        "agency_id": "MD-garrett-county-sheriffs-office", "state": "MD",
        "agency_name": "Garrett County Sheriff's Office"}
    with pytest.raises(NotFoundError) as error:
        agency_by_id(bundled_ledger, "XX-nothing")
    assert str(error.value) == "No agency with id 'XX-nothing'. Search by name at /search?q=..."
    with pytest.raises(NotFoundError) as error:
        agency_by_id(bundled_ledger, "XX-nothing", search="/api/v1/search?q=...")
    assert str(error.value) == "No agency with id 'XX-nothing'. Search by name at /api/v1/search?q=..."
    with pytest.raises(NotFoundError) as error:
        find_agency(bundled_ledger, "No Such Agency Anywhere")
    assert str(error.value) == ("No agency matches 'No Such Agency Anywhere'; try part of the name, or "
                                "\"g287 agencies --state XX\".")
