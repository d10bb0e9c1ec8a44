"""The search page: agencies, counties and states whose names are close to a text, typos allowed."""

from __future__ import annotations

import duckdb

from g287.pages.models import SearchPage
from g287.store.search import search_ledger


def run_search(con: duckdb.DuckDBPyConnection, q: str = "") -> SearchPage:
    """Results for ``q`` (none for an empty query).

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     run_search(con, "garret county sherif").results[0]["key"]
    'MD-garrett-county-sheriffs-office'
    """
    return SearchPage(q=q, results=search_ledger(con, q) if q.strip() else [])
