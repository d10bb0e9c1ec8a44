"""Registry of publication readers. A reader registers itself; :func:`read_publication` picks by content.

Adding a reader means writing a module with a ``Reader`` and importing it in ``g287.parse``; no dispatcher
is edited. The kind of a publication (participating, pending, roster) is decided by its content, never by its
file name: ICE once posted each list under the other's name (2025-09-22 pm).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
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
    # Evidence grade of the source: A (ICE's own list, page or MOA), B (government report, FOIA document),
    # C (third party).
    grade: str = "A"
    # What the rows claim: "in_force" (each row an agreement in force on the list date) or "signing_dates"
    # (each row an agreement's signing date, not a statement about the list date).
    claim: str = "in_force"
    stated_count: int | None = None  # the number of agreements the source itself states (a page caption)
    note: str | None = None  # the source's own heading or citation
    observed_on: str | None = None  # the day the list was seen (a web capture), when it differs from list_date
    stated_on: str | None = None  # the date the source's own count (stated_count) is given for
    # Enforcement output (kind "output"): one count per agency or area and period, never a row about a person.
    counts: list[dict] = field(default_factory=list)
    # What g287 import archives instead of the file, when the file holds rows about persons (a FOIA table):
    # its aggregate. The token {source_sha256} in it stands for the SHA-256 of the file that was read.
    archive_bytes: bytes | None = None


@dataclass(frozen=True)
class Reader:
    """A publication format: ``accepts(header, sheet_name)`` sniffs it, ``read`` parses it."""

    name: str
    file_format: str  # "xlsx", "csv", "tsv" or "pdf" (the bytes, for a PDF)
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


def read_csv_cells(records: list[list[str]], known: tuple[str, ...], required: tuple[str, ...], source: str,
                   what: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header of a CSV split into ``records`` (checked by :func:`check_columns`), and each non-empty line
    as (line number, header name -> trimmed value); the header is line 1.

    >>> read_csv_cells([["a", "b"], ["1", " 2 "], ["", ""]], ("a", "b"), ("a",), "x.csv", "test")
    (['a', 'b'], [(2, {'a': '1', 'b': '2'})])
    """
    header = [h.strip() for h in records[0]]
    check_columns(header, known, required, source, what)
    lines = [(number, dict(zip(header, (v.strip() for v in record))))
             for number, record in enumerate(records[1:], start=2) if any(v.strip() for v in record)]
    return header, lines


def read_publication(data: bytes, source: str) -> list[ParsedList]:
    """Parse a publication file's bytes into one or more lists.

    ``source`` names the file in error messages. Raises UnreadablePublicationError or UnknownLayoutError.

    >>> read_publication(b"not,a,list\\n1,2,3\\n", "x.csv")
    Traceback (most recent call last):
    g287.errors.UnknownLayoutError: x.csv: header 'not | a | list' matches no known ICE 287(g) list layout; import ICE's participating or pending spreadsheet, an HTML-era table, a historical roster CSV or one of the 2002-2020 reference tables (docs/history.md).
    """
    # An agreement's MOA (docs/moa.md): a PDF named .pdf, or one the archive holds (named by its SHA-256). A PDF
    # under a spreadsheet's name is a wrong download, not an MOA.
    named_pdf = source.lower().endswith(".pdf") or re.fullmatch(r"[0-9a-f]{64}", source) is not None
    if data.startswith(b"%PDF") and named_pdf:
        forms: dict[str, tuple] = {"pdf": (data, [], "")}
    elif data.startswith(b"PK") or not data:
        sheet: Sheet = read_sheet(data, source)
        forms = {"xlsx": (sheet, header_of(sheet.rows[0][1]) if sheet.rows else [], sheet.name)}
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadablePublicationError(
                f"{source}: neither an Excel workbook nor UTF-8 text; import ICE's spreadsheet as downloaded."
            ) from None
        # Text is split as comma- and as tab-separated values; each reader sniffs the form it reads.
        forms = {}
        for name, delimiter in (("csv", ","), ("tsv", "\t")):
            records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
            forms[name] = (records, header_of(records[0]) if records else [], "")
    for reader in READERS:
        if reader.file_format in forms:
            payload, header, sheet_name = forms[reader.file_format]
            if reader.accepts(header, sheet_name):
                lists = reader.read(payload, source)
                for parsed in lists:
                    if parsed.archive_bytes is not None:
                        digest = hashlib.sha256(data).hexdigest().encode()
                        parsed.archive_bytes = parsed.archive_bytes.replace(b"{source_sha256}", digest)
                return lists
    header = next(iter(forms.values()))[1]
    shown = " | ".join(h for h in header if h) or "(empty)"
    raise UnknownLayoutError(
        f"{source}: header {shown!r} matches no known ICE 287(g) list layout; import ICE's participating or "
        "pending spreadsheet, an HTML-era table, a historical roster CSV or one of the 2002-2020 reference "
        "tables (docs/history.md)."
    )
