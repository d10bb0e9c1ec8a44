"""Atom feeds of ledger events: national, per state, per agency and per county.

Each entry is one event with its evidence; entry ids are stable tag URIs built from event ids, so a feed
reader never shows an event twice. Feeds hold the newest ``limit`` events (by date) of their scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb
from feedgen.feed import FeedGenerator

from g287.acquire.archive import write_atomically
from g287.store.events import select_events

FEED_ID = "tag:g287.org,2026:"


def _entry_text(event: dict) -> tuple[str, str]:
    what = event["event_type"].replace("_", " ")
    model = f" {event['model']}" if event["model"] else ""
    title = f"{event['agency_name'] or event['agency_id']} ({event['state']}): {what}{model}"
    evidence = "; ".join(
        f"{e['role']}: {e['file']} (list of {e['list_date']})" + (f", row {e['row_number']}" if e["row_number"] else "")
        for e in event["evidence"])
    detail = f"{event['detail']}. " if event["detail"] else ""
    provisional = "Provisional: not yet missing from enough lists to be confirmed. " if event["is_provisional"] else ""
    return title, f"{detail}{provisional}Evidence: {evidence}."


def build_feed(events: Iterable[dict], feed_id: str, title: str, updated: dt.datetime) -> bytes:
    """One Atom document of ``events`` (newest first)."""
    feed = FeedGenerator()
    feed.id(FEED_ID + feed_id)
    feed.title(title)
    feed.author({"name": "g287"})
    feed.link(href=FEED_ID + feed_id, rel="self")
    feed.language("en")
    feed.updated(updated)
    for event in reversed(list(events)):  # feedgen prepends entries: add oldest first to list newest first
        title_text, summary = _entry_text(event)
        entry = feed.add_entry()
        entry.id(FEED_ID + "event/" + event["event_id"])
        entry.title(title_text)
        on = dt.datetime.fromisoformat(event["event_on"]).replace(tzinfo=dt.UTC)
        entry.updated(on)
        entry.published(on)
        entry.summary(summary)
        entry.content(summary, type="text")
        entry.category(term=event["event_type"])
    return feed.atom_str(pretty=True)


def scope_feed(kind: str, key: str, events: list[dict], limit: int = 200) -> bytes:
    """The Atom document of one scope (``all``, or ``state``, ``agency`` or ``county`` with its ``key``): its
    newest ``limit`` events, updated on the newest event's date."""
    events = sorted(events, key=lambda e: (e["event_on"], e["event_id"]), reverse=True)
    updated = dt.datetime.fromisoformat(events[0]["event_on"] if events else "1970-01-01").replace(
        tzinfo=dt.UTC)
    feed_id, title = ("feed/all/", "287(g) ledger: every change") if kind == "all" else (
        f"feed/{kind}/{key}", f"287(g) ledger: {kind} {key}")
    return build_feed(events[:limit], feed_id, title, updated)


def scoped_events(con: duckdb.DuckDBPyConnection, every_event: list[dict] | None = None
                  ) -> dict[tuple[str, str], list[dict]]:
    """Every event, by feed scope: ``("all", "")``, and each state, agency and county with events (a county's
    are those of the agencies covering it). ``every_event`` is ``select_events(con, "TRUE", [])``, when read
    already."""
    events = select_events(con, "TRUE", []) if every_event is None else every_event
    counties: dict[str, list[str]] = {}
    for agency_id, fips in con.execute("SELECT agency_id, county_fips FROM agency_counties").fetchall():
        counties.setdefault(agency_id, []).append(fips)
    scopes: dict[tuple[str, str], list[dict]] = {("all", ""): events}
    for event in events:
        scopes.setdefault(("state", event["state"]), []).append(event)
        scopes.setdefault(("agency", event["agency_id"]), []).append(event)
        for fips in counties.get(event["agency_id"], []):
            scopes.setdefault(("county", fips), []).append(event)
    return scopes


def write_feeds(con: duckdb.DuckDBPyConnection, out_dir: Path, limit: int = 200) -> list[Path]:
    """Write ``all.xml`` and ``state/``, ``agency/`` and ``county/`` feeds into ``out_dir``."""
    written = []
    for (kind, key), scoped in sorted(scoped_events(con).items()):
        path = out_dir / "all.xml" if kind == "all" else out_dir / kind / f"{key}.xml"
        write_atomically(path, scope_feed(kind, key, scoped, limit), durable=False)
        written.append(path)
    return written
