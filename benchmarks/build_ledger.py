"""Benchmark: full rebuild of the ledger from the whole shared archive, against openpyxl reading the same files.

Run:  python benchmarks/build_ledger.py [--shared ../shared/data] [--repeat 3]

Prints, for the archive in ../shared/data (every participating and pending spreadsheet, the HTML-era tables and
the roster CSV):

- g287 full rebuild, cold: ``g287 build`` in a fresh process with no parse cache (every file parsed);
- g287 full rebuild, warm: ``g287 build`` in a fresh process after a build (parsed lists reused from the cache
  keyed by file SHA-256 and parser fingerprint; all ledger tables derived again);
- g287 parse stage alone: reading and normalising every file, as in a cold build;
- g287 workbook reading alone: cell values, hyperlink targets, error cells and hidden rows of every workbook
  (python-calamine plus the sheet XML), which is exactly what the baseline does;
- the baseline: the same workbooks read with openpyxl (values, hyperlinks and hidden rows), with the same
  number of worker processes; and the ratios.

Each figure is the median of ``--repeat`` runs; every run starts a new Python process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = (HERE.parent / ".." / "shared" / "data").resolve()

_BUILD = """
import json, sys, time
t0 = time.perf_counter()
import g287
from g287.store import build as b
stages = {}
t_import = time.perf_counter()
report = g287.build(home=sys.argv[1])
stages["build_s"] = time.perf_counter() - t_import
stages["process_s"] = time.perf_counter() - t0
print(json.dumps(stages))
"""

_READ = """
import json, sys, time
from pathlib import Path
from g287.acquire.archive import Archive
from g287.store.build import read_archive
archive = Archive(Path(sys.argv[1]) / "archive")
t = time.perf_counter()
parsed = read_archive(archive)
print(json.dumps({"read_s": time.perf_counter() - t, "lists": sum(len(p) for _, p in parsed)}))
"""


def _g287_read(path: str) -> int:
    from g287.parse.workbook import read_sheet

    with open(path, "rb") as handle:
        sheet = read_sheet(handle.read(), path)
    return sum(len(values) for _, values in sheet.rows) + len(sheet.hyperlinks) + len(sheet.hidden_rows)


def _openpyxl_read(path: str) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path)  # full mode: hyperlinks are only available outside read-only mode
    sheet = book.worksheets[0]
    cells = 0
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None or cell.hyperlink is not None:
                cells += 1
    return cells + sum(1 for d in sheet.row_dimensions.values() if d.hidden)


def _time_pool(function, paths: list[str], workers: int) -> float:
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(function, paths, chunksize=8))
    return time.perf_counter() - t


def _run(code: str, home: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(home)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    ice = args.shared / "ice-287g"
    files = (sorted(ice.glob("archive/*/*.xlsx")) + sorted(ice.glob("participating-html-derived/*.xlsx"))
             + [ice / "historical" / "historical-ice-lists.csv"])
    workbooks = [f for f in files if f.suffix == ".xlsx"]

    import g287

    home = Path(tempfile.mkdtemp(prefix="g287-bench-"))
    try:
        t = time.perf_counter()
        g287.import_files(files, home=home)
        import_s = time.perf_counter() - t
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"archive: {len(files)} files ({len(workbooks)} workbooks, "
              f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB); import {import_s:.1f} s")

        cold, warm, reads = [], [], []
        for _ in range(args.repeat):
            shutil.rmtree(home / "cache", ignore_errors=True)
            cold.append(_run(_BUILD, home)["build_s"])
            warm.append(_run(_BUILD, home)["build_s"])
            reads.append(_run(_READ, home)["read_s"])
        cold_s, warm_s, read_s = (statistics.median(v) for v in (cold, warm, reads))

        paths = [str(f) for f in workbooks]
        workbook_s = statistics.median(_time_pool(_g287_read, paths, args.workers) for _ in range(args.repeat))
        openpyxl_s = _time_pool(_openpyxl_read, paths, args.workers)

        n = len(workbooks)
        print(f"g287 full rebuild, cold (parse every file): {cold_s:6.2f} s  {n / cold_s:7.1f} workbooks/s")
        print(f"g287 full rebuild, warm (parse cache hit):  {warm_s:6.2f} s  {n / warm_s:7.1f} workbooks/s")
        print(f"g287 parse stage alone ({args.workers} workers):      {read_s:6.2f} s  {n / read_s:7.1f} workbooks/s")
        print(f"g287 workbook reading ({args.workers} workers):       {workbook_s:6.2f} s  {n / workbook_s:7.1f} workbooks/s")
        print(f"openpyxl reading the same workbooks ({args.workers} workers): {openpyxl_s:6.2f} s  "
              f"{n / openpyxl_s:7.1f} workbooks/s")
        print(f"ratio openpyxl / g287 workbook reading:    {openpyxl_s / workbook_s:6.1f}x")
        print(f"ratio openpyxl / g287 cold full rebuild:   {openpyxl_s / cold_s:6.1f}x")
        print(f"ratio openpyxl / g287 warm full rebuild:   {openpyxl_s / warm_s:6.1f}x")
        print(f"goal cold full rebuild <= 2 s: {'met' if cold_s <= 2 else 'NOT met'} (warm: "
              f"{'met' if warm_s <= 2 else 'NOT met'}); goal >= 10x openpyxl: reading "
              f"{'met' if openpyxl_s / workbook_s >= 10 else 'NOT met'}, cold rebuild "
              f"{'met' if openpyxl_s / cold_s >= 10 else 'NOT met'}, warm rebuild "
              f"{'met' if openpyxl_s / warm_s >= 10 else 'NOT met'}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
