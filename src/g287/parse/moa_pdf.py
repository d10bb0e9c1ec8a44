"""MOA PDFs as archived publications (kind ``moa``): checked on import, read at build time.

Accepted: a file that starts with ``%PDF`` and is named ``.pdf`` (or by its SHA-256, as the archive holds it);
it has no header and no rows. Its date is the signing date in ICE's file name (:func:`date_from_name`:
2019-10-15, 06-30-2020, 030425, 02182025, 02.20.2025).

``g287 import`` checks that the PDF opens and dates it by ICE's file name; ``g287 build`` extracts its text
(OCR cached by SHA-256), reads its terms and compares it with the template of its model (tables
``moa_terms`` and ``moa_differences``), linking it to the agreements whose MOA link names the same file.
"""

from __future__ import annotations

import datetime as dt
import re

from g287.errors import MoaError
from g287.parse.registry import ParsedList, Reader, register_reader


def iso_date(year: int, month: int, day: int) -> str | None:
    """The ISO form of a day, or None when there is no such day.

    >>> [iso_date(2025, 2, 18), iso_date(2025, 2, 30)]
    ['2025-02-18', None]
    """
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_from_name(name: str) -> str | None:
    """The signing date in ICE's file name (2019-10-15, 06-30-2020, 030425, 02182025, 02.20.2025).

    >>> [date_from_name(n) for n in ("287gWSO_BakerCoFl2019-10-15.pdf", "287gJEM_BentonCoAR_06-30-2020.pdf",
    ...  "ArcadiaPDFL_TFM_MOA_030425.pdf", "KansasBureauOfInv_TFM_MOA_02182025.pdf", "Lee_JEM_MOA_02.20.2025.pdf")]
    ['2019-10-15', '2020-06-30', '2025-03-04', '2025-02-18', '2025-02-20']
    """
    stem = name.rsplit(".pdf", 1)[0]
    for pattern, order in ((r"(20\d\d)-(\d\d)-(\d\d)$", "ymd"), (r"(\d\d)[-.](\d\d)[-.](20\d\d)$", "mdy"),
                           (r"_(\d\d)(\d\d)(20\d\d)$", "mdy"), (r"_(\d\d)(\d\d)(\d\d)$", "mdy2")):
        found = re.search(pattern, stem)
        if found:
            a, b, c = (int(x) for x in found.groups())
            if order == "ymd":
                return iso_date(a, b, c)
            return iso_date(c + (2000 if order == "mdy2" else 0), a, b)
    return None


def read_moa_pdf(data: bytes, source: str) -> list[ParsedList]:
    """A one-line check that ``data`` is a readable PDF, dated by its file name."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "it is encrypted with a password" if "password" in str(exc).lower() else f"{exc}; it may be truncated"
        raise MoaError(f"{source}: the PDF cannot be opened ({reason}).") from None
    pages = len(document)
    document.close()
    return [ParsedList(kind="moa", reader="moa_pdf", columns=[], rows=[], list_date=date_from_name(source),
                       grade="A", claim="moa", note=f"{pages} pages")]


def _accepts(header: list[str], sheet_name: str) -> bool:
    return True  # the registry hands this reader only files that are PDFs by their bytes and their name


register_reader(Reader("moa_pdf", "pdf", _accepts, read_moa_pdf))
