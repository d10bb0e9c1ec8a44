"""``g287 publish``, ``serve`` and ``brief``: the site as static files, the site served live, and printable county
briefs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

import g287
from g287.cli.boundary import fail
from g287.cli.emit import progress


def publish(out: Annotated[Path, typer.Argument(help="Folder to write the site into.")],
            base_url: Annotated[str | None, typer.Option("--base-url", help="Where the site will be served, "
                                                  "e.g. https://example.org/g287/ (links and the sitemap use it; "
                                                  "default: the folder's previous one).")] = None,
            verbose: Annotated[bool, typer.Option("--verbose", help="List every file added, changed or removed.")]
            = False) -> None:
    """Write the whole site as static files (EN and ES pages, JSON twins, feeds, API snapshots, downloads,
    search index, sitemap, 404); publishing again rewrites only files whose content changed (docs/web.md)."""
    with progress(count=True) as display:
        task = display.add_task("Publishing", total=None)
        report = g287.api.publish(out, base_url=base_url, progress=lambda n, label: display.update(
            task, advance=n, description=f"Publishing: {label}"))
    if verbose:
        for label, paths in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
            for path in paths:
                typer.echo(f"{label:8s} {path}")
    else:
        for label, paths in (("changed", report.changed), ("removed", report.removed)):
            if paths:
                shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8:,} more" if len(paths) > 8 else "")
                typer.echo(f"{label}: {shown}")
    typer.echo(f"Published {out}: {report.summary()}")


def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8287,
          workers: Annotated[int, typer.Option("--workers", help="Server processes.")] = 1,
          site: Annotated[Path | None, typer.Option("--site", help="A folder written by g287 publish from the "
                                                    "same ledger: its pages are served as files (default: "
                                                    "$G287_HOME/site when present).")] = None) -> None:
    """Serve the site and the JSON API over the local store (or the bundled ledger when none is built)."""
    import os

    import uvicorn

    if site is not None:
        if not (site / "manifest.json").is_file():
            fail(f"{site} has no manifest.json; run \"g287 publish {site}\" first.")
        os.environ["G287_SITE"] = str(site.resolve())  # read by the app's settings in every worker

    typer.echo(f"g287 site on http://{host}:{port}/ (API: /api/v1, spec: /api/v1/openapi.json)")
    uvicorn.run("g287.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)


def brief(county: Annotated[str | None, typer.Argument(help="County FIPS code (five digits, e.g. 12057).")] = None,
          all_counties: Annotated[bool, typer.Option("--all", help="Every county that has or had an agreement, "
                                                     "with an index page (needs --out DIR).")] = False,
          lang: Annotated[str, typer.Option("--lang", help="en or es.")] = "en",
          fmt: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
          as_of: Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default: the newest list.")] = None,
          out: Annotated[Path | None, typer.Option("--out", help="File to write (a folder with --all); "
                                                   "default: standard output for HTML.")] = None,
          engine: Annotated[str | None, typer.Option("--engine", help="PDF engine: weasyprint (default) or "
                                                     "chromium.")] = None,
          page_size: Annotated[str, typer.Option("--page-size", help="Letter or A4.")] = "Letter") -> None:
    """A printable county brief: agreements in force and since when, whom they cover, what the MOA says,
    what studies found, and questions to ask; every figure footnoted (docs/briefs.md)."""
    if all_counties:
        if out is None or county is not None:
            fail("--all writes every county's brief into a folder: give --out DIR and no FIPS code.")
        with progress(bar=True, count=True) as display:
            task = display.add_task("Writing briefs", total=None)
            report = g287.api.briefs_all(
                out, lang=lang, fmt=fmt, as_of=as_of, engine=engine, page_size=page_size,
                progress=lambda done, total: display.update(task, completed=done, total=total))
        typer.echo(f"Wrote {report['briefs']} briefs to {out} in {report['seconds']} s "
                   f"({report['seconds_per_brief']} s per brief); index: {report['index']}")
        return
    if county is None:
        fail("give a county FIPS code (g287 brief 12057) or --all --out DIR.")
    if out is None and fmt == "pdf":
        fail("a PDF brief needs --out FILE.pdf.")
    result = g287.api.brief(county, out=out, lang=lang, fmt=fmt, as_of=as_of, engine=engine, page_size=page_size)
    if out is None:
        sys.stdout.write(result.decode("utf-8"))
    else:
        typer.echo(f"Wrote {out}")
