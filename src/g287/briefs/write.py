"""Writing briefs to files: one county, or every county that has or had an agreement with an index page."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from g287.acquire.archive import write_atomically
from g287.briefs.content import BriefContext, build_brief, county_fips_with_agreements
from g287.briefs.render import DEFAULT_ENGINE, check_locale, render_html, render_pdf
from g287.errors import G287Error
from g287.i18n import N_, translations
from g287.inputs import parse_date
from g287.store.publications import newest_date

FORMATS = ("html", "pdf")
# The index page's strings, for the catalog.
INDEX_STRINGS = (N_("County briefs as of %(date)s"),
                 N_("%(n)s counties that have or had a 287(g) agreement of a local agency."))


def brief_bytes(con: duckdb.DuckDBPyConnection, county_fips: str, lang: str = "en", fmt: str = "html",
                as_of: str | None = None, engine: str = DEFAULT_ENGINE, page_size: str = "Letter",
                context: BriefContext | None = None) -> bytes:
    """The brief of ``county_fips`` as HTML or PDF bytes."""
    check_locale(lang)
    if fmt not in FORMATS:
        raise G287Error(f"--format {fmt!r} is not one of {', '.join(FORMATS)}.")
    as_of = parse_date(as_of) or newest_date(con)
    context = context if context is not None and context.as_of == as_of else BriefContext(con, as_of)
    page = render_html(build_brief(con, county_fips, as_of, context), context, lang, page_size)
    return page.encode("utf-8") if fmt == "html" else render_pdf(page, engine)


def write_brief(con: duckdb.DuckDBPyConnection, county_fips: str, out: Path, **options) -> Path:
    """Write one brief to ``out`` (replaced atomically)."""
    write_atomically(Path(out), brief_bytes(con, county_fips, **options), durable=False)
    return Path(out)


def write_all(con: duckdb.DuckDBPyConnection, out_dir: Path, lang: str = "en", fmt: str = "html",
              as_of: str | None = None, engine: str = DEFAULT_ENGINE, page_size: str = "Letter",
              progress: Callable[[int, int], None] | None = None, counties: list[str] | None = None) -> dict:
    """A brief for every county that has or had a local agreement (or only ``counties``), and ``index.html``
    linking them.

    Returns ``{"briefs", "seconds", "seconds_per_brief", "index"}``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of = parse_date(as_of) or newest_date(con)
    context = BriefContext(con, as_of)
    counties = counties if counties is not None else county_fips_with_agreements(con)
    names = {fips: (name, state) for fips, name, state in con.execute(
        "SELECT county_fips, county_name, state FROM counties").fetchall()}
    started = time.perf_counter()
    rows = []
    for done, fips in enumerate(counties, 1):
        name = f"{fips}-{lang}.{fmt}"
        write_brief(con, fips, out_dir / name, lang=lang, fmt=fmt, as_of=as_of, engine=engine,
                    page_size=page_size, context=context)
        rows.append((fips, *names.get(fips, (fips, "")), name))
        if progress:
            progress(done, len(counties))
    seconds = time.perf_counter() - started
    items = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(n)}, {s}</a> ({code})</li>'
                      for code, n, s, f in sorted(rows, key=lambda r: (r[2], r[1])))
    index = out_dir / "index.html"
    gettext = translations(lang).gettext
    title = html.escape(gettext("County briefs as of %(date)s") % {"date": as_of})
    intro = html.escape(gettext("%(n)s counties that have or had a 287(g) agreement of a local agency.")
                        % {"n": len(rows)})
    write_atomically(index, (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>g287 · {title}'
                             f"</title></head><body><h1>{title}</h1><p>{intro}</p>"
                             f"<ul>\n{items}\n</ul></body></html>").encode(), durable=False)
    return {"briefs": len(rows), "seconds": round(seconds, 2),
            "seconds_per_brief": round(seconds / len(rows), 4) if rows else None, "index": str(index)}
