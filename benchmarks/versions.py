"""Whole g287 commands timed under this tree's code and under another revision's, run alternately.

    python benchmarks/versions.py --against d32aa43 --repeat 5     # reads ../shared/data

For a change meant to keep speed (a reorganisation of the code): each command runs as a new process, once under
each revision in turn (this tree, then the other), ``--repeat`` times after one warm-up of each; the script prints
each revision's median wall time and the median of the pairwise ratios (this tree / the other), which holds when
the machine's speed drifts. The other revision is checked out with ``git worktree`` into a temporary folder and
run with ``PYTHONPATH`` pointing at its ``src``.

Commands: ``g287 counts --by model --json`` on the bundled ledger (start-up and one query), ``g287 build --full``
of a home holding the whole shared archive (its parse cache warm: the ledger rules, geography and store writing),
and ``g287 publish`` of the bundled ledger into a new folder (every page, feed and download).
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

ROOT = Path(__file__).resolve().parents[1]
RUN = [sys.executable, "-c", "from g287.cli import main; main()"]


def g287(src: Path, home: Path, *args: str, check: bool = True) -> float:
    """Run ``g287 ARGS`` with the package in ``src`` and ``G287_HOME=home``; its wall time in seconds."""
    env = {**os.environ, "PYTHONPATH": str(src), "G287_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run([*RUN, *args], env=env, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def import_archive(src: Path, home: Path, shared: Path) -> None:
    """The README's import of the whole shared archive into ``home``, then a build."""
    ice = shared / "ice-287g"
    files = [*sorted(ice.glob("archive/*/*.xlsx")), *sorted(ice.glob("participating-html-derived/*.xlsx")),
             ice / "historical" / "historical-ice-lists.csv",
             *(ice / "history" / name for name in ("pre2018-roster-long.csv", "historical-oig-2009.csv",
                                                   "kostandini_tableA1.csv", "primary_source_chart_2010-05-08.csv",
                                                   "ice_live_287gMOA_index_2026-04-20.tsv",
                                                   "pre2018-ice-removals-long.csv")),
             *sorted(ice.glob("moa/*.pdf"))]
    g287(src, home, "import", *map(str, files))
    g287(src, home, "build")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=ROOT / ".." / "shared" / "data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="g287-versions-") as scratch:
        folder = Path(scratch)
        other = folder / "other"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(other), args.against],
                       check=True)
        try:
            sources = {"this tree": ROOT / "src", args.against: other / "src"}
            homes = {name: folder / f"home-{i}" for i, name in enumerate(sources)}
            print("importing the shared archive into a home for each revision ...", flush=True)
            for name, src in sources.items():
                import_archive(src, homes[name], args.shared)
            empty = folder / "empty-home"
            commands = {
                "counts --by model --json (bundled)": lambda src, home: g287(src, empty, "counts", "--by", "model",
                                                                             "--json"),
                "build --full (whole archive)": lambda src, home: g287(src, home, "build", "--full"),
                "publish (bundled, new folder)": lambda src, home: publish(src, empty, folder / "site"),
            }
            print(f"{'command':38s} {'this tree':>10s} {args.against:>10s} {'ratio':>7s} (min-max of ratios)")
            for label, command in commands.items():
                times: dict[str, list[float]] = {name: [] for name in sources}
                for run in range(args.repeat + 1):  # the first round warms both up and is not counted
                    for name, src in sources.items():
                        seconds = command(src, homes[name])
                        if run:
                            times[name].append(seconds)
                mine, theirs = times["this tree"], times[args.against]
                ratios = [a / b for a, b in zip(mine, theirs)]
                print(f"{label:38s} {statistics.median(mine):9.2f}s {statistics.median(theirs):9.2f}s "
                      f"{statistics.median(ratios):7.3f} ({min(ratios):.3f}-{max(ratios):.3f})", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)


def publish(src: Path, home: Path, out: Path) -> float:
    """``g287 publish`` of the bundled ledger into a new folder ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    return g287(src, home, "publish", str(out))


if __name__ == "__main__":
    main()
