"""``g287 import``: validate files as ICE publications, then add them to the raw archive.

A file is archived only if it parses as a known publication and its list date is known. A rejected file
never enters the archive; its bytes are kept in the quarantine folder with the reason. Validation of all
files comes first, so one bad file in a batch leaves the archive unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from g287.acquire.archive import Archive, ManifestRow, quarantine, sha256_of
from g287.acquire.list_date import resolve_list_date
from g287.errors import G287Error, UnreadablePublicationError
from g287.parallel import process_pool


@dataclass(frozen=True)
class ImportResult:
    """What happened to one imported file."""

    path: Path
    sha256: str
    kind: str
    list_date: str
    slot: str
    is_new_file: bool
    is_new_name: bool


def _date_for(name: str, list_date: str | None, content_dates: list[str]) -> tuple[str, str, str]:
    if list_date:
        try:
            return dt.date.fromisoformat(list_date).isoformat(), "", "override"
        except ValueError:
            raise G287Error(f"--list-date {list_date!r} is not a date; use YYYY-MM-DD.") from None
    if content_dates:
        return min(content_dates), "", "content"
    return resolve_list_date(name)


def _validate(path: Path, read: Callable[[bytes, str], list]) -> tuple[bytes | None, object]:
    """(bytes, (kind, dates found in the content)) for a valid file, (bytes or None, error) otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, UnreadablePublicationError(f"{path}: cannot read the file ({exc.strerror}).")
    try:
        lists = read(data, path.name)
    except G287Error as exc:
        return data, exc
    # A file about persons (a FOIA table) is archived as its aggregate, never as read.
    archived = lists[0].archive_bytes if lists[0].archive_bytes is not None else data
    return archived, (lists[0].kind, [pl.list_date for pl in lists if pl.list_date])


def _validate_all(paths: list[Path], read: Callable[[bytes, str], list]) -> list[tuple[bytes | None, object]]:
    """Validate files in parallel when there are many (a first import of a whole archive)."""
    workers = min(2, os.cpu_count() or 1)
    if len(paths) < 16 or workers < 2:
        return [_validate(p, read) for p in paths]
    with process_pool(workers) as pool:
        return list(pool.map(_validate, paths, [read] * len(paths), chunksize=max(1, len(paths) // 8)))


def import_files(paths: Iterable[Path], archive_dir: Path, quarantine_dir: Path,
                 read: Callable[[bytes, str], list], list_date: str | None = None,
                 imported_at: str | None = None) -> list[ImportResult]:
    """Validate each file with ``read`` (a publication reader) and archive it.

    Raises the first file's error (and archives nothing) when any file is rejected; the rejected bytes are
    kept in ``quarantine_dir``.
    """
    stamp = imported_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    paths = [Path(p) for p in paths]
    checked = _validate_all(paths, read)
    staged = []
    for path, (data, outcome) in zip(paths, checked):
        try:
            if isinstance(outcome, G287Error):
                raise outcome
            kind, content_dates = outcome
            date, slot, basis = _date_for(path.name, list_date, content_dates)
        except G287Error as exc:
            if data is not None:
                quarantine(quarantine_dir, data, path.name, str(exc))
            raise
        staged.append((path, data, ManifestRow(sha256=sha256_of(data), original_name=path.name,
                                               size_bytes=len(data), imported_at=stamp, kind=kind,
                                               list_date=date, slot=slot, date_basis=basis)))
    archive = Archive(archive_dir)
    known = {r.sha256 for r in archive.read_manifest()}
    results = []
    for path, data, row in staged:
        is_new_file = row.sha256 not in known
        is_new_name = archive.add(data, [row])
        known.add(row.sha256)
        results.append(ImportResult(path=path, sha256=row.sha256, kind=row.kind, list_date=row.list_date,
                                    slot=row.slot, is_new_file=is_new_file, is_new_name=is_new_name))
    return results
