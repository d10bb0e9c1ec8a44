"""Text extraction of the ten real MOAs: pypdfium2 (g287's choice) against pypdf and poppler's pdftotext.

    python benchmarks/moa_extract.py [MOA_FOLDER]      # default ../shared/data/ice-287g/moa

For each library: pages per second over the files with a text layer, words read, and the share of the
section headings (the Roman-numeral titles and appendices a reader sees on the page, found by g287's heading
rule) it lets g287 recognise. Then g287's whole extraction (text layer, OCR of scanned pages by Tesseract)
over all ten files, with the pages per method.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from g287.moa.extract import extract_moa
from g287.moa.structure import heading_key


def _pdfium(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _pypdf(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages]


def _pdftotext(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in out.split("\f") if page.strip()]


def _headings(pages: list[str]) -> int:
    return sum(1 for page in pages for line in page.splitlines() if heading_key(" ".join(line.split())))


def main(folder: Path) -> None:
    files = sorted(folder.glob("*.pdf"))
    text_files = [f for f in files if not f.name.startswith("LeeCo")]  # the scan has no text layer
    libraries = {"pypdfium2": _pdfium, "pypdf (baseline)": _pypdf}
    if shutil.which("pdftotext"):
        libraries["pdftotext (poppler)"] = _pdftotext
    results = {}
    for name, read in libraries.items():
        start = time.perf_counter()
        pages = [read(f) for f in text_files]
        seconds = time.perf_counter() - start
        results[name] = (sum(len(p) for p in pages), seconds, sum(len(t.split()) for p in pages for t in p),
                         sum(_headings(p) for p in pages))
    best = max(r[3] for r in results.values())
    print(f"{len(text_files)} MOAs with a text layer")
    print(f"{'library':22} {'pages':>5} {'pages/s':>8} {'words':>7} {'headings found':>15}")
    for name, (pages, seconds, words, headings) in results.items():
        print(f"{name:22} {pages:>5} {pages / seconds:>8.1f} {words:>7,} {headings:>8} ({headings / best:.0%})")
    start = time.perf_counter()
    methods: dict[str, int] = {}
    for f in files:
        for method, n in extract_moa(f).methods.items():
            methods[method] = methods.get(method, 0) + n
    seconds = time.perf_counter() - start
    total = sum(methods.values())
    print(f"g287 extraction of all {len(files)} files: {total} pages in {seconds:.1f} s ({total / seconds:.2f} pages/s); "
          f"pages by method: {methods}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/ice-287g/moa"))
