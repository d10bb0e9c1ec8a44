"""What every g287 result object shares: the columns of its ``tidy()`` table (docs/architecture.md), and how its
numbers are printed.

>>> TIDY_COLUMNS[:2]
('term', 'estimate')
"""

import math

TIDY_COLUMNS = ("term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


def format_number(value: float | None, digits: int = 4) -> str:
    """``value`` with ``digits`` decimals for display; ``NA`` when missing or not finite.

    A value that rounds to zero prints without a sign: the sign of a zero estimate depends on the BLAS kernel
    and thread count, and must not change a report.

    >>> format_number(-0.00001), format_number(0.12345), format_number(float("nan")), format_number(None)
    ('0.0000', '0.1235', 'NA', 'NA')
    """
    if value is None or not math.isfinite(value):
        return "NA"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
