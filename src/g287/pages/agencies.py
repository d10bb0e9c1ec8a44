"""The agency page: agreements, models, counties covered and the timeline of events with their evidence."""

from __future__ import annotations

import duckdb

from g287.pages.charts import bar_chart
from g287.pages.memo import Memo, compute
from g287.pages.models import AgencyDetail
from g287.store.agencies import agency_by_id
from g287.store.records import agency_records


def build_agency(con: duckdb.DuckDBPyConnection, agency_id: str, memo: Memo = compute) -> AgencyDetail:
    """The agency with id ``agency_id`` and everything the ledger knows about it; NotFoundError if there is none.
    The records of every agency are read at once (a quarter of a second) and kept in ``memo``, so that on the
    live site a page is one lookup in memory.

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     build_agency(con, "MD-garrett-county-sheriffs-office").agency.agency_name
    "Garrett County Sheriff's Office"
    """
    record = memo(("agency_records",), lambda: agency_records(con)).get(agency_id)
    if record is None:  # every agency has a record: the lookup raises the NotFoundError that names this one
        agency_by_id(con, agency_id)
    return AgencyDetail(**record)


def agency_context(detail: AgencyDetail) -> dict:
    """What agency.html shows (the live page and the static site's). An agreement on the newest list shows as
    "still listed" rather than with the newest list's date, and the agency's own last listing is not shown: a
    new ICE list then changes only the pages of the agencies it changes (the JSON twin keeps both dates)."""
    view = detail.model_copy(update={
        "agency": detail.agency.model_copy(update={"last_listed_on": None}),
        "agreements": [g.model_copy(update={"last_listed_on": None}) if g.status == "Active" else g
                       for g in detail.agreements]})
    return {"page": view, "bars": bar_chart([p.model_dump() for p in detail.output]) if detail.output else None}
