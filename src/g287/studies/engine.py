"""The one place g287 calls its difference-in-differences libraries (moderndid and csdid, both MIT).

Everything else in :mod:`g287.studies` talks to this module through plain arrays, so a library can be
replaced by rewriting these functions and re-running the tests against R ``did`` 2.5.0.

Why these (``benchmarks/did_candidates.py``, docs/benchmarks.md): csdid, moderndid and differences all
reproduce every R ``did`` reference to about 1e-10. moderndid, with g287's bootstrap kernel below, is the
fastest on a 3,000-county panel, so it fits balanced panels. It fails on unbalanced panels (0.2.0 raises with
``allow_unbalanced_panel`` and mis-scales SEs with ``panel=False``), so those go to csdid, which implements
R did's unbalanced-panel estimator and agrees with the independent ``differences`` package to 1e-15.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np

MODERNDID = f"moderndid {version('moderndid')}"
CSDID = f"csdid {version('csdid')}"

# Mammen's two-point weights, as moderndid draws them (csdid draws Rademacher weights; both are valid
# multiplier weights, so bootstrap SEs differ between libraries only by simulation noise).
_SQRT5 = np.sqrt(5.0)
_KAPPA_LOW, _KAPPA_HIGH = 0.5 * (1 - _SQRT5), 0.5 * (1 + _SQRT5)
_P_KAPPA = 0.5 * (1 + _SQRT5) / _SQRT5


def _mammen_weights(rng: np.random.Generator, draws: int, n: int) -> np.ndarray:
    return np.where(rng.binomial(1, _P_KAPPA, size=(draws, n)).astype(np.int8) == 1, _KAPPA_LOW, _KAPPA_HIGH)


@functools.lru_cache(maxsize=2)
def _seeded_mammen_weights(seed: int, biters: int, n: int) -> np.ndarray:
    # One study bootstraps ATT(g,t) and each aggregation with the same seed, so the library draws the same
    # weights every time; drawing them once saves most of the bootstrap's cost.
    weights = _mammen_weights(np.random.default_rng(seed), biters, n)
    weights.flags.writeable = False
    return weights


def draw_multiplier_bootstrap(influence: np.ndarray, biters: int, random_state=None) -> np.ndarray:
    """Bootstrap means of ``influence`` (n x k) under Mammen weights: one (biters x n) @ (n x k) product.

    The weights are drawn from the same generator, in the same order, as moderndid's own kernel, so the
    draws are identical; only the arithmetic is a single matrix product instead of a loop over draws (about
    30x faster on a 3,000-unit, 650-cell panel). ``tests/studies/test_engine.py`` checks the equality.

    >>> draw_multiplier_bootstrap(np.ones((4, 1)), biters=3, random_state=1).shape
    (3, 1)
    """
    influence = np.atleast_2d(np.asarray(influence, dtype=np.float64).T).T
    n = influence.shape[0]
    batch = min(max(1, (1 << 30) // n), biters)
    if batch == biters and isinstance(random_state, int | np.integer):
        return _seeded_mammen_weights(int(random_state), biters, n) @ influence / n
    rng = np.random.default_rng(random_state)
    out = np.empty((biters, influence.shape[1]))
    for start in range(0, biters, batch):
        stop = min(start + batch, biters)
        out[start:stop] = _mammen_weights(rng, stop - start, n) @ influence / n
    return out


@contextlib.contextmanager
def _fast_bootstrap() -> Iterator[None]:
    """Use :func:`draw_multiplier_bootstrap` inside moderndid's ``mboot`` for the duration of one call."""
    # moderndid.did re-exports the function ``mboot`` under its module's name, so fetch the module itself.
    mboot = importlib.import_module("moderndid.did.mboot")
    original = mboot._run_multiplier_bootstrap
    mboot._run_multiplier_bootstrap = draw_multiplier_bootstrap
    try:
        yield
    finally:
        mboot._run_multiplier_bootstrap = original


@dataclass(frozen=True)
class GroupTimeFit:
    """ATT(g,t) estimates as arrays, with what the aggregations need (the library's own result object)."""

    groups: np.ndarray
    times: np.ndarray
    att: np.ndarray
    se: np.ndarray
    critical_value: float
    wald_stat: float | None
    wald_pvalue: float | None
    n_units: int
    library: str
    native: object


@dataclass(frozen=True)
class AggregateFit:
    """One aggregation: the overall effect and, except for ``simple``, the effect per event time/group/period."""

    kind: str
    overall_att: float
    overall_se: float
    labels: np.ndarray
    att: np.ndarray
    se: np.ndarray
    critical_value: float


def is_unbalanced(frame, idname: str, tname: str) -> bool:
    """True when some unit lacks some period of the panel."""
    return frame.height != frame[idname].n_unique() * frame[tname].n_unique()


@contextlib.contextmanager
def _seeded_global_rng(seed: int | None) -> Iterator[None]:
    """csdid draws from NumPy's global generator: seed it for one call, then put its state back."""
    state = np.random.get_state()
    if seed is not None:
        np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _quiet():
    """Silence a library's printed summaries and repeated warnings (g287's panel checks report them)."""
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    return stack


def _fit_csdid(frame, *, yname, tname, idname, gname, xformla, control_group, est_method, boot, biters, cband,
               clustervars, alp, anticipation, base_period, random_state) -> GroupTimeFit:
    from csdid.att_gt import ATTgt

    formula = f"{yname}~" + (xformla[1:] if xformla else "1")
    with _quiet(), _seeded_global_rng(random_state):
        model = ATTgt(yname=yname, tname=tname, idname=idname, gname=gname, data=frame.to_pandas(),
                      control_group=control_group, xformla=formula, allow_unbalanced_panel=True,
                      clustervar=(clustervars or [None])[0], anticipation=anticipation, cband=cband, biters=biters,
                      alp=alp)
        model.fit(est_method=est_method, base_period=base_period, bstrap=boot)
    r, mp = model.results, model.MP
    return GroupTimeFit(groups=np.asarray(r["group"]), times=np.asarray(r["year"]),
                        att=np.asarray(r["att"], dtype=float), se=np.asarray(r["se"], dtype=float),
                        critical_value=float(r["c"]), wald_stat=None if mp["W"] is None else float(mp["W"]),
                        wald_pvalue=None if mp["Wpval"] is None else float(mp["Wpval"]),
                        n_units=int(mp["n"]), library=CSDID, native=(model, random_state))


def fit_group_time(frame, *, yname: str, tname: str, idname: str, gname: str, xformla: str | None,
                   control_group: str, est_method: str, boot: bool, biters: int, cband: bool,
                   clustervars: list[str] | None, alp: float, anticipation: int, base_period: str,
                   allow_unbalanced_panel: bool, random_state: int | None, fast_bootstrap: bool = True) -> GroupTimeFit:
    """Callaway & Sant'Anna group-time ATTs on a polars frame (argument names as in R ``did::att_gt``)."""
    if allow_unbalanced_panel and is_unbalanced(frame, idname, tname):
        return _fit_csdid(frame, yname=yname, tname=tname, idname=idname, gname=gname, xformla=xformla,
                          control_group=control_group, est_method=est_method, boot=boot, biters=biters,
                          cband=cband, clustervars=clustervars, alp=alp, anticipation=anticipation,
                          base_period=base_period, random_state=random_state)
    import moderndid

    # Without covariates the propensity score is the treated share and the outcome model the comparison mean,
    # so DR, IPW and regression give the same ATT(g,t) and influence functions (equal to 1e-15 on mpdta and
    # on synthetic panels; tests/studies/test_engine.py). Regression skips two logistic fits per cell.
    est_method = "reg" if xformla is None else est_method
    kwargs = {"yname": yname, "tname": tname, "idname": idname, "gname": gname, "xformla": xformla,
              "control_group": control_group, "est_method": est_method, "boot": boot, "biters": biters,
              "cband": cband, "clustervars": clustervars or None, "alp": alp, "anticipation": anticipation,
              "base_period": base_period, "allow_unbalanced_panel": False, "random_state": random_state}
    with _fast_bootstrap() if fast_bootstrap else contextlib.nullcontext(), _quiet():
        result = moderndid.att_gt(frame, **kwargs)
    return GroupTimeFit(groups=np.asarray(result.groups), times=np.asarray(result.times),
                        att=np.asarray(result.att_gt, dtype=float), se=np.asarray(result.se_gt, dtype=float),
                        critical_value=float(result.critical_value),
                        wald_stat=None if result.wald_stat is None else float(result.wald_stat),
                        wald_pvalue=None if result.wald_pvalue is None else float(result.wald_pvalue),
                        n_units=int(result.n_units or 0), library=MODERNDID, native=result)


def aggregate(fit: GroupTimeFit, kind: str, *, boot: bool, biters: int, cband: bool, alp: float,
              clustervars: list[str] | None, random_state: int | None, min_e: float = -np.inf,
              max_e: float = np.inf, balance_e: int | None = None, fast_bootstrap: bool = True) -> AggregateFit:
    """Aggregate ATT(g,t): ``simple``, ``dynamic`` (event study), ``group`` or ``calendar`` (R ``did::aggte``)."""
    if fit.library == CSDID:
        model, seed = fit.native
        with _quiet(), _seeded_global_rng(random_state if random_state is not None else seed):
            model.aggte(typec=kind, balance_e=balance_e, min_e=min_e, max_e=max_e, bstrap=boot, biters=biters,
                        cband=cband, alp=alp, clustervars=clustervars or None)
        a = model.atte
        egt = a.get("egt")
        crit = a.get("crit_val_egt")
        return AggregateFit(kind=kind, overall_att=float(np.asarray(a["overall_att"]).reshape(-1)[0]),
                            overall_se=float(np.asarray(a["overall_se"]).reshape(-1)[0]),
                            labels=np.asarray([] if egt is None else egt).reshape(-1),
                            att=np.asarray([] if egt is None else a["att_egt"], dtype=float).reshape(-1),
                            se=np.asarray([] if egt is None else a["se_egt"], dtype=float).reshape(-1),
                            critical_value=float("nan") if crit is None else float(crit))
    import moderndid

    with _fast_bootstrap() if fast_bootstrap else contextlib.nullcontext(), _quiet():
        result = moderndid.aggte(fit.native, type=kind, boot=boot, biters=biters, cband=cband, alp=alp,
                                 clustervars=clustervars or None, random_state=random_state, min_e=min_e,
                                 max_e=max_e, balance_e=balance_e)
    labels = np.asarray(result.event_times if result.event_times is not None else [])
    att = np.asarray(result.att_by_event if result.att_by_event is not None else [], dtype=float)
    se = np.asarray(result.se_by_event if result.se_by_event is not None else [], dtype=float)
    crit = result.critical_values
    critical = float(np.atleast_1d(crit)[0]) if crit is not None else float("nan")
    return AggregateFit(kind=kind, overall_att=float(result.overall_att), overall_se=float(result.overall_se),
                        labels=labels, att=att, se=se, critical_value=critical)
