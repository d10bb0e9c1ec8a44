"""Events since a date, in one state."""

from __future__ import annotations

from pathlib import Path

import g287


def test_events_since(built_home: Path):
    rows = g287.events("2026-05-01", state="MD", home=built_home)
    assert rows and all(r["event_on"] >= "2026-05-01" and r["state"] == "MD" for r in rows)
