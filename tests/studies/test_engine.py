"""The engine's multiplier bootstrap gives exactly moderndid's own draws, standard errors and bands."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from g287.studies import engine
from tests.conftest import shared_path

OPTIONS = {"yname": "lemp", "tname": "year", "idname": "countyreal", "gname": "first.treat", "xformla": None,
           "control_group": "nevertreated", "est_method": "dr", "boot": True, "biters": 499, "cband": True,
           "clustervars": None, "alp": 0.05, "anticipation": 0, "base_period": "varying",
           "allow_unbalanced_panel": False, "random_state": 7}


def test_draws_equal_the_library_kernel():
    from moderndid.core.numba_utils import multiplier_bootstrap

    influence = np.random.default_rng(0).normal(size=(800, 13))
    ours = engine.draw_multiplier_bootstrap(influence, biters=300, random_state=42)
    theirs = multiplier_bootstrap(influence, 300, random_state=42)
    assert np.max(np.abs(ours - theirs)) < 1e-15


@pytest.mark.parametrize("kind", ["dynamic", "group", "calendar", "simple"])
def test_bootstrap_results_equal_the_library_on_mpdta(kind):
    panel = pl.read_csv(shared_path("mpdta/mpdta.csv"))
    fast = engine.fit_group_time(panel, **OPTIONS)
    slow = engine.fit_group_time(panel, **OPTIONS, fast_bootstrap=False)
    assert np.max(np.abs(fast.se - slow.se)) < 1e-12
    assert fast.critical_value == pytest.approx(slow.critical_value, abs=1e-12)
    options = {"boot": True, "biters": 499, "cband": True, "alp": 0.05, "clustervars": None, "random_state": 7}
    a = engine.aggregate(fast, kind, **options)
    b = engine.aggregate(slow, kind, **options, fast_bootstrap=False)
    assert a.overall_se == pytest.approx(b.overall_se, abs=1e-12)
    assert np.max(np.abs(a.se - b.se), initial=0) < 1e-12


def test_the_library_kernel_is_restored_after_a_call():
    import importlib

    mboot = importlib.import_module("moderndid.did.mboot")
    before = mboot._run_multiplier_bootstrap
    engine.fit_group_time(pl.read_csv(shared_path("mpdta/mpdta.csv")), **OPTIONS)
    assert mboot._run_multiplier_bootstrap is before


@pytest.mark.parametrize("est_method", ["dr", "ipw"])
def test_without_covariates_every_method_equals_the_library_fit(est_method):
    """The engine fits the regression form when there are no covariates; the library's DR/IPW give the same."""
    import moderndid

    panel = pl.read_csv(shared_path("mpdta/mpdta.csv"))
    options = {**OPTIONS, "boot": False, "cband": False, "est_method": est_method, "control_group": "notyettreated"}
    ours = engine.fit_group_time(panel, **options)
    theirs = moderndid.att_gt(panel, **{k: v for k, v in options.items() if k != "clustervars"})
    assert np.max(np.abs(ours.att - theirs.att_gt)) < 1e-12
    assert np.max(np.abs(ours.se - theirs.se_gt)) < 1e-12
    assert ours.wald_stat == pytest.approx(theirs.wald_stat, abs=1e-9)
