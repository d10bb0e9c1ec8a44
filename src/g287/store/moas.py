"""The MOAs in the archive (imported, or downloaded by ``g287 sync``) as the store lists them: their files under
their own names, the text of each page with the method that read it, and the MOAs of one agency."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

from g287.acquire.archive import Archive
from g287.errors import QueryError
from g287.moa.report import read_texts
from g287.store.records import agency_history


def archived_moas(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> list[dict]:
    """Every accepted MOA publication with its file name, SHA-256 and archived path, oldest first."""
    rows = con.execute("SELECT publication_id, publication_file(original_names), sha256 FROM publications "
                       "WHERE kind = 'moa' AND status = 'accepted' ORDER BY seq").fetchall()
    archive = Archive(archive_dir)
    return [{"publication_id": p, "file": name, "sha256": sha, "path": archive.object_path(sha)}
            for p, name, sha in rows if archive.object_path(sha).is_file()]


@contextlib.contextmanager
def named_copies(moas: list[dict]) -> Iterator[list[Path]]:
    """The archived MOAs under their own file names (copies in a temporary folder: a report resolves links),
    which ``g287 moa show`` needs to tell an MOA from its template's sources. Of two versions of one file, the
    newest."""
    with tempfile.TemporaryDirectory(prefix="g287-moa-") as folder:
        paths = {}
        for moa in moas:
            target = Path(folder) / moa["file"]
            shutil.copyfile(moa["path"], target)
            paths[moa["file"]] = target
        yield sorted(paths.values())


def extract_archive(con: duckdb.DuckDBPyConnection, archive_dir: Path, cache_dir: Path | None) -> list[dict]:
    """The text of every archived MOA: per file its pages, each page's method (``text`` or ``ocr``) and lines."""
    moas = archived_moas(con, archive_dir)
    texts = read_texts([m["path"] for m in moas], cache_dir, names=[m["file"] for m in moas])
    return [{"file": m["file"], "publication_id": m["publication_id"], "sha256": m["sha256"],
             "pages": [{"page": p.number, "method": p.method, "lines": p.lines} for p in text.pages]}
            for m, text in zip(moas, texts)]


def agency_moas(con: duckdb.DuckDBPyConnection, archive_dir: Path, agency: str, state: str | None = None) -> list[dict]:
    """The archived MOAs of an agency (id or name), newest last; a one-line error when it has none."""
    history = agency_history(con, agency, state)
    ids = {a["agreement_id"] for a in history["agreements"]}
    linked = {r[0] for r in con.execute("SELECT publication_id FROM moa_terms WHERE agreement_ids IS NOT NULL AND "
                                        "len(list_intersect(string_split(agreement_ids, '|'), ?::VARCHAR[])) > 0",
                                        [sorted(ids)]).fetchall()} if ids else set()
    found = [m for m in archived_moas(con, archive_dir) if m["publication_id"] in linked]
    if not found:
        name = history["agency"]["agency_name"]
        raise QueryError(f"No MOA of {name} is archived; import its PDF (g287 import FILE.pdf) or run "
                         "\"g287 sync --documents\", then \"g287 build\".")
    return found
