"""What every g287 result object shares: the columns of its ``tidy()`` table (docs: STYLE §7).

>>> TIDY_COLUMNS[:2]
('term', 'estimate')
"""

TIDY_COLUMNS = ("term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")
