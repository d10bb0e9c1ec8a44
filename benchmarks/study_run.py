"""Benchmark: ``g287 study run`` end to end on a synthetic 3,000-county x 60-period panel, 999 bootstrap draws.

Run:  python benchmarks/study_run.py [--units 3000] [--periods 60] [--repeat 3]

Prints, each the median of ``--repeat`` runs in a fresh process:

- g287 end to end: ``g287 study run`` on a spec (doubly robust, never-treated controls, multiplier bootstrap
  with 999 draws and uniform bands, all four aggregations): reading the panel, checks, estimation,
  aggregations, tables, event-study plot and HTML report, including Python start-up and imports;
- the baseline in the same run: the library alone (moderndid ``att_gt`` and ``aggte`` with its own bootstrap,
  the same options and the same four aggregations, no outputs), in a fresh process;
- their ratio. Goal: g287 end to end <= 10 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEC = """title = "Benchmark: synthetic staggered panel"
[panel]
path = "panel.parquet"
idname = "unit"
tname = "period"
yname = "y"
[treatment]
source = "column"
gname = "first_treated"
[estimator]
est_method = "dr"
boot = true
biters = 999
cband = true
"""

BASELINE = """
import polars as pl, moderndid
panel = pl.read_parquet("{panel}").with_columns(pl.col("unit").cast(pl.Int64))
fit = moderndid.att_gt(panel, yname="y", tname="period", idname="unit", gname="first_treated",
                       est_method="dr", boot=True, biters=999, cband=True, random_state=287)
for kind in ("simple", "dynamic", "group", "calendar"):
    moderndid.aggte(fit, type=kind, boot=True, biters=999, cband=True, random_state=287)
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("g287")
    g287 = [str(beside)] if beside.exists() else [shutil.which("g287") or "g287"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([*g287, "study", "synth", "--out", str(folder / "panel.parquet"), "--units",
                        str(args.units), "--periods", str(args.periods)], check=True, capture_output=True)
        (folder / "study.toml").write_text(SPEC)
        ours = [timed([*g287, "study", "run", "study.toml"], folder) for _ in range(args.repeat)]
        script = BASELINE.format(panel=folder / "panel.parquet")
        baseline = [timed([sys.executable, "-c", script], folder) for _ in range(args.repeat)]
    ours_s, base_s = statistics.median(ours), statistics.median(baseline)
    print(f"Panel: {args.units:,} units x {args.periods} periods, DR, 999 bootstrap draws, uniform bands, "
          f"4 aggregations; median of {args.repeat} runs")
    print(f"g287 study run, end to end (outputs, plot, report):  {ours_s:6.1f} s   goal <= 10 s: "
          f"{'met' if ours_s <= 10 else 'NOT met'}")
    print(f"baseline: moderndid alone (no outputs):               {base_s:6.1f} s")
    print(f"ratio baseline / g287:                                 {base_s / ours_s:6.1f}x")


if __name__ == "__main__":
    main()
