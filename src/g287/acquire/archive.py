"""The raw archive: original bytes stored by SHA-256, with a manifest of every name they arrived under.

Layout under the archive directory::

    objects/<sha256[:2]>/<sha256>   the original bytes, written once, never modified
    manifest.csv                    one row per (sha256, original name)

The same bytes imported twice (under any name) are stored once; a new name only adds a manifest row.
Files are written to a temporary name, then renamed, so a crash never leaves a partial object or manifest.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from g287.acquire.list_date import slot_rank

MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class ManifestRow:
    """One name under which a file's bytes were imported."""

    sha256: str
    original_name: str
    size_bytes: int
    imported_at: str
    kind: str
    list_date: str
    slot: str
    date_basis: str


@dataclass(frozen=True)
class ArchivedFile:
    """A file in the archive with its list date chosen across all its names."""

    sha256: str
    names: tuple[str, ...]
    size_bytes: int
    kind: str
    list_date: str
    slot: str
    date_basis: str
    imported_at: str


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    ``durable`` also flushes the bytes to disk before the rename (archive objects, manifests); derived outputs
    that are cheap to regenerate skip it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; written files are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Archive:
    """A content-addressed archive rooted at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    def object_path(self, sha256: str) -> Path:
        """Where the bytes with this SHA-256 are stored."""
        return self.root / "objects" / sha256[:2] / sha256

    def read_manifest(self) -> list[ManifestRow]:
        """All manifest rows (empty for a new archive)."""
        if not self.manifest_path.exists():
            return []
        with self.manifest_path.open(newline="", encoding="utf-8") as handle:
            return [ManifestRow(**{**row, "size_bytes": int(row["size_bytes"])}) for row in csv.DictReader(handle)]

    def files(self) -> list[ArchivedFile]:
        """Archived files, one per SHA-256, in publication order.

        A file's list date is the earliest among the names it was posted under (ICE re-posts unchanged lists
        under later dates), unless an import gave it explicitly (``date_basis`` ``override``).
        """
        by_sha: dict[str, list[ManifestRow]] = {}
        for row in self.read_manifest():
            by_sha.setdefault(row.sha256, []).append(row)
        result = []
        for sha, rows in by_sha.items():
            overrides = [r for r in rows if r.date_basis == "override"]
            chosen = min(overrides or rows, key=lambda r: (r.list_date, slot_rank(r.slot), r.imported_at))
            result.append(ArchivedFile(sha256=sha, names=tuple(r.original_name for r in rows),
                                       size_bytes=rows[0].size_bytes, kind=rows[0].kind,
                                       list_date=chosen.list_date, slot=chosen.slot,
                                       date_basis=chosen.date_basis, imported_at=min(r.imported_at for r in rows)))
        return sorted(result, key=lambda f: (f.list_date, slot_rank(f.slot), f.sha256))

    def add(self, data: bytes, rows: list[ManifestRow]) -> bool:
        """Store ``data`` (if new) and append the manifest rows not yet present. True if anything changed."""
        sha = sha256_of(data)
        target = self.object_path(sha)
        if not target.exists():
            write_atomically(target, data)
            target.chmod(0o444)
        existing = self.read_manifest()
        known = {(r.sha256, r.original_name, r.date_basis == "override") for r in existing}
        new = [r for r in rows if (r.sha256, r.original_name, r.date_basis == "override") not in known]
        if new:
            self._write_manifest(existing + new)
        return bool(new)

    def _write_manifest(self, rows: list[ManifestRow]) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[f.name for f in fields(ManifestRow)], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(asdict(row))
        write_atomically(self.manifest_path, buffer.getvalue().encode("utf-8"))

    def digest(self) -> str:
        """A fingerprint of the archive's content and dating (changes when a build would change)."""
        parts = [f"{f.sha256}:{f.list_date}:{f.slot}" for f in self.files()]
        return sha256_of("\n".join(parts).encode())[:16]


def quarantine(root: Path, data: bytes, name: str, reason: str) -> Path:
    """Keep the bytes of a rejected file, with the reason, outside the archive; returns where."""
    sha = sha256_of(data)
    target = root / sha
    if not target.exists():
        write_atomically(target, data)
    log = root / "quarantine.csv"
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(
        [sha, name, len(data), dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), reason])
    header = "" if log.exists() else "sha256,original_name,size_bytes,rejected_at,reason\n"
    with log.open("a", encoding="utf-8") as handle:
        handle.write(header + line.getvalue())
    return target
