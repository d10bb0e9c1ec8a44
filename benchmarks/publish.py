"""Benchmark: ``g287 publish`` cold, then again after ICE publishes one new list.

Run:  python benchmarks/publish.py [--data ../shared/data] [--repeat 3]

Builds a store from the whole shared archive except its newest participating list, publishes the site (cold),
then imports that list, rebuilds the ledger and publishes again into the same folder (the republish a new ICE
list triggers; in this process, and as the ``g287 publish`` command in a new one), ``--repeat`` times from the
same state (the median is printed: timings on a shared machine wander), and once more with nothing new. Prints,
for each publish, the seconds, the files rendered and those added, changed, removed and unchanged; for the
republish also which kinds of files changed. The baseline in the same run is the cold publish of the same site
(what republishing would cost without the manifest). Each publish also prints the CPU seconds the machine spent
in it, in every process, and the least wall time that much work can take on this machine's cores.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine_cpu import machine_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="republishes after the new list (median printed)")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    args = parser.parse_args()
    ice = args.data.resolve() / "ice-287g"
    lists = sorted((ice / "archive" / "participating").glob("*.xlsx"))
    newest = lists[-1]
    history = ice / "history"
    sources = [*lists[:-1], *sorted((ice / "archive" / "pending").glob("*.xlsx")),
               *sorted((ice / "participating-html-derived").glob("*.xlsx")),
               ice / "historical" / "historical-ice-lists.csv", *sorted(history.glob("*.csv")),
               *sorted(history.glob("*.tsv"))]

    home = Path(tempfile.mkdtemp(prefix="g287-publish-bench-"))
    os.environ["G287_HOME"] = str(home)
    import g287

    site = home.parent / f"{home.name}-site"  # not the home's own site, which g287 build would publish again
    g287.import_files(sources, home=home)
    g287.build(home=home)
    print(f"store without the newest list ({newest.name}): {len(sources)} files imported")

    def publish(label: str):
        # The copies this script makes between runs (20,000 files) are flushed to disk first, so that their
        # writeback is not timed as part of the publish.
        os.sync()
        started = time.perf_counter()
        with machine_cpu() as cpu:
            report = g287.api.publish(site, home=home)
        seconds = time.perf_counter() - started
        print(f"{label:<34} {seconds:6.1f} s  rendered {report.made:>6,}  added {len(report.added):>6,}  "
              f"changed {len(report.changed):>6,}  removed {len(report.removed):>4,}  unchanged {report.unchanged:>6,}"
              f"  ({cpu.describe()})")
        return report, seconds

    publish("publish, cold (baseline)")
    before = Path(tempfile.mkdtemp(prefix="g287-publish-bench-before-"))
    shutil.copytree(home, before / "home")
    shutil.copytree(site, before / "site")
    in_process, as_command = [], []
    for run in range(1, args.repeat + 1):
        if run > 1:  # the home and the site as they were before the new list, in the same folders
            for name, folder in (("home", home), ("site", site)):
                shutil.rmtree(folder)
                shutil.copytree(before / name, folder)
        g287.import_files([newest], home=home)
        started = time.perf_counter()
        g287.build(home=home)
        print(f"import {newest.name} and g287 build: {time.perf_counter() - started:.1f} s (not part of the publish)")
        # The same republish as a command, in a new process (Python start, imports and the publisher's second
        # process started anew), on copies of the home and the site.
        copies = Path(tempfile.mkdtemp(prefix="g287-publish-bench-command-"))
        shutil.copytree(home, copies / "home")
        shutil.copytree(site, copies / "site")
        report, seconds = publish(f"republish after one new list ({run})")
        in_process.append(seconds)
        os.sync()
        started = time.perf_counter()
        with machine_cpu() as cpu:
            subprocess.run([str(Path(sys.executable).parent / "g287"), "publish", str(copies / "site")], check=True,
                           capture_output=True, env={**os.environ, "G287_HOME": str(copies / "home")})
        as_command.append(time.perf_counter() - started)
        print(f"{'  the same, as g287 publish (new process)':<34} {as_command[-1]:6.1f} s  ({cpu.describe()})")
        shutil.rmtree(copies)
    shutil.rmtree(before)
    kinds = collections.Counter(path.split("/")[1] if path.startswith("es/") else path.split("/")[0]
                                for path in report.changed + report.added)
    print("  changed or added, by folder:", ", ".join(f"{k} {n:,}" for k, n in kinds.most_common()))
    print(f"republish after one new list, median of {args.repeat}: {statistics.median(in_process):.1f} s "
          f"(as a command {statistics.median(as_command):.1f} s)")
    publish("republish, nothing new")

if __name__ == "__main__":
    main()
