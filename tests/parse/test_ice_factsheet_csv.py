"""ICE's fact-sheet table, 2010-2017: one list per Wayback capture (deportationdata/ice-287g's parse)."""

import csv
from collections import Counter

import pytest

from g287.errors import UnknownLayoutError
from g287.parse import read_publication
from tests.conftest import shared_path

SOURCE = "ice-287g/history/pre2018-roster-long.csv"


@pytest.fixture(scope="module")
def captures():
    path = shared_path(SOURCE)
    return read_publication(path.read_bytes(), path.name)


def test_one_list_per_capture_dated_by_its_caption(captures):
    with shared_path(SOURCE).open(newline="", encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    per_capture = Counter(r["snapshot_ts"] for r in source)
    assert len(captures) == len(per_capture) == 33
    assert [len({r["row_number"] for r in c.rows}) for c in captures] == [per_capture[s] for s in sorted(per_capture)]
    first = captures[0]
    assert (first.kind, first.grade, first.claim, first.list_date, first.stated_count) == (
        "history", "A", "in_force", "2010-10-29", 71)
    assert first.note.startswith("ICE 287(g) fact sheet, Wayback capture 20110220090259: Mutually Signed Agreements "
                                 "(71) as of 10/29/2010")
    assert captures[-1].list_date == "2017-08-01" and len(captures[-1].rows) == 58


def test_rows_are_normalised_and_join_todays_agencies(captures):
    rows = [r for c in captures for r in c.rows]
    assert len(rows) == 1472 and all(r["review_reason"] is None for r in rows)
    assert Counter(r["model"] for r in rows) == {"JEM": 1290, "TFM": 182}
    etowah = next(r for r in captures[0].rows if r["ice_agency"] == "Etowah County Sheriff's Office")
    assert (etowah["agency_id"], etowah["model"], etowah["signed_on"], etowah["ice_moa"], etowah["row_status"]) == (
        "AL-etowah-county-sheriffs-office", "JEM", "2008-07-08", "r_287getowah100509.pdf", "signed")
    delaware = {r["state"] for r in rows if r["ice_state"] == "DELAWARE**"}
    assert delaware == {"DE"}  # ICE's footnote marker (fixes/state.csv)


def test_captions_that_disagree_with_their_rows_are_kept_as_stated(captures):
    differ = [c.note.split(":")[0][-14:-6] for c in captures if c.stated_count not in (None, len(c.rows))]
    assert differ == ["20120120", "20121007", "20140414"]


def test_an_unknown_column_is_refused():
    data = shared_path(SOURCE).read_bytes().replace(b'"moa_file"', b'"moa_file","extra"', 1)
    with pytest.raises(UnknownLayoutError, match="unknown column 'extra' in a fact-sheet table header"):
        read_publication(data, "roster.csv")


def test_old_spellings_join_todays_agencies(captures):
    ids = {(r["ice_state"], r["ice_agency"]): r["agency_id"] for c in captures for r in c.rows}
    assert ids[("MARYLAND", "Hartford County Sheriff's Office")] == "MD-harford-county-sheriffs-office"
    assert ids[("MISSOURI", "Missouri State Highway Patrol")] == "MO-missouri-highway-patrol"
    assert ids[("MASSACHUSETTS", "Massachusetts Department of Correction")] == "MA-massachusetts-department-of-corrections"
    assert ids[("CALIFORNIA", "San Bernardino County Sheriff's Office Addendum")] == ids[
        ("CALIFORNIA", "San Bernardino County Sheriff's Office")]
    # 104 distinct state/agency strings as printed (curly and straight apostrophes apart) are fewer agencies.
    printed = {(r["ice_state"], r["ice_agency"]) for c in captures for r in c.rows}
    assert len(printed) == 104 and len(set(ids.values())) == 99
