"""``g287 import``, ``sync``, ``build``, ``check``, ``feed`` and ``export``: the archive, the ledger built from it,
its invariants and the files written from it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import g287
from g287.cli.boundary import reported
from g287.cli.emit import Format, emit, output_options, progress


def _echo_imported(r) -> None:
    """One line for a file import or sync put in the archive (or found already there)."""
    state = "archived" if r.is_new_file else ("new name for" if r.is_new_name else "already archived")
    slot = f" {r.slot}" if r.slot else ""
    typer.echo(f"{state}: {r.path.name} ({r.kind}, {r.list_date}{slot}, {r.sha256[:12]})")


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="ICE workbooks, HTML-era tables, roster CSVs or the 2002-2020 reference tables (docs/history.md).")],
    list_date: Annotated[str | None, typer.Option("--list-date", help="List date, when the name has none.")] = None,
) -> None:
    """Add publication files to the content-addressed raw archive (same bytes twice: no-op)."""
    for r in g287.import_files(paths, list_date=list_date):
        _echo_imported(r)


def _sync_once(url: str | None, contact: str | None, documents: bool) -> int:
    report, built, delivery = g287.sync(url=url, policy=g287.api.fetch_policy(contact), documents=documents)
    typer.echo(f"page: {report.page_url}: {len(report.links)} workbook links")
    for r in report.archived:
        _echo_imported(r)
    for link in report.unchanged:
        typer.echo(f"unchanged: {link}")
    if report.documents is not None:
        docs = report.documents
        typer.echo(f"documents: {len(docs.fetched)} archived, {len(docs.broken)} broken, {docs.skipped} already known.")
        if docs.stopped:
            typer.echo(f"documents: {docs.stopped}")
    if built is not None:
        typer.echo(f"Built {built.store_path}: {built.publications} lists, {built.agreements} agreements, "
                   f"{built.events} events.")
    if delivery is not None:
        typer.echo(f"Alerts: {delivery.delivered} delivered, {len(delivery.failed)} failed (retried next run).")
    for failure in report.failures:
        typer.echo(f"Error: {failure}", err=True)
    return 1 if report.failures else 0


def sync(url: Annotated[str | None, typer.Option("--url", help="ICE's 287(g) page (default: ice.gov).")] = None,
         every: Annotated[str | None, typer.Option("--every", help="Repeat in the foreground: 6h, 30m, 1d.")] = None,
         contact: Annotated[str | None, typer.Option("--contact", envvar="G287_CONTACT",
                                                     help="Contact named in the User-Agent.")] = None,
         documents: Annotated[bool, typer.Option("--documents/--no-documents",
                                                 help="Also fetch the MOA and addendum PDFs.")] = True) -> None:
    """Download every new ICE workbook from the 287(g) page into the archive, then rebuild."""
    if every is None:
        raise typer.Exit(_sync_once(url, contact, documents))
    import time

    seconds = g287.api.sync_interval(every)
    while True:
        try:
            with reported():
                _sync_once(url, contact, documents)
        except typer.Exit:
            pass  # the error was printed; a loop keeps going
        time.sleep(seconds)


def build(workers: Annotated[int | None, typer.Option(help="Parser processes (default: 2).")] = None,
          full: Annotated[bool, typer.Option("--full", help="Rebuild every table even when the new lists could "
                                                           "be added to the kept ledger.")] = False) -> None:
    """Bring the DuckDB ledger up to date with the archive (written aside, swapped in atomically).

    New ICE lists that come after everything already built are added to the kept ledger, touching only the rows
    they change; anything else (or --full) rebuilds every table. Both give the same tables."""
    with progress(bar=True, count=True) as display:
        task = display.add_task("Reading publications", total=None)
        report = g287.build(workers=workers, full=full,
                            progress=lambda done, total: display.update(task, completed=done, total=total))
    how = "Built" if report.added is None else f"Added {report.added} new list{'s' * (report.added != 1)} to"
    typer.echo(f"{how} {report.store_path}: {report.publications} lists, {report.agreements} agreements, "
               f"{report.events} events.")
    for publication_id, reason in report.quarantined:
        typer.echo(f"Quarantined list {publication_id}: {reason}")
    if report.site is not None:
        typer.echo(f"Published the home's site again: {report.site.summary()}")


@output_options()
def check(fmt: Format = "table") -> None:
    """Run the ledger invariants; exit 1 if any rule fails."""
    rows = g287.check()
    emit(rows, fmt, columns=["check", "scope", "value", "expected", "status"])
    if any(r["status"] == "fail" for r in rows):
        raise typer.Exit(1)


def feed(out: Annotated[Path, typer.Option("--out", help="Output folder.")],
         limit: Annotated[int, typer.Option("--limit", help="Newest events per feed.")] = 200) -> None:
    """Write Atom feeds of ledger events: all.xml, state/XX.xml, agency/ID.xml, county/FIPS.xml."""
    written = g287.api.feeds(out, limit=limit)
    typer.echo(f"{len(written)} feeds in {out}")


def export(fmt: Annotated[str, typer.Option("--format", help="parquet, csv, json or sqlite.")],
           out: Annotated[Path, typer.Option("--out", help="Output folder.")],
           bundled: Annotated[bool, typer.Option("--bundled", help="Only the tables the package bundles.")] = False) -> None:
    """Write the ledger tables to files (the SQLite file opens in Datasette)."""
    for path in g287.export(fmt, out, bundled_only=bundled):
        typer.echo(str(path))
