"""ICE's 287(g) fact-sheet table, 2010-10-29 to 2017-08-01: one row per Wayback capture and agreement.

Header: ``snapshot_ts``, ``capture_date``, ``caption``, ``caption_n``, ``content_asof``, ``asof_basis``,
``state``, ``agency``, ``support_type``, ``date_signed``, ``moa_file`` (deportationdata/ice-287g's parse of
ice.gov/news/library/factsheets/287g.htm and ice.gov/factsheets/287g). Each capture becomes one list of kind
``history``, grade A (ICE's own page), dated by the page's caption (``content_asof``; the capture date where
the caption is stale), with the caption's number as ``stated_count``. ``date_signed`` is the date of the MOA
in force on the page (ICE overwrote it at the 2009, 2013 and 2016 re-signings), not the first signing.
"""

from __future__ import annotations

import re

from g287.corrections import FixLog
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader
from g287.parse.rows import build_rows_per_model

FACTSHEET_COLUMNS = ("snapshot_ts", "capture_date", "caption", "caption_n", "content_asof", "asof_basis", "state",
                     "agency", "support_type", "date_signed", "moa_file")


def caption_date(caption: str) -> str | None:
    """The ISO date a caption states its count for.

    >>> caption_date("Mutually Signed Agreements (34) signed as of 08/13/2014"), caption_date("(no caption)")
    ('2014-08-13', None)
    """
    found = re.search(r"as of (\d{2})/(\d{2})/(\d{4})", caption)
    return f"{found[3]}-{found[1]}-{found[2]}" if found else None


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "snapshot_ts" in header and "caption" in header


def read_ice_factsheet_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse the fact-sheet captures (``records``: the CSV split into fields, header first)."""
    header, lines = read_csv_cells(records, FACTSHEET_COLUMNS, FACTSHEET_COLUMNS, source, "fact-sheet table")
    fixes = FixLog()
    captures: dict[str, dict] = {}
    for line_number, cells in lines:
        capture = captures.setdefault(cells["snapshot_ts"], {"cells": cells, "rows": []})
        capture["rows"] += build_rows_per_model(
            {"STATE": cells["state"], "LAW ENFORCEMENT AGENCY": cells["agency"], "SUPPORT TYPE": cells["support_type"],
             "SIGNED": cells["date_signed"], "MOA": cells["moa_file"]}, fixes, line_number, "signed")
    lists = []
    for snapshot, capture in sorted(captures.items()):
        cells = capture["cells"]
        caption = cells["caption"] or "(no caption)"
        lists.append(ParsedList(
            kind="history", reader="ice_factsheet_csv", columns=header, rows=capture["rows"],
            list_date=cells["content_asof"], fixes_used=fixes.used, grade="A", claim="in_force",
            stated_count=int(cells["caption_n"]) if cells["caption_n"] else None, observed_on=cells["capture_date"],
            stated_on=caption_date(caption),
            note=f"ICE 287(g) fact sheet, Wayback capture {snapshot}: {caption} ({cells['asof_basis']})"))
    return lists


register_reader(Reader("ice_factsheet_csv", "csv", _accepts, read_ice_factsheet_csv))
