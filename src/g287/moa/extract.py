"""Text of an MOA PDF, page by page and line by line, with the method that produced each page.

A page with a text layer is read with pypdfium2 (PDFium: measured fastest of pypdfium2, pypdf and poppler's
pdftotext on the ten real MOAs, with the same words; docs/benchmarks.md). A page without one (a scan) is
rendered at :data:`OCR_DPI` and read by Tesseract (Debian's ``tesseract-ocr``), the method recorded as ``ocr``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from g287.errors import MoaError

# A page with fewer words than this in its text layer is treated as an image and read by OCR.
MIN_TEXT_WORDS = 20
OCR_DPI = 200


@dataclass
class Page:
    number: int  # 1-based
    method: str  # "text" or "ocr"
    lines: list[str] = field(default_factory=list)


@dataclass
class MoaText:
    name: str
    pages: list[Page]

    @property
    def methods(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for page in self.pages:
            counts[page.method] = counts.get(page.method, 0) + 1
        return counts

    def positioned_lines(self) -> list[tuple[int, int, str]]:
        """Every line as (page, line number on the page, text)."""
        return [(page.number, i, line) for page in self.pages for i, line in enumerate(page.lines, start=1)]


def extract_moa(source: Path | bytes, name: str | None = None, ocr: bool = True) -> MoaText:
    """The text of an MOA PDF (a path or its bytes); MoaError with a one-line reason when it cannot be read."""
    import pypdfium2 as pdfium

    name = name or (Path(source).name if not isinstance(source, bytes) else "MOA")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data.startswith(b"%PDF"):
        raise MoaError(f"{name}: not a PDF (it does not start with %PDF); give ICE's MOA PDF as downloaded.")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise MoaError(f"{name}: the PDF is encrypted with a password; g287 cannot read it without one.") from None
        raise MoaError(f"{name}: the PDF cannot be opened ({reason}); it may be truncated: download it again.") from None
    pages: list[Page] = []
    images = {}
    try:
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage().get_text_range()
            if len(text.split()) >= MIN_TEXT_WORDS or not ocr:
                pages.append(Page(index + 1, "text", _lines(text)))
            else:
                pages.append(Page(index + 1, "ocr"))
                images[index] = page.render(scale=OCR_DPI / 72).to_pil()
    except pdfium.PdfiumError as exc:
        raise MoaError(f"{name}: page {len(pages) + 1} cannot be read ({exc}); the file may be truncated.") from None
    finally:
        document.close()
    if images:  # Tesseract runs as a process per page: two at a time
        with ThreadPoolExecutor(max_workers=2) as pool:
            texts = dict(zip(images, pool.map(lambda item: _ocr(item[1], name, item[0] + 1), images.items())))
        for index, text in texts.items():
            pages[index].lines = _lines(text)
    moa = MoaText(name, pages)
    head = " ".join(line for page in pages[:2] for line in page.lines).upper()
    if "MEMORANDUM OF AGREEMENT" not in head and "287(G)" not in head:
        raise MoaError(f"{name}: not a 287(g) MOA (no 'Memorandum of Agreement' on its first pages).")
    return moa


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n") if line.strip()]


def _ocr(image, name: str, number: int) -> str:
    if shutil.which("tesseract") is None:
        raise MoaError(f"{name}: page {number} is an image and tesseract is not installed; "
                       "install Debian's tesseract-ocr to read scanned MOAs.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        image.save(path)
        result = subprocess.run(["tesseract", str(path), "-", "--psm", "6"], capture_output=True, text=True,
                                check=False)
    if result.returncode != 0:
        raise MoaError(f"{name}: OCR of page {number} failed ({result.stderr.strip().splitlines()[-1:]}).")
    return result.stdout
