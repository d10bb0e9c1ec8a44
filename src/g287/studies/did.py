"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time ATTs and their aggregations.

Argument names follow R ``did`` (``yname``, ``tname``, ``idname``, ``gname``, ``control_group``,
``est_method``, ``boot``, ``biters``, ``cband``, ``alp``, ``clustervars``), the package our tests validate
against. Results are frozen objects with ``tidy()``, ``summary()``, ``plot()``, ``spec`` and ``provenance``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib.metadata import version

import numpy as np
import polars as pl
from scipy import stats

from g287.errors import StudyError
from g287.results import TIDY_COLUMNS
from g287.studies import engine
from g287.studies.panel import check_panel

CONTROL_GROUPS = ("nevertreated", "notyettreated")
EST_METHODS = ("dr", "ipw", "reg")
AGGREGATIONS = ("simple", "dynamic", "group", "calendar")


@dataclass(frozen=True)
class DidSpec:
    """Every argument of a group-time ATT estimate, defaults filled in (R ``did::att_gt`` names and defaults).

    >>> DidSpec(yname="lemp", tname="year", idname="countyreal", gname="first.treat").xformla is None
    True
    """

    yname: str
    tname: str
    idname: str
    gname: str
    covariates: tuple[str, ...] = ()
    control_group: str = "nevertreated"
    est_method: str = "dr"
    boot: bool = False
    biters: int = 999
    cband: bool = False
    alp: float = 0.05
    clustervars: tuple[str, ...] = ()
    anticipation: int = 0
    base_period: str = "varying"
    allow_unbalanced_panel: bool = False
    random_state: int | None = None

    def __post_init__(self) -> None:
        if self.control_group not in CONTROL_GROUPS:
            raise StudyError(f'control_group "{self.control_group}" is unknown. Use one of: '
                             f'{", ".join(CONTROL_GROUPS)}.')
        if self.est_method not in EST_METHODS:
            raise StudyError(f'est_method "{self.est_method}" is unknown. Use one of: {", ".join(EST_METHODS)}.')
        if self.base_period not in ("varying", "universal"):
            raise StudyError(f'base_period "{self.base_period}" is unknown. Use "varying" or "universal".')
        if self.clustervars and not self.boot:
            raise StudyError("Clustered standard errors need the bootstrap: set boot = true (or drop clustervars).")
        if self.cband and not self.boot:
            raise StudyError("Uniform confidence bands need the bootstrap: set boot = true (or cband = false).")
        if not 0 < self.alp < 1:
            raise StudyError(f"alp must be between 0 and 1, not {self.alp}.")
        if self.boot and self.biters < 2:
            raise StudyError(f"biters must be at least 2 with the bootstrap, not {self.biters}.")

    @property
    def xformla(self) -> str | None:
        """The covariate formula in R's form (``~lpop``), or None without covariates."""
        return "~" + "+".join(self.covariates) if self.covariates else None


def _tidy_frame(terms: list[str], estimate: np.ndarray, se: np.ndarray, critical: float,
                extra: dict[str, list]) -> pl.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = estimate / se
    p_value = 2 * stats.norm.sf(np.abs(statistic))
    values = (terms, estimate, se, statistic, p_value, estimate - critical * se, estimate + critical * se)
    return pl.DataFrame({**dict(zip(TIDY_COLUMNS, values)), **extra}, nan_to_null=True)


def _pointwise_critical(alp: float) -> float:
    return float(stats.norm.ppf(1 - alp / 2))


@dataclass(frozen=True)
class AggregatedEffects:
    """An aggregation of ATT(g,t): ``simple``, ``dynamic`` (event study), ``group`` or ``calendar``."""

    kind: str
    overall_estimate: float
    overall_std_error: float
    labels: tuple
    estimates: tuple[float, ...]
    std_errors: tuple[float, ...]
    critical_value: float
    spec: DidSpec
    provenance: dict = field(default_factory=dict)

    @property
    def label_name(self) -> str:
        """What the rows are indexed by: ``event_time``, ``group`` or ``time``."""
        return {"dynamic": "event_time", "group": "group", "calendar": "time"}.get(self.kind, "")

    def tidy(self) -> pl.DataFrame:
        """One row for the overall effect, then one per event time / group / period (empty label for overall)."""
        pointwise = _pointwise_critical(self.spec.alp)
        overall = _tidy_frame([f"ATT ({self.kind})"], np.array([self.overall_estimate]),
                              np.array([self.overall_std_error]), pointwise,
                              {"label": pl.Series([None], dtype=pl.Int64)})
        if not self.labels:
            return overall
        crit = self.critical_value if math.isfinite(self.critical_value) else pointwise
        prefix = {"dynamic": "e", "group": "g", "calendar": "t"}[self.kind]
        rows = _tidy_frame([f"{prefix}={v}" for v in self.labels], np.array(self.estimates),
                           np.array(self.std_errors), crit, {"label": [int(v) for v in self.labels]})
        return pl.concat([overall, rows])

    def coef(self) -> dict[str, float]:
        """Estimates by term."""
        return dict(self.tidy().select("term", "estimate").iter_rows())

    def summary(self) -> str:
        """A text table of the aggregation."""
        from g287.studies.format import format_aggregate

        return format_aggregate(self)

    def plot(self, path=None):
        """Plot the estimates with their confidence intervals (matplotlib Figure; saved when ``path`` is given)."""
        from g287.studies.plots import plot_aggregate

        return plot_aggregate(self, path)


@dataclass(frozen=True)
class GroupTimeEffects:
    """Group-time average treatment effects ATT(g,t) with standard errors and the parallel-trends pre-test."""

    groups: tuple[int, ...]
    times: tuple[int, ...]
    estimates: tuple[float, ...]
    std_errors: tuple[float, ...]
    critical_value: float
    pretest_statistic: float | None
    pretest_p_value: float | None
    n_units: int
    spec: DidSpec
    provenance: dict
    warnings: tuple[str, ...]
    fit: engine.GroupTimeFit = field(repr=False, compare=False)

    def tidy(self) -> pl.DataFrame:
        """One row per ATT(g,t) (``term`` = ``ATT(g=2004,t=2005)``), plus ``group`` and ``time`` columns."""
        crit = self.critical_value if math.isfinite(self.critical_value) else _pointwise_critical(self.spec.alp)
        return _tidy_frame([f"ATT(g={g},t={t})" for g, t in zip(self.groups, self.times)],
                           np.array(self.estimates), np.array(self.std_errors), crit,
                           {"group": list(self.groups), "time": list(self.times)})

    def coef(self) -> dict[str, float]:
        """Estimates by term."""
        return dict(self.tidy().select("term", "estimate").iter_rows())

    def pretest(self) -> dict:
        """Wald test that every pre-treatment ATT(g,t) is zero (R did's ``W`` and ``Wpval``).

        ``note`` warns when the test has many restrictions for its units (more than one per 20 units): the
        estimated covariance is then noisy and the test rejects far too often, even with parallel trends.
        """
        pre = sum(t < g for g, t in zip(self.groups, self.times))
        note = None
        if self.pretest_statistic is not None and pre > self.provenance.get("units", self.n_units) / 20:
            note = (f"With {pre} pre-treatment ATT(g,t) for {self.provenance.get('units', self.n_units)} units the "
                    "Wald pre-test over-rejects; judge parallel trends from the event study's pre-treatment "
                    "estimates instead.")
        return {"statistic": self.pretest_statistic, "p_value": self.pretest_p_value, "pre_periods": pre,
                "note": note}

    def aggregate(self, kind: str = "dynamic", *, min_e: float = -np.inf, max_e: float = np.inf,
                  balance_e: int | None = None) -> AggregatedEffects:
        """Aggregate into ``simple``, ``dynamic`` (event study), ``group`` or ``calendar`` effects."""
        if kind not in AGGREGATIONS:
            raise StudyError(f'Aggregation "{kind}" is unknown. Use one of: {", ".join(AGGREGATIONS)}.')
        s = self.spec
        result = engine.aggregate(self.fit, kind, boot=s.boot, biters=s.biters, cband=s.cband, alp=s.alp,
                                  clustervars=list(s.clustervars), random_state=s.random_state, min_e=min_e,
                                  max_e=max_e, balance_e=balance_e)
        return AggregatedEffects(kind=kind, overall_estimate=result.overall_att,
                                 overall_std_error=result.overall_se,
                                 labels=tuple(int(v) for v in result.labels),
                                 estimates=tuple(map(float, result.att)), std_errors=tuple(map(float, result.se)),
                                 critical_value=result.critical_value, spec=s, provenance=self.provenance)

    def summary(self) -> str:
        """A text table of ATT(g,t) with the pre-test."""
        from g287.studies.format import format_group_time

        return format_group_time(self)

    def plot(self, path=None):
        """ATT(g,t) by period, one panel per treatment group (matplotlib Figure; saved when ``path`` is given)."""
        from g287.studies.plots import plot_group_time

        return plot_group_time(self, path)


def estimate_att_gt(panel: pl.DataFrame, *, yname: str, tname: str, idname: str, gname: str,
                    source: str = "panel", provenance: dict | None = None, **options) -> GroupTimeEffects:
    """Estimate Callaway & Sant'Anna group-time ATTs on a panel, after checking it (``check_panel``).

    ``options`` are the other :class:`DidSpec` fields (``covariates``, ``control_group``, ``est_method``,
    ``boot``, ``biters``, ``cband``, ``alp``, ``clustervars``, ``anticipation``, ``base_period``,
    ``allow_unbalanced_panel``, ``random_state``).

    >>> from g287.studies.synthetic import generate_panel
    >>> panel = generate_panel(n_units=400, n_periods=6, n_cohorts=2, effect=0.5, effect_growth=0, seed=3)
    >>> fit = estimate_att_gt(panel, yname="y", tname="period", idname="unit", gname="first_treated")
    >>> abs(fit.aggregate("simple").overall_estimate - 0.5) < 0.2
    True
    """
    spec = DidSpec(yname=yname, tname=tname, idname=idname, gname=gname,
                   **{k: tuple(v) if k in ("covariates", "clustervars") else v for k, v in options.items()})
    checked = check_panel(panel, idname=idname, tname=tname, yname=yname, gname=gname,
                          covariates=spec.covariates, clustervars=spec.clustervars,
                          control_group=spec.control_group, allow_unbalanced_panel=spec.allow_unbalanced_panel,
                          source=source)
    frame = checked.frame
    # The library wants numeric unit ids; FIPS codes and ORIs are text, so estimate on their rank.
    frame = frame.with_columns(pl.col(idname).rank("dense").cast(pl.Int64).alias(idname))
    fit = engine.fit_group_time(frame, yname=yname, tname=tname, idname=idname, gname=gname,
                                xformla=spec.xformla, control_group=spec.control_group,
                                est_method=spec.est_method, boot=spec.boot, biters=spec.biters, cband=spec.cband,
                                clustervars=list(spec.clustervars), alp=spec.alp, anticipation=spec.anticipation,
                                base_period=spec.base_period, allow_unbalanced_panel=spec.allow_unbalanced_panel,
                                random_state=spec.random_state)
    periods = frame[tname]
    cohorts = frame.group_by(gname).agg(pl.col(idname).n_unique()).sort(gname).iter_rows()
    record = {"g287_version": version("g287"), "estimator": fit.library, "source": source,
              "first_period": int(periods.min()), "last_period": int(periods.max()),
              "rows_read": checked.n_rows_read, "rows_used": frame.height,
              "units": frame[idname].n_unique(), "units_by_first_treated": {int(g): n for g, n in cohorts},
              **(provenance or {})}
    return GroupTimeEffects(groups=tuple(int(g) for g in fit.groups), times=tuple(int(t) for t in fit.times),
                            estimates=tuple(map(float, fit.att)), std_errors=tuple(map(float, fit.se)),
                            critical_value=fit.critical_value, pretest_statistic=fit.wald_stat,
                            pretest_p_value=fit.wald_pvalue, n_units=fit.n_units, spec=spec, provenance=record,
                            warnings=checked.warnings, fit=fit)
