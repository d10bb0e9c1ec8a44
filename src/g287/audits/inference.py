"""Shared pieces of the audit's result objects: tidy rows and normal-approximation intervals."""

from __future__ import annotations

import math

import pandas as pd
from scipy.stats import norm

from g287.results import TIDY_COLUMNS


def tidy_row(term: str, estimate: float, std_error: float, conf_level: float = 0.95) -> dict:
    """One row of ``tidy()``: Wald statistic, two-sided p-value and interval.

    >>> row = tidy_row("is_dark", 0.4, 0.1)
    >>> round(row["statistic"], 6), round(row["conf_low"], 4), round(row["conf_high"], 4)
    (4.0, 0.204, 0.596)
    """
    z = float(norm.ppf(0.5 + conf_level / 2))
    statistic = estimate / std_error if std_error > 0 else math.nan
    p_value = float(2 * norm.sf(abs(statistic))) if std_error > 0 else math.nan
    return {"term": term, "estimate": estimate, "std_error": std_error, "statistic": statistic,
            "p_value": p_value, "conf_low": estimate - z * std_error, "conf_high": estimate + z * std_error}


def tidy_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of :func:`tidy_row` as the tidy DataFrame.

    >>> tuple(tidy_frame([tidy_row("is_dark", 0.4, 0.1)]).columns) == TIDY_COLUMNS
    True
    """
    return pd.DataFrame(rows, columns=list(TIDY_COLUMNS))


def difference_row(term: str, after: dict, before: dict, conf_level: float = 0.95) -> dict:
    """after - before for two estimates from disjoint sets of stops (independent, so variances add).

    >>> row = difference_row("d", tidy_row("a", 0.5, 0.3), tidy_row("b", 0.2, 0.4))
    >>> round(row["estimate"], 6), round(row["std_error"], 6)
    (0.3, 0.5)
    """
    return tidy_row(term, after["estimate"] - before["estimate"],
                    math.sqrt(after["std_error"] ** 2 + before["std_error"] ** 2), conf_level)


def period_term(term: str, period: str) -> str:
    """A term's name in one period: ``is_dark`` for all stops, ``is_dark:before`` for a split.

    >>> period_term("is_dark", "all"), period_term("is_dark", "after")
    ('is_dark', 'is_dark:after')
    """
    return term if period == "all" else f"{term}:{period}"
