"""Walk a worksheet's data rows: skip empty formatted rows, map cells to header names, normalise."""

from __future__ import annotations

from operator import itemgetter

from g287.corrections import FixLog
from g287.parse.registry import ParsedList, header_of
from g287.parse.rows import build_row
from g287.parse.workbook import Sheet

# ICE republishes nearly the same rows every day: normalising each distinct raw row once per process makes
# a full rebuild many times faster. Keyed by header, then by (cell values, hyperlink targets); the value is
# the normalised row (None for an empty formatted row) and the fix rows it used, replayed into the caller's
# FixLog so fix usage stays exact.
_ROW_CACHE: dict[tuple[str, ...], dict[tuple, tuple[dict | None, frozenset]]] = {}


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normalise(names: tuple[str, ...], values: tuple, links: tuple) -> tuple[dict | None, frozenset]:
    if all(_is_empty(v) for v in values):
        return None, frozenset()
    local = FixLog()
    row = build_row(dict(zip(names, values)), {names[i]: target for i, target in links}, local)
    return row, frozenset(local.used)


def build_parsed_list(sheet: Sheet, kind: str, reader: str) -> ParsedList:
    """All non-empty rows below the header of ``sheet``, normalised, with Excel row numbers.

    Rows are read by header name, never by position; unnamed columns are ignored. Hidden rows are data
    (ICE saved lists with an active autofilter) and are counted in ``hidden_rows``.
    """
    header = header_of(sheet.rows[0][1])
    positions = [i for i, name in enumerate(header) if name]
    names = tuple(header[i] for i in positions)
    slot_of = {position: slot for slot, position in enumerate(positions)}
    width = len(header)
    first_row = sheet.rows[0][0]
    data_rows = sheet.rows[1:]
    # calamine reads Excel error cells as ""; put ICE's "#N/A" back before anything else looks at the row.
    for (row_number, col), text in sheet.errors.items():
        index = row_number - first_row - 1
        if col in slot_of and 0 <= index < len(data_rows):
            values = data_rows[index][1]
            if col < len(values) and _is_empty(values[col]):
                values[col] = text
    grouped: dict[int, list[tuple[int, str]]] = {}
    for (row_number, col), target in sheet.hyperlinks.items():
        if col in slot_of:
            grouped.setdefault(row_number, []).append((slot_of[col], target))
    links_by_row = {row_number: tuple(sorted(links)) for row_number, links in grouped.items()}
    pick = itemgetter(*positions) if len(positions) > 1 else (lambda values: (values[positions[0]],))
    cache = _ROW_CACHE.setdefault(names, {})
    hidden_rows = sheet.hidden_rows
    fixes = FixLog()
    used: set[frozenset] = set()
    rows = []
    for row_number, values in data_rows:
        if len(values) < width:
            values = list(values) + [None] * (width - len(values))
        key = (pick(values), links_by_row.get(row_number, ()))
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = _normalise(names, *key)
        if hit[0] is None:
            continue
        used.add(hit[1])
        row = hit[0].copy()
        row["row_number"] = row_number
        row["is_hidden"] = row_number in hidden_rows
        rows.append(row)
    for keys in used:
        fixes.used |= keys
    hidden = sum(1 for row in rows if row["is_hidden"])
    return ParsedList(kind=kind, reader=reader, columns=list(names), rows=rows,
                      sheet_names=sheet.sheet_names, hidden_rows=hidden, modified_utc=sheet.modified_utc,
                      fixes_used=fixes.used)
