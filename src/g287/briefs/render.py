"""A county brief as HTML (the site's page and the PDF's source) and as PDF, in English or Spanish.

PDF engines register in :data:`PDF_ENGINES`. WeasyPrint is the default (docs/briefs.md gives the measurements
behind that choice); Chromium's print-to-PDF, driven by Playwright, is the alternative.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from g287.briefs.charts import MODEL_COLOURS, locator_map, timeline_chart
from g287.briefs.content import BriefContext
from g287.errors import G287Error
from g287.i18n import LOCALES, N_, make_environment

TEMPLATES = Path(str(resources.files("g287.briefs") / "templates"))
PAGE_SIZES = ("A4", "Letter")

MODEL_NAMES = {"JEM": N_("Jail Enforcement Model"), "TFM": N_("Task Force Model"),
               "WSO": N_("Warrant Service Officer model")}
TOPIC_NAMES = {"duties": N_("What officers may do"), "costs": N_("Who pays"), "supervision": N_("Supervision"),
               "complaints": N_("Complaints"), "data": N_("Data the agency keeps"),
               "termination": N_("How it ends")}
# One question per topic, asked of whoever proposes to sign or renew; each cites the clause it is drawn from.
QUESTIONS = {
    "duties": N_("Which immigration functions will local officers perform, where (jail, street, warrants), and "
                 "how many officers will be trained?"),
    "costs": N_("What will the county pay for officers' time, overtime, detention and transport, and is any of "
                "it reimbursed?"),
    "supervision": N_("Who at ICE supervises the officers day to day, and how will the county know what they do?"),
    "complaints": N_("How can a resident file a complaint about 287(g) work, who investigates it, and are the "
                     "outcomes published?"),
    "data": N_("Which data (encounters, detainers, removals, charges, race and ethnicity) will the agency keep "
               "and publish, and how often?"),
    "termination": N_("How and when can the county end or suspend the agreement, and does it renew "
                      "automatically?"),
}
CLAIM_NAMES = {"public_safety": N_("Public safety and crime"), "removals": N_("Removals and whom they reach"),
               "profiling": N_("Profiling and discrimination"),
               "trust": N_("Trust, health and crime reporting"), "cost": N_("Cost and the local economy"),
               "oversight": N_("Oversight of the program")}
EVIDENCE_KIND_NAMES = {"report": N_("report"), "official report": N_("official report"),
                       "working paper": N_("working paper"), "peer-reviewed article": N_("peer-reviewed article"),
                       "thesis": N_("thesis"), "program statistics": N_("program statistics"),
                       "official finding": N_("official finding"), "g287 study": N_("g287 study")}
NAME_TABLES = {"model_names": MODEL_NAMES, "topic_names": TOPIC_NAMES,
               "questions": QUESTIONS, "claim_names": CLAIM_NAMES, "evidence_kind_names": EVIDENCE_KIND_NAMES}


def check_locale(lang: str) -> str:
    if lang not in LOCALES:
        raise G287Error(f"--lang {lang!r} is not one of {', '.join(LOCALES)}; use en or es.")
    return lang


@cache
def _template(lang: str):
    """The brief's template in ``lang``, compiled once per process (``g287 brief --all`` renders hundreds)."""
    return make_environment([TEMPLATES], lang, NAME_TABLES).get_template("brief.html")


@cache
def _stylesheet(page_size: str) -> str:
    return (TEMPLATES / "brief.css").read_text(encoding="utf-8").replace("__PAGE_SIZE__", page_size)


def render_html(brief: dict, context: BriefContext, lang: str = "en", page_size: str = "Letter") -> str:
    """The brief as one self-contained HTML document (styles inline, charts as SVG) in ``lang``."""
    check_locale(lang)
    if page_size not in PAGE_SIZES:
        raise G287Error(f"--page-size {page_size!r} is not one of {', '.join(PAGE_SIZES)}.")
    neighbours = {n["county_fips"] for n in brief["neighbours"]}
    figures = {"map": locator_map(context.topology, brief["county"]["county_fips"], context.covered, neighbours),
               "timeline": timeline_chart(brief["spans"], brief["as_of"]), "colours": MODEL_COLOURS}
    return _template(lang).render(brief=brief, figures=figures, css=_stylesheet(page_size), lang=lang,
                                  page_size=page_size)


def pdf_weasyprint(html: str) -> bytes:
    """PDF by WeasyPrint (CSS paged media: page numbers and running footers from the stylesheet)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the system's Pango is missing
        raise G287Error(f"WeasyPrint cannot run here ({exc}); install it with \"pip install weasyprint\" and "
                        "Pango with \"apt-get install libpango-1.0-0 libpangoft2-1.0-0\", or use "
                        "--engine chromium.") from None
    return HTML(string=html).write_pdf()


def pdf_chromium(html: str, executable: str | None = None) -> bytes:
    """PDF by Chromium's print-to-PDF (Debian's chromium, driven by Playwright)."""
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise G287Error("Playwright is not installed; install it with \"pip install playwright\" or use "
                        "--engine weasyprint.") from None
    executable = executable or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise G287Error("No chromium on the PATH; install Debian's chromium or use --engine weasyprint.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable)
        page = browser.new_page()
        page.set_content(html, wait_until="load")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        browser.close()
    return pdf


PDF_ENGINES: dict[str, Callable[[str], bytes]] = {"weasyprint": pdf_weasyprint, "chromium": pdf_chromium}
DEFAULT_ENGINE = "weasyprint"


def render_pdf(html: str, engine: str = DEFAULT_ENGINE) -> bytes:
    """The brief's HTML printed to PDF by ``engine`` (a key of :data:`PDF_ENGINES`)."""
    if engine not in PDF_ENGINES:
        raise G287Error(f"--engine {engine!r} is not one of {', '.join(PDF_ENGINES)}.")
    return PDF_ENGINES[engine](html)
