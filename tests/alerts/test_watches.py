"""Watches: webhook deliveries (signature checked by a local receiver) and e-mail (local SMTP server), never twice."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

import g287
from g287.cli import app
from tests.conftest import ICE


def _home_until(tmp_path: Path, *dates: str) -> Path:
    home = tmp_path / "home"
    g287.import_files([ICE / "archive" / "participating" / f"{d}.xlsx" for d in dates], home=home)
    g287.build(home=home)
    return home


def _add_newest(home: Path) -> None:
    g287.import_files([ICE / "archive" / "participating" / "2026-05-18.xlsx"], home=home)
    g287.build(home=home)


class Receiver:
    """A webhook receiver that checks signatures; answers 500 to the first ``fail`` requests."""

    def __init__(self, fail: int = 0) -> None:
        self.received: list[dict] = []
        self.keys: list[str] = []
        self.secret = ""
        self.fail = fail
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail > 0:
                    receiver.fail -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers["X-G287-Signature"]):
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.received.append(json.loads(body))
                receiver.keys.append(self.headers["Idempotency-Key"])
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver(fail=2)
    yield r
    r.server.shutdown()


def test_webhook_delivers_new_events_once_with_a_valid_signature(tmp_path: Path, receiver: Receiver):
    home = _home_until(tmp_path, "2026-05-11", "2026-05-14")
    watch = g287.api.watch_add("MD", webhook=receiver.url, home=home)
    receiver.secret = watch["secret"]
    assert g287.api.deliver_alerts(home=home, backoff=0.01).delivered == 0  # the baseline is not sent
    _add_newest(home)  # Maryland's last agreements leave the list on 2026-05-18
    report = g287.api.deliver_alerts(home=home, backoff=0.01)  # the first two POSTs fail and are retried
    assert report.failed == [] and report.delivered == len(receiver.received) >= 2
    events = [r["event"] for r in receiver.received]
    assert {e["event_type"] for e in events} == {"removed"} and {e["state"] for e in events} == {"MD"}
    assert all(e["event_on"] == "2026-05-18" and e["evidence"] for e in events)
    assert len(set(receiver.keys)) == len(receiver.keys)
    again = g287.api.deliver_alerts(home=home, backoff=0.01)
    assert again.delivered == 0 and len(receiver.received) == report.delivered  # never twice


def test_failed_deliveries_are_kept_and_retried_next_run(tmp_path: Path):
    home = _home_until(tmp_path, "2026-05-11", "2026-05-14")
    receiver = Receiver(fail=1000)
    try:
        watch = g287.api.watch_add("MD", webhook=receiver.url, home=home)
        receiver.secret = watch["secret"]
        _add_newest(home)
        first = g287.api.deliver_alerts(home=home, retries=1, backoff=0.01)
        assert first.delivered == 0 and first.failed and all("HTTP 500" in f for f in first.failed)
        receiver.fail = 0
        second = g287.api.deliver_alerts(home=home, backoff=0.01)
        assert second.delivered == len(first.failed) == len(receiver.received)
    finally:
        receiver.server.shutdown()


def test_email_through_a_local_smtp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages = []

        def handle_message(self, message) -> None:
            self.messages.append(message)

    import socket

    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("G287_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("G287_SMTP_PORT", str(port))
        monkeypatch.setenv("G287_SMTP_FROM", "alerts@g287.test")
        home = _home_until(tmp_path, "2026-05-11", "2026-05-14")
        result = CliRunner().invoke(app, ["watch", "add", "--state", "MD", "--county", "24023",
                                          "--email", "clerk@example.org"], env={"G287_HOME": str(home)})
        assert result.exit_code == 0 and result.output.startswith("watch w-")
        _add_newest(home)
        delivered = CliRunner().invoke(app, ["watch", "deliver"], env={"G287_HOME": str(home)})
        assert delivered.exit_code == 0 and delivered.output.startswith("1 delivered")  # Garrett County only
        [message] = inbox.messages
        assert message["To"] == "clerk@example.org" and "Garrett County Sheriff's Office (MD) removed" in message["Subject"]
        assert "Evidence:" in message.get_payload()
        again = CliRunner().invoke(app, ["watch", "deliver"], env={"G287_HOME": str(home)})
        assert again.output.startswith("0 delivered") and len(inbox.messages) == 1
    finally:
        controller.stop()


@pytest.mark.parametrize(("args", "message"), [
    (["--state", "MD"], "Error: Give exactly one of --webhook URL or --email ADDRESS."),
    (["--state", "MD", "--webhook", "ftp://x"], "Error: --webhook 'ftp://x' is not an http(s) URL."),
    (["--state", "MD", "--county", "99999", "--email", "a@b.c"], "Error: --county '99999' is not a county FIPS code of MD."),
])
def test_watch_add_rejects_bad_options(tmp_path: Path, args, message):
    home = _home_until(tmp_path, "2026-05-14")
    result = CliRunner().invoke(app, ["watch", "add", *args], env={"G287_HOME": str(home)})
    assert result.exit_code == 1 and result.output.strip() == message
