"""Kostandini, Mykerezi and Escalante (2014), American Journal of Agricultural Economics, Table A1: the
signing dates of 66 287(g) agreements, 2002-07-02 to 2010-08-19.

Header: ``level``, ``jurisdiction`` (the state), ``agency``, ``date_raw`` (the table's text), ``date_signed``
(ISO), ``source``. One list of kind ``history``, grade C (a third party), claim ``signing_dates``: the rows
date signings, they do not say what was in force on the list date. The table was read from ICE's roster of
2010-10-29 (it knows only agreements that survived to then), so the list is dated 2010-10-29.
"""

from __future__ import annotations

from g287.corrections import FixLog
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader
from g287.parse.rows import build_rows_per_model

KOSTANDINI_COLUMNS = ("level", "jurisdiction", "agency", "date_raw", "date_signed", "source")
ROSTER_READ = "2010-10-29"


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "jurisdiction" in header and "date_raw" in header


def read_kostandini_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse Table A1 (``records``: the CSV split into fields, header first)."""
    header, lines = read_csv_cells(records, KOSTANDINI_COLUMNS, KOSTANDINI_COLUMNS, source,
                                   "Kostandini et al. Table A1")
    fixes = FixLog()
    rows: list[dict] = []
    citations = set()
    for line_number, cells in lines:
        citations.add(cells["source"])
        # The table names no model: the rows carry none (and are not flagged: the source never had one).
        rows += build_rows_per_model({"STATE": cells["jurisdiction"], "LAW ENFORCEMENT AGENCY": cells["agency"],
                                      "SIGNED": cells["date_signed"] or None}, fixes, line_number, "signed")
    return [ParsedList(kind="history", reader="kostandini_csv", columns=header, rows=rows, list_date=ROSTER_READ,
                       fixes_used=fixes.used, grade="C", claim="signing_dates", note="; ".join(sorted(citations)))]


register_reader(Reader("kostandini_csv", "csv", _accepts, read_kostandini_csv))
