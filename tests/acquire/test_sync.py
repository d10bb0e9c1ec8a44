"""``g287 sync`` against a local ICE-like web server serving real files, with faults injected."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

import g287
from g287.acquire.archive import Archive
from g287.acquire.http import FetchPolicy
from g287.cli import app
from g287.errors import SyncError
from tests.conftest import shared_path

FAST = FetchPolicy(contact="tests", timeout=0.5, retries=2, backoff=0.01, delay=0)
FAST_ENV = {"G287_HTTP_TIMEOUT": "0.5", "G287_HTTP_RETRIES": "2", "G287_HTTP_BACKOFF": "0.01", "G287_HTTP_DELAY": "0"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Route:
    """What the server answers at one path; ``fail`` first answers with 500s, ``sleep`` delays every answer."""

    def __init__(self, body: bytes, content_type: str = XLSX, disposition: str | None = None, fail: int = 0,
                 sleep: float = 0, truncate: bool = False) -> None:
        self.body, self.content_type, self.disposition = body, content_type, disposition
        self.fail, self.sleep, self.truncate = fail, sleep, truncate
        self.etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        self.requests = 0
        self.user_agent: str | None = None


class IceServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.requests += 1
                route.user_agent = self.headers.get("User-Agent")
                time.sleep(route.sleep)
                if route.requests <= route.fail:
                    self.send_error(500)
                    return
                if self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("ETag", route.etag)
                if route.disposition:
                    self.send_header("Content-Disposition", route.disposition)
                body = route.body[: len(route.body) // 2] if route.truncate else route.body
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if route.truncate:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, *hrefs: str) -> str:
        links = "".join(f'<li><a href="{h}">list</a></li>' for h in hrefs)
        self.routes["/identify-and-arrest/287g"] = Route(f"<html><body><ul>{links}</ul></body></html>".encode(),
                                                          content_type="text/html; charset=utf-8")
        return self.base + "/identify-and-arrest/287g"


@pytest.fixture
def ice():
    server = IceServer()
    yield server
    server.server.shutdown()


def _bytes(relative: str) -> bytes:
    return shared_path(relative).read_bytes()


PARTICIPATING = "ice-287g/archive/participating/2026-05-14.xlsx"
PENDING = "ice-287g/archive/pending/2026-02-27.xlsx"


def _objects(home: Path) -> set[str]:
    return {f.sha256 for f in Archive(home / "archive").files()}


def test_both_link_forms_are_archived_and_built(ice: IceServer, tmp_path: Path):
    ice.routes["/doclib/about/offices/ero/287g/participatingAgencies05142026am.xlsx"] = Route(_bytes(PARTICIPATING))
    ice.routes["/file-download/download/public/101"] = Route(
        _bytes(PENDING), disposition='attachment; filename="pendingAgencies02272026am.xlsx"')
    url = ice.page("/doclib/about/offices/ero/287g/participatingAgencies05142026am.xlsx",
                   "/file-download/download/public/101")
    home = tmp_path / "home"
    report, built, _ = g287.sync(url=url, home=home, policy=FAST)
    assert [(r.path.name, r.kind, r.list_date) for r in report.archived] == [
        ("participatingAgencies05142026am.xlsx", "participating", "2026-05-14"),
        ("pendingAgencies02272026am.xlsx", "pending", "2026-02-27")]
    assert report.failures == [] and built is not None
    assert ice.routes["/file-download/download/public/101"].user_agent.startswith("g287/")
    assert "tests" in ice.routes["/file-download/download/public/101"].user_agent  # the configured contact
    assert g287.counts(as_of="2026-05-14", home=home)["publication_date"] == "2026-05-14"
    fetches = [json.loads(line) for line in (home / "archive" / "fetches.jsonl").read_text().splitlines()]
    downloads = [f for f in fetches if "sha256" in f]
    assert {f["file_name"] for f in downloads} == {"participatingAgencies05142026am.xlsx", "pendingAgencies02272026am.xlsx"}
    assert all(f["status"] == 200 and f["retrieved_at"] and "etag" in {k.lower() for k in f["headers"]} for f in downloads)

    # Second run: conditional requests answer 304, nothing is downloaded or rebuilt.
    again, rebuilt, _ = g287.sync(url=url, home=home, policy=FAST)
    assert sorted(again.unchanged) == sorted(again.links) and again.archived == [] and rebuilt is None


def test_same_bytes_under_a_new_name_add_a_name_not_a_file(ice: IceServer, tmp_path: Path):
    ice.routes["/doclib/participatingAgencies05142026am.xlsx"] = Route(_bytes(PARTICIPATING))
    home = tmp_path / "home"
    g287.sync(url=ice.page("/doclib/participatingAgencies05142026am.xlsx"), home=home, policy=FAST)
    before = _objects(home)
    ice.routes["/doclib/participatingAgencies05152026am.xlsx"] = Route(_bytes(PARTICIPATING))
    report, _, _ = g287.sync(url=ice.page("/doclib/participatingAgencies05152026am.xlsx"), home=home, policy=FAST)
    assert [(r.is_new_file, r.is_new_name) for r in report.archived] == [(False, True)]
    assert _objects(home) == before
    assert Archive(home / "archive").files()[0].list_date == "2026-05-14"  # the earliest name dates it


def test_swapped_file_is_filed_by_content(ice: IceServer, tmp_path: Path):
    ice.routes["/doclib/participatingAgencies09222025pm.xlsx"] = Route(
        _bytes("ice-287g/quirks/participatingAgencies09222025pm.xlsx"))
    report, _, _ = g287.sync(url=ice.page("/doclib/participatingAgencies09222025pm.xlsx"), home=tmp_path, policy=FAST)
    assert [(r.kind, r.list_date, r.slot) for r in report.archived] == [("pending", "2025-09-22", "pm")]


def test_server_errors_are_retried(ice: IceServer, tmp_path: Path):
    ice.routes["/doclib/participatingAgencies05142026am.xlsx"] = Route(_bytes(PARTICIPATING), fail=2)
    report, _, _ = g287.sync(url=ice.page("/doclib/participatingAgencies05142026am.xlsx"), home=tmp_path, policy=FAST)
    assert report.failures == [] and len(report.archived) == 1
    assert ice.routes["/doclib/participatingAgencies05142026am.xlsx"].requests == 3


def _cli_sync(home: Path, url: str):
    return CliRunner().invoke(app, ["sync", "--url", url, "--no-documents"], env={"G287_HOME": str(home), **FAST_ENV})


FAULTS = {
    "persistent 500": (dict(fail=99), "failed after 3 attempts (attempt 3: HTTP 500); the server may be down, try again later."),
    "timeout": (dict(sleep=1.5), "failed after 3 attempts (attempt 3: ReadTimeout: timed out)"),
    "truncated body": (dict(truncate=True), "failed after 3 attempts (attempt 3: "),
    "wrong content type": (dict(content_type="text/html; charset=utf-8"),
                           "answered 'text/html; charset=utf-8' instead of a workbook; not archived."),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_faulty_download_is_reported_and_never_archived(fault: str, ice: IceServer, tmp_path: Path,
                                                          sheets_index: list[dict]):
    options, message = FAULTS[fault]
    good = "/doclib/participatingAgencies05142026am.xlsx"
    bad = "/doclib/pendingAgencies02272026am.xlsx"
    ice.routes[good] = Route(_bytes(PARTICIPATING))
    ice.routes[bad] = Route(_bytes(PENDING), **options)
    home = tmp_path / "home"
    result = _cli_sync(home, ice.page(bad, good))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {ice.base}{bad}: ") and message in errors[0]
    # Nothing lost: the good file is archived and built; the bad one is not in the archive.
    assert _objects(home) == {hashlib.sha256(_bytes(PARTICIPATING)).hexdigest()}
    indexed = next(int(e["data_rows"]) for e in sheets_index if e["local_path"] == PARTICIPATING)
    counts = g287.counts(as_of="2026-05-14", home=home)
    assert (counts["publication_date"], counts["agreements"]) == ("2026-05-14", indexed)  # the ledger is right


def test_a_page_without_links_is_an_error_not_an_empty_update(ice: IceServer, tmp_path: Path):
    home = tmp_path / "home"
    url = ice.page()
    with pytest.raises(SyncError):
        g287.sync(url=url, home=home, policy=FAST)
    result = _cli_sync(home, url)
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: {url}: no participating or pending workbook link found on the page; ICE "
                                     "may have changed its layout. Nothing was archived; check the page and g287's "
                                     "link patterns.")
    assert not (home / "archive" / "manifest.csv").exists()


def test_a_rejected_download_is_quarantined_with_its_bytes(ice: IceServer, tmp_path: Path):
    empty = "/doclib/participatingAgencies05142026am.xlsx"
    ice.routes[empty] = Route(b"")
    home = tmp_path / "home"
    result = _cli_sync(home, ice.page(empty))
    assert result.exit_code == 1
    assert "the file is empty" in result.output
    assert (home / "quarantine" / hashlib.sha256(b"").hexdigest()).exists()
    assert not (home / "archive" / "manifest.csv").exists()


def test_moa_pdfs_are_archived_and_broken_links_kept_as_facts(ice: IceServer, tmp_path: Path):
    import datetime as dt

    from g287.acquire.documents import sync_documents as sync_links

    moa = shared_path("ice-287g/moa")
    for pdf in moa.glob("*.pdf"):
        ice.routes[f"/doclib/287gMOA/{pdf.name}"] = Route(pdf.read_bytes(), content_type="application/pdf")
    home = _home_from(tmp_path, "ice-287g/archive/participating/2025-10-03.xlsx")
    policy = FetchPolicy(contact="tests", timeout=2, retries=0, backoff=0, delay=0)
    report = g287.api.sync_documents(home=home, policy=policy, mirror=ice.base)
    fetched = {url.rsplit("/", 1)[-1] for url in report.fetched}
    assert fetched == {p.name for p in moa.glob("*.pdf")}  # every PDF the mirror has, nothing else
    rows = {r["url"].rsplit("/", 1)[-1]: r for r in _documents(home)}
    for pdf in moa.glob("*.pdf"):
        stored = Archive(home / "archive").object_path(rows[pdf.name]["sha256"])
        assert stored.read_bytes() == pdf.read_bytes()
    broken = [r for r in rows.values() if r["status"] == "404"]
    assert broken and all(r["failing_since"] == dt.date.today().isoformat() for r in broken)
    assert rows["KansasBureauOfInv_TFM_MOA_02182025.pdf"]["agreement_ids"] == "KS-kansas-bureau-of-investigation-TFM-2025-02-18"

    # The same day: nothing is asked again. The next day: only broken links are retried, their date kept.
    asked = {path: route.requests for path, route in ice.routes.items()}
    again = g287.api.sync_documents(home=home, policy=policy, mirror=ice.base)
    assert again.fetched == [] and again.broken == [] and {p: r.requests for p, r in ice.routes.items()} == asked
    with g287.connect(home=home) as con:
        links = con.execute("SELECT moa_url, 'moa', agreement_id FROM agreements WHERE moa_url IS NOT NULL UNION ALL "
                            "SELECT addendum_url, 'addendum', agreement_id FROM agreements "
                            "WHERE addendum_url IS NOT NULL").fetchall()
    from g287.acquire.http import Fetcher
    with Fetcher(policy) as fetcher:
        later = sync_links(links, home / "archive", fetcher, mirror=ice.base, today=dt.date.today() + dt.timedelta(days=1))
    assert later.fetched == [] and len(later.broken) == len(broken)
    assert all(ice.routes[f"/doclib/287gMOA/{p.name}"].requests == 1 for p in moa.glob("*.pdf"))
    assert {r["failing_since"] for r in _documents(home) if r["status"] == "404"} == {dt.date.today().isoformat()}
    g287.build(home=home)  # the store's documents table says which agreement's MOA is archived
    with g287.connect(home=home) as con:
        assert con.execute("SELECT count(*) FROM documents WHERE status = '200' AND sha256 IS NOT NULL").fetchone()[0] == 10
        assert con.execute("SELECT status, failing_since FROM documents WHERE agreement_ids LIKE '%PotterCo%' "
                           "OR url LIKE '%2878gJEM_PotterCoTX%'").fetchone() == ("404", dt.date.today().isoformat())


def test_a_replaced_moa_becomes_a_new_version_and_an_event(ice: IceServer, tmp_path: Path):
    """g287 sync imports each MOA it fetches; fetched again a month later, a file ICE replaced under the same URL
    is a new version, and a changed text gives a moa_changed event in the agency's feed."""
    import datetime as dt

    from fastapi.testclient import TestClient

    from g287.web.app import create_app
    from g287.web.settings import WebSettings

    moa = shared_path("ice-287g/moa")
    route = "/doclib/287gMOA/KansasBureauOfInv_TFM_MOA_02182025.pdf"
    ice.routes[route] = Route((moa / "KansasBureauOfInv_TFM_MOA_02182025.pdf").read_bytes(),
                              content_type="application/pdf")
    home = _home_from(tmp_path, "ice-287g/archive/participating/2025-10-03.xlsx")
    policy = FetchPolicy(contact="tests", timeout=2, retries=0, backoff=0, delay=0)
    first = g287.api.sync_documents(home=home, policy=policy, mirror=ice.base)
    assert [u.rsplit("/", 1)[-1] for u in first.fetched] == ["KansasBureauOfInv_TFM_MOA_02182025.pdf"]
    assert any(r.kind == "moa" for r in Archive(home / "archive").read_manifest())  # read like an imported MOA

    # ICE replaces the file: another TFM MOA's text under the same URL. Before 30 days nothing is asked again.
    ice.routes[route] = Route((moa / "ArcadiaPDFL_TFM_MOA_030425.pdf").read_bytes(), content_type="application/pdf")
    soon = g287.api.sync_documents(home=home, policy=policy, mirror=ice.base, today=dt.date.today() + dt.timedelta(days=29))
    assert soon.fetched == [] and ice.routes[route].requests == 0
    later = dt.date.today() + dt.timedelta(days=30)
    again = g287.api.sync_documents(home=home, policy=policy, mirror=ice.base, today=later)
    assert again.replaced == [f"https://www.ice.gov{route}"]
    row = next(r for r in _documents(home) if r["url"].endswith(route))
    assert row["previous_sha256"].startswith(hashlib.sha256((moa / "KansasBureauOfInv_TFM_MOA_02182025.pdf")
                                                            .read_bytes()).hexdigest() + "@")
    g287.build(home=home)
    agreement = "KS-kansas-bureau-of-investigation-TFM-2025-02-18"
    with g287.connect(home=home) as con:
        events = con.execute("SELECT event_id, event_on, detail FROM events WHERE event_type = 'moa_changed' "
                             "AND agreement_id = ?", [agreement]).fetchall()
        assert len(events) == 1 and events[0][2].split(" sections changed")[0].isdigit()
        roles = con.execute("SELECT v.role, p.kind FROM event_evidence v JOIN publications p USING (publication_id) "
                            "WHERE v.event_id = ? ORDER BY v.role", [events[0][0]]).fetchall()
        assert roles == [("moa", "moa"), ("previous_moa", "moa")]
        assert con.execute("SELECT count(*) FROM moa_terms WHERE agreement_ids = ?", [agreement]).fetchone()[0] == 2
    feed = TestClient(create_app(WebSettings(home=home))).get("/feeds/agency/KS-kansas-bureau-of-investigation.xml")
    assert feed.status_code == 200 and "moa changed TFM" in feed.text and "previous_moa: " in feed.text


def _home_from(tmp_path: Path, relative: str) -> Path:
    home = tmp_path / "home"
    g287.import_files([shared_path(relative)], home=home)
    g287.build(home=home)
    return home


def _documents(home: Path) -> list[dict]:
    from g287.acquire.documents import read_documents

    return list(read_documents(home / "archive").values())


def test_document_sync_stops_when_the_server_is_unreachable(tmp_path: Path):
    from g287.acquire.documents import UNREACHABLE_STREAK

    home = _home_from(tmp_path, "ice-287g/archive/participating/2025-03-17.xlsx")
    policy = FetchPolicy(contact="tests", timeout=0.5, retries=0, backoff=0, delay=0)
    # Nothing listens on port 9 of this machine: every request is refused at once.
    report = g287.api.sync_documents(home=home, policy=policy, mirror="http://127.0.0.1:9")
    assert len(report.broken) == UNREACHABLE_STREAK and report.fetched == []
    assert report.stopped.startswith(f"{UNREACHABLE_STREAK} documents in a row were unreachable")
    rows = _documents(home)
    assert len([r for r in rows if r.get("last_tried_on")]) == UNREACHABLE_STREAK  # the rest stay untried
