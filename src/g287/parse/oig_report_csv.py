"""DHS Office of Inspector General report OIG-10-63 (March 2010), Appendix E, Table 3: every 287(g)
jurisdiction as of 2009-10-28, from ICE's data.

Header: ``source``, ``as_of``, ``state``, ``agency``, ``model`` (Task Force, Jail Enforcement or Hybrid),
``date_signed_original``, ``status`` (signed or pending). One list of kind ``history``, grade B (a government
report), dated ``as_of``. A Hybrid agency holds both models (two rows); pending rows are kept with
``row_status`` pending: they were not agreements on that date.
"""

from __future__ import annotations

from g287.corrections import FixLog
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader
from g287.parse.rows import build_rows_per_model

OIG_COLUMNS = ("source", "as_of", "state", "agency", "model", "date_signed_original", "status")
STATUSES = ("signed", "pending")


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "date_signed_original" in header and "as_of" in header


def read_oig_report_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse the OIG table (``records``: the CSV split into fields, header first)."""
    header, lines = read_csv_cells(records, OIG_COLUMNS, OIG_COLUMNS, source, "OIG-10-63 table")
    fixes = FixLog()
    by_date: dict[tuple[str, str], list[dict]] = {}
    for line_number, cells in lines:
        status = cells["status"].casefold()
        rows = build_rows_per_model({"STATE": cells["state"], "LAW ENFORCEMENT AGENCY": cells["agency"],
                                     "SUPPORT TYPE": cells["model"], "SIGNED": cells["date_signed_original"] or None},
                                    fixes, line_number, status if status in STATUSES else "unknown")
        by_date.setdefault((cells["as_of"], cells["source"]), []).extend(rows)
    return [ParsedList(kind="history", reader="oig_report_csv", columns=header, rows=rows, list_date=as_of,
                       fixes_used=fixes.used, grade="B", claim="in_force", note=citation)
            for (as_of, citation), rows in sorted(by_date.items())]


register_reader(Reader("oig_report_csv", "csv", _accepts, read_oig_report_csv))
