"""The county page: who covers the county, since when, and the events of those agencies."""

from __future__ import annotations

import duckdb

from g287.pages.charts import bar_chart
from g287.pages.memo import Memo, compute
from g287.pages.models import CountyPage
from g287.store.records import county_by_fips, county_records


def build_county(con: duckdb.DuckDBPyConnection, county_fips: str, memo: Memo = compute) -> CountyPage:
    """The county with this FIPS code; NotFoundError if there is none. The records of every county are read at
    once (half a second) and kept in ``memo``, so that on the live site a page is one lookup in memory.

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     build_county(con, "24023").county.county_name
    'Garrett County'
    """
    record = memo(("county_records",), lambda: county_records(con)).get(county_fips)
    if record is None:  # every county has a record: the lookup raises the NotFoundError that names this one
        county_by_fips(con, county_fips)
    return CountyPage(**record)


def county_context(page: CountyPage, briefs: bool = True) -> dict:
    """What county.html shows. ``briefs``: link the county brief, which the live site prints on request and
    the static site (g287 publish) does not carry."""
    return {"page": page, "bars": bar_chart([p.model_dump() for p in page.output.periods]) if page.output else None,
            "briefs": briefs}
