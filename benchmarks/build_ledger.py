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

Each figure is the median of ``--repeat`` runs; every run starts a new Python process. Beside each wall time
it prints the CPU seconds the machine spent meanwhile, in every process (see ``machine_cpu.py``), and the least
wall time that much work can take on this machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from machine_cpu import CpuMeter, machine_cpu

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = (HERE.parent / ".." / "shared" / "data").resolve()

_BUILD = """
import json, sys, time
t0 = time.perf_counter()
sys.path.append(sys.argv[2])  # machine_cpu, after g287's own modules
import g287
from machine_cpu import machine_cpu
stages = {}
t_import = time.perf_counter()
with machine_cpu() as cpu:
    report = g287.build(home=sys.argv[1])
stages["build_s"] = time.perf_counter() - t_import
stages["build_cpu_s"] = cpu.seconds
stages["process_s"] = time.perf_counter() - t0
print(json.dumps(stages))
"""

_READ = """
import json, sys, time
from pathlib import Path
sys.path.append(sys.argv[2])  # machine_cpu, after g287's own modules
from g287.acquire.archive import Archive
from g287.store.build.parsing import read_archive
from machine_cpu import machine_cpu
archive = Archive(Path(sys.argv[1]) / "archive")
t = time.perf_counter()
with machine_cpu() as cpu:
    parsed = read_archive(archive)
print(json.dumps({"read_s": time.perf_counter() - t, "read_cpu_s": cpu.seconds,
                  "lists": sum(len(p) for _, p in parsed)}))
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


def _time_pool(function, paths: list[str], workers: int) -> tuple[float, float | None]:
    """(wall seconds, machine CPU seconds) of ``function`` over ``paths`` in ``workers`` processes."""
    t = time.perf_counter()
    with machine_cpu() as cpu, ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(function, paths, chunksize=8))
    return time.perf_counter() - t, cpu.seconds


def _run(code: str, home: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(home), str(HERE)], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_run(runs: list[tuple[float, float | None]]) -> tuple[float, float | None]:
    """The run of median wall time among ``runs`` (wall seconds, CPU seconds): its two figures stay a pair."""
    return sorted(runs, key=lambda run: run[0])[(len(runs) - 1) // 2]


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
            run = _run(_BUILD, home)
            cold.append((run["build_s"], run["build_cpu_s"]))
            run = _run(_BUILD, home)
            warm.append((run["build_s"], run["build_cpu_s"]))
            run = _run(_READ, home)
            reads.append((run["read_s"], run["read_cpu_s"]))

        paths = [str(f) for f in workbooks]
        workbook = [_time_pool(_g287_read, paths, args.workers) for _ in range(args.repeat)]
        openpyxl = [_time_pool(_openpyxl_read, paths, args.workers)]
        rows = {  # what: (label, (wall s, CPU s) of its median run)
            "cold": ("g287 full rebuild, cold (parse every file)", _median_run(cold)),
            "warm": ("g287 full rebuild, warm (parse cache hit)", _median_run(warm)),
            "parse": (f"g287 parse stage alone ({args.workers} workers)", _median_run(reads)),
            "read": (f"g287 workbook reading ({args.workers} workers)", _median_run(workbook)),
            "openpyxl": (f"openpyxl reading the same workbooks ({args.workers} workers)", _median_run(openpyxl)),
        }
        n = len(workbooks)
        print(f"{'':<52}{'wall s':>8}{'workbooks/s':>13}  CPU s (all processes; least wall on {os.cpu_count()} cores)")
        for label, (seconds, cpu) in rows.values():
            cpu_text = f"{cpu:6.2f} ({CpuMeter(cpu).floor():.2f})" if cpu is not None else "not measured"
            print(f"{label:<52}{seconds:8.2f}{n / seconds:13.1f}  {cpu_text}")
        cold_s, warm_s, workbook_s, openpyxl_s = (rows[what][1][0] for what in ("cold", "warm", "read", "openpyxl"))
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
