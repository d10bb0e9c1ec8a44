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
from g287.store.queries import select_events

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
        on = dt.datetime.fromisoformat(event["event_on"]).replace(tzinfo=dt.timezone.utc)
        entry.updated(on)
        entry.published(on)
        entry.summary(summary)
        entry.content(summary, type="text")
        entry.category(term=event["event_type"])
    return feed.atom_str(pretty=True)


def write_feeds(con: duckdb.DuckDBPyConnection, out_dir: Path, limit: int = 200) -> list[Path]:
    """Write ``all.xml`` and ``state/``, ``agency/`` and ``county/`` feeds into ``out_dir``."""
    events = select_events(con, "TRUE", [])
    events.sort(key=lambda e: (e["event_on"], e["event_id"]), reverse=True)
    newest = max((e["event_on"] for e in events), default="1970-01-01")
    updated = dt.datetime.fromisoformat(newest).replace(tzinfo=dt.timezone.utc)
    counties: dict[str, list[str]] = {}
    for agency_id, fips in con.execute("SELECT agency_id, county_fips FROM agency_counties").fetchall():
        counties.setdefault(agency_id, []).append(fips)
    scopes: dict[tuple[str, str], list[dict]] = {("all", ""): events}
    for event in events:
        scopes.setdefault(("state", event["state"]), []).append(event)
        scopes.setdefault(("agency", event["agency_id"]), []).append(event)
        for fips in counties.get(event["agency_id"], []):
            scopes.setdefault(("county", fips), []).append(event)
    written = []
    for (kind, key), scoped in sorted(scopes.items()):
        if kind == "all":
            path, title = out_dir / "all.xml", "287(g) ledger: every change"
        else:
            path, title = out_dir / kind / f"{key}.xml", f"287(g) ledger: {kind} {key}"
        write_atomically(path, build_feed(scoped[:limit], f"feed/{kind}/{key}", title, updated), durable=False)
        written.append(path)
    return written
