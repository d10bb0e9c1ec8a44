"""From the archive to parsed publications: each archived file read by its registered reader (in worker
processes) and kept in the parse cache.

A file's lists are kept per SHA-256 under the parser fingerprint (:func:`parser_fingerprint`), so a rebuild
parses only what it has not parsed before, and ``g287 import`` leaves what it read of ICE's lists there for the
next build (:func:`read_and_cache`). Publication ids come from the file's content and publications are ordered
(:func:`publication_order`): the same archive always gives the same publications.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import pickle
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from operator import itemgetter
from pathlib import Path

import pyarrow as pa

from g287.acquire.archive import Archive, ArchivedFile, write_atomically
from g287.acquire.list_date import slot_rank
from g287.corrections import FixLog
from g287.errors import ArchiveError
from g287.ledger import HISTORY_INPUT_COLUMNS, LEDGER_INPUT_COLUMNS, build_gate
from g287.parallel import process_pool
from g287.parse import ParsedList, read_publication
from g287.store.schema import arrow_table
from g287.text import fold_text


@functools.cache  # the code running and the data it reads: fixed for the life of a process
def parser_fingerprint() -> str:
    """Changes whenever parsing could give a different result: parser code, fix tables, calamine version, this
    module, and the columns the ledger reads."""
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(version("python-calamine").encode())
    digest.update(repr(HISTORY_INPUT_COLUMNS).encode())  # the cached rows keep these columns only
    # agency_counties.csv feeds geography, not parsing: editing it must not invalidate parsed lists.
    fixes = [p for p in package.glob("fixes/*.csv") if p.name != "agency_counties.csv"]
    # This module too: the parsed tables it caches carry the publication ids it assigns.
    for path in sorted([*package.glob("parse/*.py"), package / "text.py", package / "corrections.py", *fixes,
                        Path(__file__)]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


ParsedFile = list[tuple[ParsedList, pa.Table]]


def publication_ids_of(sha256: str, lists: list[ParsedList]) -> list[str]:
    """The ids of a file's lists: the first 12 hex digits of its SHA-256, plus ``-YYYYMMDD`` when the file
    holds several lists, plus ``-2``, ``-3`` for further lists of one date (ICE's fact-sheet page captured twice
    under one caption date).

    >>> [publication_ids_of("ab" * 32, [ParsedList("roster", "r", [], [], list_date=d) for d in ("2010-10-29",) * n])
    ...  for n in (1, 2)]
    [['abababababab'], ['abababababab-20101029', 'abababababab-20101029-2']]
    """
    if len(lists) == 1:
        return [sha256[:12]]
    ids: list[str] = []
    seen: Counter = Counter()
    for parsed_list in lists:
        base = f"{sha256[:12]}-{(parsed_list.list_date or '').replace('-', '')}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def parse_file(path: str, cache_path: str | None) -> bytes:
    """Parse one archived file; returns the pickled (list, Arrow table of all its rows) pairs.

    The Arrow tables are built here, in the worker processes, and the rows handed back keep only
    :data:`LEDGER_INPUT_COLUMNS`. The result travels pickled once: the same bytes are the cache entry and what
    the pool hands to the main process. A cache hit is returned as stored, without unpickling it here.
    """
    if cache_path and os.path.exists(cache_path):
        try:
            with open(cache_path, "rb") as handle:
                return handle.read()
        except OSError:
            pass  # an unreadable cache entry is simply parsed again
    with open(path, "rb") as handle:
        lists = read_publication(handle.read(), os.path.basename(path))
    blob = _parsed_blob(lists, os.path.basename(path))
    if cache_path:
        write_atomically(Path(cache_path), blob, durable=False)  # a cache: rebuilt if lost
    return blob


def _parsed_blob(lists: list, sha256: str) -> bytes:
    """The parse cache entry of the archived file ``sha256`` read as ``lists`` (their rows are trimmed to the
    columns the ledger reads)."""
    parsed = []
    for parsed_list, publication_id in zip(lists, publication_ids_of(sha256, lists)):
        table = arrow_table("publication_rows", parsed_list.rows)
        table = table.set_column(0, "publication_id", pa.array([publication_id] * table.num_rows, pa.string()))
        columns = HISTORY_INPUT_COLUMNS if parsed_list.kind in ("history", "roster") else LEDGER_INPUT_COLUMNS
        pick = itemgetter(*columns)
        parsed_list.rows = [dict(zip(columns, pick(r))) for r in parsed_list.rows]
        parsed.append((parsed_list, table))
    return pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


# The kinds whose parsed lists g287 import keeps for the build (ICE's lists: read alike whatever the file is
# named; an MOA's date comes from its name, which differs between the import and the archive).
IMPORT_CACHED_KINDS = ("participating", "pending")


def read_and_cache(data: bytes, source: str, cache_dir: str | None = None) -> list:
    """:func:`~g287.parse.read_publication`, which ``g287 import`` validates a file with, keeping what it read of
    ICE's lists in the parse cache, so that the build after an import does not read the file again."""
    lists = read_publication(data, source)
    if cache_dir and lists and lists[0].kind in IMPORT_CACHED_KINDS and lists[0].archive_bytes is None:
        sha256 = hashlib.sha256(data).hexdigest()
        path = parse_cache_path(Path(cache_dir), sha256)
        if not os.path.exists(path):
            # Copies: the cache entry trims the rows of its lists; the caller's lists stay as read.
            write_atomically(Path(path), _parsed_blob([copy.copy(pl) for pl in lists], sha256), durable=False)
    return lists


def load_parsed(blob: bytes, path: str) -> ParsedFile:
    """The parsed lists in ``blob`` (what :func:`parse_file` returns for the archived file at ``path``); a
    damaged cache entry is parsed again from the file."""
    try:
        return pickle.loads(blob)
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError):
        return pickle.loads(parse_file(path, None))  # a damaged cache entry: parse the file again


def verify_object(sha256: str, path: Path) -> None:
    """Refuse to build from an archive object whose bytes no longer match their SHA-256 (or are gone)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"Archive object {path} cannot be read ({exc.strerror}); restore it from a backup "
                           "or import the original file again.") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ArchiveError(f"Archive object {path} is damaged (its SHA-256 no longer matches); restore it from a "
                           "backup or import the original file again.")


def parse_cache_path(cache_dir: Path | None, sha256: str) -> str | None:
    """Where the parsed lists of the archived file ``sha256`` are kept (under the parser fingerprint), or None
    without a cache folder."""
    if cache_dir is None:
        return None
    folder = Path(cache_dir) / "parsed" / parser_fingerprint()
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{sha256}.pickle")


def read_archive(archive: Archive, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cache_dir: Path | None = None) -> list[tuple[ArchivedFile, ParsedFile]]:
    """Parse every archived file (in parallel); returns (file, parsed lists) in publication order.

    With ``cache_dir``, parsed lists are kept per file SHA-256 under the parser fingerprint, so a rebuild
    after a ledger change (or a new import) parses only what it has not parsed before.
    """
    files = archive.files()
    paths = [str(archive.object_path(f.sha256)) for f in files]
    for file, path in zip(files, paths):
        verify_object(file.sha256, Path(path))
    caches = [parse_cache_path(cache_dir, f.sha256) for f in files]
    todo = [i for i, c in enumerate(caches) if c is None or not os.path.exists(c)]
    workers = workers or min(2, os.cpu_count() or 1)
    results: list[ParsedFile | None] = [None] * len(files)
    done = 0
    pending = set(todo)
    for i, cache in enumerate(caches):
        if i not in pending:
            results[i] = load_parsed(parse_file(paths[i], cache), paths[i])
            done += 1
    if progress:
        progress(done, len(paths))
    if workers <= 1 or len(todo) < 8:
        parsed_iter = (parse_file(paths[i], caches[i]) for i in todo)
        pool = None
    else:
        pool = process_pool(workers)
        # Contiguous chunks keep consecutive (near-identical) lists in one process, where the row cache hits.
        chunk = max(1, len(todo) // (workers * 4))
        parsed_iter = pool.map(parse_file, [paths[i] for i in todo], [caches[i] for i in todo], chunksize=chunk)
    try:
        for i, blob in zip(todo, parsed_iter):
            results[i] = load_parsed(blob, paths[i])
            done += 1
            if progress:
                progress(done, len(paths))
    finally:
        if pool is not None:
            pool.shutdown()
    return list(zip(files, results))


def file_publications(file: ArchivedFile, parsed_file: ParsedFile, fix_usage: Counter,
                      output_counts: list[dict]) -> list[tuple[dict, list[dict], pa.Table]]:
    """The publication records of one archived file (without ``seq`` and ``status``), each with its ledger rows
    and its Arrow rows; counts the fixes used into ``fix_usage`` and adds the file's output counts (lists of
    kind ``output``) to ``output_counts``."""
    for name in file.names:  # list-date repairs apply to file names, at import
        if FixLog().apply("list_date", name):
            fix_usage[("list_date", fold_text(name))] += 1
    result = []
    ids = publication_ids_of(file.sha256, [parsed_list for parsed_list, _ in parsed_file])
    for (parsed_list, table), publication_id in zip(parsed_file, ids):
        list_date = parsed_list.list_date or file.list_date
        rows = parsed_list.rows
        output_counts += [{"publication_id": publication_id, **count} for count in parsed_list.counts]
        result.append(({
            "publication_id": publication_id, "sha256": file.sha256, "kind": parsed_list.kind,
            "reader": parsed_list.reader, "list_date": list_date,
            "slot": "" if parsed_list.list_date else file.slot,
            "date_basis": "content" if parsed_list.list_date else file.date_basis,
            "row_count": len(rows) or len(parsed_list.counts), "hidden_rows": parsed_list.hidden_rows,
            "unresolved_rows": sum(1 for r in rows if r["agency_id"] is None or
                                   (parsed_list.kind in ("participating", "pending") and r["model"] is None)),
            "columns": "|".join(parsed_list.columns), "sheet_names": "|".join(parsed_list.sheet_names),
            "original_names": "|".join(file.names), "modified_utc": parsed_list.modified_utc,
            "grade": parsed_list.grade, "claim": parsed_list.claim, "stated_count": parsed_list.stated_count,
            "note": parsed_list.note, "observed_on": parsed_list.observed_on,
            "stated_on": parsed_list.stated_on,
        }, rows, table))
        for field, key in parsed_list.fixes_used:
            fix_usage[(field, "|".join(key))] += 1
    return result


KIND_ORDER = {"history": 0, "roster": 0, "participating": 1, "pending": 2, "output": 3, "moa": 4}


def publication_order(publication: dict) -> tuple:
    """Where a publication stands in the ledger's order: by list date, time slot, kind and SHA-256."""
    return (publication["list_date"], slot_rank(publication["slot"]), KIND_ORDER[publication["kind"]],
            publication["sha256"])


def build_publications(parsed: list[tuple[ArchivedFile, ParsedFile]]) -> tuple[list[dict], dict[str, list[dict]], Counter, dict[str, pa.Table], list[dict]]:
    """Publication records (ordered, gated), ledger rows and Arrow rows by publication, fix usage counts, and
    the output counts of the lists of kind ``output`` (each with its publication id)."""
    publications = []
    output_counts: list[dict] = []
    rows_by_publication: dict[str, list[dict]] = {}
    tables_by_publication: dict[str, pa.Table] = {}
    fix_usage: Counter = Counter()
    for file, parsed_file in parsed:
        for publication, rows, table in file_publications(file, parsed_file, fix_usage, output_counts):
            publications.append(publication)
            rows_by_publication[publication["publication_id"]] = rows
            tables_by_publication[publication["publication_id"]] = table
    publications.sort(key=publication_order)
    for seq, publication in enumerate(publications, start=1):
        publication["seq"] = seq
    build_gate(publications)
    return publications, rows_by_publication, fix_usage, tables_by_publication, output_counts
