"""MOA PDFs as archived publications (kind ``moa``): checked on import, read at build time.

``g287 import`` checks that the PDF opens and dates it by ICE's file name; ``g287 build`` extracts its text
(OCR cached by SHA-256), reads its terms and compares it with the template of its model (tables
``moa_terms`` and ``moa_differences``), linking it to the agreements whose MOA link names the same file.
"""

from __future__ import annotations

from g287.moa.extract import MoaError
from g287.moa.structure import date_from_name
from g287.parse.registry import ParsedList


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
