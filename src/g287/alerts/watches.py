"""Watches: deliver new ledger events to subscribers by webhook (signed JSON) or e-mail, never twice.

Watches and their delivery log live in ``$G287_HOME/alerts.sqlite``, beside the archive: they are user state,
not derived data, so rebuilding the ledger never loses them. A new watch starts from the events that exist
when it is added (marked ``baseline``, not sent). Each (watch, event) pair has an idempotency key; an event is
marked delivered only after the receiver accepted it, so a failed delivery is retried on the next run and a
delivered one is never sent again.

Webhooks: ``POST`` of ``{"watch_id", "event"}`` as JSON with ``X-G287-Signature: sha256=<HMAC-SHA256 of the
body with the watch's secret>`` and ``Idempotency-Key``. E-mail: one message per event through the SMTP
server in ``G287_SMTP_HOST``/``G287_SMTP_PORT``, from ``G287_SMTP_FROM``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import smtplib
import sqlite3
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import duckdb
import httpx

from g287.errors import G287Error
from g287.inputs import parse_state
from g287.store.events import select_events

SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    watch_id TEXT PRIMARY KEY, state TEXT NOT NULL, county_fips TEXT, agency_id TEXT,
    webhook TEXT, email TEXT, secret TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    watch_id TEXT NOT NULL, event_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (watch_id, event_id));
"""


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery run did."""

    delivered: int
    failed: list[str]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def open_alerts(path: Path) -> sqlite3.Connection:
    """The alerts database at ``path`` (created if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db


def _matching(con: duckdb.DuckDBPyConnection, watch: dict) -> list[dict]:
    where = ["e.state = ?"]
    params: list = [watch["state"]]
    if watch["agency_id"]:
        where.append("e.agency_id = ?")
        params.append(watch["agency_id"])
    if watch["county_fips"]:
        where.append("e.agency_id IN (SELECT agency_id FROM agency_counties WHERE county_fips = ?)")
        params.append(watch["county_fips"])
    return select_events(con, " AND ".join(where), params)


def add_watch(db: sqlite3.Connection, con: duckdb.DuckDBPyConnection, state: str, county_fips: str | None = None,
              agency_id: str | None = None, webhook: str | None = None, email: str | None = None) -> dict:
    """Add a watch; existing matching events become its baseline. Returns the watch, with its secret."""
    code = parse_state(state)
    if bool(webhook) == bool(email):
        raise G287Error("Give exactly one of --webhook URL or --email ADDRESS.")
    if webhook and not webhook.startswith(("http://", "https://")):
        raise G287Error(f"--webhook {webhook!r} is not an http(s) URL.")
    if agency_id and not con.execute("SELECT 1 FROM agencies WHERE agency_id = ?", [agency_id]).fetchone():
        raise G287Error(f"--agency {agency_id!r} is not an agency id; find it with \"g287 agencies --state {code}\".")
    if county_fips and not con.execute("SELECT 1 FROM counties WHERE county_fips = ? AND state = ?",
                                       [county_fips, code]).fetchone():
        raise G287Error(f"--county {county_fips!r} is not a county FIPS code of {code}.")
    watch = {"watch_id": "w-" + secrets.token_hex(6), "state": code, "county_fips": county_fips,
             "agency_id": agency_id, "webhook": webhook, "email": email, "secret": secrets.token_hex(32),
             "created_at": _now()}
    with db:
        db.execute("INSERT INTO watches VALUES (:watch_id, :state, :county_fips, :agency_id, :webhook, :email, "
                   ":secret, :created_at)", watch)
        db.executemany("INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, 'baseline', 0, NULL, ?)",
                       [(watch["watch_id"], e["event_id"], f"{watch['watch_id']}:{e['event_id']}", watch["created_at"])
                        for e in _matching(con, watch)])
    return watch


def list_watches(db: sqlite3.Connection) -> list[dict]:
    """Every watch (without its secret)."""
    rows = db.execute("SELECT watch_id, state, county_fips, agency_id, webhook, email, created_at FROM watches "
                      "ORDER BY created_at, watch_id").fetchall()
    return [dict(zip(("watch_id", "state", "county_fips", "agency_id", "webhook", "email", "created_at"), r))
            for r in rows]


def remove_watch(db: sqlite3.Connection, watch_id: str) -> None:
    """Remove a watch and its delivery log."""
    with db:
        if db.execute("DELETE FROM watches WHERE watch_id = ?", [watch_id]).rowcount == 0:
            raise G287Error(f"No watch {watch_id!r}; see \"g287 watch list\".")
        db.execute("DELETE FROM deliveries WHERE watch_id = ?", [watch_id])


def signature(secret: str, body: bytes) -> str:
    """The ``X-G287-Signature`` value of ``body``: ``sha256=`` and the hex HMAC-SHA256 with the watch secret.

    >>> signature("k", b"{}")
    'sha256=add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _send_webhook(watch: dict, event: dict, key: str, client: httpx.Client) -> None:
    body = json.dumps({"watch_id": watch["watch_id"], "event": event}, default=str, sort_keys=True).encode()
    response = client.post(watch["webhook"], content=body, headers={
        "Content-Type": "application/json", "X-G287-Signature": signature(watch["secret"], body),
        "Idempotency-Key": key, "User-Agent": "g287-alerts"})
    if response.status_code >= 300:
        raise G287Error(f"webhook {watch['webhook']} answered HTTP {response.status_code}")


def _send_email(watch: dict, event: dict, key: str) -> None:
    host = os.environ.get("G287_SMTP_HOST")
    if not host:
        raise G287Error("no SMTP server configured; set G287_SMTP_HOST (and G287_SMTP_PORT, G287_SMTP_FROM).")
    message = EmailMessage()
    message["From"] = os.environ.get("G287_SMTP_FROM", "g287@localhost")
    message["To"] = watch["email"]
    what = event["event_type"].replace("_", " ")
    message["Subject"] = f"287(g): {event['agency_name'] or event['agency_id']} ({event['state']}) {what}"
    message["Message-ID"] = f"<{key}@g287>"
    evidence = "\n".join(f"  {e['role']}: {e['file']} (list of {e['list_date']})"
                         + (f", row {e['row_number']}" if e["row_number"] else "") for e in event["evidence"])
    message.set_content(f"{event['event_on']}: {what} {event['model'] or ''} {event['agreement_id'] or ''}\n"
                        f"{event['detail'] or ''}\nEvidence:\n{evidence}\n\nWatch {watch['watch_id']}; "
                        f"idempotency key {key}.\n")
    with smtplib.SMTP(host, int(os.environ.get("G287_SMTP_PORT", "25")), timeout=30) as smtp:
        smtp.send_message(message)


def deliver(db: sqlite3.Connection, con: duckdb.DuckDBPyConnection, retries: int = 2,
            backoff: float = 1.0) -> DeliveryReport:
    """Send every matching event not yet delivered to each watch; retry transient failures."""
    delivered, failed = 0, []
    watches = [dict(zip([d[0] for d in db.execute("SELECT * FROM watches").description], r))
               for r in db.execute("SELECT * FROM watches ORDER BY watch_id").fetchall()]
    with httpx.Client(timeout=30) as client:
        for watch in watches:
            done = {e for (e,) in db.execute("SELECT event_id FROM deliveries WHERE watch_id = ? AND status IN "
                                             "('delivered', 'baseline')", [watch["watch_id"]]).fetchall()}
            for event in _matching(con, watch):
                if event["event_id"] in done:
                    continue
                key = f"{watch['watch_id']}:{event['event_id']}"
                error = None
                for attempt in range(retries + 1):
                    try:
                        if watch["webhook"]:
                            _send_webhook(watch, event, key, client)
                        else:
                            _send_email(watch, event, key)
                        error = None
                        break
                    except (G287Error, httpx.HTTPError, OSError, smtplib.SMTPException) as exc:
                        error = str(exc)
                        if attempt < retries:
                            time.sleep(backoff * 2 ** attempt)
                status = "failed" if error else "delivered"
                with db:
                    db.execute("INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (watch_id, event_id) "
                               "DO UPDATE SET status = excluded.status, attempts = deliveries.attempts + excluded.attempts, "
                               "last_error = excluded.last_error, updated_at = excluded.updated_at",
                               [watch["watch_id"], event["event_id"], key, status, attempt + 1, error, _now()])
                if error:
                    failed.append(f"{watch['watch_id']} {event['event_id']}: {error}")
                else:
                    delivered += 1
    return DeliveryReport(delivered=delivered, failed=failed)
