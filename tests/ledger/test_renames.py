"""The rename rule: removals that are one agreement listed again under another name (real archive)."""

from __future__ import annotations

import pytest

from g287.ledger.renames import is_similar_name, match_rename_candidates
from g287.store.checks import find_unreviewed_renames

# The false departures of the archive to 2026-05-18, each an agreement listed again under another name or state.
CONTINUED = [
    "FL-florida-fish-and-wildlife-conservation-commission-TFM-2025-02-14",
    "FL-indialantic-police-department-TFM-2025-05-13",
    "FL-st-cloud-police-department-TFM-2025-04-14",
    "FL-zephyrhills-police-department-TFM-2025-04-14",
    "WY-wyoming-state-highway-patrol-TFM-2025-07-24",
    "FL-florida-department-of-environmental-protection-division-of-law-enforcement-TFM-2025-04-24",
    "PA-southampton-twp-cumberland-city-constables-office-TFM-2025-09-09",
    "FL-lake-placid-police-department-TFM-2025-02-28",
    "MN-cass-county-sheriffs-office-TFM-2025-02-28",
    "TX-wichita-county-sheriffs-office-WSO-2025-04-16",
    "KS-ellis-county-sheriffs-office-WSO-2025-07-07",
    "FL-okaloosa-county-board-of-county-commissioners-department-of-corrections-WSO-2025-02-26",
    "FL-escambia-county-board-of-county-commissioners-department-of-corrections-WSO-2025-02-26",
    "PA-county-of-franklin-franklin-county-jail-WSO-2025-03-07",
]
# Agencies that existed only because of a misprint: after the review they hold nothing.
MISPRINTS = ["FL-indiatlantic-police-department", "FL-city-of-st-cloud-police-department",
             "FL-city-of-zephyrhills-police-department", "FL-florida-fish-wildlife-conservation-commission",
             "FL-florida-department-of-environmental-protection", "WY-wyoming-highway-state-patrol",
             "PA-southhampton-twp-cumberland-city-constables-office", "NY-lake-placid-police-department",
             "MT-cass-county-sheriffs-office", "MA-crow-wing-county-sheriffs-office", "OK-wichita-county-sheriffs-office"]


@pytest.mark.parametrize(("a", "b", "similar"), [
    ("Florida Department of Environmental Protection",
     "Florida Department of Environmental Protection, Division of Law Enforcement", True),
    ("Indiatlantic Police Department", "Indialantic Police Department", True),
    ("Southhampton Twp. Cumberland City, Constables Office", "Southampton Twp. Cumberland City, Constables Office", True),
    ("Cambria County Sheriff's Office", "Cambria County Prison", False),
    ("Tennessee State Constable 4th District", "Polk County Constable District 4", False),
])
def test_similar_names(a: str, b: str, similar: bool):
    assert is_similar_name(a, b) is similar and is_similar_name(b, a) is similar


def test_every_continued_agreement_is_listed_without_a_removal(ledger):
    for agreement_id in CONTINUED:
        status = ledger.execute("SELECT status FROM agreements WHERE agreement_id = ?", [agreement_id]).fetchone()
        assert status == ("Active",), agreement_id
        removals = ledger.execute("SELECT count(*) FROM events WHERE agreement_id = ? AND event_type = 'removed'",
                                  [agreement_id]).fetchone()[0]
        assert removals == 0, agreement_id
    held = ledger.execute(f"SELECT agency_id FROM agencies WHERE agency_id IN ({', '.join('?' * len(MISPRINTS))})",
                          MISPRINTS).fetchall()
    assert held == []


def test_st_cloud_second_date_is_a_correction_of_the_same_agreement(ledger):
    events = ledger.execute("SELECT event_type, detail FROM events WHERE agency_id = 'FL-st-cloud-police-department' "
                            "AND event_type IN ('removed', 'renamed', 'signed_on_corrected') ORDER BY 1").fetchall()
    assert events == [("renamed", "City of St. Cloud Police Department -> St. Cloud Police Department"),
                      ("signed_on_corrected", "2025-04-15 -> 2025-04-14")]


def test_no_removal_in_the_archive_matches_the_rule(ledger):
    assert find_unreviewed_renames(ledger) == []
    assert ledger.execute("SELECT count(*) FROM events WHERE event_type = 'removed'").fetchone()[0] == 115


def _split(ledger, agreement_id: str, old: dict, new: dict) -> list[dict]:
    """The agreement as two agreements of two agencies, as the ledger saw it before the review."""
    cursor = ledger.execute("SELECT * FROM agreements WHERE agreement_id = ?", [agreement_id])
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    return [{**row, **old}, {**row, **new}]


def test_the_rule_finds_a_respelling_after_a_gap(ledger):
    # As ICE printed it: "and" last on 2025-07-14, "&" first on 2025-07-23.
    agreements = _split(ledger, "FL-florida-fish-and-wildlife-conservation-commission-TFM-2025-02-14",
                        {"agreement_id": "old", "agency_id": "old", "status": "Removed", "last_listed_on": "2025-07-14",
                         "removed_on": "2025-07-15"},
                        {"agreement_id": "new", "agency_id": "new", "first_listed_on": "2025-07-23"})
    names = {"old": "Florida Fish and Wildlife Conservation Commission",
             "new": "Florida Fish & Wildlife Conservation Commission"}
    [pair] = match_rename_candidates(agreements, names)
    assert (pair["agreement_id"], pair["candidate_id"], pair["basis"], pair["is_similar_name"]) == (
        "old", "new", "signed_on+moa_url", True)
    # Past the 60-day window, or under an unrelated name with another MOA file, it is a departure.
    agreements[1]["first_listed_on"] = "2025-09-30"
    assert match_rename_candidates(agreements, names) == []
    agreements[1].update(first_listed_on="2025-07-23", moa_url="https://www.ice.gov/doclib/287gMOA/other.pdf")
    names["new"] = "Florida Highway Patrol"
    assert match_rename_candidates(agreements, names) == []


def test_the_rule_finds_a_state_misprint_but_not_a_namesake_elsewhere(ledger):
    agreements = _split(ledger, "KS-ellis-county-sheriffs-office-WSO-2025-07-07",
                        {"agreement_id": "tx", "agency_id": "tx", "state": "TX", "status": "Removed",
                         "first_listed_on": "2025-07-08", "last_listed_on": "2025-07-11", "removed_on": "2025-07-14",
                         "moa_url": None},
                        {"agreement_id": "ks", "agency_id": "ks", "first_listed_on": "2025-07-14", "moa_url": None})
    names = {"tx": "Ellis County Sheriff's Office", "ks": "Ellis County Sheriff's Office"}
    assert [p["candidate_id"] for p in match_rename_candidates(agreements, names)] == ["ks"]
    names["ks"] = "Ellis County Attorney's Office"
    assert match_rename_candidates(agreements, names) == []
