"""Speed of the racial-profiling audit on synthetic stops, against a naive per-row baseline, in one run.

    python benchmarks/audit_scale.py                 # 10M stops on DuckDB; baseline on a 100k subsample
    python benchmarks/audit_scale.py --n 1000000 --spark

g287: the whole audit (profile pass, sun times per location and day, the one SQL aggregation, both tests) on
DuckDB, and optionally on Spark in local mode. Baseline: pandas and astral, one stop at a time (sun times per
row, then a pandas group-by and the same GLM), as a researcher would write it without g287.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from g287.audits.audit import estimate_audit
from g287.audits.synthetic import write_stops
from g287.audits.veil import design_matrix, fit_binomial, spline_knots

OUT = Path(__file__).resolve().parent / "out"


def naive_audit(stops: pd.DataFrame) -> float:
    """The veil-of-darkness test row by row with astral; returns the darkness coefficient."""
    from zoneinfo import ZoneInfo

    from astral import Observer
    from astral.sun import dusk, sunset

    sunset_minute, dusk_minute, minute = [], [], []
    for row in stops.itertuples(index=False):
        zone = ZoneInfo(row.tz)
        observer = Observer(latitude=row.lat, longitude=row.lng)
        day = dt.date.fromisoformat(str(row.date)[:10])
        evening = sunset(observer, day, tzinfo=zone)
        night = dusk(observer, day, tzinfo=zone)
        sunset_minute.append(evening.hour * 60 + evening.minute)
        dusk_minute.append(night.hour * 60 + night.minute)
        hour, minutes = str(row.time).split(":")[:2]
        minute.append(int(hour) * 60 + int(minutes))
    stops = stops.assign(sunset_minute=sunset_minute, dusk_minute=dusk_minute, minute=minute)
    start, end = stops["sunset_minute"].min(), stops["dusk_minute"].max()
    kept = stops[stops["subject_race"].isin(["white", "black"]) & stops["minute"].between(start, end)
                 & ~((stops["minute"] > stops["sunset_minute"]) & (stops["minute"] < stops["dusk_minute"]))].copy()
    kept["rounded_minute"] = (kept["minute"] + 2.5) // 5 * 5
    kept["is_dark"] = (kept["minute"] > kept["dusk_minute"]).astype(int)
    kept["black"] = (kept["subject_race"] == "black").astype(int)
    counts = kept.groupby(["location", "rounded_minute", "is_dark"], as_index=False).agg(
        stops=("black", "size"), minority=("black", "sum"))
    knots = spline_knots(counts["rounded_minute"], counts["stops"])
    fit = fit_binomial(design_matrix(counts, knots, sorted(counts["location"].unique())), counts["minority"],
                       counts["stops"])
    return float(fit.params["is_dark"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="synthetic stops (default 10M)")
    parser.add_argument("--baseline", type=int, default=100_000, help="stops in the baseline's subsample")
    parser.add_argument("--repeat", type=int, default=3, help="g287 runs; the median is reported")
    parser.add_argument("--spark", action="store_true", help="also run the audit on Spark (local[2])")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    path = OUT / f"stops-{args.n}.parquet"
    if not path.exists():
        started = time.perf_counter()
        write_stops(path, n=args.n, darkness_effect=0.4, seed=0)
        print(f"generated {args.n:,} synthetic stops in {time.perf_counter() - started:.1f} s: {path}")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, DuckDB {duckdb.__version__}")

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = estimate_audit(path)
        timings.append(time.perf_counter() - started)
    seconds = float(np.median(timings))
    estimate = result.veil.tidy().iloc[0]
    rate = args.n / seconds
    print(f"g287 audit on DuckDB: {args.n:,} stops in {seconds:.2f} s (median of {args.repeat}: "
          f"{', '.join(f'{t:.2f}' for t in timings)}) = {rate:,.0f} stops/s; "
          f"darkness {estimate['estimate']:.4f} (SE {estimate['std_error']:.4f}, true 0.4)")

    if args.spark:
        started = time.perf_counter()
        estimate_audit(path, engine="spark")
        spark_seconds = time.perf_counter() - started
        print(f"g287 audit on Spark local[2]: {spark_seconds:.2f} s = {args.n / spark_seconds:,.0f} stops/s "
              "(includes starting Spark)")

    sample = duckdb.sql(f"SELECT * FROM read_parquet('{path}') USING SAMPLE {args.baseline} ROWS (reservoir, 7)").df()
    started = time.perf_counter()
    naive = naive_audit(sample)
    naive_seconds = time.perf_counter() - started
    naive_rate = args.baseline / naive_seconds
    print(f"baseline (pandas + astral, row by row): {args.baseline:,} stops in {naive_seconds:.2f} s = "
          f"{naive_rate:,.0f} stops/s; darkness {naive:.4f}")
    print(f"ratio g287 DuckDB / baseline: {rate / naive_rate:,.0f}x; goal >= 1,000,000 stops/s: "
          f"{'met' if rate >= 1_000_000 else 'not met'}")


if __name__ == "__main__":
    main()
