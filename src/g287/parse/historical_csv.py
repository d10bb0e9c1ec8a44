"""ICE's 287(g) partner rosters of 2007-09-19 and 2008-03-10, as a CSV of one row per agency.

Header: ``source``, ``capture``, ``as_of``, ``state``, ``state_abbr``, ``agency``. One file holds several
rosters, one per ``as_of`` date; each becomes its own list of kind ``roster`` (agencies only: the rosters
name no model and no signing date, so they never create agreements).
"""

from __future__ import annotations

from g287.corrections import FixLog
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader
from g287.parse.rows import build_rows_per_model

ROSTER_COLUMNS = ("source", "capture", "as_of", "state", "state_abbr", "agency")


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "state_abbr" in header and "agency" in header


def read_historical_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse the roster CSV already split into ``records`` (header first)."""
    header, lines = read_csv_cells(records, ROSTER_COLUMNS, ("as_of", "state", "agency"), source, "historical roster")
    fixes = FixLog()
    by_date: dict[str, list[dict]] = {}
    for line_number, cells in lines:
        by_date.setdefault(cells["as_of"], []).extend(build_rows_per_model(
            {"STATE": cells.get("state"), "LAW ENFORCEMENT AGENCY": cells.get("agency")}, fixes, line_number, None))
    return [ParsedList(kind="roster", reader="historical_csv", columns=header, rows=rows, list_date=as_of,
                       fixes_used=fixes.used) for as_of, rows in sorted(by_date.items())]


register_reader(Reader("historical_csv", "csv", _accepts, read_historical_csv))
