"""ICE's arrests (or encounters) released under FOIA: one row per event and person, aggregated on import.

The layout of ICE ERO-LESA releases (as published by the Deportation Data Project and the University of
Washington Center for Human Rights): ``Apprehension Date``, ``Apprehension State``, ``Apprehension County``
(when present), ``Apprehension AOR`` (the ICE area of responsibility), ``Apprehension Method`` and columns
about the person (birth year, citizenship, gender, an anonymised identifier...). g287 never keeps a row about a
person: the reader counts the events whose method is the 287(g) program per state, county, area of
responsibility and month, and the *aggregate* is what ``g287 import`` archives (``ParsedList.archive_bytes``),
with the SHA-256 of the file it was counted from. Every other column is dropped unread.

A date that cannot be read is counted in a period ``unknown`` rather than failing the file: a rejected file
would be kept in the quarantine folder, row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from g287.inputs import STATE_CODES
from g287.parse.registry import ParsedList, Reader, read_csv_cells, register_reader

METHOD_287G = "287(g) program"
# Columns g287 reads; any other column (about the person) is never looked at.
FOIA_COLUMNS = ("Apprehension Date", "Apprehension State", "Apprehension County", "Apprehension AOR",
                "Apprehension Method")
# Stands for the SHA-256 of the file read until read_publication, which has the file's bytes, fills it in.
SOURCE_TOKEN = "{source_sha256}"
AGGREGATE_COLUMNS = ("source_sha256", "apprehension_method", "state", "county", "aor", "month", "arrests")


def _accepts_foia(header: list[str], sheet_name: str) -> bool:
    return "Apprehension Method" in header and "Apprehension Date" in header


def _accepts_aggregate(header: list[str], sheet_name: str) -> bool:
    return header[:2] == ["source_sha256", "apprehension_method"]


def _month(value: str) -> str:
    """``YYYY-MM`` of a date as ICE writes it (ISO, or M/D/YYYY with an optional time); ``unknown`` otherwise.

    >>> _month("2025-03-14 10:22:00"), _month("3/14/2025"), _month("")
    ('2025-03', '2025-03', 'unknown')
    """
    text = value.strip().split(" ")[0].split("T")[0]
    for form in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, form).strftime("%Y-%m")
        except ValueError:
            continue
    return "unknown"


def _state(value: str) -> str:
    text = value.strip().upper()
    return STATE_CODES.get(text, text)


def aggregate_foia(records: list[list[str]], source_sha256: str) -> list[dict]:
    """Counts of the 287(g) events of a FOIA table per state, county, area of responsibility and month."""
    header = [h.strip() for h in records[0]]
    index = {name: header.index(name) for name in FOIA_COLUMNS if name in header}

    def cell(record: list[str], name: str) -> str:
        position = index.get(name)
        return record[position].strip() if position is not None and position < len(record) else ""

    counts: Counter = Counter()
    for record in records[1:]:
        if cell(record, "Apprehension Method").casefold() != METHOD_287G:
            continue
        counts[(_state(cell(record, "Apprehension State")), cell(record, "Apprehension County").title(),
                cell(record, "Apprehension AOR"), _month(cell(record, "Apprehension Date")))] += 1
    return [{"source_sha256": source_sha256, "apprehension_method": "287(g) Program", "state": state,
             "county": county, "aor": aor, "month": month, "arrests": n}
            for (state, county, aor, month), n in sorted(counts.items())]


def read_ice_arrests_foia(records: list[list[str]], source: str) -> list[ParsedList]:
    """Aggregate a FOIA table and return the aggregate as the list to archive (``archive_bytes``)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    rows = aggregate_foia(records, SOURCE_TOKEN)
    writer.writerow(AGGREGATE_COLUMNS)
    writer.writerows([[r[c] for c in AGGREGATE_COLUMNS] for r in rows])
    aggregate = text.getvalue()
    parsed = read_output_areas_csv(list(csv.reader(io.StringIO(aggregate))), source)
    parsed[0].archive_bytes = aggregate.encode()
    return parsed


def read_output_areas_csv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Counts per state, county, area of responsibility and month (the archived aggregate of a FOIA table)."""
    header, lines = read_csv_cells(records, AGGREGATE_COLUMNS, AGGREGATE_COLUMNS, source, "287(g) arrests aggregate")
    counts = []
    for line_number, cells in lines:
        month = cells["month"]
        start = f"{month}-01" if month != "unknown" else None
        end = ((dt.date.fromisoformat(start).replace(day=28) + dt.timedelta(days=4)).replace(day=1)
               - dt.timedelta(days=1)).isoformat() if start else None
        counts.append({"row_number": line_number, "ice_state": cells["state"], "state": cells["state"],
                       "ice_agency": None, "agency_name": None, "agency_id": None, "period": month,
                       "period_start": start, "period_end": end, "identified": None, "removed": None,
                       "arrests": int(cells["arrests"]), "county": cells["county"] or None,
                       "aor": cells["aor"] or None})
    months = [c["period_end"] for c in counts if c["period_end"]]
    sources = sorted({c for c in (line[1].get("source_sha256") for line in lines) if c})
    return [ParsedList(kind="output", reader="output_areas_csv", columns=header, rows=[],
                       list_date=max(months) if months else None, grade="A", claim="output", counts=counts,
                       note=f"ICE arrests by apprehension method 287(g) Program, counted from FOIA file(s) "
                            f"{', '.join(s[:12] for s in sources)}")]


register_reader(Reader("ice_arrests_foia", "csv", _accepts_foia, read_ice_arrests_foia))
register_reader(Reader("output_areas_csv", "csv", _accepts_aggregate, read_output_areas_csv))
