"""MOA and addendum PDFs linked from ICE's workbooks: downloaded, archived by SHA-256, tied to agreements.

``archive/documents.csv`` has one row per document URL: the agreements it belongs to, whether it is an MOA or
an addendum, its SHA-256 once fetched, and for links that do not work the fact itself (``404 since
2026-05-18``). Broken links are retried on later syncs, at most once a day; fetched documents are fetched
again once they are ``recheck_days`` old, and when ICE has replaced the file, the earlier SHA-256 stays in
``previous_sha256`` (``sha256@retrieved_at``, oldest first), so g287 can say when a posted MOA's text
changed. Only bytes that are a PDF enter the archive; an MOA also becomes a publication of kind ``moa``
(``import_moa``), which ``g287 build`` reads like an imported one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from g287.acquire.archive import Archive, sha256_of, write_atomically
from g287.acquire.http import Fetcher
from g287.errors import FetchError, G287Error

DOCUMENT_COLUMNS = ("url", "document_kind", "agreement_ids", "sha256", "size_bytes", "status", "failing_since",
                    "last_tried_on", "retrieved_at", "previous_sha256")
# A fetched document is fetched again after this many days, to notice a file ICE replaced under the same URL.
RECHECK_DAYS = 30
ICE_ORIGIN = "https://www.ice.gov"
# After this many documents in a row fail to connect at all, the server is taken as unreachable for this run:
# the remaining links keep their state and are tried next time, instead of each waiting out its retries.
UNREACHABLE_STREAK = 5


@dataclass
class DocumentReport:
    """What a document sync did."""

    fetched: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # URLs whose file ICE replaced since the last fetch
    skipped: int = 0
    stopped: str | None = None


def read_documents(archive_dir: Path) -> dict[str, dict]:
    """Rows of ``documents.csv`` by URL."""
    path = archive_dir / "documents.csv"
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["url"]: row for row in csv.DictReader(handle)}


def read_document_rows(archive_dir: Path) -> list[dict]:
    """``documents.csv`` as typed rows for the store: empty cells as nulls, sizes as integers."""
    rows = []
    for row in read_documents(archive_dir).values():
        typed = {c: row.get(c) or None for c in DOCUMENT_COLUMNS}
        typed["size_bytes"] = int(typed["size_bytes"]) if typed["size_bytes"] else None
        rows.append(typed)
    return rows


def _write_documents(archive_dir: Path, rows: dict[str, dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=DOCUMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for url in sorted(rows):
        writer.writerow({c: rows[url].get(c, "") for c in DOCUMENT_COLUMNS})
    write_atomically(archive_dir / "documents.csv", buffer.getvalue().encode("utf-8"))


def sync_documents(links: list[tuple[str, str, str]], archive_dir: Path, fetcher: Fetcher,
                   mirror: str | None = None, today: dt.date | None = None,
                   import_moa: Callable[[bytes, str, str], None] | None = None,
                   recheck_days: int = RECHECK_DAYS) -> DocumentReport:
    """Fetch the documents behind ``links`` ((url, document kind, agreement id) triples) not yet archived, or
    archived ``recheck_days`` ago or more.

    ``mirror`` replaces ``https://www.ice.gov`` in the URLs fetched (a local copy of ice.gov); the URLs recorded
    stay ICE's. ``import_moa(bytes, file name, retrieved_at)`` adds a new MOA to the archive's publications; its
    one-line error is reported as a broken document, and the PDF stays archived.
    """
    today = today or dt.date.today()
    rows = read_documents(archive_dir)
    wanted: dict[str, dict] = {}
    for url, kind, agreement_id in links:
        entry = wanted.setdefault(url, {"kind": kind, "agreements": set()})
        entry["agreements"].add(agreement_id)
    report = DocumentReport()
    archive = Archive(archive_dir)
    streak = 0
    for url, entry in sorted(wanted.items()):
        if streak >= UNREACHABLE_STREAK:
            report.stopped = (f"{UNREACHABLE_STREAK} documents in a row were unreachable; the rest are left for the "
                              "next sync.")
            rows.setdefault(url, {"url": url, "document_kind": entry["kind"]})
            rows[url]["agreement_ids"] = "|".join(sorted(entry["agreements"]))
            continue
        row = rows.setdefault(url, {"url": url, "document_kind": entry["kind"]})
        row["agreement_ids"] = "|".join(sorted(entry["agreements"] | set(filter(None, row.get("agreement_ids", "").split("|")))))
        fetched_on = (row.get("retrieved_at") or "")[:10]
        due = not row.get("sha256") or (fetched_on and
                                         dt.date.fromisoformat(fetched_on) <= today - dt.timedelta(days=recheck_days))
        if not due or row.get("last_tried_on") == today.isoformat():
            report.skipped += 1
            continue
        target = mirror.rstrip("/") + url[len(ICE_ORIGIN):] if mirror and url.startswith(ICE_ORIGIN) else url
        row["last_tried_on"] = today.isoformat()
        try:
            got = fetcher.get(target)
        except FetchError as exc:
            row["status"] = "unreachable"
            row["failing_since"] = row.get("failing_since") or today.isoformat()
            report.broken.append(f"{url}: {exc}")
            streak += 1
            continue
        streak = 0
        if got.status == 200 and got.body and got.body.startswith(b"%PDF"):
            sha = sha256_of(got.body)
            path = archive.object_path(sha)
            if not path.exists():
                write_atomically(path, got.body)
                path.chmod(0o444)
            before = row.get("sha256")
            if before and before != sha:  # ICE replaced the file under the same URL
                history = [h for h in (row.get("previous_sha256") or "").split("|") if h]
                row["previous_sha256"] = "|".join([*history, f"{before}@{row.get('retrieved_at', '')}"])
                report.replaced.append(url)
            row.update(sha256=sha, size_bytes=str(len(got.body)), status="200", failing_since="",
                       retrieved_at=got.retrieved_at)
            report.fetched.append(url)
            if import_moa is not None and entry["kind"] == "moa" and before != sha:
                try:
                    import_moa(got.body, unquote(url.rsplit("/", 1)[-1]), got.retrieved_at)
                except G287Error as exc:
                    report.broken.append(f"{url}: archived, but not read as an MOA: {exc}")
        else:
            row["status"] = str(got.status) if got.status != 200 else "not a PDF"
            row["failing_since"] = row.get("failing_since") or today.isoformat()
            report.broken.append(f"{url}: {row['status']} since {row['failing_since']}")
    _write_documents(archive_dir, rows)
    return report
