"""Geography on the real ledger: resolution rate, ICE's counties honoured, hand-verified agencies."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import g287
from g287.cli import app

# Agencies checked by hand against Census county FIPS codes (state and county of the city, campus or airport;
# the statute for judicial districts). (state, name) -> (jurisdiction type, county FIPS codes).
HAND_VERIFIED = {
    ("AL", "Autauga County Sheriff's Office"): ("county", ["01001"]),
    ("FL", "Lee County Sheriff's Office"): ("county", ["12071"]),
    ("FL", "Volusia County Sheriff's Office"): ("county", ["12127"]),
    ("TX", "Tarrant County Sheriff's Office"): ("county", ["48439"]),
    ("TX", "Montgomery County Sheriff's Office"): ("county", ["48339"]),
    ("AR", "Benton County Sheriff's Office"): ("county", ["05007"]),
    ("TN", "Knox County Sheriff's Office"): ("county", ["47093"]),
    ("OH", "Butler County Sheriff's Office"): ("county", ["39017"]),
    ("AL", "Etowah County Sheriff's Office"): ("county", ["01055"]),
    ("FL", "Baker County Sheriff's Office"): ("county", ["12003"]),
    ("TX", "Waller County Sheriff's Office"): ("county", ["48473"]),
    ("LA", "Calcasieu Parish Sheriff's Office"): ("county", ["22019"]),
    ("LA", "St. Bernard Parish Sheriff's Office"): ("county", ["22087"]),
    ("LA", "St. Charles Parish Sheriff's Office"): ("county", ["22089"]),
    ("VA", "Hopewell County Sheriff's Office"): ("county", ["51670"]),  # Hopewell is an independent city
    ("MI", "Berrien County Sheriff's Office"): ("county", ["26021"]),
    ("OK", "Custer County Sheriff's Office"): ("county", ["40039"]),
    ("MD", "Garrett County Sheriff's Office"): ("county", ["24023"]),
    ("WI", "Manitowoc County Sheriff's Office"): ("county", ["55071"]),
    ("FL", "Fort Walton Beach Police Department"): ("municipality", ["12091"]),
    # municipal police of cities that span two counties
    ("TX", "League City Police Department"): ("municipality", ["48167", "48201"]),
    ("OK", "Bixby Police Department"): ("municipality", ["40143", "40145"]),
    ("OK", "Collinsville Police Department"): ("municipality", ["40131", "40143"]),
    ("TX", "Azle Police Department"): ("municipality", ["48367", "48439"]),
    ("FL", "Longboat Key Police Department"): ("municipality", ["12081", "12115"]),
    ("FL", "Flagler Beach Police Department"): ("municipality", ["12035", "12127"]),
    ("GA", "Social Circle Police Department"): ("municipality", ["13217", "13297"]),
    ("SC", "Batesburg-Leesville Police Department"): ("municipality", ["45063", "45081"]),
    ("TX", "Winnsboro Police Department"): ("municipality", ["48159", "48499"]),
    ("WV", "Montgomery Police Department"): ("municipality", ["54019", "54039"]),
    ("AL", "Southside Police Department"): ("municipality", ["01015", "01055"]),
    ("TX", "Overton Police Department"): ("municipality", ["48401", "48423"]),
    ("LA", "Arnaudville Police Department"): ("municipality", ["22097", "22099"]),
    ("FL", "Apopka Police Department"): ("municipality", ["12095"]),
    ("FL", "Arcadia Police Department"): ("municipality", ["12027"]),
    ("FL", "Daytona Beach Shores Public Safety"): ("municipality", ["12127"]),
    ("FL", "Sunny Isles Police Department"): ("municipality", ["12086"]),
    ("LA", "Morse Police Department"): ("municipality", ["22001"]),
    ("MO", "North County Police Cooperative"): ("municipality", ["29189"]),
    ("IN", "Greens Fork Police Department"): ("municipality", ["18177"]),
    ("AZ", "Mesa Police Department"): ("municipality", ["04013"]),
    ("AK", "Kodiak Police Department"): ("municipality", ["02150"]),
    ("FL", "City of Miami Police Department"): ("municipality", ["12086"]),
    ("FL", "Tampa Police Department"): ("municipality", ["12057"]),
    ("FL", "Gulfport Police Department"): ("municipality", ["12103"]),
    ("AR", "16th Judicial Distric Drug Task Force"): ("regional", ["05023", "05049", "05063", "05065", "05137"]),
    ("FL", "Office of the State Attorney, 20th Judicial Circuit"): ("regional", ["12015", "12021", "12043", "12051",
                                                                             "12071"]),
    ("OK", "Office of The District Attorney - Eighth District"): ("regional", ["40071", "40103"]),
    ("FL", "Office of the State Attorney Sixth Judicial Circuit"): ("regional", ["12101", "12103"]),
    ("VA", "Rappahannock, Shenandoah, Warren Regional Jail Authority"): ("regional", ["51157", "51171", "51187"]),
    ("FL", "University of Florida Police Department"): ("campus", ["12001"]),
    ("FL", "Florida International University Police Department"): ("campus", ["12086"]),
    ("FL", "District Board of Trustees of Pensacola State College"): ("campus", ["12033"]),
    ("FL", "Sarasota Manatee Airport Authority Police Department"): ("airport_port", ["12081", "12115"]),
    ("FL", "Sanford Airport Police Department"): ("airport_port", ["12117"]),
    ("KY", "Grayson County Detention Center"): ("detention_facility", ["21085"]),
}
# State agencies cover every county of their state (67 in Florida, 254 in Texas, 105 in Kansas, 75 in Arkansas);
# the territories have no counties in the Census county table and resolve to the territory.
STATEWIDE = {
    ("FL", "Florida Department of Highway Safety and Motor Vehicles, Division of Highway Patrol"): 67,
    ("TX", "Texas Department of Public Safety - Texas Highway Patrol"): 254,
    ("KS", "Kansas Bureau of Investigation"): 105,
    ("AR", "Arkansas Department of Corrections"): 75,
    ("GU", "Office Of The Attorney General"): 0,
    ("MP", "CNMI Department of Public Safety"): 0,
}


def test_hand_verified_agencies(built_home: Path):
    assert len(HAND_VERIFIED) + len(STATEWIDE) >= 50
    wrong = {}
    for (state, name), (kind, fips) in HAND_VERIFIED.items():
        info = g287.geo_agency(name, state=state, home=built_home)
        if (info["jurisdiction_type"], info["county_fips"]) != (kind, fips):
            wrong[(state, name)] = (info["jurisdiction_type"], info["county_fips"])
    for (state, name), n in STATEWIDE.items():
        info = g287.geo_agency(name, state=state, home=built_home)
        if (info["jurisdiction_type"], len(info["county_fips"]), info["needs_review"]) != ("state", n, False):
            wrong[(state, name)] = (info["jurisdiction_type"], len(info["county_fips"]))
    assert wrong == {}


def test_at_least_99_percent_of_the_newest_agreements_resolve(built_home: Path):
    result = CliRunner().invoke(app, ["geo", "stats", "--as-of", "2026-05-18", "--json"],
                                env={"G287_HOME": str(built_home)})
    stats = json.loads(result.output)
    assert {"agreements", "resolved", "needs_review"} <= set(stats)
    assert stats["agreements"] == 1843
    assert stats["resolved"] / stats["agreements"] >= 0.99
    assert stats["resolved"] + stats["needs_review"] == stats["agreements"]


def test_every_county_agreement_resolves_to_the_county_ice_names(ledger):
    # For each TYPE=County row of the newest list with a county, the agency covers a county of that name
    # (ICE's name after fixes/county.csv), compared with the Census name ignoring case, a trailing "County" or
    # "Parish" (ICE once wrote just "Decatur") and "Saint" for "St.".
    same = "regexp_replace(replace(lower({}), 'saint ', 'st. '), ' (county|parish)$', '')"
    unmatched = ledger.execute(
        f"""
        SELECT r.agency_id, r.county FROM publication_rows r JOIN publications p USING (publication_id)
        WHERE p.list_date = '2026-05-18' AND p.kind = 'participating' AND r.agency_type = 'County'
          AND r.county IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM agency_counties c JOIN counties k USING (county_fips)
              WHERE c.agency_id = r.agency_id AND {same.format('k.county_name')} = {same.format('r.county')})
        """).fetchall()
    assert unmatched == []


def test_unresolved_agencies_are_listed_for_review_never_dropped(built_home: Path, ledger):
    review = g287.geo_review(as_of="2026-05-18", home=built_home)
    assert review and all(r["review_reason"] in ("no_county", "unknown_county") for r in review)
    listed = {a for (a,) in ledger.execute(
        "SELECT DISTINCT agency_id FROM presence p JOIN publications l USING (publication_id) "
        "WHERE l.list_date = '2026-05-18' AND l.kind = 'participating'").fetchall()}
    resolved = {a for (a,) in ledger.execute(
        "SELECT agency_id FROM jurisdictions WHERE match_type IS NOT NULL AND NOT needs_review").fetchall()}
    assert listed - resolved == {r["agency_id"] for r in review}


def test_coverage_population_adds_up(built_home: Path, ledger):
    result = g287.coverage(as_of="2026-05-18", home=built_home)
    total = result["total"]
    assert total["counties"] == len(result["counties"]) > 1000
    assert total["residents_covered"] == sum(c["residents_covered"] for c in result["counties"])
    assert total["residents_covered"] <= total["county_population"] <= ledger.execute(
        "SELECT sum(population) FROM counties").fetchone()[0]
    for row in result["by_model"].values():
        assert row["residents_covered"] <= total["residents_covered"]
    florida = g287.coverage(as_of="2026-05-18", state="FL", home=built_home)["total"]
    # Florida's highway patrol is a 287(g) partner: every Florida county is covered, all residents.
    assert florida["counties"] == 67 and florida["residents_covered"] == florida["county_population"]


