"""Atom feeds, parsed back with feedparser."""

from pathlib import Path

import feedparser

import g287


def test_feeds_validate_as_atom_and_hold_the_events(built_home: Path, tmp_path: Path, ledger):
    written = g287.api.feeds(tmp_path, limit=50, home=built_home)
    assert (tmp_path / "all.xml") in written and (tmp_path / "state" / "MD.xml") in written
    assert (tmp_path / "county" / "24023.xml") in written  # Garrett County, MD
    national = feedparser.parse(tmp_path / "all.xml")
    assert not national.bozo and national.version == "atom10" and len(national.entries) == 50
    dates = [e.updated for e in national.entries]
    assert dates == sorted(dates, reverse=True)
    maryland = feedparser.parse(tmp_path / "state" / "MD.xml")
    expected = ledger.execute("SELECT count(*) FROM events WHERE state = 'MD'").fetchone()[0]
    assert not maryland.bozo and len(maryland.entries) == min(50, expected)
    newest = maryland.entries[0]
    assert newest.updated.startswith("2026-05-18") and "Evidence:" in newest.summary
    assert len({e.id for e in maryland.entries}) == len(maryland.entries)
    agency = feedparser.parse(tmp_path / "agency" / "MD-garrett-county-sheriffs-office.xml")
    assert {t.term for e in agency.entries for t in e.tags} >= {"listed", "signed", "removed"}
