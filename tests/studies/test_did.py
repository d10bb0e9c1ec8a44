"""g287's Callaway & Sant'Anna estimates against R did 2.5.0 (../shared/data/mpdta/reference, analytic SEs).

Every ATT(g,t), every aggregation (overall and per event time / group / period) and the pre-test must match
each reference cell within 1e-6. R printed the pre-test p-value with 5 decimals, so it is compared to 1e-5.
``reference/generate_reference.R`` regenerates the R values.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from g287.errors import StudyError
from g287.studies import estimate_att_gt
from g287.studies.synthetic import generate_panel
from tests.conftest import shared_path

TOL = 1e-6
MPDTA = {"yname": "lemp", "tname": "year", "idname": "countyreal", "gname": "first.treat"}
R_SCENARIOS = {
    "mpdta_nev_dr": ("mpdta/mpdta.csv", MPDTA, {"control_group": "nevertreated", "est_method": "dr"}),
    "mpdta_nyt_dr": ("mpdta/mpdta.csv", MPDTA, {"control_group": "notyettreated", "est_method": "dr"}),
    "mpdta_nev_reg_cov": ("mpdta/mpdta.csv", MPDTA, {"covariates": ["lpop"], "est_method": "reg"}),
    "mpdta_nev_ipw": ("mpdta/mpdta.csv", MPDTA, {"est_method": "ipw"}),
    "sim_nev_dr": ("did_vignette_sim/sim_data.csv", {"yname": "Y", "tname": "period", "idname": "id", "gname": "G"},
                   {"covariates": ["X"], "est_method": "dr"}),
}
CROSSVAL = {"nev_dr_lpop": {"covariates": ["lpop"], "est_method": "dr"},
            "nev_reg_lpop": {"covariates": ["lpop"], "est_method": "reg"},
            "nev_ipw_lpop": {"covariates": ["lpop"], "est_method": "ipw"},
            "nev_dr_unc": {"est_method": "dr"}}


def _rows(name: str) -> list[dict]:
    with shared_path(f"mpdta/reference/{name}").open(newline="") as f:
        return list(csv.DictReader(f))


def _fit(data: str, names: dict, options: dict):
    return estimate_att_gt(pl.read_csv(shared_path(data)), **names, **options)


def _close(got: float, want: str, what: str) -> None:
    assert abs(got - float(want)) <= TOL, f"{what}: g287 {got!r}, reference {want}"


@pytest.fixture(scope="module", params=sorted(R_SCENARIOS))
def r_scenario(request):
    data, names, options = R_SCENARIOS[request.param]
    return request.param, _fit(data, names, options)


def test_every_att_gt_and_se_matches_r(r_scenario):
    name, fit = r_scenario
    reference = [r for r in _rows("r_did_ref_attgt.csv") if r["scenario"] == name]
    ours = {(row["group"], row["time"]): row for row in fit.tidy().iter_rows(named=True)}
    assert len(ours) == len(reference)
    for ref in reference:
        row = ours[(int(ref["group"]), int(ref["t"]))]
        _close(row["estimate"], ref["att"], f"{name} ATT({ref['group']},{ref['t']})")
        _close(row["std_error"], ref["se"], f"{name} SE({ref['group']},{ref['t']})")


def test_every_aggregation_matches_r(r_scenario):
    name, fit = r_scenario
    reference = [r for r in _rows("r_did_ref_aggte.csv") if r["scenario"] == name]
    for kind in ("simple", "group", "dynamic", "calendar"):
        rows = [r for r in reference if r["type"] == kind]
        agg = fit.aggregate(kind)
        _close(agg.overall_estimate, rows[0]["overall_att"], f"{name} {kind} overall")
        _close(agg.overall_std_error, rows[0]["overall_se"], f"{name} {kind} overall SE")
        if kind == "simple":
            continue
        by_label = {row["label"]: row for row in agg.tidy().iter_rows(named=True) if row["label"] is not None}
        assert sorted(by_label) == sorted(int(r["egt"]) for r in rows)
        for r in rows:
            _close(by_label[int(r["egt"])]["estimate"], r["att_egt"], f"{name} {kind} {r['egt']}")
            _close(by_label[int(r["egt"])]["std_error"], r["se_egt"], f"{name} {kind} {r['egt']} SE")


def test_pretest_matches_r(r_scenario):
    name, fit = r_scenario
    ref = next(r for r in _rows("r_did_ref_pretest.csv") if r["scenario"] == name)
    test = fit.pretest()
    _close(test["statistic"], ref["W"], f"{name} W")
    assert abs(test["p_value"] - float(ref["Wpval"])) <= 1e-5


@pytest.mark.parametrize("scenario", sorted(CROSSVAL))
def test_cross_validated_scenarios_match(scenario):
    """Doubly robust with lpop (and the other cross-validated cases): ATT(g,t), the aggregations, SEs."""
    fit = _fit("mpdta/mpdta.csv", MPDTA, CROSSVAL[scenario])
    rows = [r for r in _rows("python_crossval_attgt_aggte.csv") if r["scenario"] == scenario]
    cells = {(row["group"], row["time"]): row for row in fit.tidy().iter_rows(named=True)}
    for r in (r for r in rows if r["level"] == "attgt"):
        row = cells[(int(r["group_or_e"]), int(r["t"]))]
        _close(row["estimate"], r["estimate"], f"{scenario} ATT")
        _close(row["std_error"], r["se_analytic"], f"{scenario} SE")
    for kind in ("simple", "group", "dynamic", "calendar"):
        agg = fit.aggregate(kind)
        overall = next(r for r in rows if r["level"] == "overall" and r["type"] == kind)
        _close(agg.overall_estimate, overall["estimate"], f"{scenario} {kind}")
        _close(agg.overall_std_error, overall["se_analytic"], f"{scenario} {kind} SE")
        labels = dict(zip(agg.labels, zip(agg.estimates, agg.std_errors)))
        for r in (r for r in rows if r["level"] == "egt" and r["type"] == kind):
            estimate, se = labels[int(r["group_or_e"])]
            _close(estimate, r["estimate"], f"{scenario} {kind} {r['group_or_e']}")
            _close(se, r["se_analytic"], f"{scenario} {kind} {r['group_or_e']} SE")


def test_tidy_has_the_house_columns_and_consistent_intervals():
    fit = _fit("mpdta/mpdta.csv", MPDTA, {})
    tidy = fit.tidy()
    assert tidy.columns[:7] == ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
    z = (tidy["conf_high"] - tidy["estimate"]) / tidy["std_error"]
    assert np.allclose(z.to_numpy(), 1.959963984540054)
    assert np.allclose((tidy["estimate"] / tidy["std_error"]).to_numpy(), tidy["statistic"].to_numpy())
    assert fit.spec.est_method == "dr" and fit.spec.biters == 999
    assert fit.provenance["units"] == 500 and fit.provenance["first_period"] == 2003
    assert "ATT(g=2004,t=2004)" in fit.summary() and "Pre-test" in fit.summary()
    assert "ATT (dynamic)" in fit.aggregate("dynamic").summary()


def test_bootstrap_gives_uniform_bands_wider_than_pointwise():
    fit = _fit("mpdta/mpdta.csv", MPDTA, {"boot": True, "cband": True, "biters": 999, "random_state": 1})
    assert fit.critical_value > 1.96
    dynamic = fit.aggregate("dynamic")
    assert dynamic.critical_value > 1.96
    analytic = _fit("mpdta/mpdta.csv", MPDTA, {})
    # Bootstrap SEs estimate the analytic ones: same order, within 15 % for every cell of mpdta.
    ratio = np.array(fit.std_errors) / np.array(analytic.std_errors)
    assert np.all(np.abs(ratio - 1) < 0.15), ratio


def test_clustered_bootstrap_runs_and_same_seed_reproduces():
    panel = pl.read_csv(shared_path("did_vignette_sim/sim_data.csv"))
    options = {"yname": "Y", "tname": "period", "idname": "id", "gname": "G", "covariates": ["X"], "boot": True, "cband": True,
                   "clustervars": ["cluster"], "random_state": 5, "biters": 199}
    first, second = estimate_att_gt(panel, **options), estimate_att_gt(panel, **options)
    assert first.std_errors == second.std_errors and np.isfinite(first.critical_value)


def test_synthetic_effect_is_recovered_within_its_interval():
    panel = generate_panel(n_units=1500, n_periods=10, n_cohorts=3, effect=0.3, effect_growth=0.05, seed=11)
    fit = estimate_att_gt(panel, yname="y", tname="period", idname="unit", gname="first_treated",
                          est_method="reg")
    dynamic = fit.aggregate("dynamic").tidy().filter(pl.col("label") >= 0)
    truth = 0.3 + 0.05 * dynamic["label"]
    inside = (dynamic["conf_low"] <= truth) & (truth <= dynamic["conf_high"])
    assert inside.sum() >= len(truth) - 1, dynamic


def test_options_are_checked_with_clear_errors():
    panel = generate_panel(n_units=40, n_periods=4, n_cohorts=1)
    names = {"yname": "y", "tname": "period", "idname": "unit", "gname": "first_treated"}
    with pytest.raises(StudyError, match='^est_method "ols" is unknown. Use one of: dr, ipw, reg.$'):
        estimate_att_gt(panel, **names, est_method="ols")
    with pytest.raises(StudyError, match="^Clustered standard errors need the bootstrap"):
        estimate_att_gt(panel, **names, clustervars=["x"])
    with pytest.raises(StudyError, match='^Aggregation "cohort" is unknown'):
        estimate_att_gt(panel, **names).aggregate("cohort")


def test_unbalanced_panel_matches_an_independent_implementation():
    """allow_unbalanced_panel keeps every unit; reference: the differences package (reference/ script)."""
    mpdta = pl.read_csv(shared_path("mpdta/mpdta.csv"))
    dropped = mpdta["countyreal"].unique().sort()[:60].implode()
    panel = mpdta.filter(~(pl.col("countyreal").is_in(dropped) & (pl.col("year") == 2005)))
    fit = estimate_att_gt(panel, **MPDTA, allow_unbalanced_panel=True)
    assert fit.provenance["units"] == 500 and fit.provenance["estimator"].startswith("csdid")
    reference = list(csv.DictReader((Path(__file__).parent / "reference" / "unbalanced_mpdta_dr.csv").open()))
    cells = {(row["group"], row["time"]): row for row in fit.tidy().iter_rows(named=True)}
    assert len(cells) == len(reference) == 12
    for r in reference:
        row = cells[(int(r["group"]), int(r["t"]))]
        _close(row["estimate"], r["att"], f"unbalanced ATT({r['group']},{r['t']})")
        _close(row["std_error"], r["se"], f"unbalanced SE({r['group']},{r['t']})")
    balanced = estimate_att_gt(panel, **MPDTA)
    assert balanced.provenance["units"] == 440
    assert balanced.warnings[0].startswith("60 of 500 units lack some of the 5 periods and were dropped")
    dynamic = fit.aggregate("dynamic")
    assert dynamic.labels == (-3, -2, -1, 0, 1, 2, 3) and all(np.isfinite(dynamic.std_errors))


def test_pretest_with_many_restrictions_carries_a_note():
    panel = generate_panel(n_units=200, n_periods=12, n_cohorts=4, seed=5)
    fit = estimate_att_gt(panel, yname="y", tname="period", idname="unit", gname="first_treated")
    test = fit.pretest()
    assert test["pre_periods"] > 10 and test["note"].startswith(f"With {test['pre_periods']} pre-treatment ATT(g,t)")
    assert _fit("mpdta/mpdta.csv", MPDTA, {}).pretest()["note"] is None
