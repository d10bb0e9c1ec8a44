"""Participating-agency tables from ICE's web page before the spreadsheets (2021-01-12 to 2025-02-19).

These workbooks were made by a third party from Wayback captures of the ICE 287(g) page: one sheet,
``287(g) Agreements``; header ``STATE``, ``LAW ENFORCEMENT AGENCY``, ``SUPPORT TYPE``, ``SIGNED``, ``MOA``; all
cells text; ``SIGNED`` an ISO date; ``MOA`` the text of a Wayback URL. There is no ``TYPE`` or ``COUNTY``.
"""

from __future__ import annotations

from g287.parse.registry import ParsedList, Reader, check_columns, register_reader
from g287.parse.sheet_rows import build_parsed_list
from g287.parse.workbook import Sheet

HTML_TABLE_COLUMNS = ("STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "SIGNED", "MOA")


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "TYPE" not in header and all(c in header for c in ("STATE", "LAW ENFORCEMENT AGENCY", "SIGNED"))


def read_html_table_workbook(sheet: Sheet, source: str) -> list[ParsedList]:
    """Parse an HTML-era participating table already read into ``sheet``."""
    header = [h for h in (str(v or "").strip() for v in sheet.rows[0][1]) if h]
    check_columns(header, HTML_TABLE_COLUMNS, HTML_TABLE_COLUMNS, source, "HTML-era participating table")
    return [build_parsed_list(sheet, "participating", "html_table_workbook")]


register_reader(Reader("html_table_workbook", "xlsx", _accepts, read_html_table_workbook))
