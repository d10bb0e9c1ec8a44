"""ICE's participating and pending agency spreadsheets, 2025-02-21 onwards.

Accepted headers (row 1 of the first sheet, by name, in any order):

- participating: ``STATE``, ``LAW ENFORCEMENT AGENCY``, ``TYPE``, ``SUPPORT TYPE``, ``SIGNED``, ``MOA``;
  plus ``COUNTY`` from 2025-03-17 and ``ADDENDUM`` from 2025-07-01;
- pending: ``STATE``, ``LAW ENFORCEMENT AGENCY``, ``TYPE``, ``SUPPORT TYPE``; plus ``COUNTY`` from 2025-03-17
  and ``MOA`` (always "link pending") from 2026-01-08.

A header with ``SIGNED`` is a participating list, whatever the file is called (ICE swapped the two files on
2025-09-22 pm). Zero-row pending lists are valid (seven in November 2025). Extra sheets are ignored
(``Sheet2`` in 2026-03-02).
"""

from __future__ import annotations

from g287.parse.registry import ParsedList, Reader, check_columns, register_reader
from g287.parse.sheet_rows import build_parsed_list
from g287.parse.workbook import Sheet

PARTICIPATING_COLUMNS = ("STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA",
                         "ADDENDUM")
PENDING_COLUMNS = ("STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "MOA")
_CORE = ("STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE")


def _accepts(header: list[str], sheet_name: str) -> bool:
    return all(c in header for c in _CORE) and "TYPE" in header


def read_ice_workbook(sheet: Sheet, source: str) -> list[ParsedList]:
    """Parse an ICE participating or pending workbook already read into ``sheet``."""
    header = [h for h in (str(v or "").strip() for v in sheet.rows[0][1]) if h]
    if "SIGNED" in header:
        kind, known, required = "participating", PARTICIPATING_COLUMNS, _CORE + ("TYPE", "SIGNED", "MOA")
    else:
        kind, known, required = "pending", PENDING_COLUMNS, _CORE + ("TYPE",)
    check_columns(header, known, required, source, f"{kind} list")
    return [build_parsed_list(sheet, kind, "ice_workbook")]


register_reader(Reader("ice_workbook", "xlsx", _accepts, read_ice_workbook))
