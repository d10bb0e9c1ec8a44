"""Agreement lives before 2021 (g287.ledger.history) on the real 2002-2020 sources, and counts on any date."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import g287
from g287.cli import app
from g287.corrections import load_fix_table
from tests.conftest import ICE

FACT_SHEET = ICE / "history" / "pre2018-roster-long.csv"


def ice_captions() -> list[tuple[str, int, str]]:
    """Each distinct caption of ICE's fact sheet (its date, its number) with the first capture showing it,
    read straight from the source file."""
    if not FACT_SHEET.exists():
        return []
    first_seen: dict[tuple[str, int], str] = {}
    with FACT_SHEET.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found = re.search(r"\((\d+)\).* as of (\d\d)/(\d\d)/(\d{4})", row["caption"])
            if found:
                key = (f"{found[4]}-{found[2]}-{found[3]}", int(found[1]))
                first_seen[key] = min(first_seen.get(key, row["capture_date"]), row["capture_date"])
    return [(on, n, seen) for (on, n), seen in sorted(first_seen.items())]


def test_the_fact_sheet_has_ten_distinct_captions():
    if not FACT_SHEET.exists():
        pytest.skip("../shared/data is absent")
    assert len(ice_captions()) == 10


@pytest.mark.parametrize("caption_on,stated,first_seen", ice_captions(), ids=lambda v: str(v))
def test_agencies_in_force_on_each_caption_date_equal_its_number_or_a_reviewed_fix(
        caption_on, stated, first_seen, built_home: Path):
    fix = load_fix_table("caption_count").get((caption_on, str(stated)))
    if fix is None:
        result = g287.counts(as_of=caption_on, home=built_home)
        assert (result["basis"], result["agencies"]) == ("intervals", stated)
        return
    # A reviewed difference: the caption's number holds on the day ICE republished the caption with it, or
    # the table (the rows) is kept over the caption; either way the fix says why.
    assert fix["reason"] and fix["evidence"]
    counted = g287.counts(as_of=fix["value"], home=built_home)["agencies"]
    assert counted == int(fix["agencies"])
    if fix["value"] != caption_on:
        assert (fix["value"], counted) == (first_seen, stated)


def test_counts_json_from_the_cli_gives_the_caption_of_2012_12_31(built_home: Path):
    result = CliRunner().invoke(app, ["counts", "--as-of", "2012-12-31", "--json", "--by", "model"],
                                env={"G287_HOME": str(built_home)})
    assert result.exit_code == 0, result.output
    assert '"agencies": 39' in result.output and '"TFM"' not in result.output


def test_g287_check_holds_every_caption(built_home: Path):
    rows = [r for r in g287.check(home=built_home) if "caption" in r["check"]]
    assert len(rows) == len(ice_captions()) and all(r["status"] == "pass" for r in rows)


def test_every_life_has_graded_evidence_for_both_bounds(ledger):
    rows = ledger.execute("SELECT interval_id, start_grade, start_publication_id, end_grade, end_publication_id, "
                          "end_precision FROM intervals").fetchall()
    assert len(rows) > 200
    for interval_id, start_grade, start_source, end_grade, end_source, end_precision in rows:
        assert start_grade in "ABC" and start_source, interval_id
        assert end_grade in "ABC" and end_source, interval_id
        assert end_precision in ("day", "between", "before", "continues"), interval_id


def test_the_2009_standard_moa_renews_an_agreement_rather_than_starting_one(ledger):
    # The 2010 chart: Etowah County (AL) Jail Enforcement, former MOA 07/08/2008, standard MOA 10/15/2009.
    lives = ledger.execute("SELECT interval_id, start_on, start_grade, signed_dates FROM intervals "
                           "WHERE agency_id = 'AL-etowah-county-sheriffs-office' AND model = 'JEM' "
                           "AND start_on < '2021-01-12' ORDER BY start_on").fetchall()
    assert lives[0][1:3] == ("2008-07-08", "B")
    renewals = ledger.execute("SELECT event_on FROM history_events WHERE interval_id = ? AND event_type = 'renewed'",
                              [lives[0][0]]).fetchall()
    assert ("2009-10-15",) in renewals


def test_the_2010_etowah_county_sheriffs_office_is_todays_agency(ledger):
    today = ledger.execute("SELECT count(*) FROM presence WHERE agency_id = 'AL-etowah-county-sheriffs-office'"
                           ).fetchone()[0]
    past = ledger.execute("SELECT count(*) FROM intervals WHERE agency_id = 'AL-etowah-county-sheriffs-office'"
                          ).fetchone()[0]
    assert today > 0 and past > 0


def test_every_task_force_agreement_ended_on_2012_12_31(built_home: Path, ledger):
    october = g287.counts(as_of="2012-10-16", by="model", home=built_home)
    assert october["by"]["TFM"] > 0
    assert "TFM" not in g287.counts(as_of="2012-12-31", by="model", home=built_home)["by"]
    ends = ledger.execute("SELECT DISTINCT end_on, end_basis, end_grade FROM intervals i WHERE model = 'TFM' "
                          "AND start_on <= '2012-10-16' AND end_on > '2012-10-16'").fetchall()
    assert ends == [("2012-12-31", "task_force_end", "A")]
    assert len(ledger.execute("SELECT * FROM history_events WHERE event_type = 'ended' AND event_on = '2012-12-31' "
                              "AND model = 'TFM'").fetchall()) == october["by"]["TFM"]


def test_a_gap_in_one_list_is_bridged_when_the_same_moa_is_listed_after_it(ledger):
    # ICE's page of 2010-10-29 printed Phoenix as Task Force only; the 2010 chart and later pages print its
    # Jail Enforcement MOA of 2008-03-10: one agreement, not two.
    lives = ledger.execute("SELECT count(*) FROM intervals WHERE agency_id = 'AZ-phoenix-police-department' "
                           "AND model = 'JEM'").fetchone()[0]
    assert lives == 1


def test_a_lapsed_agreement_signed_again_is_a_new_life(ledger):
    # San Bernardino (CA): missing from the pages of 2013-08-07, listed again with a 2013-10-11 MOA.
    starts = [r[0] for r in ledger.execute("SELECT start_on FROM intervals WHERE agency_id = "
                                           "'CA-san-bernardino-county-sheriffs-office' ORDER BY start_on").fetchall()]
    assert len(starts) == 2 and starts[1] == "2013-10-11"


def test_an_agreement_withdrawn_in_the_2009_re_signing_ends_by_the_chart_that_says_so(ledger):
    # The 2010 chart marks Brevard County (FL) "withdrew"; its former MOA is dated 08/13/2008. The OIG's 2009
    # table omits it too, but that table is no complete list (it leaves out Los Angeles, in force).
    life = ledger.execute("SELECT start_on, end_latest_on, end_precision, end_grade, p.reader FROM intervals i "
                          "JOIN publications p ON p.publication_id = i.end_publication_id WHERE agency_id = "
                          "'FL-brevard-county-sheriffs-office' AND model = 'JEM'").fetchone()
    assert life == ("2008-08-13", "2010-05-08", "before", "B", "foia_chart_csv")
    los_angeles = ledger.execute("SELECT count(*) FROM intervals WHERE agency_id = "
                                 "'CA-los-angeles-county-sheriffs-department' AND start_on <= '2009-10-28' "
                                 "AND end_earliest_on > '2009-10-28'").fetchone()[0]
    assert los_angeles == 1


def test_dates_between_sources_are_given_with_bounds(built_home: Path):
    autumn_2018 = g287.counts(as_of="2018-10-01", home=built_home)
    bounds = autumn_2018["bounds"]
    assert bounds["agencies_low"] < autumn_2018["agencies"] <= bounds["agencies_high"]
    assert bounds["uncertain_agencies"] == bounds["agencies_high"] - bounds["agencies_low"] > 0
    assert autumn_2018["sources"] == {"list_before_on": "2017-08-01", "list_after_on": "2021-01-12"}
    text = CliRunner().invoke(app, ["counts", "--as-of", "2009-07-01"], env={"G287_HOME": str(built_home)}).output
    assert re.search(r"agencies \(\d+ to \d+; \d+ uncertain on this date\)", text), text


def test_answers_from_the_first_2021_list_on_still_come_from_the_lists(built_home: Path):
    day_before = g287.counts(as_of="2021-01-11", home=built_home)
    first = g287.counts(as_of="2021-01-12", home=built_home)
    assert (day_before["basis"], first["basis"], first["agreements"]) == ("intervals", "list", 150)
    # Surely in force the day before: agreements the first list continues. Those last seen in 2017 and gone by
    # 2021 count by their best end (the first list missing them) but never surely.
    assert day_before["bounds"]["agreements_low"] <= first["agreements"] < day_before["agreements"]


def test_agencies_before_2021_say_how_sure_each_is(built_home: Path):
    rows = g287.agencies(as_of="2009-07-01", home=built_home)
    assert {r["in_force"] for r in rows} <= {"sure", "best", "possible"}
    maricopa = [r for r in rows if r["agency_id"] == "AZ-maricopa-county-sheriffs-office"]
    assert maricopa and maricopa[0]["in_force"] == "sure" and maricopa[0]["first_signed_on"] == "2007-02-07"
