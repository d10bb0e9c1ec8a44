"""Queries: counts JSON shape, agencies, history with evidence, events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import g287
from g287.cli import app
from g287.errors import QueryError

runner = CliRunner()


def _cli(home: Path, *args: str):
    return runner.invoke(app, list(args), env={"G287_HOME": str(home)})


def test_counts_json_shape_and_codes(built_home: Path):
    result = _cli(built_home, "counts", "--as-of", "2026-05-18", "--by", "state", "--json")
    data = json.loads(result.output)
    assert list(data) == ["as_of", "publication_date", "basis", "agreements", "agencies", "by", "agencies_by"]
    assert data["as_of"] == "2026-05-18" and data["publication_date"] == "2026-05-18"
    assert {"FL", "GU", "MP", "TX"} <= set(data["by"]) and sum(data["by"].values()) == data["agreements"]
    assert set(data["agencies_by"]) == set(data["by"]) and sum(data["agencies_by"].values()) == data["agencies"]
    by_model = json.loads(_cli(built_home, "counts", "--as-of", "2026-05-18", "--by", "model", "--json").output)
    assert set(by_model["by"]) == {"JEM", "TFM", "WSO"}


def test_counts_before_any_list_and_for_one_state(built_home: Path):
    before_2021 = g287.counts(as_of="2020-01-01", home=built_home)
    assert (before_2021["publication_date"], before_2021["basis"]) == (None, "intervals")
    assert before_2021["agencies"] > 0
    before_the_program = g287.counts(as_of="2001-12-31", home=built_home)
    assert (before_the_program["agreements"], before_the_program["bounds"]["agencies_high"]) == (0, 0)
    assert "68 agencies (68 to 68; 0 uncertain on this date)" in _cli(built_home, "counts", "--as-of",
                                                                     "2012-06-01").output
    florida = g287.counts(as_of="2026-05-18", state="Florida", by="type", home=built_home)
    assert florida == g287.counts(as_of="2026-05-18", state="fl", by="type", home=built_home)
    assert sum(florida["by"].values()) == florida["agreements"] > 300


def test_agencies_filters_and_csv(built_home: Path):
    rows = g287.agencies(state="MD", as_of="2026-02-05", home=built_home)
    assert len(rows) >= 8 and {r["state"] for r in rows} == {"MD"}
    tfm = g287.agencies(model="TFM", state="FL", home=built_home)
    assert all("TFM" in r["models"] for r in tfm)
    csv_out = _cli(built_home, "agencies", "--state", "GU", "--csv").output.splitlines()
    assert csv_out[0].startswith("agency_id,state,agency_name") and len(csv_out) >= 2


def test_history_shows_events_with_evidence(built_home: Path):
    history = g287.history("Garrett County Sheriff's Office", state="MD", home=built_home)
    assert history["agency"]["agency_id"] == "MD-garrett-county-sheriffs-office"
    types = [e["event_type"] for e in history["events"]]
    assert "listed" in types and "removed" in types
    assert all(e["evidence"] for e in history["events"])
    text = _cli(built_home, "history", "MD-garrett-county-sheriffs-office").output
    assert "evidence: " in text and "row " in text


def test_history_of_a_renamed_agency_finds_old_names(built_home: Path):
    history = g287.history("Gulfport PD", state="FL", home=built_home)
    assert history["agency"]["agency_name"] == "Gulfport Police Department"


def test_events_since(built_home: Path):
    rows = g287.events("2026-05-01", state="MD", home=built_home)
    assert rows and all(r["event_on"] >= "2026-05-01" and r["state"] == "MD" for r in rows)


@pytest.mark.parametrize(("args", "message"), [
    (("counts", "--as-of", "2026-13-01"), "Error: --as-of '2026-13-01' is not a date; use YYYY-MM-DD."),
    (("counts", "--by", "county"), "Error: --by 'county' is not one of model, state, type."),
    (("counts", "--state", "Atlantis"),
     "Error: --state 'Atlantis' is not a U.S. state or territory; use a code (FL) or a name (Florida)."),
    (("agencies", "--model", "XYZ"), "Error: --model 'XYZ' is not a 287(g) model; use JEM, TFM or WSO."),
    (("history", "No Such Agency Anywhere"),
     "Error: No agency matches 'No Such Agency Anywhere'; try part of the name, or \"g287 agencies --state XX\"."),
    (("export", "--format", "xls", "--out", "/tmp/x"), "Error: --format 'xls' is not one of csv, json, parquet, sqlite."),
])
def test_bad_parameters_give_one_line_errors(built_home: Path, args, message):
    result = _cli(built_home, *args)
    assert result.exit_code == 1
    assert result.output.strip() == message


def test_ambiguous_agency_asks_for_an_id(built_home: Path):
    with pytest.raises(QueryError) as error:
        g287.history("County Sheriff's Office", home=built_home)
    assert "Give the agency id or --state." in str(error.value)


def test_first_agreements_per_county_and_agency_from_the_bundled_ledger():
    from g287.errors import QueryError
    from g287.store import queries

    with queries.open_ledger(None) as con:
        counties = {r["unit"]: r for r in queries.first_agreements(con, "county")}
        jem = {r["unit"]: r for r in queries.first_agreements(con, "county", model="jem")}
        agencies = queries.first_agreements(con, "agency")
        signed = dict(con.execute("SELECT agreement_id, coalesce(signed_on, first_listed_on) FROM agreements "
                                  "UNION ALL SELECT interval_id, start_on FROM intervals").fetchall())
        with_state = {r["unit"] for r in queries.first_agreements(con, "county", exclude_coverage_kinds=())}
        with pytest.raises(QueryError, match='Treatment unit "state" is unknown'):
            queries.first_agreements(con, "state")
    # Each date is the start of the agreement (or the 2002-2020 agreement life) cited beside it, and a model
    # filter never makes it earlier.
    assert all(signed[r["agreement_id"]] == r["treated_on"] for r in counties.values())
    assert {r["source"] for r in counties.values()} == {"ledger", "history"}
    assert counties["37119"]["treated_on"] == "2006-02-27"  # Mecklenburg (NC): the 2010 FOIA chart's former MOA
    assert set(jem) <= set(counties)
    assert all(jem[c]["treated_on"] >= counties[c]["treated_on"] for c in jem)
    assert all("-JEM-" in r["agreement_id"] for r in jem.values())
    assert all(r["uncertainty_days"] == 0 for r in counties.values() if r["source"] == "ledger")
    # Statewide agencies would treat every county of their state: left out by default, counted when asked.
    assert len(with_state) > len(counties)
    assert all(len(r["unit"]) == 9 for r in agencies)


def test_agencies_listed_equal_agencies_counted_on_every_list_date(ledger):
    """One agency, one row: on every participating list date in the archive, ``g287 agencies --as-of D`` lists
    exactly the agencies ``g287 counts --as-of D`` counts, in total and per state."""
    from collections import Counter

    from g287.store import queries

    dates = [d for (d,) in ledger.execute("SELECT DISTINCT list_date FROM publications WHERE kind = 'participating' "
                                          "AND status = 'accepted' ORDER BY 1").fetchall()]
    assert (dates[0], dates[-1]) == ("2021-01-12", "2026-05-18")  # the first HTML-era list to the newest
    for as_of in dates:
        rows = queries.list_agencies(ledger, as_of=as_of)
        counted = queries.count_agreements(ledger, as_of=as_of, by="state")
        assert len({r["agency_id"] for r in rows}) == len(rows) == counted["agencies"], as_of
        assert Counter(r["state"] for r in rows) == counted["agencies_by"], as_of


def test_an_agency_whose_rows_disagree_on_type_is_one_row_and_counts_under_one_type(ledger):
    # Hopewell (VA), 2025-08-19 list: the TFM row says County, the JEM and WSO rows say Municipality.
    from g287.store import queries

    types = ledger.execute("SELECT DISTINCT p.agency_type FROM presence p JOIN publications l USING (publication_id) "
                           "WHERE p.agency_id = 'VA-hopewell-county-sheriffs-office' AND l.list_date = '2025-08-19'"
                           ).fetchall()
    assert sorted(types) == [("County",), ("Municipality",)]
    rows = [r for r in queries.list_agencies(ledger, as_of="2025-08-20", state="VA")
            if r["agency_id"] == "VA-hopewell-county-sheriffs-office"]
    assert len(rows) == 1 and rows[0]["models"] == "JEM+TFM+WSO" and rows[0]["agreements"] == 3
    by_type = queries.count_agreements(ledger, as_of="2025-08-20", by="type")
    assert sum(by_type["agencies_by"].values()) == by_type["agencies"]
    notes = ledger.execute("SELECT value, rows > 0, is_current FROM agency_notes WHERE agency_id = "
                           "'VA-hopewell-county-sheriffs-office' AND field = 'agency_type' ORDER BY value").fetchall()
    current = ledger.execute("SELECT agency_type FROM agencies WHERE agency_id = "
                             "'VA-hopewell-county-sheriffs-office'").fetchone()[0]
    assert notes == [("County", True, current == "County"), ("Municipality", True, current == "Municipality")]


def test_an_agencys_data_notes_are_in_its_history_page_and_json(built_home: Path):
    from fastapi.testclient import TestClient

    from g287.web.app import create_app
    from g287.web.settings import WebSettings

    history = g287.history("VA-hopewell-county-sheriffs-office", home=built_home)
    types = {n["value"]: n for n in history["notes"] if n["field"] == "agency_type"}
    assert set(types) == {"County", "Municipality"}
    assert [v for v, n in types.items() if n["is_current"]] == [history["agency"]["agency_type"]]
    assert all(n["first_list_date"] <= n["last_list_date"] for n in types.values())
    output = _cli(built_home, "history", "VA-hopewell-county-sheriffs-office").output
    assert "Data note: ICE's rows disagree on agency_type: 'County'" in output
    client = TestClient(create_app(WebSettings(home=built_home)))
    assert client.get("/api/v1/agencies/VA-hopewell-county-sheriffs-office").json()["notes"] == history["notes"]
    page = client.get("/agencies/VA-hopewell-county-sheriffs-office", params={"lang": "es"}).text
    assert "Notas sobre los datos" in page and "Municipality" in page


def test_counts_on_every_list_date_in_one_pass_equal_each_date_counted_alone(ledger):
    """The static site's snapshots count every grouping of every list date in one query; each date's answer is
    what ``count_agreements(as_of=D, by=...)`` gives for that date alone (every fifth date, and the last)."""
    from g287.store import queries

    every = queries.counts_on_lists(ledger)
    assert set(every) == {"model", "state", "type"}
    dates = [c["as_of"] for c in every["model"]]
    assert all([c["as_of"] for c in counts] == dates for counts in every.values())
    for index in [*range(0, len(dates), 5), len(dates) - 1]:
        for by, counts in every.items():
            alone = queries.count_agreements(ledger, as_of=dates[index], by=by)
            assert counts[index] == {key: alone[key] for key in counts[index]}, (dates[index], by)
            assert set(alone) - set(counts[index]) <= {"bounds"}
    assert queries.count_agreements_on_lists(ledger, "type") == every["type"]
    with pytest.raises(QueryError):
        queries.counts_on_lists(ledger, ("county",))
