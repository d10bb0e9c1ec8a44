"""Racial-profiling audits of police stop records: the Stanford Open Policing Project's veil-of-darkness and
outcome tests, on DuckDB or Spark, split at an agency's 287(g) signing date from the ledger.

Modules: ``stops`` (columns and checks), ``sun`` (sunset and dusk), ``engines`` (DuckDB, Spark),
``aggregate`` (the one SQL aggregation), ``veil`` and ``outcome`` (the tests), ``audit`` (both, with the
ledger), ``report`` (HTML, plots, tables), ``synthetic`` (stops with a known darkness effect).

>>> from g287.audits.veil import estimate_veil_of_darkness
>>> estimate_veil_of_darkness.__name__
'estimate_veil_of_darkness'
"""
