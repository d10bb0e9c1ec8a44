"""Which Callaway & Sant'Anna library should g287 use? Correctness against R did 2.5.0 and speed, side by side.

Candidates: csdid 0.4.3 (MIT), moderndid 0.2.0 (MIT), differences 0.3.0 (GPL-3), and g287's own API (which
wraps moderndid). Install the two that g287 does not depend on with ``pip install -e '.[bench-did]'``.

1. Correctness: the five R did 2.5.0 scenarios in ../shared/data/mpdta/reference (analytic SEs) plus the
   cross-validated doubly robust ``~lpop`` case: the largest absolute difference from the reference over every
   ATT(g,t), SE, aggregation (overall and per event time / group / period) and the pre-test W.
2. Speed: a synthetic 3,000-unit x 60-period staggered panel, doubly robust, never-treated controls,
   multiplier bootstrap with 999 draws and uniform bands, ATT(g,t) plus the event-study aggregation.

Each candidate runs in its own process (clean imports, a time limit). Run:
    python benchmarks/did_candidates.py [--timeout 900] [--units 3000 --periods 60]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REF = SHARED / "mpdta" / "reference"
MPDTA = {"data": "mpdta/mpdta.csv", "y": "lemp", "t": "year", "id": "countyreal", "g": "first.treat"}
SIM = {"data": "did_vignette_sim/sim_data.csv", "y": "Y", "t": "period", "id": "id", "g": "G"}
SCENARIOS = {  # name: (panel, covariates, control group, method, reference file)
    "mpdta_nev_dr": (MPDTA, [], "nevertreated", "dr", "r"),
    "mpdta_nyt_dr": (MPDTA, [], "notyettreated", "dr", "r"),
    "mpdta_nev_reg_cov": (MPDTA, ["lpop"], "nevertreated", "reg", "r"),
    "mpdta_nev_ipw": (MPDTA, [], "nevertreated", "ipw", "r"),
    "sim_nev_dr": (SIM, ["X"], "nevertreated", "dr", "r"),
    "nev_dr_lpop": (MPDTA, ["lpop"], "nevertreated", "dr", "crossval"),
}
CANDIDATES = {"csdid": "csdid 0.4.3 (MIT)", "moderndid": "moderndid 0.2.0 (MIT)",
              "differences": "differences 0.3.0 (GPL-3)", "g287": "g287 (moderndid inside)"}
KINDS = ("simple", "group", "dynamic", "calendar")


# ---- one adapter per candidate: fit(panel, names, covariates, control, method, boot) -> standard dict ----

def _scalar(value) -> float:
    import numpy as np

    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def _standard(attgt, aggregates, wald):
    return {"attgt": [[int(g), int(t), float(a), float(s)] for g, t, a, s in attgt],
            "agg": {k: [_scalar(v[0]), _scalar(v[1]), [[int(label), _scalar(a), _scalar(s)] for label, a, s in v[2]]]
                    for k, v in aggregates.items()}, "W": None if wald is None else float(wald)}


def fit_moderndid(frame, n, covariates, control, method, boot, kinds):
    import moderndid
    import polars as pl

    data = pl.from_pandas(frame)
    xformla = "~" + "+".join(covariates) if covariates else None
    r = moderndid.att_gt(data, yname=n["y"], tname=n["t"], idname=n["id"], gname=n["g"], xformla=xformla,
                         control_group=control, est_method=method, boot=boot, biters=999, cband=boot,
                         random_state=1)
    aggs = {}
    for kind in kinds:
        a = moderndid.aggte(r, type=kind, boot=boot, biters=999, cband=boot, random_state=1)
        rows = [] if a.event_times is None else list(zip(a.event_times, a.att_by_event, a.se_by_event))
        aggs[kind] = (a.overall_att, a.overall_se, rows)
    return _standard(zip(r.groups, r.times, r.att_gt, r.se_gt), aggs, r.wald_stat)


def fit_g287(frame, n, covariates, control, method, boot, kinds):
    import polars as pl

    from g287.studies import estimate_att_gt

    fit = estimate_att_gt(pl.from_pandas(frame), yname=n["y"], tname=n["t"], idname=n["id"], gname=n["g"],
                          covariates=covariates, control_group=control, est_method=method, boot=boot, biters=999,
                          cband=boot, random_state=1)
    aggs = {}
    for kind in kinds:
        a = fit.aggregate(kind)
        aggs[kind] = (a.overall_estimate, a.overall_std_error, list(zip(a.labels, a.estimates, a.std_errors)))
    return _standard(zip(fit.groups, fit.times, fit.estimates, fit.std_errors), aggs, fit.pretest_statistic)


def fit_csdid(frame, n, covariates, control, method, boot, kinds):
    from csdid.att_gt import ATTgt

    xformla = f"{n['y']}~" + ("+".join(covariates) if covariates else "1")
    with contextlib.redirect_stdout(io.StringIO()):  # csdid prints its summaries
        model = ATTgt(yname=n["y"], tname=n["t"], idname=n["id"], gname=n["g"], data=frame,
                      control_group=control, xformla=xformla, cband=boot, biters=999)
        model.fit(est_method=method, bstrap=boot)
        res = model.results
        aggs = {}
        for kind in kinds:
            model.aggte(typec=kind, bstrap=boot)
            a = model.atte
            rows = [] if a.get("egt") is None else list(zip(a["egt"], a["att_egt"], a["se_egt"]))
            aggs[kind] = (a["overall_att"], a["overall_se"], rows)
    wald = getattr(model, "W", None) or (getattr(model.MP, "W", None) if not isinstance(model.MP, dict)
                                         else model.MP.get("W"))
    return _standard(zip(res["group"], res["year"], res["att"], res["se"]), aggs, wald)


def fit_differences(frame, n, covariates, control, method, boot, kinds):
    import numpy as np
    from differences import ATTgt

    data = frame.copy()
    data["cohort"] = data[n["g"]].replace(0, np.nan)
    model = ATTgt(data=data.set_index([n["id"], n["t"]]), cohort_column="cohort")
    formula = n["y"] + (" ~ " + " + ".join(covariates) if covariates else "")
    iterations = 999 if boot else 0
    model.fit(formula=formula, est_method={"ipw": "std_ipw"}.get(method, method),
              control_group={"nevertreated": "never_treated", "notyettreated": "not_yet_treated"}[control],
              boot_iterations=iterations, random_state=1, progress_bar=False)
    res = model.results()

    def column(table, name):
        return table[next(c for c in table.columns if c[-1] == name)]

    attgt = zip(res.index.get_level_values("cohort"), res.index.get_level_values("time"), column(res, "ATT"),
                column(res, "std_error"))
    names = {"simple": "simple", "group": "cohort", "dynamic": "event", "calendar": "time"}
    aggs = {}
    for kind in kinds:
        table = model.aggregate(names[kind], boot_iterations=iterations, random_state=1)
        if kind == "simple":
            aggs[kind] = (column(table, "ATT").iloc[0], column(table, "std_error").iloc[0], [])
            continue
        overall = model.aggregate(names[kind], overall=True, boot_iterations=iterations, random_state=1)
        aggs[kind] = (column(overall, "ATT").iloc[0], column(overall, "std_error").iloc[0],
                      list(zip(table.index, column(table, "ATT"), column(table, "std_error"))))
    return _standard(attgt, aggs, None)


FITS = {"csdid": fit_csdid, "moderndid": fit_moderndid, "differences": fit_differences, "g287": fit_g287}


# ---- reference values ----

def _reference(scenario: str) -> dict:
    _, _, _, _, source = SCENARIOS[scenario]
    attgt, aggs, wald = [], {}, None
    if source == "r":
        for r in csv.DictReader((REF / "r_did_ref_attgt.csv").open()):
            if r["scenario"] == scenario:
                attgt.append([int(r["group"]), int(r["t"]), float(r["att"]), float(r["se"])])
        for r in csv.DictReader((REF / "r_did_ref_aggte.csv").open()):
            if r["scenario"] == scenario:
                entry = aggs.setdefault(r["type"], [float(r["overall_att"]), float(r["overall_se"]), []])
                if r["type"] != "simple":
                    entry[2].append([int(r["egt"]), float(r["att_egt"]), float(r["se_egt"])])
        wald = next(float(r["W"]) for r in csv.DictReader((REF / "r_did_ref_pretest.csv").open())
                    if r["scenario"] == scenario)
    else:
        for r in csv.DictReader((REF / "python_crossval_attgt_aggte.csv").open()):
            if r["scenario"] != scenario:
                continue
            value = [float(r["estimate"]), float(r["se_analytic"])]
            if r["level"] == "attgt":
                attgt.append([int(r["group_or_e"]), int(r["t"]), *value])
            elif r["level"] == "overall":
                aggs.setdefault(r["type"], [0.0, 0.0, []])[:2] = value
            else:
                aggs.setdefault(r["type"], [0.0, 0.0, []])[2].append([int(r["group_or_e"]), *value])
    return {"attgt": attgt, "agg": aggs, "W": wald}


def max_deviation(got: dict, want: dict) -> tuple[float, float]:
    """Largest |difference| over estimates and over SEs (inf when a cell is missing)."""
    est, se = 0.0, 0.0
    cells = {(g, t): (a, s) for g, t, a, s in got["attgt"]}
    for g, t, a, s in want["attgt"]:
        ga, gs = cells.get((g, t), (math.inf, math.inf))
        est, se = max(est, abs(ga - a)), max(se, abs(gs - s))
    for kind, (overall, overall_se, rows) in want["agg"].items():
        g_overall, g_se, g_rows = got["agg"].get(kind, (math.inf, math.inf, []))
        est, se = max(est, abs(g_overall - overall)), max(se, abs(g_se - overall_se))
        by_label = {label: (a, s) for label, a, s in g_rows}
        for label, a, s in rows:
            ga, gs = by_label.get(label, (math.inf, math.inf))
            est, se = max(est, abs(ga - a)), max(se, abs(gs - s))
    if want["W"] is not None and got["W"] is not None:
        est = max(est, abs(got["W"] - want["W"]))
    return est, se


# ---- worker (runs in a subprocess) ----

def worker(candidate: str, task: str, units: int, periods: int) -> dict:
    import pandas as pd

    if task == "speed":
        sys.path.insert(0, str(ROOT / "src"))
        from g287.studies.synthetic import generate_panel

        panel = generate_panel(n_units=units, n_periods=periods, seed=287).to_pandas()
        panel["unit"] = panel["unit"].astype(int)
        names = {"y": "y", "t": "period", "id": "unit", "g": "first_treated"}
        start = time.perf_counter()
        FITS[candidate](panel, names, [], "nevertreated", "dr", True, ["dynamic"])
        return {"seconds": time.perf_counter() - start}
    names, covariates, control, method, _ = SCENARIOS[task]
    frame = pd.read_csv(SHARED / names["data"])
    got = FITS[candidate](frame, names, covariates, control, method, False, KINDS)
    est, se = max_deviation(got, _reference(task))
    return {"estimate": est, "se": se, "pretest": got["W"] is not None}


def run(candidate: str, task: str, args) -> dict:
    command = [sys.executable, __file__, "--worker", candidate, task, "--units", str(args.units),
               "--periods", str(args.periods)]
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"> {args.timeout} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:70]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=60)
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--only", nargs="*", default=list(CANDIDATES))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker, args.units, args.periods)))
        return
    print("Correctness: largest |difference| from the reference (estimates incl. W / standard errors)")
    print(f"{'candidate':30}" + "".join(f"{s:>24}" for s in SCENARIOS))
    for candidate in args.only:
        cells = []
        for scenario in SCENARIOS:
            r = run(candidate, scenario, args)
            cells.append(r["error"] if "error" in r else f"{r['estimate']:.1e} / {r['se']:.1e}"
                         + ("" if r["pretest"] or SCENARIOS[scenario][4] != "r" else " (no W)"))
        print(f"{CANDIDATES[candidate]:30}" + "".join(f"{c:>24}" for c in cells), flush=True)
    print(f"\nSpeed: {args.units:,} units x {args.periods} periods, DR, 999 bootstrap draws, ATT(g,t) + event study")
    for candidate in args.only:
        r = run(candidate, "speed", args)
        print(f"{CANDIDATES[candidate]:30}{r.get('error') or format(r['seconds'], '.1f') + ' s':>12}", flush=True)


if __name__ == "__main__":
    main()
