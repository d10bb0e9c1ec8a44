"""ICE's per-agency 287(g) enforcement statistics, FY2006-FY2013: people identified and removed through 287(g).

Header: ``state``, ``agency``, ``agency_short``, ``fiscal_year``, ``fy_start``, ``fy_end``, ``identified``,
``removed``, ``attests_active``, ``source_footnote``, ``latitude``, ``longitude``, ``address``, ``agency_raw``,
``source`` (deportationdata/ice-287g's long form of ICE's 2010 master statistics and the FOIA releases for
FY2011-FY2013; 73 agencies x 8 fiscal years). One list of kind ``output``, grade A (ICE's own figures). Each
row becomes one count of an agency and fiscal year; an empty cell is an unknown figure, never zero. The
agency addresses and coordinates are the agencies' headquarters; g287 keeps neither.
"""

from __future__ import annotations

from g287.corrections import FixLog
from g287.errors import UnknownLayoutError
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader
from g287.parse.rows import build_rows_per_model

OUTPUT_COLUMNS = ("state", "agency", "agency_short", "fiscal_year", "fy_start", "fy_end", "identified", "removed",
                  "attests_active", "source_footnote", "latitude", "longitude", "address", "agency_raw", "source")
REQUIRED = ("state", "agency", "fiscal_year", "fy_start", "fy_end", "identified", "removed")


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "fiscal_year" in header and "identified" in header and "removed" in header


def _count(value: str, source: str, line_number: int, column: str) -> int | None:
    """A count cell: empty is unknown (None); anything else must be a whole number."""
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise UnknownLayoutError(f"{source}: line {line_number}, {column} {value!r} is not a whole number; "
                                 "fix the cell or leave it empty for an unknown figure.") from None
    if number < 0:
        raise UnknownLayoutError(f"{source}: line {line_number}, {column} {number} is negative.")
    return number


def read_ice_output_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse the FY2006-2013 table (``records``: the CSV split into fields, header first)."""
    header, lines = read_csv_cells(records, OUTPUT_COLUMNS, REQUIRED, source, "287(g) enforcement statistics")
    fixes = FixLog()
    counts = []
    citations = set()
    for line_number, cells in lines:
        agency = build_rows_per_model({"STATE": cells["state"], "LAW ENFORCEMENT AGENCY": cells["agency"]},
                                      fixes, line_number, None)[0]
        citations.add(cells.get("source", ""))
        counts.append({
            "row_number": line_number, "ice_state": cells["state"], "state": agency["state"],
            "ice_agency": cells.get("agency_raw") or cells["agency"], "agency_name": agency["agency_name"],
            "agency_id": agency["agency_id"], "period": f"FY{cells['fiscal_year']}",
            "period_start": cells["fy_start"], "period_end": cells["fy_end"],
            "identified": _count(cells["identified"], source, line_number, "identified"),
            "removed": _count(cells["removed"], source, line_number, "removed"),
            "arrests": None, "county": None, "aor": None})
    last_day = max((c["period_end"] for c in counts), default=None)
    return [ParsedList(kind="output", reader="ice_output_csv", columns=header, rows=[], list_date=last_day,
                       fixes_used=fixes.used, grade="A", claim="output", counts=counts,
                       note="; ".join(sorted(c for c in citations if c)))]


register_reader(Reader("ice_output_csv", "csv", _accepts, read_ice_output_csv))
