"""Synthetic county panels with staggered adoption and a known effect, for tests and benchmarks."""

from __future__ import annotations

import numpy as np
import polars as pl


def generate_panel(n_units: int = 3000, n_periods: int = 60, *, n_cohorts: int = 12,
                   never_treated_share: float = 0.4, effect: float = 0.2, effect_growth: float = 0.01,
                   covariate_effect: float = 0.5, seed: int = 287) -> pl.DataFrame:
    """A balanced panel ``unit, period, first_treated, x, y`` with staggered adoption.

    Units get a fixed effect, a covariate ``x`` and a common trend; units first treated in period ``g`` (one of
    ``n_cohorts`` dates spread over the second half of the window, or 0 for never treated) gain
    ``effect + effect_growth * (period - g)`` from ``g`` on. So the true ATT at event time ``e >= 0`` is
    ``effect + effect_growth * e`` and every pre-treatment effect is 0.

    >>> panel = generate_panel(n_units=50, n_periods=8, n_cohorts=3, seed=1)
    >>> panel.shape, sorted(panel["first_treated"].unique().to_list())
    ((400, 5), [0, 4, 6, 8])
    """
    rng = np.random.default_rng(seed)
    cohorts = np.unique(np.linspace(n_periods // 2, n_periods, n_cohorts).round().astype(int))
    share = (1 - never_treated_share) / len(cohorts)
    first = rng.choice(np.concatenate([[0], cohorts]), size=n_units, p=[never_treated_share] + [share] * len(cohorts))
    x = rng.normal(size=n_units)
    unit_effect = rng.normal(size=n_units)
    unit = np.repeat(np.arange(1, n_units + 1), n_periods)
    period = np.tile(np.arange(1, n_periods + 1), n_units)
    g = np.repeat(first, n_periods)
    treated = (g > 0) & (period >= g)
    y = (np.repeat(unit_effect + covariate_effect * x, n_periods) + 0.05 * period
         + np.where(treated, effect + effect_growth * (period - g), 0.0) + rng.normal(size=unit.size))
    return pl.DataFrame({"unit": [f"{u:05d}" for u in unit], "period": period, "first_treated": g,
                         "x": np.repeat(x, n_periods), "y": y})
