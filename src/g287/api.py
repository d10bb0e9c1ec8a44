"""g287's public functions: everything the CLI does, callable from Python or a notebook.

>>> import g287
>>> g287.counts(as_of="2025-02-21", by="model")["agreements"]
151
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from pathlib import Path

from g287.acquire.importer import ImportResult
from g287.acquire.importer import import_files as _import_files
from g287.errors import NoLedgerError
from g287.export.formats import export_tables, tables_present
from g287.parse import read_publication
from g287.settings import Settings, get_settings
from g287.store import coverage as store_coverage
from g287.store import geography as store_geography
from g287.store.agencies import list_agencies
from g287.store.build.full import build_store
from g287.store.build.parsing import read_and_cache
from g287.store.build.state import BuildReport
from g287.store.checks import build_checks
from g287.store.connect import open_ledger
from g287.store.counts import count_agreements
from g287.store.events import list_events
from g287.store.records import agency_history
from g287.store.schema import BUNDLED_TABLES, TABLES


def _settings(home: Path | str | None) -> Settings:
    return Settings(home=Path(home)) if home is not None else get_settings()


def import_files(paths: Iterable[Path | str], list_date: str | None = None,
                 home: Path | str | None = None) -> list[ImportResult]:
    """Validate ICE publication files and add them to the raw archive (see ``g287 import``)."""
    settings = _settings(home)
    return _import_files([Path(p) for p in paths], settings.archive_dir, settings.quarantine_dir,
                         _import_reader(settings), list_date=list_date)


def _import_reader(settings: Settings):
    """The reader ``g287 import`` and ``g287 sync`` validate files with: it keeps what it read of ICE's lists
    for the next build (:func:`g287.store.build.parsing.read_and_cache`)."""
    return functools.partial(read_and_cache, cache_dir=str(settings.cache_dir))


def build(home: Path | str | None = None, workers: int | None = None,
          progress: Callable[[int, int], None] | None = None, full: bool = False) -> BuildReport:
    """Bring the DuckDB store up to date with the archive, atomically (see ``g287 build``; ``full`` rebuilds every
    table even when new lists could be added to the kept ledger). A site published into the
    home's ``site`` folder (what ``g287 serve`` answers pages from) is published again from the new store, so
    the server never falls back to a site of an older build; its report is ``BuildReport.site``."""
    settings = _settings(home)
    report = build_store(settings.archive_dir, settings.store_path, workers=workers, progress=progress,
                         cache_dir=settings.cache_dir, full=full)
    site = Path(settings.home) / "site"
    if (site / "manifest.json").is_file():
        report = dataclasses.replace(report, site=publish(site, home=home))
    return report


def sync_documents(home: Path | str | None = None, policy=None, mirror: str | None = None,
                   today: dt.date | None = None):
    """Download the MOA and addendum PDFs the ledger links to that are not archived yet, or archived 30 days
    ago or more (a file ICE replaced is a new version); record broken links. ``today`` stands for the date."""
    import os
    import tempfile

    from g287.acquire.documents import sync_documents as _sync
    from g287.acquire.http import Fetcher

    settings = _settings(home)
    with open_ledger(settings.store_path) as con:
        links = con.execute(
            "SELECT moa_url, 'moa', agreement_id FROM agreements WHERE moa_url IS NOT NULL UNION ALL "
            "SELECT addendum_url, 'addendum', agreement_id FROM agreements WHERE addendum_url IS NOT NULL").fetchall()
    def import_moa(data: bytes, name: str, retrieved_at: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            _import_files([path], settings.archive_dir, settings.quarantine_dir, read_publication,
                          imported_at=retrieved_at)

    with Fetcher(policy) as fetcher:
        return _sync(links, settings.archive_dir, fetcher, mirror=mirror or os.environ.get("G287_ICE_MIRROR"),
                     today=today, import_moa=import_moa)


def sync(url: str | None = None, home: Path | str | None = None, policy=None, transport=None, build_after: bool = True,
         documents: bool = False, mirror: str | None = None):
    """Fetch ICE's 287(g) page, archive every new workbook, rebuild when something changed (see ``g287 sync``),
    then deliver new events to watches.

    Returns ``(SyncReport, BuildReport or None, DeliveryReport or None)``.
    """
    from g287.acquire.http import Fetcher
    from g287.acquire.sync import DEFAULT_PAGE, sync_page

    settings = _settings(home)
    with Fetcher(policy, transport=transport) as fetcher:
        report = sync_page(url or DEFAULT_PAGE, settings.archive_dir, settings.quarantine_dir,
                           _import_reader(settings), fetcher)
    built = build(home=home) if build_after and report.changed else None
    if documents and _settings(home).store_path.exists():
        fetched = report.documents = sync_documents(home=home, policy=policy, mirror=mirror)
        if fetched.fetched or fetched.broken:
            built = build(home=home)  # the documents table reflects this run
    delivery = deliver_alerts(home=home) if built is not None and _settings(home).alerts_path.exists() else None
    return report, built, delivery


def _alerts(home: Path | str | None):
    """The alerts database (watches and deliveries), closed when the ``with`` block ends."""
    from contextlib import closing

    from g287.alerts.watches import open_alerts

    return closing(open_alerts(_settings(home).alerts_path))


def watch_add(state: str, county: str | None = None, agency: str | None = None, webhook: str | None = None,
              email: str | None = None, home: Path | str | None = None) -> dict:
    """Watch a state (optionally one county or agency); new events go to a webhook or an e-mail address."""
    from g287.alerts import watches

    with _alerts(home) as db, connect(home) as con:
        return watches.add_watch(db, con, state, county_fips=county, agency_id=agency, webhook=webhook, email=email)


def watch_list(home: Path | str | None = None) -> list[dict]:
    """Every watch."""
    from g287.alerts import watches

    with _alerts(home) as db:
        return watches.list_watches(db)


def watch_remove(watch_id: str, home: Path | str | None = None) -> None:
    """Remove a watch."""
    from g287.alerts import watches

    with _alerts(home) as db:
        watches.remove_watch(db, watch_id)


def deliver_alerts(home: Path | str | None = None, retries: int = 2, backoff: float = 1.0):
    """Deliver new events to every watch (each event at most once per watch)."""
    from g287.alerts import watches

    with _alerts(home) as db, connect(home) as con:
        return watches.deliver(db, con, retries=retries, backoff=backoff)


def feeds(out: Path | str, limit: int = 200, home: Path | str | None = None) -> list[Path]:
    """Write Atom feeds of ledger events (national, per state, agency and county) into folder ``out``."""
    from g287.alerts.feeds import write_feeds

    with connect(home) as con:
        return write_feeds(con, Path(out), limit=limit)


def connect(home: Path | str | None = None):
    """A read-only DuckDB connection to the built store, or to the bundled snapshot when none is built."""
    return open_ledger(_settings(home).store_path)


def counts(as_of: str | dt.date | None = None, by: str | None = None, state: str | None = None,
           home: Path | str | None = None) -> dict:
    """Agreements and agencies listed on a date, optionally grouped by model, state or type."""
    with connect(home) as con:
        return count_agreements(con, as_of=as_of, by=by, state=state)


def agencies(as_of: str | dt.date | None = None, state: str | None = None, model: str | None = None,
             home: Path | str | None = None) -> list[dict]:
    """Agencies listed on a date, with their models."""
    with connect(home) as con:
        return list_agencies(con, as_of=as_of, state=state, model=model)


def history(agency: str, state: str | None = None, home: Path | str | None = None) -> dict:
    """One agency's agreements and events, each with its evidence."""
    with connect(home) as con:
        return agency_history(con, agency, state=state)


def events(since: str | dt.date, state: str | None = None, event_type: str | None = None,
           home: Path | str | None = None) -> list[dict]:
    """Events on or after ``since``."""
    with connect(home) as con:
        return list_events(con, since, state=state, event_type=event_type)


def output(agency: str | None = None, state: str | None = None, county: str | None = None,
           home: Path | str | None = None) -> dict:
    """Enforcement output (people identified and removed through 287(g)) by period, against agreements: for one
    agency, one county, one state or the nation (docs/output.md)."""
    from g287.store.output import output_summary

    with connect(home) as con:
        return output_summary(con, agency=agency, state=state, county=county)


def output_review(home: Path | str | None = None) -> list[dict]:
    """Reporting agencies of the output tables that are not linked to a ledger agency."""
    from g287.store.output import output_review as review

    with connect(home) as con:
        return review(con)


def geo_stats(as_of: str | dt.date | None = None, home: Path | str | None = None) -> dict:
    """Agreements listed on a date resolved to counties or a state, and those needing review."""
    with connect(home) as con:
        return store_geography.geo_stats(con, as_of=as_of)


def geo_agency(agency: str, state: str | None = None, home: Path | str | None = None) -> dict:
    """An agency's jurisdiction type and the county FIPS codes it covers."""
    with connect(home) as con:
        return store_geography.geo_agency(con, agency, state=state)


def geo_review(as_of: str | dt.date | None = None, home: Path | str | None = None) -> list[dict]:
    """Agencies listed on a date that no rule resolves to counties, with reasons and candidates."""
    with connect(home) as con:
        return store_geography.geo_review(con, as_of=as_of)


def coverage(as_of: str | dt.date | None = None, state: str | None = None, model: str | None = None,
             home: Path | str | None = None) -> dict:
    """Counties and residents covered by the agreements listed on a date."""
    with connect(home) as con:
        return store_coverage.coverage(con, as_of=as_of, state=state, model=model)


def coverage_by_state(as_of: str | dt.date | None = None, model: str | None = None,
                      home: Path | str | None = None) -> list[dict]:
    """Residents covered per state on a date, and their share of the state's population."""
    with connect(home) as con:
        return store_coverage.coverage_by_state(con, as_of=as_of, model=model)


def coverage_panel(out: Path | str, home: Path | str | None = None) -> Path:
    """Write the county x date x model coverage panel as Parquet."""
    with connect(home) as con:
        return store_coverage.coverage_panel(con, Path(out))


def coverage_geojson(out: Path | str, as_of: str | dt.date | None = None, model: str | None = None,
                     home: Path | str | None = None) -> Path:
    """Write every county with its coverage on a date as GeoJSON (for maps)."""
    import json

    from g287.acquire.archive import write_atomically
    from g287.store.reference import load_map_asset

    with connect(home) as con:
        collection = store_coverage.coverage_geojson(con, load_map_asset(), as_of=as_of, model=model)
    write_atomically(Path(out), json.dumps(collection, separators=(",", ":")).encode("utf-8"))
    return Path(out)


def write_map_asset(us_atlas_counties: Path | str) -> Path:
    """Regenerate the bundled county map asset from us-atlas's counties-10m.json."""
    from g287.store.reference import write_map_asset as _write

    return _write(Path(us_atlas_counties))


def write_reference(shared: Path | str) -> list[Path]:
    """Regenerate the bundled reference tables (counties, FBI roster) from the shared data folder."""
    from g287.store.reference import write_reference as _write

    return _write(Path(shared))


def check(home: Path | str | None = None) -> list[dict]:
    """Run the ledger invariants on the built store."""
    settings = _settings(home)
    if not settings.store_path.exists():
        raise NoLedgerError(f'No ledger at {settings.store_path}. Run "g287 build" or set G287_HOME.')
    with open_ledger(settings.store_path) as con:
        return build_checks(con)


def export(fmt: str, out: Path | str, home: Path | str | None = None, bundled_only: bool = False) -> list[Path]:
    """Write the ledger tables in ``fmt`` (parquet, csv, json, sqlite) into folder ``out``."""
    with connect(home) as con:
        return export_tables(con, fmt, Path(out), tables_present(con, BUNDLED_TABLES if bundled_only else TABLES))


def publish(out: Path | str, base_url: str | None = None, home: Path | str | None = None,
            progress: Callable[[int, str], None] | None = None):
    """Write the whole site as static files into ``out`` (see ``g287 publish``); publishing again rewrites only
    files whose content changed. ``base_url`` None keeps the folder's previous one. Returns the
    :class:`g287.publish.manifest.Report`."""
    from g287.publish.site import publish as publish_site

    settings = _settings(home)
    with connect(home) as con:
        return publish_site(con, settings.store_path, Path(out), base_url=base_url, progress=progress)


def study_run(spec: Path | str, out: Path | str | None = None, home: Path | str | None = None,
              progress: Callable[[str], None] | None = None):
    """Run the difference-in-differences study a TOML spec describes (see ``g287 study run``).

    Treatment dates from the ledger come from the local store, or the bundled ledger when none is built.
    """
    from g287.studies.run import run_study

    return run_study(spec, out=out, store_path=_settings(home).store_path, progress=progress)


def study_synthetic_panel(out: Path | str, n_units: int = 3000, n_periods: int = 60, seed: int = 287) -> Path:
    """Write a synthetic staggered-adoption panel with a known effect (CSV or Parquet by suffix)."""
    from g287.studies.synthetic import generate_panel

    out = Path(out)
    panel = generate_panel(n_units=n_units, n_periods=n_periods, seed=seed)
    panel.write_parquet(out) if out.suffix == ".parquet" else panel.write_csv(out)
    return out


def audit(stops: Path | str, agency: str | None = None, out: Path | str | None = None, engine: str = "duckdb",
          columns: dict[str, str] | None = None, tz: str | None = None, center: tuple[float, float] | None = None,
          minority: str = "black", master: str | None = None, home: Path | str | None = None,
          progress: Callable[[str], None] | None = None):
    """Veil-of-darkness and outcome tests on police stop records (OPP schema, CSV or Parquet), split at the
    ``agency``'s first 287(g) signing date when one is given; writes the report into ``out`` (see ``g287 audit
    run``). Returns a :class:`g287.audits.audit.AuditResult`."""
    from g287.audits.audit import estimate_audit, find_signing

    signing = None
    if agency is not None:
        with connect(home) as con:
            signing = find_signing(con, agency)
    result = estimate_audit(stops, signing=signing, engine=engine, columns=columns, tz=tz, center=center,
                            minority=minority, master=master, progress=progress)
    if out is not None:
        result.write(out)
    return result


def write_synthetic_stops(out: Path | str, n: int, darkness_effect: float = 0.4, seed: int = 0,
                          start: str | dt.date = "2024-03-01", days: int = 730) -> Path:
    """Write ``n`` synthetic stops with a known darkness effect to a CSV or Parquet file (see ``g287 audit synth``)."""
    from g287.audits.synthetic import write_stops

    return write_stops(out, n, darkness_effect=darkness_effect, seed=seed, start=start, days=days)


def brief(county_fips: str, out: Path | str | None = None, lang: str = "en", fmt: str = "html",
          as_of: str | dt.date | None = None, engine: str | None = None, page_size: str = "Letter",
          home: Path | str | None = None) -> bytes | Path:
    """The county brief of ``county_fips`` (HTML or PDF, English or Spanish); written to ``out`` when given,
    else returned as bytes (see ``g287 brief`` and docs/briefs.md)."""
    from g287.briefs.render import DEFAULT_ENGINE
    from g287.briefs.write import brief_bytes, write_brief

    options = {"lang": lang, "fmt": fmt, "as_of": as_of, "engine": engine or DEFAULT_ENGINE, "page_size": page_size}
    with connect(home) as con:
        if out is None:
            return brief_bytes(con, county_fips, **options)
        return write_brief(con, county_fips, Path(out), **options)


def briefs_all(out_dir: Path | str, lang: str = "en", fmt: str = "html", as_of: str | dt.date | None = None,
               engine: str | None = None, page_size: str = "Letter", home: Path | str | None = None,
               progress: Callable[[int, int], None] | None = None) -> dict:
    """A brief for every county that has or had an agreement, with an index page (see ``g287 brief --all``)."""
    from g287.briefs.render import DEFAULT_ENGINE
    from g287.briefs.write import write_all

    with connect(home) as con:
        return write_all(con, Path(out_dir), lang=lang, fmt=fmt, as_of=as_of, engine=engine or DEFAULT_ENGINE,
                         page_size=page_size, progress=progress)


def fetch_policy(contact: str | None = None):
    """How g287 talks to web servers (timeouts, retries, pauses), naming ``contact`` in its User-Agent
    (default: ``G287_CONTACT``); give it to :func:`sync`.

    >>> "ops@example.org" in fetch_policy("ops@example.org").user_agent
    True
    """
    from g287.acquire.http import FetchPolicy

    return FetchPolicy(contact=contact) if contact else FetchPolicy()


def sync_interval(every: str) -> float:
    """Seconds between two syncs given as ``6h``, ``30m``, ``1d`` or ``90s`` (see ``g287 sync --every``).

    >>> sync_interval("6h")
    21600.0
    """
    from g287.acquire.sync import parse_interval

    return parse_interval(every)


def damaged_store_error(exc: Exception, home: Path | str | None = None) -> NoLedgerError:
    """The one-line error for a store DuckDB failed to read part of while answering (``exc``, a block cut
    short: damage that opening the store cannot see), naming the store and the fix: a
    :class:`g287.errors.StoreError`."""
    from g287.errors import StoreError
    from g287.store.connect import damaged_store_message

    return StoreError(damaged_store_message(_settings(home).store_path, str(exc).splitlines()[0]))


def _moa_corpus(corpus: Path | str | None) -> list[Path]:
    """The MOA PDFs in ``corpus``, or in the shared data's ice-287g/moa (``G287_SHARED_DATA``)."""
    import os

    folder = Path(corpus) if corpus else Path(os.environ.get("G287_SHARED_DATA", "../shared/data")) / "ice-287g" / "moa"
    return sorted(folder.glob("*.pdf")) if folder.is_dir() else []


def moa_show(target: Path | str, corpus: Path | str | None = None, state: str | None = None,
             home: Path | str | None = None) -> dict:
    """An MOA's model, agency, signing dates and terms (each with page and line), its sections, and how it departs
    from ICE's template for its model and era (see ``g287 moa show`` and docs/moa.md).

    ``target`` is an MOA PDF, or an agency (id or name, narrowed by ``state``) whose newest archived MOA to read.
    Templates are derived from the MOA PDFs in folder ``corpus``; by default from the archive's MOAs for an
    agency, else from the shared data's ice-287g/moa. A ``target`` ending in .pdf that names no file is a
    :class:`g287.errors.NoSuchFileError`.
    """
    from g287.errors import NoSuchFileError
    from g287.moa.report import moa_report
    from g287.store.moas import agency_moas, archived_moas, named_copies

    settings = _settings(home)
    pdf = Path(target)
    if pdf.is_file():
        return moa_report(pdf, _moa_corpus(corpus), settings.cache_dir)
    if str(target).lower().endswith(".pdf"):
        raise NoSuchFileError(f"{target}: no such file; give the path of an MOA PDF or an agency.")
    with connect(home) as con:
        mine = agency_moas(con, settings.archive_dir, str(target), state)
        everything = archived_moas(con, settings.archive_dir)
    with named_copies(everything) as archived:
        sources = _moa_corpus(corpus) if corpus else archived
        newest = next(p for p in archived if p.name == mine[-1]["file"])
        return moa_report(newest, sources, settings.cache_dir)


def moa_extract(out: Path | str | None = None, home: Path | str | None = None) -> list[dict]:
    """The text of every MOA in the archive (imported, or downloaded by ``g287 sync``): per file its pages, each
    with the method that read it (``text``: the PDF's text layer; ``ocr``: a page that is an image) and its lines,
    cached by SHA-256 (see ``g287 moa extract``). With folder ``out``, each MOA's text is also written to
    ``out/FILE.txt``, each line as ``page:line: text``."""
    from g287.store.moas import extract_archive

    settings = _settings(home)
    with connect(home) as con:
        moas = extract_archive(con, settings.archive_dir, settings.cache_dir)
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        for moa in moas:
            lines = [f"{p['page']}:{n}: {line}" for p in moa["pages"] for n, line in enumerate(p["lines"], 1)]
            (out / f"{Path(moa['file']).stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return moas


def audit_json(result) -> dict:
    """An audit's estimates, exclusions, spec and provenance as JSON-ready data (what ``g287 audit --json``
    prints); ``result`` is what :func:`audit` returns."""
    from g287.audits.presentation import audit_json as _audit_json

    return _audit_json(result)
