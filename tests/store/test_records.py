"""Records: an agency's history with its events and their evidence, found by a past name, with its data notes."""

from __future__ import annotations

from pathlib import Path

import g287
from tests.conftest import run_cli


def test_history_shows_events_with_evidence(built_home: Path):
    history = g287.history("Garrett County Sheriff's Office", state="MD", home=built_home)
    assert history["agency"]["agency_id"] == "MD-garrett-county-sheriffs-office"
    types = [e["event_type"] for e in history["events"]]
    assert "listed" in types and "removed" in types
    assert all(e["evidence"] for e in history["events"])
    text = run_cli(built_home, "history", "MD-garrett-county-sheriffs-office").output
    assert "evidence: " in text and "row " in text


def test_history_of_a_renamed_agency_finds_old_names(built_home: Path):
    history = g287.history("Gulfport PD", state="FL", home=built_home)
    assert history["agency"]["agency_name"] == "Gulfport Police Department"


def test_an_agencys_data_notes_are_in_its_history_page_and_json(built_home: Path):
    from fastapi.testclient import TestClient

    from g287.web.app import create_app
    from g287.web.settings import WebSettings

    history = g287.history("VA-hopewell-county-sheriffs-office", home=built_home)
    types = {n["value"]: n for n in history["notes"] if n["field"] == "agency_type"}
    assert set(types) == {"County", "Municipality"}
    assert [v for v, n in types.items() if n["is_current"]] == [history["agency"]["agency_type"]]
    assert all(n["first_list_date"] <= n["last_list_date"] for n in types.values())
    output = run_cli(built_home, "history", "VA-hopewell-county-sheriffs-office").output
    assert "Data note: ICE's rows disagree on agency_type: 'County'" in output
    client = TestClient(create_app(WebSettings(home=built_home)))
    assert client.get("/api/v1/agencies/VA-hopewell-county-sheriffs-office").json()["notes"] == history["notes"]
    page = client.get("/agencies/VA-hopewell-county-sheriffs-office", params={"lang": "es"}).text
    assert "Notas sobre los datos" in page and "Municipality" in page


def test_one_county_by_fips_else_not_found(bundled_ledger):
    import pytest

    from g287.errors import NotFoundError
    from g287.store.records import county_by_fips, county_history

    assert county_by_fips(bundled_ledger, "24023") == {"county_fips": "24023", "state": "MD",
                                                       "county_name": "Garrett County"}
    assert county_history(bundled_ledger, "24023")["county"]["county_name"] == "Garrett County"
    for lookup in (county_by_fips, county_history):
        with pytest.raises(NotFoundError) as error:
            lookup(bundled_ledger, "99999")
        assert str(error.value) == "No county with FIPS code '99999'. Search by name at /search?q=..."
