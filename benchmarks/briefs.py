"""County briefs: time to write every brief (``g287 brief --all``), and the two PDF engines side by side on the
same briefs (seconds per brief, pages, fonts embedded, vector charts, file size).

    python benchmarks/briefs.py [--sample 8]

Needs WeasyPrint (pip, with Debian's libpango-1.0-0 and libpangoft2-1.0-0), Debian's chromium with Playwright,
and poppler-utils (pdfinfo, pdffonts, pdfimages). Runs over the bundled ledger.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from g287.briefs.content import BriefContext, build_brief, county_fips_with_agreements
from g287.briefs.render import PDF_ENGINES, render_html
from g287.briefs.write import write_all
from g287.store.connect import open_ledger
from g287.store.publications import newest_date


def pdf_facts(path: Path) -> dict:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    return {"pages": int(re.search(r"Pages:\s+(\d+)", info).group(1)),
            "fonts_embedded": all(line.split()[-5] == "yes" for line in fonts if line.strip()),
            "images": len(images), "kb": round(path.stat().st_size / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=8, help="briefs printed by each PDF engine")
    args = parser.parse_args()
    con = open_ledger(None)
    counties = county_fips_with_agreements(con)
    with tempfile.TemporaryDirectory() as tmp:
        report = write_all(con, Path(tmp) / "html")
        print(f"g287 brief --all (HTML, English): {report['briefs']} briefs in {report['seconds']} s, "
              f"{report['seconds_per_brief']} s per brief")
        context = BriefContext(con, newest_date(con))
        sample = counties[:: max(len(counties) // args.sample, 1)][: args.sample]
        pages = [render_html(build_brief(con, fips, context.as_of, context), context, "es") for fips in sample]
        for engine, print_pdf in PDF_ENGINES.items():
            started = time.perf_counter()
            facts = []
            for fips, html in zip(sample, pages):
                out = Path(tmp) / f"{fips}-{engine}.pdf"
                out.write_bytes(print_pdf(html))
                facts.append(pdf_facts(out))
            seconds = (time.perf_counter() - started) / len(sample)
            print(f"{engine:10s} {seconds:.2f} s per PDF; pages {[f['pages'] for f in facts]}; fonts embedded "
                  f"{all(f['fonts_embedded'] for f in facts)}; raster images {sum(f['images'] for f in facts)}; "
                  f"mean size {sum(f['kb'] for f in facts) // len(facts)} KB")


if __name__ == "__main__":
    main()
