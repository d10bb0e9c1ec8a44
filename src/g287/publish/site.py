"""``g287 publish``: the whole site as static files that any static host serves.

Every page is written in English (``/path``) and Spanish (``/es/path``) as ``path.html`` (a host serves
``/path`` from ``path.html``, as GitHub Pages, Netlify and ``nginx try_files $uri $uri.html`` do), with its
``.json`` twin, the Atom feeds, API snapshots, the downloads, a client-side search index, ``sitemap.xml`` and
``404.html``. Pages are rendered by the live site's own code: agency, county and state pages from
:mod:`g287.pages` (their models and contexts, rendered by :func:`g287.pages.render.render_page`) from records read
for all of them at once, every other file by a GET on the site's ASGI app in this process (:class:`AppClient`). So
a static page is byte for byte the live server's page for the same URL.

County briefs are not part of the static site (printing them all takes minutes; ``g287 brief --all`` writes
them): its county pages leave out the brief link, the one difference from the live pages.

Each file's inputs are fingerprinted (its data, the templates, catalogs and static files, the base URL); a
republish renders only files whose inputs changed and rewrites only files whose bytes changed
(:mod:`g287.publish.manifest`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import httpx
from pydantic import TypeAdapter

from g287.alerts.feeds import scope_feed, scoped_events
from g287.errors import G287Error
from g287.i18n import LOCALE_DIR, LOCALES
from g287.inputs import MODEL_NAMES, STATE_NAMES
from g287.pages.agencies import agency_context
from g287.pages.counties import county_context
from g287.pages.models import AgencyDetail, AgencyRow, Counts, CountyPage
from g287.pages.render import TEMPLATE_DIR, render_page
from g287.pages.states import build_state, shared_state_inputs, state_context
from g287.pages.urls import LOCALE_PREFIX, page_file
from g287.parallel import process_pool
from g287.publish.downloads import (
    DOWNLOAD_FORMATS,
    export_downloads,
    find_previous_downloads,
    finish_downloads,
)
from g287.publish.manifest import Report, SiteWriter, fingerprint
from g287.store.agencies import list_agencies
from g287.store.connect import build_id, open_ledger
from g287.store.counts import counts_on_lists
from g287.store.coverage import coverage_geojson, coverage_timeline
from g287.store.events import select_events
from g287.store.geography import fips_prefixes
from g287.store.records import agency_records, county_records

# Pages rendered by a GET on the app, in every language.
APP_PAGES = ["/", "/states", "/compare", "/events", "/history", "/glossary", "/methodology", "/downloads", "/api", "/search",
             *(f"/models/{m}" for m in MODEL_NAMES)]
# Data files rendered by a GET on the app: (URL, file it is published as).
APP_FILES = [("/index.json", "index.json"), ("/states.json", "states.json"),
             ("/search-index.json", "search-index.json"), ("/api/v1/openapi.json", "api/v1/openapi.json"),
             ("/api/v1/timeline", "api/v1/timeline.json"), ("/api/v1/dates", "api/v1/dates.json"),
             ("/api/v1/coverage.json", "api/v1/coverage.json"), ("/api/v1/coverage/states", "api/v1/coverage/states.json"),
             ("/api/v1/output", "api/v1/output.json"), ("/api/v1/agencies.csv", "api/v1/agencies.csv"),
             ("/api/v1/agreements.csv", "api/v1/agreements.csv"), ("/api/v1/events.csv", "api/v1/events.csv"),
             ("/map/counties.topo.json", "map/counties.topo.json")]
COUNT_GROUPS = ("model", "state", "type")
# The jobs either of the publisher's processes may do (:class:`SharedJobs`): the counts and the downloads of each
# format, longest first (on the whole archive after one new list: 0.6, 0.4, 0.35 and 0.25 s), so that the
# process that takes the last one does not keep the other waiting long.
SHARED_JOBS = ("parquet", "counts", "sqlite", "csv")


class PublishError(G287Error):
    """The site cannot be published (a page fails to render, the output folder cannot be written)."""


def site_code(root: str) -> str:
    """Fingerprint of everything besides the data that shapes the pages: g287's version, the templates, the
    catalogs, the static files and the base path."""
    from g287.web.app import STATIC

    digest = hashlib.sha256(f"{version('g287')}|{root}".encode())
    for folder in (TEMPLATE_DIR, LOCALE_DIR, STATIC):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()[:32]


def context_digest(context: dict, serialized: dict[int, bytes] | None = None) -> str:
    """A fingerprint of a template context: pydantic models by their JSON (``serialized`` holds the JSON of
    models already serialized, by ``id``), other values by their ``repr``."""
    def text(value) -> str | bytes:
        if serialized and id(value) in serialized:
            return serialized[id(value)]
        return value.model_dump_json() if hasattr(value, "model_dump_json") else repr(value)

    return fingerprint(*(part for name, value in sorted(context.items()) for part in (name, text(value))))


def record_digest(record: dict, event_digests: dict[int, str], code: str) -> str:
    """A fingerprint of an agency's, county's or state's record and the site ``code``: the record's ``repr``
    (records are built in a fixed key order), each of its events by its digest in ``event_digests`` (by
    ``id``; an event not there is hashed here)."""
    events = record.get("events", [])
    return fingerprint(repr({k: v for k, v in record.items() if k != "events"}),
                       *(event_digests.get(id(e)) or fingerprint(repr(e)) for e in events), code)


def json_body(value, kind=None) -> bytes:
    """``value`` (a pydantic model, or a list of them when ``kind`` is given, as ``list[Counts]``) as the live API
    serializes a route's response model: FastAPI hands it to pydantic's JSON serializer (a ``TypeAdapter`` of
    the response model, aliases used). ``json.dumps`` of the model's dump would write some floats differently
    (``1e-05`` for pydantic's ``0.00001``), and takes five times as long."""
    return _adapter(kind or type(value)).dump_json(value, by_alias=True)


@cache
def _adapter(kind) -> TypeAdapter:
    return TypeAdapter(kind)


class AppClient:
    """GETs on the site's ASGI app in this process, through httpx's ASGI transport (no server, no sockets), as a
    visitor asking for English. The app runs on an event loop of its own, in a thread of its own: the caller's
    thread may already run one."""

    def __init__(self, store_path: Path, root: str) -> None:
        from g287.web.app import create_app
        from g287.web.settings import WebSettings

        self.app = create_app(WebSettings(home=store_path.parent, use_site=False))
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(self.app, root_path=root),
                                        base_url=f"http://g287.publish{root}", headers={"accept-language": "en"})
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="g287-publish")
        self.loop = asyncio.new_event_loop()

    def get(self, url: str) -> bytes:
        """The body of the app's answer to a GET of ``url`` (a path within the site, with its query if any);
        PublishError for any status but 200."""
        response = self.thread.submit(self.loop.run_until_complete, self.client.get(url)).result()
        if response.status_code != 200:
            body = response.content[:200].decode(errors="replace")
            raise PublishError(f"{url}: the site answered {response.status_code} ({body}); fix the page, then "
                               "publish again.")
        return response.content

    def close(self) -> None:
        self.thread.submit(self.loop.run_until_complete, self.client.aclose()).result()
        self.thread.submit(self.loop.close).result()
        self.thread.shutdown()


def publish(con: duckdb.DuckDBPyConnection, store_path: Path, out: Path, base_url: str | None = None,
            progress: Callable[[int, str], None] | None = None) -> Report:
    """Publish the site over the ledger ``con`` (stored at ``store_path``, or bundled) into ``out``.

    ``base_url`` is where the site will be served (``https://example.org/g287/``): its path prefixes every link,
    and the sitemap lists absolute URLs; ``None`` keeps the base URL of the folder's previous publish (none for
    a new folder). ``progress(n, label)`` is told of each group of files.
    """
    started = time.perf_counter()
    if base_url is None:
        try:
            base_url = json.loads((Path(out) / "manifest.json").read_text()).get("base_url") or ""
        except (OSError, ValueError):
            base_url = ""
    if base_url and not base_url.startswith(("https://", "http://", "/")):
        raise PublishError(f"--base-url {base_url!r} is not a URL; give where the site will be served, as in "
                           "https://example.org/g287/ or /g287/.")
    root = urlsplit(base_url).path.rstrip("/") if base_url else ""
    code = site_code(root)
    try:
        writer = SiteWriter(out)
    except OSError as exc:
        raise PublishError(f"{out}: cannot write the site there ({exc.strerror}); choose a folder you can "
                           "write to.") from None
    pages: list[str] = list(APP_PAGES)  # every page path, for the sitemap
    step = progress or (lambda n, label: None)
    # Downloads are exported into the output folder, so each file is renamed into place rather than copied.
    exports = tempfile.TemporaryDirectory(prefix=".g287-downloads-", dir=writer.out)
    # The files made from the whole ledger (the app's pages, its API files and snapshots) are made by a second
    # process, on the second core, while this one renders the pages of each record.
    ledger_files = _in_second_process(render_ledger_files, str(store_path), root)
    # The counts on every date (the count snapshots and the map's timeline) and each format of the downloads
    # are made by whichever process is free first: the second one after the ledger's files, or this one after
    # the feeds. Which finishes its own part first depends on the machine and on whether the second process
    # is new (a command: its imports and the app's first answers take a second or more) or kept.
    downloads_inputs, kept_downloads, previous_downloads = find_previous_downloads(con, writer, code)
    shared = SharedJobs(Path(exports.name))
    for job in SHARED_JOBS:  # the downloads of each format unless the previous publish's are kept
        if job == "counts":
            shared.add(job, count_snapshots_of, str(store_path))
        elif not kept_downloads:
            shared.add(f"downloads-{job}", export_downloads, str(store_path), exports.name, (job,), previous_downloads)
    jobs = [ledger_files, *shared.futures()]
    try:
        # Every event with its evidence, read once: the agency and county records and the feeds show them.
        every_event = select_events(con, "TRUE", [])
        # Each event's digest once (events: rows in a fixed key order). An event is part of its agency's record,
        # of the records of every county the agency covers, and of feeds; a statewide agency's events would
        # otherwise be hashed once per county (the county records print as 23 MB).
        digests = {id(e): fingerprint(repr(e)) for e in every_event}
        for kind, records, model, context, template in _entity_pages(con, every_event):
            count = 0
            for key, record in records.items():
                path = f"/{kind}/{key}"
                pages.append(path)
                count += 1
                # An agency's or a county's page shows its record only: when the record is the one the previous
                # publish saw, its JSON twin and its pages are kept without building or rendering them.
                record_inputs = record_digest(record, digests, code)
                twin, files = f"{kind}/{key}.json", [page_file(locale, path) for locale in LOCALES]
                if kind != "states" and writer.can_keep(twin, record_inputs) and all(map(writer.can_keep, files)):
                    for name in (twin, *files):
                        writer.keep(name)
                    continue
                page = model(**record)
                data = json_body(page)
                writer.put(twin, lambda d=data: d, record_inputs)
                # The page's inputs are exactly what its template is given: a page is rendered again only when
                # something it shows changed.
                shown = context(page)
                inputs = fingerprint(context_digest(shown, {id(page): data}), code)
                for locale in LOCALES:
                    writer.put(page_file(locale, path), lambda loc=locale, c=shown, p=path, t=template:
                               render_page(loc, t, c, p, root=root).encode(), inputs)
            step(count * 5, f"{kind} pages")

        scopes, release = scoped_events(con, every_event), version("g287")
        # A feed's inputs are its events' digests.
        feeds = [("all", "")] + [("state", s) for s in STATE_NAMES] + [
            ("agency", a) for (a,) in con.execute("SELECT agency_id FROM agencies ORDER BY 1").fetchall()] + [
            ("county", c) for (c,) in con.execute("SELECT county_fips FROM counties ORDER BY 1").fetchall()]
        for kind, key in feeds:
            events = scopes.get((kind, key), [])
            name = "feeds/all.xml" if kind == "all" else f"feeds/{kind}/{key}.xml"
            writer.put(name, lambda k=kind, s=key, e=events: scope_feed(k, s, e),
                       fingerprint(release, *(digests[id(e)] for e in events)))
        step(len(feeds), "Atom feeds")

        _copy_static(writer)
        done = shared.run()
        for name, body in done.pop("counts").items():
            writer.put(name, lambda b=body: b)
        finish_downloads(writer, downloads_inputs, kept_downloads, done, Path(exports.name))
        step(len(DOWNLOAD_FORMATS), "downloads")
        for name, body in ledger_files.result().items():
            writer.put(name, lambda b=body: b)
        step(len(APP_PAGES) * 2 + len(APP_FILES) + len(COUNT_GROUPS) + 3, "site pages, API files and snapshots")

        writer.put("404.html", lambda: _not_found(root))
        writer.put("sitemap.xml", lambda: _sitemap(base_url, pages))
        writer.put("robots.txt", lambda: _robots(base_url))
    finally:
        for job in jobs:  # after an error here: what the second process has not started is not wanted
            job.cancel()
        wait(jobs)  # and what it has started must end before its folder goes
        exports.cleanup()
    try:
        report = writer.finish(build_id(con), base_url)
    except OSError as exc:
        raise PublishError(f"{out}: a file could not be written ({exc}); the folder keeps its previous "
                           "manifest, so publishing again repairs it.") from None
    report.seconds = time.perf_counter() - started
    return report


def _entity_pages(con: duckdb.DuckDBPyConnection, every_event: list[dict]) -> Iterable[tuple]:
    """(URL folder, records by key, page model, template context, template) of agencies, counties and states
    (``every_event`` as :func:`g287.store.records.agency_records` takes it)."""
    yield "agencies", agency_records(con, every_event=every_event), AgencyDetail, agency_context, "agency.html"
    yield "counties", county_records(con, every_event=every_event), CountyPage, lambda page: county_context(page, briefs=False), "county.html"
    shared = shared_state_inputs(con)
    # A state's page model is built already: its record (what the fingerprint reads) is the model's dump, and
    # the model is not validated a second time from it.
    built = {code: build_state(con, code, shared=shared) for code in STATE_NAMES}
    prefixes = fips_prefixes(con)
    yield ("states", {code: page.model_dump() for code, page in built.items()}, lambda state, **_: built[state],
           lambda page: state_context(con, page, prefixes), "state.html")


# The publisher's second process outlives a publish: the next publish in the same Python process (a sync that
# publishes each new list, a notebook, a test session) finds its imports done and its templates compiled.
_second_process: ProcessPoolExecutor | None = None


def _in_second_process(function: Callable, *args) -> Future:
    """Run ``function(*args)`` in the publisher's second process (started anew when there is none or it died)."""
    global _second_process
    if _second_process is not None:
        try:
            return _second_process.submit(function, *args)
        except (BrokenProcessPool, RuntimeError):  # killed, or shut down at exit
            pass
    _second_process = process_pool(1)
    return _second_process.submit(function, *args)


def render_ledger_files(store_path: str, root: str) -> dict[str, bytes]:
    """The site's files made from the whole ledger rather than from one record, by path: the app's pages in each
    language, its API files, and the agencies and GeoJSON snapshots (run in the publisher's second process)."""
    client = _app_client(store_path, root)
    files = {page_file(locale, path): client.get(LOCALE_PREFIX[locale] + path)
             for path in APP_PAGES for locale in LOCALES}
    files.update({name: client.get(url) for url, name in APP_FILES})
    with open_ledger(Path(store_path)) as con:
        files.update(_snapshots(con, _topology(files["map/counties.topo.json"]),
                                json.loads(files["api/v1/coverage.json"])))
    return files


@lru_cache(maxsize=1)
def _topology(body: bytes) -> dict:
    """The county map's topology, parsed once per process while it is unchanged (its decoded counties are then
    reused too: :func:`g287.geo.topology.county_features`)."""
    return json.loads(body)


# The second process keeps its app from one publish of a store to the next: its routes, OpenAPI schema and
# templates are ready, and the app reopens the store when a build has swapped a new one in.
_kept_client: tuple[tuple[str, str], AppClient] | None = None


def _app_client(store_path: str, root: str) -> AppClient:
    """The app of the previous publish when it was of the same store and base path (told to look for a rebuilt
    store now), else a new one."""
    global _kept_client
    if _kept_client is not None and _kept_client[0] == (store_path, root):
        _kept_client[1].app.state.ledger.refresh()
        return _kept_client[1]
    if _kept_client is not None:
        _kept_client[1].close()
    _kept_client = ((store_path, root), AppClient(Path(store_path), root))
    return _kept_client[1]


def _snapshots(con: duckdb.DuckDBPyConnection, topology: dict, covered: dict) -> dict[str, bytes]:
    """The agencies on the newest list and coverage as GeoJSON (``covered`` is the API's coverage on the newest
    list, the site's ``api/v1/coverage.json``)."""
    files = {"api/v1/snapshots/agencies.json": json_body([AgencyRow(**a) for a in list_agencies(con)],
                                                         list[AgencyRow])}
    files["api/v1/snapshots/coverage.geojson"] = json.dumps(coverage_geojson(con, topology, covered=covered),
                                                            separators=(",", ":"), default=str).encode()
    return files


def claim(path: str) -> bool:
    """True for the first process to claim ``path`` (a job either process may do): the file is created
    exclusively."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def run_unless_claimed(claim_path: str, function: Callable, *args):
    """``function(*args)`` in the publisher's second process, unless the first one claimed it (then None)."""
    return function(*args) if claim(claim_path) else None


class SharedJobs:
    """Jobs that either of the publisher's processes may do, each done once: the second process is handed them
    all, in order, behind its other work; this process, when it is free, takes each job the second one has not
    begun (:meth:`run`). A job is claimed by creating a file in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.jobs: list[tuple[str, Callable, tuple, Future]] = []

    def add(self, name: str, function: Callable, *args) -> None:
        """Add job ``name``: ``function(*args)``, a module-level function (it may run in the second process)."""
        future = _in_second_process(run_unless_claimed, self._claim_path(name), function, *args)
        self.jobs.append((name, function, args, future))

    def _claim_path(self, name: str) -> str:
        return str(self.folder / f".claim-{name}")

    def futures(self) -> list[Future]:
        return [future for *_, future in self.jobs]

    def run(self) -> dict:
        """Do here, in order, every job the second process has not claimed; then wait for the others. Returns
        each job's result by name."""
        done = {name: function(*args) for name, function, args, _ in self.jobs if claim(self._claim_path(name))}
        return {name: done[name] if name in done else future.result() for name, *_, future in self.jobs}


def count_snapshots_of(store_path: str) -> dict[str, bytes]:
    """:func:`count_snapshots` of the store at ``store_path``."""
    with open_ledger(Path(store_path)) as con:
        return count_snapshots(con)


def count_snapshots(con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    """Counts by model, state and agency type on every list date (one file per grouping, a list of what
    ``/api/v1/counts?by=...&as_of=`` answers), and the coverage and counts of every date of the map's time
    slider (what the map reads on a static host)."""
    counts = counts_on_lists(con, COUNT_GROUPS)
    files = {f"api/v1/snapshots/counts-by-{by}.json": json_body([Counts(**c) for c in counts[by]], list[Counts])
             for by in COUNT_GROUPS}
    files["api/v1/snapshots/coverage-timeline.json"] = json.dumps(
        coverage_timeline(con, by_model=counts["model"]), separators=(",", ":")).encode()
    return files


def _copy_static(writer: SiteWriter) -> None:
    from g287.web.app import STATIC

    for path in sorted(Path(STATIC).rglob("*")):
        if path.is_file():
            writer.put(f"static/{path.relative_to(STATIC).as_posix()}", path.read_bytes)


def _not_found(root: str) -> bytes:
    """The site's 404 page (English), as the live server answers an unknown URL."""
    return render_page("en", "error.html", {"status": 404, "message": "No page at this address."}, "/",
                       root=root).encode()  # served for any address: its language link goes to the home page


def _sitemap(base_url: str, pages: list[str]) -> bytes:
    base = base_url.rstrip("/")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for path in pages:
        for locale in LOCALES:
            lines.append(f"<url><loc>{base}{LOCALE_PREFIX[locale]}{path}</loc>" + "".join(
                f'<xhtml:link rel="alternate" hreflang="{other}" href="{base}{LOCALE_PREFIX[other]}{path}"/>'
                for other in LOCALES) + "</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def _robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {base_url.rstrip('/')}/sitemap.xml\n".encode()
