"""Benchmark: adding ICE's next list to a built store, against rebuilding every table, in the same run.

Run:  python benchmarks/incremental.py [--shared ../shared/data] [--lists 10]

Builds a store from the whole shared archive (spreadsheets, HTML-era tables, 2002-2020 sources, MOAs) except
ICE's newest ``--lists`` participating lists, then imports those one at a time, oldest first, as a daily sync
would. For each it times, in one Python process:

- the import (``g287.import_files``: archive the workbook and read it; the build reuses what it read);
- the incremental build (``g287.build``: add the new list to the kept ledger, write the rows it changes into a
  copy of the store, swap the copy in);
- the baseline: a full build of the same archive (``g287.build(full=True)``, parse cache warm: only the ledger,
  geography and store are redone), into a copy of the home.

It also prints the CPU seconds the incremental builds took (see ``machine_cpu.py``). Then it checks that the
store the incremental builds left equals a full build table by table, and prints the store's size. The newest
list is also added by ``g287 build`` as a command (a new process: Python start and imports included).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine_cpu import machine_cpu

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = (HERE.parent / ".." / "shared" / "data").resolve()


def _differences(store: Path, other: Path) -> list[str]:
    import duckdb

    from g287.store.schema import TABLES

    con = duckdb.connect()
    con.execute(f"ATTACH '{store}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{other}' AS b (READ_ONLY)")
    differing = [t for t in TABLES if con.execute(
        f'SELECT (SELECT count(*) FROM (SELECT * FROM a."{t}" EXCEPT ALL SELECT * FROM b."{t}")) + '
        f'(SELECT count(*) FROM (SELECT * FROM b."{t}" EXCEPT ALL SELECT * FROM a."{t}"))').fetchone()[0]]
    con.close()
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--lists", type=int, default=10)
    args = parser.parse_args()
    ice = args.shared / "ice-287g"
    participating = sorted(ice.glob("archive/participating/*.xlsx"))
    held = participating[-args.lists:]
    rest = ([p for p in sorted(ice.glob("archive/*/*.xlsx")) if p not in held]
            + sorted(ice.glob("participating-html-derived/*.xlsx")) + [ice / "historical" / "historical-ice-lists.csv"]
            + sorted(ice.glob("history/*.csv")) + sorted(ice.glob("history/*.tsv")) + sorted(ice.glob("moa/*.pdf")))

    import g287

    work = Path(tempfile.mkdtemp(prefix="g287-bench-incremental-"))
    home = work / "home"
    try:
        g287.import_files(rest, home=home)
        t = time.perf_counter()
        first = g287.build(home=home)
        print(f"archive: {len(rest)} files; first build (full, parsing every file) {time.perf_counter() - t:.1f} s, "
              f"{first.publications} publications")
        print(f"{'list':<18}{'import s':>10}{'incremental s':>14}{'full build s':>14}{'ratio':>8}  changed")
        imported, added, full, added_cpu = [], [], [], []
        for path in held:
            t = time.perf_counter()
            g287.import_files([path], home=home)  # archives the workbook and reads it (the build reuses that)
            imported.append(time.perf_counter() - t)
            copy = work / "full"
            shutil.copytree(home, copy)
            if path == held[-1]:  # as a command too: a new process, Python start and imports included
                command_home = work / "command"
                shutil.copytree(home, command_home)
                t = time.perf_counter()
                out = subprocess.run([str(Path(sys.executable).parent / "g287"), "build"], check=True, text=True,
                                     capture_output=True, env={**os.environ, "G287_HOME": str(command_home)})
                command_s = time.perf_counter() - t
                shutil.rmtree(command_home)
            t = time.perf_counter()
            with machine_cpu() as cpu:
                report = g287.build(home=home)
            added.append(time.perf_counter() - t)
            added_cpu.append(cpu.seconds)
            assert report.added == 1, f"{path.name}: not added to the kept ledger"
            t = time.perf_counter()
            g287.build(home=copy, full=True)
            full.append(time.perf_counter() - t)
            shutil.rmtree(copy)
            print(f"{path.name:<18}{imported[-1]:>10.3f}{added[-1]:>14.3f}{full[-1]:>14.2f}{full[-1] / added[-1]:>7.0f}x  "
                  f"{report.agreements} agreements, {report.events} events")
        copy = work / "full"
        shutil.copytree(home, copy)
        g287.build(home=copy, full=True)
        differing = _differences(home / "g287.duckdb", copy / "g287.duckdb")
        size, full_size = ((h / "g287.duckdb").stat().st_size / 1e6 for h in (home, copy))
        shutil.rmtree(copy)
        median_added, median_full = statistics.median(added), statistics.median(full)
        median_both = statistics.median(i + a for i, a in zip(imported, added))
        print(f"median: incremental {median_added:.3f} s (max {max(added):.3f}), full build {median_full:.2f} s, "
              f"{median_full / median_added:.0f}x; import and incremental build together {median_both:.3f} s")
        if None not in added_cpu:
            print(f"CPU of the incremental builds (every process): median {statistics.median(added_cpu):.3f} s")
        print(f"tables identical to a full build: {'yes' if not differing else 'NO: ' + ', '.join(differing)}")
        print(f"store after {len(held)} incremental builds: {size:.1f} MB (a full build writes {full_size:.1f} MB)")

        print(f"g287 build as a command for the newest list: {command_s:.2f} s ({out.stdout.strip()})")
        print(f"goal incremental add (import and build) <= 0.1 s: {'met' if median_both <= 0.1 else 'NOT met'}; "
              f"identical tables: "
              f"{'met' if not differing else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
