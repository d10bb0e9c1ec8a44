"""Writing a folder of files so that publishing again rewrites only what changed.

The folder's ``manifest.json`` lists every file g287 wrote there with the SHA-256 of its bytes and the
fingerprint of its inputs (the data and site code it was made from). A file whose inputs are unchanged is not
made again (unless its size on disk differs from the manifest's); a file made again whose bytes are unchanged is
not rewritten (its modification time stays, so a
sync to a CDN uploads only changed files); a file no longer published is deleted. The manifest is replaced
last and atomically.

A changed file is rewritten in place, not written aside and renamed over the old one: on ext4 a rename over a
file frees the old file's blocks and allocates new ones, about 0.4 ms per file against 0.02 ms for rewriting it,
and a republish after one ICE list rewrites about 2,400 files. A reader of the folder can therefore see a file
half-written while a publish runs (``g287 serve --site`` checks each file's size against the manifest it read).
A publish that stops part-way may have rewritten files the old manifest still describes, so the folder holds a
marker (:data:`PUBLISHING`) from the start of a publish until its manifest is written; a publish that finds it
trusts no file on disk and writes every file again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from g287.acquire.archive import write_atomically

MANIFEST = "manifest.json"
PUBLISHING = ".g287-publishing"  # present while a publish writes the folder (see the module's docstring)


@dataclass
class Report:
    """What a publish did: files added, changed, removed and unchanged (paths relative to the folder)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    made: int = 0  # files rendered (the rest were skipped on their inputs' fingerprint)
    seconds: float = 0.0
    interrupted: bool = False  # the previous publish stopped part-way: every file was written again

    def summary(self) -> str:
        return (f"{len(self.added):,} added, {len(self.changed):,} changed, {len(self.removed):,} removed, "
                f"{self.unchanged:,} unchanged ({self.made:,} rendered) in {self.seconds:.1f} s"
                + ("; the previous publish had stopped part-way, so every file was written again"
                   if self.interrupted else ""))


class SiteWriter:
    """Writes files into ``out`` against the manifest a previous publish left there."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.root = str(self.out)
        try:
            manifest = json.loads((self.out / MANIFEST).read_text())
            self.previous: dict[str, dict] = manifest["files"]
            self.previous_base_url: str | None = manifest.get("base_url")
        except (OSError, ValueError, KeyError):
            self.previous, self.previous_base_url = {}, None
        self.files: dict[str, dict] = {}
        self.report = Report()
        # Files are written by a thread of their own: creating and renaming thousands of files is system calls,
        # which overlap with the rendering of the next pages. One thread: each system call hands the interpreter
        # lock back and forth, and more writing threads made twice the context switches and no faster publish.
        self.writes = ThreadPoolExecutor(1, thread_name_prefix="g287-write")
        self.pending: list[Future] = []
        self.folders: set[Path] = set()  # made already
        # The size on disk of every file the previous publish left, read by the writing thread while the caller
        # reads the ledger: a republish asks about 20,000 files, and a stat on this thread would hand the
        # interpreter lock to a writing thread and wait to get it back, each time. After an interrupted publish
        # no size is known, so that no file is kept or left unwritten.
        self.report.interrupted = (self.out / PUBLISHING).exists()
        self.sizes = self.writes.submit(lambda: {} if self.report.interrupted else {
            path: file_size(os.path.join(self.root, path)) for path in self.previous})
        (self.out / PUBLISHING).write_bytes(b"")

    def put(self, path: str, make: Callable[[], bytes], inputs: str | None = None) -> None:
        """Publish ``path``: made by ``make()`` unless ``inputs`` (a fingerprint) equals the previous run's and
        the file is still there."""
        if path in self.files:
            raise ValueError(f"{path} is published twice")
        before = self.previous.get(path)
        target = self.out / path
        if inputs is not None and self.can_keep(path, inputs):
            self.keep(path)
            return
        body = make()
        self.report.made += 1
        digest = hashlib.sha256(body).hexdigest()
        self.files[path] = {"sha256": digest, "bytes": len(body), "inputs": inputs}
        if before and before["sha256"] == digest and self.previous_size(path) == len(body):
            self.report.unchanged += 1
            return
        self.pending.append(self.writes.submit(self._write, target, body))
        (self.report.changed if before else self.report.added).append(path)

    def put_file(self, path: str, source: Path, inputs: str | None = None, digest: str | None = None) -> None:
        """Publish ``path`` as the file ``source`` (made in a folder on the same disk, such as a hidden folder
        inside the output): renamed into place when its bytes changed, deleted otherwise. For large files
        (the downloads), which are then neither read into memory nor written a second time. ``digest`` is the
        file's SHA-256 when the process that made it computed it (:func:`file_sha256`)."""
        if path in self.files:
            raise ValueError(f"{path} is published twice")
        before = self.previous.get(path)
        target = self.out / path
        digest = digest or file_sha256(source)
        size = os.stat(source).st_size
        self.report.made += 1
        self.files[path] = {"sha256": digest, "bytes": size, "inputs": inputs}
        if before and before["sha256"] == digest and self.previous_size(path) == size:
            os.remove(source)
            self.report.unchanged += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        (self.report.changed if before else self.report.added).append(path)

    def _write(self, target: Path, body: bytes) -> None:
        """Write one file in place: its bytes over the old ones, then cut to their length (the blocks the file
        has are reused; see the module's docstring). Each folder is made once."""
        folder = target.parent
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        # No O_TRUNC: truncating to zero frees the blocks that the write then allocates again. (O_BINARY: on
        # Windows a descriptor is opened in text mode otherwise.)
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(target, flags, 0o644), "wb") as handle:
            handle.write(body)
            handle.truncate()

    def can_keep(self, path: str, inputs: str | None = None) -> bool:
        """True when ``path`` is as the previous run left it (and its inputs, if given, are ``inputs``)."""
        before = self.previous.get(path)
        return (path not in self.files and before is not None and (inputs is None or before.get("inputs") == inputs)
                and self.previous_size(path) == before["bytes"])

    def previous_size(self, path: str) -> int | None:
        """The size on disk of ``path``, a file of the previous publish, when this publish began (None when
        missing)."""
        return self.sizes.result().get(path)

    def keep(self, path: str) -> None:
        """Publish ``path`` as the previous run left it (see :meth:`can_keep`): for files the caller knows
        to be made from unchanged inputs."""
        self.files[path] = self.previous[path]
        self.report.unchanged += 1

    def finish(self, build: str, base_url: str = "") -> Report:
        """Wait for the files to be written, delete the files no longer published, then write the manifest."""
        self.writes.shutdown()
        for write in self.pending:
            write.result()  # raises the first error of any write
        for path in sorted(set(self.previous) - set(self.files)):
            try:
                os.remove(self.out / path)
            except FileNotFoundError:
                pass
            self.report.removed.append(path)
        # One file per line, in path order (a manifest diffs well), without indenting each entry's fields.
        lines = ",\n".join(f"{json.dumps(path)}: {json.dumps(self.files[path], separators=(',', ':'))}"
                           for path in sorted(self.files))
        head = json.dumps({"base_url": base_url, "build": build})[:-1]
        write_atomically(self.out / MANIFEST, f'{head}, "files": {{\n{lines}\n}}}}\n'.encode(), durable=False)
        (self.out / PUBLISHING).unlink()
        return self.report


def file_size(path: Path | str) -> int | None:
    """The file's size, None when it is missing (a file edited by hand to another size is made again)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def fingerprint(*parts: bytes | str) -> str:
    """A short hash of ``parts`` (the inputs of a file)."""
    # Each part followed by a zero byte, hashed at once (a feed has thousands of parts).
    joined = b"\0".join(part.encode() if isinstance(part, str) else part for part in parts)
    return hashlib.sha256(joined + b"\0" if parts else b"").hexdigest()[:32]
