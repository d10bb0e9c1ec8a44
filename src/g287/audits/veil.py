"""The veil-of-darkness test (Grogger and Ridgeway 2006), as the Stanford Open Policing Project specifies it.

Stops of white drivers and drivers of the ``minority`` race, in the inter-twilight window (from the earliest
sunset to the latest dusk in the data), without the ambiguous band between sunset and dusk, are modelled as

    logit P(minority | stop) = is_dark + ns(rounded_minute, df = 6) + location

where ``is_dark`` means after dusk, ``rounded_minute`` is the clock time rounded to 5 minutes and ``ns`` is a
natural cubic spline with R's knots (quantiles of the stops' times). A positive darkness coefficient means the
minority share of stops falls when officers can see drivers less well. The model is fitted on the aggregated
cells of :mod:`g287.audits.aggregate` as binomial counts, which gives the row-level maximum-likelihood fit exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from g287.audits.aggregate import StopCells, aggregate_stops
from g287.audits.inference import difference_row, period_term, tidy_frame, tidy_row
from g287.errors import AuditError

COMPARED = "white"


def spline_knots(minutes, weights=None, df: int = 6) -> tuple[np.ndarray, float, float]:
    """Knots of R's ``ns(x, df)``: interior knots at quantiles (type 7) of ``x``, boundary knots at its range.

    ``weights`` are counts: the knots are those of ``x`` repeated that many times.

    >>> inner, low, high = spline_knots([0, 10, 20, 30, 40, 50, 60], df=6)
    >>> inner.tolist(), low, high
    ([10.0, 20.0, 30.0, 40.0, 50.0], 0.0, 60.0)
    >>> spline_knots([0, 60], weights=[1, 2], df=2)[0].tolist()
    [60.0]
    """
    x = np.asarray(minutes, dtype=float)
    w = np.ones(len(x), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cumulative = np.cumsum(w)
    total = int(cumulative[-1])

    def element(k: int) -> float:  # k-th value (0-based) of the expanded, sorted data
        return float(x[np.searchsorted(cumulative, k, side="right")])

    probs = np.linspace(0, 1, df + 1)[1:-1]
    inner = []
    for p in probs:
        h = (total - 1) * p
        low = int(np.floor(h))
        value = element(low)
        if h > low:
            value += (h - low) * (element(low + 1) - value)
        inner.append(value)
    return np.array(inner), float(x[0]), float(x[-1])


def spline_basis(minutes, knots: tuple[np.ndarray, float, float]) -> np.ndarray:
    """Natural cubic spline basis of ``minutes`` on ``knots`` (``df`` columns, no intercept).

    patsy's ``cr`` spans the same functions as R's ``ns`` on the same knots; its columns sum to one, so the
    first is dropped to sit beside an intercept.

    >>> spline_basis([0, 30, 60], (np.array([20.0, 40.0]), 0.0, 60.0)).shape
    (3, 3)
    """
    import patsy

    inner, low, high = knots
    basis = patsy.dmatrix("cr(x, knots=inner, lower_bound=low, upper_bound=high) - 1",
                          {"x": np.asarray(minutes, dtype=float), "inner": inner, "low": low, "high": high},
                          return_type="matrix")
    return np.asarray(basis)[:, 1:]


def design_matrix(frame: pd.DataFrame, knots, locations: list[str]) -> pd.DataFrame:
    """The model's design: intercept, ``is_dark``, spline terms ``ns1..``, one dummy per location but the first.

    >>> cells = pd.DataFrame({"rounded_minute": [1000, 1100, 1200], "is_dark": [0, 0, 1], "location": ["a", "b", "a"]})
    >>> list(design_matrix(cells, (np.array([1100.0]), 1000.0, 1200.0), ["a", "b"]).columns)
    ['(Intercept)', 'is_dark', 'ns1', 'ns2', 'location[b]']
    """
    spline = spline_basis(frame["rounded_minute"].to_numpy(dtype=float), knots)
    columns = {"(Intercept)": np.ones(len(frame)), "is_dark": frame["is_dark"].to_numpy(dtype=float)}
    columns |= {f"ns{i + 1}": spline[:, i] for i in range(spline.shape[1])}
    location = frame["location"].astype(str).to_numpy()
    columns |= {f"location[{name}]": (location == name).astype(float) for name in locations[1:]}
    return pd.DataFrame(columns)


def fit_binomial(design: pd.DataFrame, successes, trials):
    """Logistic regression of ``successes`` out of ``trials`` per row (statsmodels GLM, Binomial).

    >>> fit = fit_binomial(pd.DataFrame({"(Intercept)": [1.0, 1.0]}), [1, 3], [4, 4])
    >>> abs(float(fit.params.iloc[0])) < 1e-9  # logit of 4 successes in 8 is zero, of either sign by BLAS kernel
    True
    """
    import statsmodels.api as sm

    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    model = sm.GLM(np.column_stack([successes, trials - successes]), design, family=sm.families.Binomial())
    return model.fit(tol=1e-13, maxiter=100)


def veil_counts(cells: pd.DataFrame, minority: str) -> pd.DataFrame:
    """Binomial counts per (period, location, rounded_minute, is_dark): ``stops`` and ``minority`` stops.

    >>> cells = pd.DataFrame({"period": "all", "location": "a", "subject_race": ["black", "white", "other"],
    ...                       "veil_exclusion": None, "rounded_minute": 1000, "is_dark": 1, "stops": [2, 3, 4]})
    >>> veil_counts(cells, "black")[["stops", "minority"]].values.tolist()
    [[5, 2]]
    """
    kept = cells[cells["veil_exclusion"].isna() & cells["subject_race"].isin([COMPARED, minority])].copy()
    kept["minority"] = np.where(kept["subject_race"] == minority, kept["stops"], 0)
    keys = ["period", "location", "rounded_minute", "is_dark"]
    return kept.groupby(keys, as_index=False)[["stops", "minority"]].sum().sort_values(keys, ignore_index=True)


@dataclass(frozen=True)
class VeilFit:
    """One period's fit: every coefficient, and the stops and minority stops it rests on."""

    period: str
    coefficients: pd.DataFrame
    stops: int
    minority_stops: int
    knots: tuple


@dataclass(frozen=True)
class VeilResult:
    """Result of :func:`estimate_veil_of_darkness`."""

    fits: dict[str, VeilFit]
    counts: pd.DataFrame
    exclusions: pd.DataFrame
    spec: dict
    provenance: dict = field(default_factory=dict)
    unfit: dict[str, str] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """The darkness coefficient per period (``is_dark``, or ``is_dark:before`` / ``:after`` and their
        difference ``is_dark:after-before``), with standard error, Wald test and interval."""
        rows = {}
        for period, fit in self.fits.items():
            row = fit.coefficients.set_index("term").loc["is_dark"]
            rows[period] = tidy_row(period_term("is_dark", period), float(row["estimate"]), float(row["std_error"]),
                                    self.spec["conf_level"])
        if "before" in rows and "after" in rows:
            rows["after-before"] = difference_row("is_dark:after-before", rows["after"], rows["before"],
                                                  self.spec["conf_level"])
        return tidy_frame(list(rows.values()))

    def coef(self) -> dict[str, float]:
        """Darkness coefficient by term, from :meth:`tidy`."""
        return dict(zip(self.tidy()["term"], self.tidy()["estimate"]))

    def summary(self) -> str:
        """A plain-text summary: coefficients, stops used and exclusions."""
        from g287.audits.presentation import veil_summary

        return veil_summary(self)

    def plot(self, path: Path | str | None = None):
        """Share of minority drivers by time of day, in daylight and darkness (matplotlib Figure)."""
        from g287.audits.presentation import plot_veil

        return plot_veil(self, path)


def _fit_period(period: str, counts: pd.DataFrame, df: int, conf_level: float) -> VeilFit:
    if counts.empty or counts["is_dark"].nunique() < 2 or counts["minority"].sum() in (0, counts["stops"].sum()):
        raise AuditError(f"Veil of darkness, period {period}: not enough stops to fit; it needs stops of both races "
                         "in daylight and after dusk within the inter-twilight window.")
    knots = spline_knots(counts["rounded_minute"], counts["stops"], df=df)
    locations = sorted(counts["location"].astype(str).unique())
    fit = fit_binomial(design_matrix(counts, knots, locations), counts["minority"], counts["stops"])
    conf = fit.conf_int(alpha=1 - conf_level)
    coefficients = pd.DataFrame({"term": fit.params.index, "estimate": fit.params.to_numpy(),
                                 "std_error": fit.bse.to_numpy(), "statistic": fit.tvalues.to_numpy(),
                                 "p_value": fit.pvalues.to_numpy(), "conf_low": conf[0].to_numpy(),
                                 "conf_high": conf[1].to_numpy()})
    return VeilFit(period=period, coefficients=coefficients, stops=int(counts["stops"].sum()),
                   minority_stops=int(counts["minority"].sum()), knots=knots)


def veil_exclusions(stops: StopCells, minority: str) -> pd.DataFrame:
    """Stops left out of the test per period and reason, including drivers of other races."""
    cells = stops.cells
    other = cells[cells["veil_exclusion"].isna() & ~cells["subject_race"].isin([COMPARED, minority])]
    other = other.groupby("period", as_index=False)["stops"].sum()
    other["veil_exclusion"] = f"race not {COMPARED} or {minority}"
    table = pd.concat([stops.exclusions(), other[["period", "veil_exclusion", "stops"]]], ignore_index=True)
    return table.rename(columns={"veil_exclusion": "reason"}).sort_values(["period", "reason"], ignore_index=True)


def estimate_veil_of_darkness(stops: StopCells | Path | str, minority: str = "black", df: int = 6,
                              conf_level: float = 0.95, **aggregate_options) -> VeilResult:
    """Veil-of-darkness test on stop records (a file, or cells from :func:`aggregate_stops`).

    Parameters: ``minority`` (OPP race compared with white drivers), ``df`` (degrees of freedom of the time-of-day
    spline), ``conf_level``; other keyword arguments go to :func:`aggregate_stops` when ``stops`` is a path.
    Returns a :class:`VeilResult`, one fit per period (``all``, or ``before`` / ``after`` a split date).

    >>> from g287.audits.synthetic import write_stops
    >>> import tempfile
    >>> path = write_stops(Path(tempfile.mkdtemp()) / "stops.parquet", n=200_000, darkness_effect=0.5, seed=2)
    >>> result = estimate_veil_of_darkness(path)
    >>> row = result.tidy().iloc[0]
    >>> row["term"], bool(row["conf_low"] < 0.5 < row["conf_high"])
    ('is_dark', True)
    """
    if not isinstance(stops, StopCells):
        stops = aggregate_stops(stops, **aggregate_options)
    counts = veil_counts(stops.cells, minority)
    periods = [p for p in ("all", "before", "after") if p in set(counts["period"])]
    fits, unfit = {}, {}
    for period in periods:
        try:
            fits[period] = _fit_period(period, counts[counts["period"] == period], df, conf_level)
        except AuditError as exc:
            unfit[period] = str(exc)
    if not fits:
        reason = next(iter(unfit.values()), f"{stops.source}: no stops of {COMPARED} or {minority} drivers in the "
                                            "inter-twilight window; the veil-of-darkness test cannot run.")
        raise AuditError(reason)
    spec = {"minority": minority, "df": df, "conf_level": conf_level, "window": stops.window,
            "split_on": stops.split_on.isoformat() if isinstance(stops.split_on, dt.date) else None,
            "engine": stops.engine, "columns": dict(stops.columns)}
    provenance = {"source": stops.source, "first_on": stops.first_on, "last_on": stops.last_on}
    return VeilResult(fits=fits, counts=counts, exclusions=veil_exclusions(stops, minority), spec=spec,
                      provenance=provenance, unfit=unfit)
