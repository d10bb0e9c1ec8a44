"""Registry of publication readers. A reader registers itself; :func:`read_publication` picks by content.

Adding a reader means writing a module with a ``Reader`` and importing it in ``g287.parse``; no dispatcher
is edited. The kind of a publication (participating, pending, roster) is decided by its content, never by its
file name: ICE once posted each list under the other's name (2025-09-22 pm).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Callable

from g287.errors import UnknownLayoutError, UnreadablePublicationError
from g287.parse.workbook import Sheet, read_sheet


@dataclass
class ParsedList:
    """One list read from a file: its kind, header and normalised rows (each with ``row_number``)."""

    kind: str
    reader: str
    columns: list[str]
    rows: list[dict]
    sheet_names: list[str] = field(default_factory=list)
    hidden_rows: int = 0
    modified_utc: str | None = None
    list_date: str | None = None  # only when the content itself carries the date (the 2007/2008 rosters)
    fixes_used: set = field(default_factory=set)


@dataclass(frozen=True)
class Reader:
    """A publication format: ``accepts(header, sheet_name)`` sniffs it, ``read`` parses it."""

    name: str
    file_format: str  # "xlsx" or "csv"
    accepts: Callable[[list[str], str], bool]
    read: Callable[..., list[ParsedList]]


READERS: list[Reader] = []


def register_reader(reader: Reader) -> Reader:
    """Add a reader; later registrations are tried after earlier ones."""
    READERS.append(reader)
    return reader


def header_of(values: list) -> list[str]:
    """Header names as printed (empty header cells become ``""``)."""
    return ["" if v is None else str(v).strip() for v in values]


def check_columns(header: list[str], known: tuple[str, ...], required: tuple[str, ...], source: str,
                  what: str) -> None:
    """Raise UnknownLayoutError when the header has a column we do not know or lacks a required one."""
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise UnknownLayoutError(
            f"{source}: unknown column {unknown[0]!r} in a {what} header; g287 reads {', '.join(known)}. "
            "Check the file, and if ICE changed its layout, teach g287's reader the new column."
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise UnknownLayoutError(f"{source}: the {what} header lacks column {missing[0]!r}; the file is not a "
                                 "complete ICE list.")


def read_publication(data: bytes, source: str) -> list[ParsedList]:
    """Parse a publication file's bytes into one or more lists.

    ``source`` names the file in error messages. Raises UnreadablePublicationError or UnknownLayoutError.

    >>> read_publication(b"not,a,list\\n1,2,3\\n", "x.csv")
    Traceback (most recent call last):
    g287.errors.UnknownLayoutError: x.csv: header 'not | a | list' matches no known ICE 287(g) list layout; import ICE's participating or pending spreadsheet, an HTML-era table or a historical roster CSV.
    """
    if data.startswith(b"PK") or not data:
        sheet: Sheet = read_sheet(data, source)
        header = header_of(sheet.rows[0][1]) if sheet.rows else []
        candidates = [r for r in READERS if r.file_format == "xlsx"]
        payload: object = sheet
        sheet_name = sheet.name
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadablePublicationError(
                f"{source}: neither an Excel workbook nor UTF-8 text; import ICE's spreadsheet as downloaded."
            ) from None
        records = list(csv.reader(io.StringIO(text)))
        header = header_of(records[0]) if records else []
        candidates = [r for r in READERS if r.file_format == "csv"]
        payload = records
        sheet_name = ""
    for reader in candidates:
        if reader.accepts(header, sheet_name):
            return reader.read(payload, source)
    shown = " | ".join(h for h in header if h) or "(empty)"
    raise UnknownLayoutError(
        f"{source}: header {shown!r} matches no known ICE 287(g) list layout; import ICE's participating or "
        "pending spreadsheet, an HTML-era table or a historical roster CSV."
    )
