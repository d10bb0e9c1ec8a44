"""A chart of every 287(g) agreement as of 2010-05-08, compiled from ICE's FOIA releases (the ina287 chart).

Header: ``state``, ``agency``, ``type`` (TFO, JEO or JEO/TFO), ``signed_former_moa`` (MM/DD/YYYY, ``n/a``,
or two dates separated by ``;``), ``signed_new_moa`` (the 2009 standard MOA's date, ``withdrew``,
``in negotiations``), ``igsa``, ``notes``. One list of kind ``history``, grade B (FOIA documents), dated by
its file name (``primary_source_chart_2010-05-08.csv``). Each agency and model gives a ``former_moa`` row per
earlier MOA date and a row for the 2009 MOA: ``signed`` with its date, ``withdrew`` (the agency left rather
than sign it) or ``in_negotiation``.
"""

from __future__ import annotations

from g287.corrections import FixLog
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader
from g287.parse.rows import build_rows_per_model
from g287.text import fold_text

CHART_COLUMNS = ("state", "agency", "type", "signed_former_moa", "signed_new_moa", "igsa", "notes")
# What the chart writes instead of a date for the 2009 MOA, and the row status it means.
NEW_MOA_STATUSES = {"withdrew": "withdrew", "in negotiations": "in_negotiation",
                    "in negotiations(?)": "in_negotiation"}


def _accepts(header: list[str], sheet_name: str) -> bool:
    return "signed_former_moa" in header


def read_foia_chart_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse the chart (``records``: the CSV split into fields, header first)."""
    header, lines = read_csv_cells(records, CHART_COLUMNS, CHART_COLUMNS[:5], source, "287(g) chart")
    fixes = FixLog()
    rows: list[dict] = []
    for line_number, cells in lines:
        base = {"STATE": cells["state"], "LAW ENFORCEMENT AGENCY": cells["agency"], "SUPPORT TYPE": cells["type"]}
        for former in cells["signed_former_moa"].split(";"):
            if former.strip() and fold_text(former) != "n/a":
                rows += build_rows_per_model({**base, "SIGNED": former.strip()}, fixes, line_number, "former_moa")
        new = cells["signed_new_moa"]
        status = NEW_MOA_STATUSES.get(fold_text(new), "signed")
        rows += build_rows_per_model({**base, "SIGNED": new if status == "signed" else None}, fixes, line_number,
                                     status)
    return [ParsedList(kind="history", reader="foia_chart_csv", columns=header, rows=rows, fixes_used=fixes.used,
                       grade="B", claim="in_force", note="287(g) chart as of 2010-05-08, from ICE FOIA documents")]


register_reader(Reader("foia_chart_csv", "csv", _accepts, read_foia_chart_csv))
