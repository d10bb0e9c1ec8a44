"""``g287 sync``: fetch ICE's 287(g) page, download every workbook it links to, archive what is new.

Conditional requests (``If-None-Match``/``If-Modified-Since``, from ``http_state.json``) avoid downloading
unchanged files; SHA-256 deduplication catches the same bytes re-posted under a new name. Every download is
validated exactly like ``g287 import`` before it enters the archive; a partial, wrong or unreadable download
never does (its bytes go to quarantine). Each answer's HTTP metadata is appended to ``fetches.jsonl``.
A page on which no workbook link can be found is an error, never an empty update.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from g287.acquire.archive import sha256_of, write_atomically
from g287.acquire.http import Fetcher
from g287.acquire.importer import ImportResult, import_files
from g287.acquire.page import find_publication_links
from g287.errors import FetchError, G287Error, SyncError

DEFAULT_PAGE = "https://www.ice.gov/identify-and-arrest/287g"


@dataclass
class SyncReport:
    """What a sync found and did."""

    page_url: str
    links: list[str] = field(default_factory=list)
    archived: list[ImportResult] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    documents: object | None = None  # the DocumentReport, when documents were fetched

    @property
    def changed(self) -> bool:
        return any(r.is_new_file or r.is_new_name for r in self.archived)


def _load_state(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}  # a damaged state only costs unconditional downloads


def sync_page(page_url: str, archive_dir: Path, quarantine_dir: Path, read: Callable[[bytes, str], list],
              fetcher: Fetcher) -> SyncReport:
    """Fetch ``page_url`` and archive every new workbook it links to. Raises SyncError for an unusable page."""
    report = SyncReport(page_url=page_url)
    try:
        page = fetcher.get(page_url)
    except FetchError as exc:
        raise SyncError(f"{exc} Nothing was archived.") from None
    if page.status != 200 or page.body is None:
        raise SyncError(f"{page_url}: HTTP {page.status}; the page did not load. Nothing was archived.")
    report.links = find_publication_links(page.body.decode("utf-8", errors="replace"), page.url)
    if not report.links:
        raise SyncError(f"{page_url}: no participating or pending workbook link found on the page; ICE may have "
                        "changed its layout. Nothing was archived; check the page and g287's link patterns.")
    state_path = archive_dir / "http_state.json"
    state = _load_state(state_path)
    log = []
    for url in report.links:
        known = state.get(url, {})
        try:
            got = fetcher.get(url, known.get("etag"), known.get("last_modified"))
        except FetchError as exc:
            report.failures.append(str(exc))
            continue
        record = {"url": url, "final_url": got.url, "status": got.status, "headers": got.headers,
                  "retrieved_at": got.retrieved_at, "attempts": got.attempts}
        if got.status == 304:
            report.unchanged.append(url)
            log.append(record)
            continue
        content_type = got.headers.get("content-type", "")
        problem = None
        if got.status != 200 or got.body is None:
            problem = f"HTTP {got.status}"
        elif content_type.startswith(("text/", "application/json")):
            problem = f"answered {content_type!r} instead of a workbook"
        if problem:
            report.failures.append(f"{url}: {problem}; not archived.")
            log.append(record)
            continue
        record.update(file_name=got.file_name, sha256=sha256_of(got.body), size_bytes=len(got.body))
        with tempfile.TemporaryDirectory(prefix="g287-sync-") as folder:
            path = Path(folder) / got.file_name
            path.write_bytes(got.body)
            try:
                result = import_files([path], archive_dir, quarantine_dir, read, imported_at=got.retrieved_at)[0]
            except G287Error as exc:
                report.failures.append(f"{url}: {exc}")
                record["rejected"] = str(exc)
                log.append(record)
                continue
        report.archived.append(result)
        state[url] = {"etag": got.headers.get("etag"), "last_modified": got.headers.get("last-modified"),
                      "sha256": record["sha256"]}
        log.append(record)
    archive_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(state_path, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))
    with (archive_dir / "fetches.jsonl").open("a", encoding="utf-8") as handle:
        for record in [{"url": page_url, "status": page.status, "headers": page.headers,
                        "retrieved_at": page.retrieved_at, "links": len(report.links)}, *log]:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
    return report


def parse_interval(text: str) -> float:
    """Seconds in an interval such as ``6h``, ``30m``, ``1d`` or ``90s``.

    >>> parse_interval("6h"), parse_interval("30m")
    (21600.0, 1800.0)
    """
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        value, unit = float(text[:-1]), units[text[-1].lower()]
    except (ValueError, KeyError, IndexError):
        raise G287Error(f"--every {text!r} is not an interval; use a number and s, m, h or d (6h).") from None
    if value <= 0:
        raise G287Error(f"--every {text!r} must be positive.")
    return value * unit
