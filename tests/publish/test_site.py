"""g287 publish over the bundled ledger: every page in both languages, links that resolve, pages equal to the
live server's, republishing that rewrites nothing unchanged, and the live server answering from the files."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from g287.publish.manifest import MANIFEST, PUBLISHING
from g287.publish.site import json_body, publish
from g287.store.connect import build_id
from g287.web.app import create_app
from g287.web.settings import WebSettings

BASE = "https://example.org/g287/"


@pytest.fixture(scope="module")
def site(tmp_path_factory, bundled_ledger):
    """The bundled ledger published under the sub-path /g287/ (as on a project site), with its report."""
    out = tmp_path_factory.mktemp("site")
    report = publish(bundled_ledger, tmp_path_factory.mktemp("home") / "g287.duckdb", out, base_url=BASE)
    return out, report


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The live site over the same bundled ledger, without published files."""
    with TestClient(create_app(WebSettings(home=tmp_path_factory.mktemp("live")))) as client:
        yield client


class Links(HTMLParser):
    """Every URL a page points to: href, src, form actions and the data-* URLs its scripts fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("href", "src", "action") or name in ("data-index", "data-topology")):
                self.urls.append(value)


def resolve(out: Path, url: str) -> Path | None:
    """The published file a static host serves for ``url`` (a path under /g287/), or None."""
    path = unquote(urlsplit(url).path)
    assert path.startswith("/g287/") or path == "/g287", f"{url} is outside the site's base path"
    relative = path[len("/g287"):].strip("/")
    candidates = (relative, f"{relative}.html", f"{relative}/index.html") if relative else ("index.html",)
    return next((out / c for c in candidates if (out / c).is_file()), None)


def test_every_link_resolves(site):
    out, _ = site
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 9_000, len(pages)
    broken: dict[str, str] = {}
    checked = 0
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            if url.startswith(("#", "data:", "https://", "http://", "mailto:")):
                continue
            checked += 1
            if resolve(out, url) is None:
                broken.setdefault(url, str(page.relative_to(out)))
    assert checked > 100_000
    assert broken == {}, f"{len(broken)} broken links, e.g. {list(broken.items())[:5]}"


def test_spanish_page_for_every_english_page(site):
    out, _ = site
    english = {p.relative_to(out).as_posix() for p in out.rglob("*.html")
               if not p.relative_to(out).as_posix().startswith("es/")} - {"404.html"}
    spanish = {p.relative_to(out / "es").as_posix() for p in (out / "es").rglob("*.html")}
    assert english == spanish
    garrett = (out / "es/agencies/MD-garrett-county-sheriffs-office.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in garrett and 'href="/g287/es/states/MD"' in garrett


def test_pages_and_data_cover_the_ledger(site, bundled_ledger):
    out, _ = site
    agencies = [r[0] for r in bundled_ledger.execute("SELECT agency_id FROM agencies").fetchall()]
    counties = [r[0] for r in bundled_ledger.execute("SELECT county_fips FROM counties").fetchall()]
    for folder, keys in (("agencies", agencies), ("counties", counties)):
        for key in keys:
            for name in (f"{folder}/{key}.html", f"es/{folder}/{key}.html", f"{folder}/{key}.json"):
                assert (out / name).is_file(), name
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt", "search-index.json", "feeds/all.xml",
                 "api/v1/snapshots/counts-by-model.json", "api/v1/snapshots/coverage.geojson",
                 "downloads/sqlite/g287.sqlite", "downloads/parquet/events.parquet", "downloads/csv/agencies.csv"):
        assert (out / name).is_file(), name
    sitemap = (out / "sitemap.xml").read_text()
    english_pages = [p for p in out.glob("**/*.html") if not p.relative_to(out).as_posix().startswith("es/")
                     and p.name != "404.html"]
    assert sitemap.count("<url>") == 2 * len(english_pages)  # every page, in English and in Spanish
    assert f"<loc>{BASE}es/agencies/MD-garrett-county-sheriffs-office</loc>" in sitemap
    snapshot = json.loads((out / "api/v1/snapshots/counts-by-model.json").read_text())
    assert [s["as_of"] for s in snapshot] == [r[0] for r in bundled_ledger.execute(
        "SELECT DISTINCT list_date FROM publications WHERE kind = 'participating' AND status = 'accepted' "
        "ORDER BY 1").fetchall()]
    assert snapshot[-1]["agreements"] == bundled_ledger.execute(
        "SELECT count(DISTINCT agreement_id) FROM presence WHERE publication_id = (SELECT publication_id FROM "
        "publications WHERE kind = 'participating' AND status = 'accepted' ORDER BY seq DESC LIMIT 1)").fetchone()[0]
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["build"] == build_id(bundled_ledger)
    assert len(manifest["files"]) == sum(1 for p in out.rglob("*") if p.is_file()) - 1


@pytest.mark.parametrize("url", ["/agencies/MD-garrett-county-sheriffs-office", "/es/agencies/TX-houston-county-sheriffs-office",
                                 "/agencies/FL-hillsborough-county-sheriffs-office.json", "/states/FL", "/es/states/TX",
                                 "/states/TX.json", "/", "/es/", "/states", "/es/events", "/search", "/models/WSO",
                                 "/history", "/es/glossary", "/counties/12057.json", "/index.json"])
def test_static_page_equals_live_page(site, live, url):
    """At the site's root (no base path), a published file is the live server's answer for its URL."""
    out, _ = site
    live_page = live.get(url, headers={"accept-language": "en"})
    assert live_page.status_code == 200
    with_base = live_page.text.replace('="/', '="/g287/').replace('data-home=""', 'data-home="/g287"')
    published = resolve(out, "/g287" + url)
    assert published is not None, url
    assert published.read_text(encoding="utf-8") == with_base


def test_json_twin_is_what_the_live_api_writes_for_floats_json_dumps_writes_otherwise(bundled_ledger):
    """A county's share of 0.00001 (``json.dumps`` writes ``1e-05``): the published twin has the bytes a live
    route with the same response model answers."""
    from fastapi import FastAPI

    from g287.pages.models import CountyPage
    from g287.store.records import county_records

    record = county_records(bundled_ledger, ["12057"])["12057"]
    page = CountyPage(**record)
    page = page.model_copy(update={"county": page.county.model_copy(update={"hispanic_share": 1e-05})})
    app = FastAPI()
    app.get("/county", response_model=CountyPage)(lambda: page)
    with TestClient(app) as client:
        live_body = client.get("/county").content
    assert b'"hispanic_share":0.00001' in live_body
    assert json_body(page) == live_body


def test_shared_jobs_are_done_once_by_whichever_process_is_free(tmp_path):
    """The counts and downloads go to the publisher's process that is free first; each job is done once."""
    import os
    import time
    from concurrent.futures import wait

    from g287.publish import site as publisher

    busy = publisher._in_second_process(time.sleep, 1.5)  # the second process is busy: this one does every job
    first = publisher.SharedJobs(tmp_path)
    for name in ("a", "b", "c"):
        first.add(name, os.getpid)
    assert first.run() == {"a": os.getpid(), "b": os.getpid(), "c": os.getpid()}
    busy.result()
    (tmp_path / "later").mkdir()
    later = publisher.SharedJobs(tmp_path / "later")
    for name in ("a", "b", "c"):
        later.add(name, os.getpid)
    wait(later.futures())  # the second process, free now, has claimed every job
    second = later.futures()[0].result()
    assert second != os.getpid()
    assert later.run() == {"a": second, "b": second, "c": second}
    assert sorted(p.name for p in (tmp_path / "later").iterdir()) == [".claim-a", ".claim-b", ".claim-c"]
    # A publish's jobs: the counts and every download format, each once.
    assert sorted(publisher.SHARED_JOBS) == sorted(["counts", *publisher.DOWNLOAD_FORMATS])


def test_county_page_differs_from_live_only_by_the_brief_link(site, live):
    out, _ = site
    live_page = live.get("/counties/12057", headers={"accept-language": "en"}).text.replace('="/', '="/g287/')
    published = (out / "counties/12057.html").read_text(encoding="utf-8")
    without_brief = re.sub(r'<p><a href="/g287/counties/12057/brief">.*?</p>', "", live_page, flags=re.S)
    assert published == without_brief != live_page


def test_republish_rewrites_only_what_changed(tmp_path, bundled_ledger, site):
    out, first = site
    copy = tmp_path / "site"
    shutil.copytree(out, copy)
    (copy / "agencies/MD-garrett-county-sheriffs-office.html").unlink()
    (copy / "es/states/MD.html").write_text("stale")
    (copy / "agencies/no-such-agency.html").write_text("gone from the ledger")
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["files"]["agencies/no-such-agency.html"] = {"sha256": "0", "bytes": 0, "inputs": None}
    (copy / MANIFEST).write_text(json.dumps(manifest))
    untouched = copy / "counties/12057.html"
    before = untouched.stat().st_mtime_ns
    stale = copy / "es/states/MD.html"
    inode = stale.stat().st_ino

    report = publish(bundled_ledger, tmp_path / "home" / "g287.duckdb", copy, base_url=BASE)
    assert report.added == []
    assert set(report.changed) == {"es/states/MD.html", "agencies/MD-garrett-county-sheriffs-office.html"}
    assert report.removed == ["agencies/no-such-agency.html"]
    assert not (copy / "agencies/no-such-agency.html").exists()
    assert (copy / "agencies/MD-garrett-county-sheriffs-office.html").read_bytes() == \
        (out / "agencies/MD-garrett-county-sheriffs-office.html").read_bytes()
    assert untouched.stat().st_mtime_ns == before
    assert stale.read_bytes() == (out / "es/states/MD.html").read_bytes()
    assert stale.stat().st_ino == inode  # rewritten in place, not replaced by a new file (see publish.manifest)
    assert not (copy / PUBLISHING).exists() and not report.interrupted
    # Pages whose data did not change are not rendered again: the deleted page and the pages without a data
    # fingerprint (home, lists, snapshots) are; the 9,000 agency and county pages are not.
    assert report.made < 200 < first.made


def test_a_publish_that_stopped_part_way_is_written_again_in_full(tmp_path, bundled_ledger, site):
    out, first = site
    copy = tmp_path / "site"
    shutil.copytree(out, copy)
    # A publish stopped after rewriting a page in place (same size, other bytes) and before its manifest: the
    # manifest still describes the old page, and only the marker tells.
    page = copy / "agencies/MD-garrett-county-sheriffs-office.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"</BODY>"))
    (copy / PUBLISHING).write_bytes(b"")

    report = publish(bundled_ledger, tmp_path / "home" / "g287.duckdb", copy, base_url=BASE)
    assert report.interrupted and "stopped part-way" in report.summary()
    assert page.read_bytes() == (out / "agencies/MD-garrett-county-sheriffs-office.html").read_bytes()
    assert report.made == first.made and report.unchanged == 0  # nothing on disk trusted
    assert not (copy / PUBLISHING).exists()
    again = publish(bundled_ledger, tmp_path / "home" / "g287.duckdb", copy, base_url=BASE)
    assert not again.interrupted and again.made < 200 and not again.changed


def test_live_server_answers_from_published_files(site, tmp_path):
    out, _ = site
    folder = tmp_path / "site"
    shutil.copytree(out, folder)
    marked = folder / "agencies/MD-garrett-county-sheriffs-office.html"
    marked.write_bytes(marked.read_bytes().replace(b"</body>", b"</BODY>"))  # the size the manifest gives
    served = TestClient(create_app(WebSettings(home=tmp_path / "home", site=folder)))
    page = served.get("/agencies/MD-garrett-county-sheriffs-office", headers={"accept-language": "en"})
    assert page.status_code == 200 and b"</BODY>" in page.content
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    spanish = served.get("/agencies/MD-garrett-county-sheriffs-office", headers={"accept-language": "es-MX,es"})
    assert spanish.content == (folder / "es/agencies/MD-garrett-county-sheriffs-office.html").read_bytes()
    # A query string goes to the app; so does a file of another size than the manifest's (being rewritten by
    # a publish), and a folder published from another ledger build.
    assert b"</BODY>" not in served.get("/agencies/MD-garrett-county-sheriffs-office?lang=en").content
    half = folder / "agencies/TX-houston-county-sheriffs-office.html"
    whole = half.read_bytes()
    half.write_bytes(whole[:len(whole) // 2])
    page = served.get("/agencies/TX-houston-county-sheriffs-office", headers={"accept-language": "en"})
    assert page.status_code == 200 and page.content.rstrip().endswith(b"</html>")
    manifest = json.loads((folder / MANIFEST).read_text())
    (folder / MANIFEST).write_text(json.dumps({**manifest, "build": "another build"}))
    stale = TestClient(create_app(WebSettings(home=tmp_path / "home", site=folder)))
    assert b"</BODY>" not in stale.get("/agencies/MD-garrett-county-sheriffs-office").content


def test_the_publisher_renders_pages_never_copies_them_from_a_published_folder(site, tmp_path):
    # A home whose site was published from the same ledger build, one page since edited: the live server would
    # answer from it; the publisher renders the page anew.
    from g287.publish.site import AppClient

    out, _ = site
    home_site = tmp_path / "home" / "site"
    shutil.copytree(out, home_site)
    marked = home_site / "agencies/MD-garrett-county-sheriffs-office.html"
    marked.write_bytes(marked.read_bytes().replace(b"</body>", b"<!-- edited --></body>"))
    client = AppClient(tmp_path / "home" / "g287.duckdb", "")
    try:
        page = client.get("/agencies/MD-garrett-county-sheriffs-office")
    finally:
        client.close()
    assert b"<!-- edited -->" not in page and b"Garrett County Sheriff" in page


@pytest.fixture(scope="module")
def static_host(site):
    """The published folder on a plain static file server (as GitHub Pages serves it): /g287/path is
    path, path.html or path/index.html; query strings are ignored."""
    out, _ = site

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            relative = unquote(urlsplit(path).path)[len("/g287"):].strip("/")
            candidates = (relative, f"{relative}.html", f"{relative}/index.html") if relative else ("index.html",)
            return str(next((out / c for c in candidates if (out / c).is_file()), out / "404.html"))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/g287"
    server.shutdown()


@pytest.fixture
def tab(static_host, chromium):
    context = chromium.new_context(locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def test_static_home_map_slider_shows_every_date(tab, static_host, bundled_ledger):
    """On a static host the map's slider works as on the live site: each date painted and counted from the
    published timeline, equal to what the live API answers for that date."""
    from babel.numbers import format_decimal
    from playwright.sync_api import expect

    from g287.store.counts import count_agreements
    from g287.store.coverage import coverage
    from g287.store.publications import newest_date

    def covered() -> int:
        return tab.locator("#map path.county:not([fill='#e8e8e8'])").count()

    def residents(on: str, local_only: bool = False) -> str:
        total = coverage(bundled_ledger, as_of=on, local_only=local_only)["total"]["residents_covered"]
        return format_decimal(total, locale="en_US")

    newest = newest_date(bundled_ledger)
    tab.goto(static_host + "/")
    expect(tab.locator("#map")).to_have_attribute("data-painted", newest, timeout=20_000)
    assert tab.locator("#map path.county").count() > 3000
    assert covered() == len(coverage(bundled_ledger, as_of=newest)["counties"])
    assert not tab.locator("#slider").is_disabled()
    slider = tab.locator("#slider")
    slider.focus()
    tab.keyboard.press("Home")  # 2006, answered from the 2002-2020 agreement lives
    expect(tab.locator("#map")).to_have_attribute("data-painted", "2006-01-01", timeout=20_000)
    expect(tab.locator("#count-date")).to_have_text("In force on (best-known dates) January 1, 2006:", timeout=10_000)
    expect(tab.locator("#count-agreements")).to_have_text(
        str(count_agreements(bundled_ledger, as_of="2006-01-01")["agreements"]))
    assert tab.locator("#count-residents").inner_text() == residents("2006-01-01")
    quarters = [d for d in slider.get_attribute("data-dates").split(",") if d < "2021-01-12"]
    for _ in quarters:
        tab.keyboard.press("ArrowRight")
    expect(tab.locator("#map")).to_have_attribute("data-painted", "2021-01-12", timeout=20_000)
    expect(tab.locator("#count-date")).to_have_text("List of January 12, 2021:", timeout=10_000)
    expect(tab.locator("#count-agreements")).to_have_text("150")
    assert tab.locator("#count-residents").inner_text() == residents("2021-01-12")
    assert covered() == len(coverage(bundled_ledger, as_of="2021-01-12")["counties"])
    tab.locator("#local-only").check()  # state agencies' agreements left out
    local = len(coverage(bundled_ledger, as_of="2021-01-12", local_only=True)["counties"])
    expect(tab.locator("#map path.county:not([fill='#e8e8e8'])")).to_have_count(local, timeout=20_000)
    assert tab.locator("#count-residents").inner_text() == residents("2021-01-12", local_only=True)
    assert "live site" not in tab.locator("#slider-date").inner_text()
    # A state's map, from the same file: its counties only.
    tab.goto(static_host + "/states/FL")
    expect(tab.locator("#map")).to_have_attribute("data-painted", newest, timeout=20_000)
    assert covered() == len(coverage(bundled_ledger, as_of=newest, state="FL")["counties"]) == 67


def test_static_search_runs_in_the_browser_like_the_live_search(tab, static_host, live):
    from playwright.sync_api import expect

    tab.goto(static_host + "/search?q=garet%20county")
    expect(tab.locator("#client-results")).to_be_visible(timeout=20_000)
    found = tab.locator("#client-results li a").all_inner_texts()
    expected = [r["name"] for r in live.get("/api/v1/search", params={"q": "garet county"}).json()]
    assert found and found == expected[:20]
    assert tab.locator("#client-results li a").first.get_attribute("href").startswith("/g287/")


def test_publish_errors_are_one_line(tmp_path):
    from typer.testing import CliRunner

    from g287.cli import app

    env = {"G287_HOME": str(tmp_path / "home")}
    wrong = CliRunner().invoke(app, ["publish", str(tmp_path / "out"), "--base-url", "example.org"], env=env)
    assert wrong.exit_code == 1 and wrong.output.strip() == (
        "Error: --base-url 'example.org' is not a URL; give where the site will be served, as in "
        "https://example.org/g287/ or /g287/.")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = CliRunner().invoke(app, ["publish", str(blocked / "site")], env=env)
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(f"Error: {blocked / 'site'}: cannot write the site there")
    assert blocked.read_text() == "not a folder"


def test_a_build_publishes_the_homes_site_again_with_its_base_url(copy_of_home):
    """g287 serve answers pages from $G287_HOME/site only while it was published from the store's build: a
    rebuild (as after every g287 sync) publishes it again, keeping its base URL."""
    import g287

    site = copy_of_home / "site"
    first = g287.api.publish(site, base_url="/g287/", home=copy_of_home)
    assert first.made > 19_000
    report = g287.build(home=copy_of_home)
    assert report.site is not None and report.site.made < 200  # same archive: only the ledger-wide pages
    manifest = json.loads((site / MANIFEST).read_text())
    with g287.connect(home=copy_of_home) as con:
        assert manifest["build"] == build_id(con) and manifest["base_url"] == "/g287/"
    assert 'href="/g287/es/states/MD"' in (site / "es/agencies/MD-garrett-county-sheriffs-office.html").read_text()
