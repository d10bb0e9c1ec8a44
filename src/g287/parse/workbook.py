"""Read the first worksheet of an .xlsx workbook: cell values, hyperlink targets, error cells, hidden rows.

Cell values come from python-calamine (Rust, fast). Calamine does not expose three things ICE's files
carry, so they are read from the sheet's XML with a few anchored patterns:

- hyperlink targets (the ``MOA`` and ``ADDENDUM`` cells say ``link``; the URL is only in the hyperlink);
- Excel error cells (``#N/A`` in ``COUNTY`` for state agencies): calamine returns them as ``""``, and
  we keep ICE's original beside our value, so the error text is restored;
- hidden rows (ICE saved 33 files with an active autofilter; the hidden rows are real data, counted).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from html import unescape

import python_calamine

from g287.errors import UnreadablePublicationError

_HYPERLINK = re.compile(rb"<hyperlink\b([^>]*)/?>")
# Fast paths for the attribute order Excel writes; anything else falls back to full attribute parsing.
_HYPERLINK_FAST = re.compile(rb'<hyperlink ref="([A-Z]+)(\d+)(?::[A-Z]+(\d+))?" r:id="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_RELATIONSHIP_FAST = re.compile(rb'<Relationship Id="([^"]*)" Type="[^"]*" Target="([^"]*)"[^>]*>')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ERROR_MARK = re.compile(rb't="e"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*t="e"[^>]*>(?:<f[^<]*</f>|<f[^>]*/>)?<v>([^<]*)</v>')
_HIDDEN_MARK = re.compile(rb'hidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"[^>]*$')
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


@dataclass
class Sheet:
    """The first worksheet of a workbook, as read.

    ``rows`` holds every row of the used range with its Excel row number (1-based); ``hyperlinks`` and
    ``errors`` are keyed by (Excel row, 0-based column).
    """

    sheet_names: list[str]
    name: str
    rows: list[tuple[int, list]]
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    modified_utc: str | None = None


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return unescape(text) if "&" in text else text


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode(): unescape(v.decode("utf-8")) for k, v in _ATTR.findall(raw)}


def _first_sheet_part(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """Path of the first worksheet's XML part and of its relationships part."""
    workbook = archive.read("xl/workbook.xml")
    first = re.search(rb"<sheet\b[^>]*>", workbook)
    rels = archive.read("xl/_rels/workbook.xml.rels")
    target = None
    if first:
        rid = next((v for k, v in _attrs(first.group(0)).items() if k.endswith(":id")), None)
        for rel in re.findall(rb"<Relationship\b[^>]*>", rels):
            attrs = _attrs(rel)
            if attrs.get("Id") == rid:
                target = attrs["Target"]
    if target is None:
        target = "worksheets/sheet1.xml"
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    return part, rels_part if rels_part in archive.namelist() else None


def _sheet_xml_facts(data: bytes, sheet: Sheet) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part, rels_part = _first_sheet_part(archive)
        xml = archive.read(part)
        targets: dict[bytes, str] = {}
        if rels_part:
            rels = archive.read(rels_part)
            fast = _RELATIONSHIP_FAST.findall(rels)
            if len(fast) == rels.count(b"<Relationship "):
                targets = {rid: _unescape(target) for rid, target in fast}
            else:
                for rel in _RELATIONSHIP.findall(rels):
                    attrs = _attrs(rel)
                    targets[attrs.get("Id", "").encode()] = attrs.get("Target")
        try:
            core = archive.read("docProps/core.xml")
            found = _MODIFIED.search(core)
            sheet.modified_utc = found.group(1).decode() if found else None
        except KeyError:
            sheet.modified_utc = None
    links = _HYPERLINK_FAST.findall(xml)
    if len(links) != xml.count(b"<hyperlink "):
        links = []
        for raw in _HYPERLINK.findall(xml):
            attrs = _attrs(raw)
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            refs = [_CELL_REF.fullmatch(r) for r in attrs.get("ref", "").split(":")]
            if all(refs):
                last = refs[-1].group(2).encode() if len(refs) > 1 else b""
                links.append((refs[0].group(1).encode(), refs[0].group(2).encode(), last, rid.encode()))
    columns: dict[bytes, int] = {}
    for letters, first_row, last_row, rid in links:
        target = targets.get(rid)
        if target is None:
            continue
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = _column_index(letters.decode())
        # A hyperlink may cover a range (G2:G5); ICE's are single cells, ranges are expanded to their rows.
        first = int(first_row)
        for row in range(first, int(last_row or first) + 1):
            sheet.hyperlinks[(row, col)] = target
    # Scanning every cell tag is slow; find the rare error and hidden markers, then read their enclosing tag.
    for mark in _ERROR_MARK.finditer(xml):
        start = xml.rfind(b"<c ", 0, mark.start())
        cell = _ERROR_CELL.match(xml, start)
        if cell:
            sheet.errors[(int(cell.group(2)), _column_index(cell.group(1).decode()))] = cell.group(3).decode()
    for mark in _HIDDEN_MARK.finditer(xml):
        start = xml.rfind(b"<", 0, mark.start())
        row = _ROW_NUMBER.match(xml, start, mark.start())
        if row:
            sheet.hidden_rows.add(int(row.group(1)))


def read_sheet(data: bytes, source: str) -> Sheet:
    """Read the first worksheet of the workbook in ``data``.

    ``source`` names the file in error messages. Raises UnreadablePublicationError for bytes that are not a
    readable workbook.

    >>> read_sheet(b"", "x.xlsx")
    Traceback (most recent call last):
    g287.errors.UnreadablePublicationError: x.xlsx: the file is empty. Re-download it from ice.gov.
    """
    if not data:
        raise UnreadablePublicationError(f"{source}: the file is empty. Re-download it from ice.gov.")
    if not data.startswith(b"PK"):
        raise UnreadablePublicationError(
            f"{source}: not an Excel workbook (.xlsx); import ICE's participating or pending spreadsheet."
        )
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        worksheet = book.get_sheet_by_index(0)
        start_row = worksheet.start[0] if worksheet.start else 0
        values = worksheet.to_python(skip_empty_area=False)
        sheet = Sheet(sheet_names=names, name=worksheet.name,
                      rows=[(start_row + i + 1, row) for i, row in enumerate(values)])
        _sheet_xml_facts(data, sheet)
    except (python_calamine.CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnreadablePublicationError(
            f"{source}: not a readable Excel workbook ({reason}); the file may be truncated, download it again."
        ) from None
    return sheet
