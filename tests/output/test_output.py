"""Enforcement output on the whole archive: totals equal the source's sums, agencies link to the ledger, and
agency, county and state pages show the yearly removals with their source."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

import g287
from g287.cli import app
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def source_sums() -> dict[str, tuple[int, int]]:
    """Identified and removed per fiscal year, summed straight from the source file."""
    sums: dict[str, list[int]] = {}
    with shared_path("ice-287g/history/pre2018-ice-removals-long.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            total = sums.setdefault(f"FY{row['fiscal_year']}", [0, 0])
            total[0] += int(row["identified"] or 0)
            total[1] += int(row["removed"] or 0)
    return {fy: tuple(v) for fy, v in sums.items()}


def test_national_totals_by_fiscal_year_equal_the_source_sums(built_home: Path, source_sums):
    nation = g287.output(home=built_home)
    assert {p["period"]: (p["identified"], p["removed"]) for p in nation["periods"]} == source_sums
    assert (nation["totals"]["identified"], nation["totals"]["removed"]) == (268_065, 175_104)  # SOURCES.md


def test_every_reporting_agency_is_linked_or_listed_for_review(built_home: Path, ledger):
    methods = dict(ledger.execute("SELECT coalesce(match_method, 'unlinked'), count(DISTINCT (state, ice_agency)) "
                                  "FROM output_counts WHERE ice_agency IS NOT NULL GROUP BY 1").fetchall())
    linked = sum(n for m, n in methods.items() if m != "unlinked")
    assert linked + methods.get("unlinked", 0) == 73 and linked / 73 >= 0.95
    review = g287.output_review(home=built_home)
    assert len(review) == methods.get("unlinked", 0)
    # Every link points to an agency of the ledger, and the 2010 "Etowah County Sheriff Office" is today's.
    assert ledger.execute("SELECT count(*) FROM output_counts o WHERE linked_agency_id IS NOT NULL AND NOT EXISTS "
                          "(SELECT 1 FROM agencies a WHERE a.agency_id = o.linked_agency_id)").fetchone()[0] == 0
    assert ledger.execute("SELECT DISTINCT linked_agency_id FROM output_counts WHERE ice_agency LIKE 'Etowah%'"
                          ).fetchall() == [("AL-etowah-county-sheriffs-office",)]


def test_maricopa_output_against_its_agreement(built_home: Path):
    maricopa = g287.output(agency="AZ-maricopa-county-sheriffs-office", home=built_home)
    years = {p["period"]: p for p in maricopa["periods"]}
    # The jail agreement of 2007-02-07 was in force all of FY2008; DHS ended it by January 2012, so the removals
    # ICE counted for FY2013 are flagged as evidence about the agreement's dates.
    assert years["FY2008"]["in_force"] == "sure" and years["FY2008"]["models"] == "JEM"
    assert years["FY2013"]["in_force"] == "none" and "no agreement in force" in years["FY2013"]["data_note"]
    assert years["FY2008"]["removed_per_agreement_year"] == pytest.approx(years["FY2008"]["removed"], rel=0.01)
    assert years["FY2006"]["removed"] is None  # no figure: unknown, not zero


@pytest.mark.parametrize("agency_id,county", [("AZ-maricopa-county-sheriffs-office", "04013"),
                                               ("NC-mecklenburg-county-sheriffs-office", "37119")])
def test_pages_show_yearly_removals_with_sources(agency_id, county, built_home: Path, source_sums):
    from fastapi.testclient import TestClient

    from g287.web.app import create_app
    from g287.web.settings import WebSettings

    with TestClient(create_app(WebSettings(home=built_home))) as client:
        data = client.get(f"/agencies/{agency_id}.json").json()
        html = client.get(f"/agencies/{agency_id}", params={"lang": "en"}).text
        county_html = client.get(f"/counties/{county}", params={"lang": "en"}).text
        spanish = client.get(f"/agencies/{agency_id}", params={"lang": "es"}).text
    removed = {p["period"]: p["removed"] for p in data["output"]}
    assert len(removed) == 8 and sum(v or 0 for v in removed.values()) > 5000
    assert "Enforcement output" in html and "pre2018-ice-removals-long.csv" in html and html.count("<rect") >= 7
    assert f"{removed['FY2009']:,}" in html and f"{removed['FY2009']:,}" in county_html
    assert "Resultados de la aplicación" in spanish


def test_cli_prints_an_agencys_output_and_its_source(built_home: Path):
    result = CliRunner().invoke(app, ["output", "--agency", "Mecklenburg County Sheriff", "--state", "NC"],
                                env={"G287_HOME": str(built_home), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Mecklenburg County Sheriff's Office" in result.output and "FY2009" in result.output
    assert "Source: pre2018-ice-removals-long.csv" in result.output
    bad = CliRunner().invoke(app, ["output", "--county", "3711"], env={"G287_HOME": str(built_home)})
    assert bad.exit_code == 1 and "is not a county FIPS code" in bad.output
