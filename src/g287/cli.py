"""The ``g287`` command line. Each command parses options, calls one library function and prints."""

from __future__ import annotations

import csv
import os
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import g287
from g287 import settings
from g287.errors import G287Error, InputError
from g287.store.connect import damaged_store_message

app = typer.Typer(help="g287: the U.S. 287(g) program made visible. Ledger of ICE agreements with evidence.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None)
console = Console()

AsOf = Annotated[Optional[str], typer.Option("--as-of", help="Date YYYY-MM-DD (default: newest list).")]
State = Annotated[Optional[str], typer.Option("--state", help="State code (FL) or name (Florida).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _run(call):
    """Call the library; turn its errors into a one-line message and exit code 1."""
    try:
        return call()
    except InputError as exc:  # the library names its parameter; the user typed an option
        typer.echo(f"Error: {exc.named(_option_of(exc.name))}", err=True)
        raise typer.Exit(1) from None
    except G287Error as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    except duckdb.IOException as exc:  # a store damaged past what open_store can see (a block cut short)
        message = damaged_store_message(settings.get_settings().store_path, str(exc).splitlines()[0])
        typer.echo(f"Error: {message}", err=True)
        raise typer.Exit(1) from None


def _option_of(name: str) -> str:
    """The option of the running command whose value the library calls ``name`` (``event_type``: ``--type``)."""
    import click

    context = click.get_current_context(silent=True)
    for param in context.command.params if context else ():
        if param.name == name and param.opts:
            return param.opts[0]
    return "--" + name.replace("_", "-")


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _print_table(rows: list[dict], columns: list[str], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["" if row.get(c) is None else str(row.get(c)) for c in columns])
    console.print(table)


def _print_rows(rows: list[dict], as_json: bool, columns: list[str], title: str | None = None) -> None:
    """Rows as JSON, or as a table of ``columns``."""
    if as_json:
        _print_json(rows)
    else:
        _print_table(rows, columns, title=title)


def _echo_imported(r) -> None:
    """One line for a file import or sync put in the archive (or found already there)."""
    state = "archived" if r.is_new_file else ("new name for" if r.is_new_name else "already archived")
    slot = f" {r.slot}" if r.slot else ""
    typer.echo(f"{state}: {r.path.name} ({r.kind}, {r.list_date}{slot}, {r.sha256[:12]})")


@app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="ICE workbooks, HTML-era tables, roster CSVs or the 2002-2020 reference tables (docs/history.md).")],
    list_date: Annotated[Optional[str], typer.Option("--list-date", help="List date, when the name has none.")] = None,
) -> None:
    """Add publication files to the content-addressed raw archive (same bytes twice: no-op)."""
    results = _run(lambda: g287.import_files(paths, list_date=list_date))
    for r in results:
        _echo_imported(r)


def _sync_once(url: str | None, contact: str | None, documents: bool) -> int:
    from g287.acquire.http import FetchPolicy

    policy = FetchPolicy(contact=contact) if contact else None
    report, built, delivery = _run(lambda: g287.sync(url=url, policy=policy, documents=documents))
    typer.echo(f"page: {report.page_url}: {len(report.links)} workbook links")
    for r in report.archived:
        _echo_imported(r)
    for url in report.unchanged:
        typer.echo(f"unchanged: {url}")
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


@app.command()
def sync(url: Annotated[Optional[str], typer.Option("--url", help="ICE's 287(g) page (default: ice.gov).")] = None,
         every: Annotated[Optional[str], typer.Option("--every", help="Repeat in the foreground: 6h, 30m, 1d.")] = None,
         contact: Annotated[Optional[str], typer.Option("--contact", envvar="G287_CONTACT",
                                                        help="Contact named in the User-Agent.")] = None,
         documents: Annotated[bool, typer.Option("--documents/--no-documents",
                                                 help="Also fetch the MOA and addendum PDFs.")] = True) -> None:
    """Download every new ICE workbook from the 287(g) page into the archive, then rebuild."""
    if every is None:
        raise typer.Exit(_sync_once(url, contact, documents))
    import time

    from g287.acquire.sync import parse_interval

    seconds = _run(lambda: parse_interval(every))
    while True:
        try:
            _sync_once(url, contact, documents)
        except typer.Exit:
            pass  # the error was printed; a loop keeps going
        time.sleep(seconds)


@app.command()
def build(workers: Annotated[Optional[int], typer.Option(help="Parser processes (default: 2).")] = None,
          full: Annotated[bool, typer.Option("--full", help="Rebuild every table even when the new lists could "
                                                           "be added to the kept ledger.")] = False) -> None:
    """Bring the DuckDB ledger up to date with the archive (written aside, swapped in atomically).

    New ICE lists that come after everything already built are added to the kept ledger, touching only the rows
    they change; anything else (or --full) rebuilds every table. Both give the same tables."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Reading publications", total=None)
        report = _run(lambda: g287.build(workers=workers, full=full,
                                         progress=lambda done, total: progress.update(task, completed=done, total=total)))
    how = "Built" if report.added is None else f"Added {report.added} new list{'s' * (report.added != 1)} to"
    typer.echo(f"{how} {report.store_path}: {report.publications} lists, {report.agreements} agreements, "
               f"{report.events} events.")
    for publication_id, reason in report.quarantined:
        typer.echo(f"Quarantined list {publication_id}: {reason}")
    if report.site is not None:
        typer.echo(f"Published the home's site again: {report.site.summary()}")


@app.command()
def check(as_json: AsJson = False) -> None:
    """Run the ledger invariants; exit 1 if any rule fails."""
    rows = _run(g287.check)
    if as_json:
        _print_json(rows)
    else:
        _print_table(rows, ["check", "scope", "value", "expected", "status"])
    if any(r["status"] == "fail" for r in rows):
        raise typer.Exit(1)


@app.command()
def counts(as_of: AsOf = None,
           by: Annotated[Optional[str], typer.Option("--by", help="model, state or type.")] = None,
           state: State = None, as_json: AsJson = False) -> None:
    """Agreements and agencies in the newest participating list on or before a date."""
    result = _run(lambda: g287.counts(as_of=as_of, by=by, state=state))
    if as_json:
        _print_json(result)
        return
    if result["basis"] == "intervals":
        bounds, sources = result["bounds"], result["sources"]
        typer.echo(f"As of {result['as_of']} (2002-2020 sources, between the lists of "
                   f"{sources['list_before_on'] or 'none'} and {sources['list_after_on'] or 'none'}): "
                   f"{result['agreements']:,} agreements ({bounds['agreements_low']:,} to "
                   f"{bounds['agreements_high']:,}), {result['agencies']:,} agencies ({bounds['agencies_low']:,} to "
                   f"{bounds['agencies_high']:,}; {bounds['uncertain_agencies']:,} uncertain on this date). "
                   "See docs/history.md.")
    elif result["publication_date"] is None:
        typer.echo(f"No participating list on or before {result['as_of']}.")
        return
    else:
        typer.echo(f"As of {result['as_of']} (list of {result['publication_date']}): {result['agreements']:,} "
                   f"agreements, {result['agencies']:,} agencies.")
    for key, n in result["by"].items():
        typer.echo(f"  {key}: {n:,} agreements, {result['agencies_by'][key]:,} agencies")


@app.command()
def agencies(state: State = None,
             model: Annotated[Optional[str], typer.Option("--model", help="JEM, TFM or WSO.")] = None,
             as_of: AsOf = None, as_json: AsJson = False,
             as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False) -> None:
    """Agencies with agreements in the newest list on or before a date."""
    rows = _run(lambda: g287.agencies(as_of=as_of, state=state, model=model))
    columns = ["agency_id", "state", "agency_name", "agency_type", "county", "models", "agreements",
               "first_signed_on", "last_signed_on"]
    if as_json:
        _print_json(rows)
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_table(rows, ["state", "agency_name", "agency_type", "models", "first_signed_on"],
                     title=f"{len(rows):,} agencies")


def _evidence_text(evidence: list[dict]) -> str:
    parts = []
    for e in evidence:
        row = f" row {e['row_number']}" if e["row_number"] is not None else ""
        parts.append(f"{e['role']}: {e['file']} (list of {e['list_date']}, {e['publication_id']}){row}")
    return "; ".join(parts)


def _print_events(rows: list[dict]) -> None:
    for e in rows:
        flag = " (provisional)" if e["is_provisional"] else ""
        what = e["agreement_id"] or e["agency_id"]
        detail = f" [{e['detail']}]" if e["detail"] else ""
        typer.echo(f"{e['event_on']}  {e['event_type']}{flag}  {what}{detail}")
        typer.echo(f"    evidence: {_evidence_text(e['evidence'])}")


@app.command()
def history(agency: Annotated[str, typer.Argument(help="Agency id or (part of) its name.")],
            state: State = None, as_json: AsJson = False) -> None:
    """One agency's agreements and events, each event with the list and row it rests on, and its data notes."""
    result = _run(lambda: g287.history(agency, state=state))
    if as_json:
        _print_json(result)
        return
    info = result["agency"]
    typer.echo(f"{info['agency_name']} ({info['state']}, {info['agency_id']}): {info['agency_type'] or 'type unknown'}, "
               f"{'active' if info['is_active'] else 'not active'}")
    _print_table(result["agreements"], ["agreement_id", "model", "signed_on", "status", "first_listed_on",
                                        "last_listed_on", "removed_on"])
    for note in result["notes"]:
        shown = " (shown)" if note["is_current"] else ""
        typer.echo(f"Data note: ICE's rows disagree on {note['field']}: {note['value']!r}{shown} in {note['rows']:,} "
                   f"rows, {note['first_list_date']} (row {note['first_row_number']}) to {note['last_list_date']} "
                   f"(row {note['last_row_number']})")
    if result["lives"]:
        _print_table(result["lives"], ["model", "start_on", "start_precision", "start_grade", "end_on", "end_precision",
                                       "end_grade", "agreement_id"], title="Agreement lives before 2021")
        for e in result["history_events"]:
            row = f" row {e['row_number']}" if e["row_number"] is not None else ""
            typer.echo(f"{e['event_on']} {e['event_type']} {e['model'] or ''} ({e['precision']}, grade {e['grade']}): "
                       f"{e['file']} (list of {e['list_date']}, {e['publication_id']}){row}"
                       + (f" - {e['detail']}" if e["detail"] else ""))
    _print_events(result["events"])


@app.command()
def events(since: Annotated[str, typer.Option("--since", help="Date YYYY-MM-DD.")],
           state: State = None,
           event_type: Annotated[Optional[str], typer.Option("--type", help="Only this event type.")] = None,
           as_json: AsJson = False) -> None:
    """Events on or after a date, each with its evidence."""
    rows = _run(lambda: g287.events(since, state=state, event_type=event_type))
    if as_json:
        _print_json(rows)
    else:
        _print_events(rows)


@app.command()
def feed(out: Annotated[Path, typer.Option("--out", help="Output folder.")],
         limit: Annotated[int, typer.Option("--limit", help="Newest events per feed.")] = 200) -> None:
    """Write Atom feeds of ledger events: all.xml, state/XX.xml, agency/ID.xml, county/FIPS.xml."""
    written = _run(lambda: g287.api.feeds(out, limit=limit))
    typer.echo(f"{len(written)} feeds in {out}")


@app.command()
def export(fmt: Annotated[str, typer.Option("--format", help="parquet, csv, json or sqlite.")],
           out: Annotated[Path, typer.Option("--out", help="Output folder.")],
           bundled: Annotated[bool, typer.Option("--bundled", help="Only the tables the package bundles.")] = False) -> None:
    """Write the ledger tables to files (the SQLite file opens in Datasette)."""
    written = _run(lambda: g287.export(fmt, out, bundled_only=bundled))
    for path in written:
        typer.echo(str(path))


geo_app = typer.Typer(help="Geography: jurisdictions of agencies, counties covered, review list.",
                      no_args_is_help=True, rich_markup_mode=None)
app.add_typer(geo_app, name="geo")


@geo_app.command("stats")
def geo_stats(as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Agreements listed on a date resolved to counties or a state, and those needing review."""
    result = _run(lambda: g287.geo_stats(as_of=as_of))
    if as_json:
        _print_json(result)
    else:
        typer.echo(f"As of {result['as_of']} (list of {result['publication_date']}): {result['agreements']:,} agreements, "
                   f"{result['resolved']:,} resolved, {result['needs_review']:,} need review.")


@geo_app.command("agency")
def geo_agency(agency: Annotated[str, typer.Argument(help="Agency id or (part of) its name.")],
               state: State = None, as_json: AsJson = False) -> None:
    """An agency's jurisdiction type and the county FIPS codes it covers."""
    info = _run(lambda: g287.geo_agency(agency, state=state))
    if as_json:
        _print_json(info)
        return
    typer.echo(f"{info['agency_name']} ({info['state']}): {info['jurisdiction_type']}, {info['coverage_kind']}; "
               f"matched by {info['match_type'] or 'nothing'} (grade {info['match_grade'] or '-'})")
    for county in info["counties"]:
        typer.echo(f"  {county['county_fips']}  {county['county_name']}  ({county['population']:,} residents)")
    if info["needs_review"]:
        typer.echo(f"  needs review: {info['review_reason']}; candidates: {info['candidates'] or 'none'}")


@geo_app.command("review")
def geo_review(as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Agencies listed on a date that no rule resolves, with reasons and candidate counties."""
    rows = _run(lambda: g287.geo_review(as_of=as_of))
    if as_json:
        _print_json(rows)
    else:
        _print_table(rows, ["state", "agency_name", "jurisdiction_type", "ice_county", "review_reason", "candidates"],
                     title=f"{len(rows)} agencies need review")


@geo_app.command("reference")
def geo_reference(shared: Annotated[Path, typer.Option("--shared", help="The shared data folder (holds crosswalks/).")]) -> None:
    """Regenerate the bundled county and police-agency reference tables from the shared crosswalks."""
    for path in _run(lambda: g287.api.write_reference(shared)):
        typer.echo(str(path))


@geo_app.command("geometry")
def geo_geometry(us_atlas: Annotated[Path, typer.Option("--us-atlas", help="us-atlas's counties-10m.json.")]) -> None:
    """Regenerate the bundled county map asset from the npm package us-atlas."""
    typer.echo(str(_run(lambda: g287.api.write_map_asset(us_atlas))))


@app.command()
def coverage(as_of: AsOf = None, state: State = None,
             model: Annotated[Optional[str], typer.Option("--model", help="JEM, TFM or WSO.")] = None,
             as_json: AsJson = False,
             counties: Annotated[bool, typer.Option("--counties", help="List every covered county.")] = False,
             by_state: Annotated[bool, typer.Option("--by-state", help="Residents covered and share, per state.")] = False,
             geojson: Annotated[Optional[Path], typer.Option("--geojson", help="Write every county with its coverage as GeoJSON.")] = None,
             panel: Annotated[Optional[Path], typer.Option("--panel", help="Write the county x date x model panel as Parquet.")] = None) -> None:
    """Counties and residents covered by the agreements listed on a date, by model."""
    if panel is not None:
        typer.echo(str(_run(lambda: g287.api.coverage_panel(panel))))
        return
    if geojson is not None:
        typer.echo(str(_run(lambda: g287.api.coverage_geojson(geojson, as_of=as_of, model=model))))
        return
    if by_state:
        rows = _run(lambda: g287.api.coverage_by_state(as_of=as_of, model=model))
        if as_json:
            _print_json(rows)
        else:
            _print_table(rows, ["state", "counties", "residents_covered", "state_population", "share_covered"])
        return
    result = _run(lambda: g287.coverage(as_of=as_of, state=state, model=model))
    if as_json:
        _print_json(result)
        return
    total = result["total"]
    typer.echo(f"As of {result['as_of']} (list of {result['publication_date']}): {total['counties']:,} counties "
               f"({total['county_population']:,} residents); residents covered {total['residents_covered']:,}.")
    for key, row in result["by_model"].items():
        typer.echo(f"  {key}: {row['counties']:,} counties, {row['residents_covered']:,} residents covered")
    if counties:
        _print_table(result["counties"], ["county_fips", "state", "county_name", "models", "coverage_kinds",
                                          "residents_covered"])


watch_app = typer.Typer(help="Watches: new events delivered by webhook or e-mail.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(watch_app, name="watch")


@watch_app.command("add")
def watch_add(state: Annotated[str, typer.Option("--state", help="State code or name.")],
              county: Annotated[Optional[str], typer.Option("--county", help="County FIPS code.")] = None,
              agency: Annotated[Optional[str], typer.Option("--agency", help="Agency id.")] = None,
              webhook: Annotated[Optional[str], typer.Option("--webhook", help="URL to POST events to.")] = None,
              email: Annotated[Optional[str], typer.Option("--email", help="Address to e-mail events to.")] = None) -> None:
    """Watch a state, county or agency; events from now on are delivered after each sync."""
    watch = _run(lambda: g287.api.watch_add(state, county=county, agency=agency, webhook=webhook, email=email))
    typer.echo(f"watch {watch['watch_id']} added")
    if watch["webhook"]:
        typer.echo(f"signing secret (HMAC-SHA256, X-G287-Signature): {watch['secret']}")


@watch_app.command("list")
def watch_list(as_json: AsJson = False) -> None:
    """Every watch."""
    _print_rows(_run(g287.api.watch_list), as_json,
                ["watch_id", "state", "county_fips", "agency_id", "webhook", "email", "created_at"])


@watch_app.command("remove")
def watch_remove(watch_id: Annotated[str, typer.Argument(help="The watch id.")]) -> None:
    """Remove a watch."""
    _run(lambda: g287.api.watch_remove(watch_id))
    typer.echo(f"watch {watch_id} removed")


@watch_app.command("deliver")
def watch_deliver() -> None:
    """Deliver new events to every watch now (g287 sync does this after each rebuild)."""
    report = _run(g287.api.deliver_alerts)
    typer.echo(f"{report.delivered} delivered, {len(report.failed)} failed (retried next run).")
    for failure in report.failed:
        typer.echo(f"Error: {failure}", err=True)
    if report.failed:
        raise typer.Exit(1)


study_app = typer.Typer(help="Impact studies: staggered difference-in-differences on county or agency panels.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(study_app, name="study")


@study_app.command("run")
def study_run(spec: Annotated[Path, typer.Argument(help="Study spec (TOML); see docs/studies.md.")],
              out: Annotated[Optional[Path], typer.Option("--out", help="Output folder (default: <spec>-results).")] = None) -> None:
    """Run a study: tables (CSV, Parquet), event-study plot (PNG, SVG), pre-trend test and an HTML report."""
    with console.status("Starting") as status:
        run = _run(lambda: g287.api.study_run(spec, out=out, progress=lambda message: status.update(message)))
    typer.echo(run.summary())


@study_app.command("synth")
def study_synth(out: Annotated[Path, typer.Option("--out", help="Panel file to write (.csv or .parquet).")],
                units: Annotated[int, typer.Option("--units", help="Number of units.")] = 3000,
                periods: Annotated[int, typer.Option("--periods", help="Number of periods.")] = 60,
                seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 287) -> None:
    """Write a synthetic staggered-adoption panel with a known effect (for trying and benchmarking studies)."""
    path = _run(lambda: g287.api.study_synthetic_panel(out, n_units=units, n_periods=periods, seed=seed))
    typer.echo(f"wrote {units:,} units x {periods} periods to {path}")


output_app = typer.Typer(rich_markup_mode=None)
app.add_typer(output_app, name="output")


@output_app.callback(invoke_without_command=True)
def output(ctx: typer.Context,
           agency: Annotated[Optional[str], typer.Option("--agency", help="Agency id or (part of) its name.")] = None,
           state: State = None,
           county: Annotated[Optional[str], typer.Option("--county", help="County FIPS code (five digits).")] = None,
           by: Annotated[str, typer.Option("--by", help="fiscal-year (the periods of ICE's statistics).")] = "fiscal-year",
           as_json: AsJson = False) -> None:
    """Enforcement output: people identified and removed through 287(g), per fiscal year, against the
    agreements in force (g287 output --agency NAME --state XX | --county FIPS | --state XX). g287 output review
    lists reporting agencies not linked to the ledger."""
    if ctx.invoked_subcommand is not None:
        return
    if by != "fiscal-year":
        raise typer.BadParameter(f"{by!r}: ICE's statistics come by fiscal year; use --by fiscal-year.",
                                 param_hint="--by")
    result = _run(lambda: g287.api.output(agency=agency, state=state, county=county))
    if as_json:
        _print_json(result)
        return
    scope = {"agency": lambda: f"{result['agency_name']} ({result['state']}, {result['agency_id']})",
             "county": lambda: f"county {result['county_fips']} (agencies covering it; statewide ones left out)",
             "state": lambda: f"state {result['state']}", "nation": lambda: "all reporting agencies"}[result["scope"]]()
    typer.echo(f"Enforcement output of {scope}: {result['totals']['identified']:,} identified, "
               f"{result['totals']['removed']:,} removed (ICE's 287(g) statistics; docs/output.md)")
    columns = (["period", "identified", "removed", "in_force", "models", "agreement_years",
                "removed_per_agreement_year", "removed_per_100k_residents", "data_note"]
               if result["scope"] == "agency" else ["period", "identified", "removed", "agencies_reporting"])
    _print_table(result["periods"], columns)
    if result["scope"] == "agency" and result["periods"]:
        first = result["periods"][0]
        typer.echo(f"Source: {first['file']} ({first['publication_id']}), as printed: {first['as_printed']}")


@output_app.command("review")
def output_review(as_json: AsJson = False) -> None:
    """Reporting agencies not linked to a ledger agency (add a reviewed row to fixes/output_agency.csv)."""
    rows = _run(g287.api.output_review)
    _print_rows(rows, as_json, ["state", "ice_agency", "agency_id", "periods", "removed"],
                title=f"{len(rows):,} reporting agencies not linked")


moa_app = typer.Typer(help="MOA text: what each agreement says and how it departs from ICE's template.",
                      no_args_is_help=True)
app.add_typer(moa_app, name="moa")


def _moa_corpus(corpus: Path | None) -> list[Path]:
    folder = corpus or Path(os.environ.get("G287_SHARED_DATA", "../shared/data")) / "ice-287g" / "moa"
    return sorted(folder.glob("*.pdf")) if folder.is_dir() else []


@moa_app.command("show")
def moa_show(target: Annotated[str, typer.Argument(help="An MOA PDF, or an agency (id or name) whose archived MOA "
                                                   "to show.")],
             corpus: Annotated[Optional[Path], typer.Option("--corpus", help="Folder of MOA PDFs the templates are derived from (default: the archive's MOAs for an agency, else the shared data's ice-287g/moa).")] = None,
             state: State = None, as_json: AsJson = False) -> None:
    """An MOA's model, agency, signing dates and terms (each with page and line), its sections, and how it
    departs from ICE's template for its model and era (docs/moa.md)."""
    from g287.store.moas import agency_moas, archived_moas, named_copies
    from g287.moa.report import moa_report
    from g287.settings import get_settings

    settings = get_settings()
    pdf = Path(target)
    if pdf.is_file():
        report = _run(lambda: moa_report(pdf, _moa_corpus(corpus), settings.cache_dir))
    elif target.lower().endswith(".pdf"):
        raise typer.BadParameter(f"{target}: no such file; give the path of an MOA PDF or an agency.",
                                 param_hint="TARGET")
    else:
        with g287.connect() as con:
            mine = _run(lambda: agency_moas(con, settings.archive_dir, target, state))
            everything = archived_moas(con, settings.archive_dir)
        with named_copies(everything) as archived:
            sources = _moa_corpus(corpus) if corpus else archived
            newest = next(p for p in archived if p.name == mine[-1]["file"])
            report = _run(lambda: moa_report(newest, sources, settings.cache_dir))
    _show_moa(report, as_json)


def _show_moa(report: dict, as_json: bool) -> None:
    if as_json:
        _print_json(report)
        return
    f = report["fields"]
    typer.echo(f"{report['file']}: {report['pages']} pages ({', '.join(f'{n} {m}' for m, n in report['methods'].items())})")
    for name in ("model", "agency", "signed_on", "party_dates", "duration_termination", "steering_committee",
                 "complaint_procedure", "data_collection"):
        where = f" (page {f[name]['page']}, line {f[name]['line']})" if f[name]["page"] else f" ({f[name]['source']})"
        typer.echo(f"  {name}: {f[name]['value']}{where}")
    c = report["comparison"]
    if c:
        typer.echo(f"Template {c['template']} (from {', '.join(c['template_sources'])}); sections identified "
                   f"{report['sections_identified']} of {report['sections_found']}")
        _print_table(c["sections"], ["section", "template_section", "similarity"])
        typer.echo(f"{len(c['differences'])} differences (clauses added, removed or changed); --json lists them.")


@moa_app.command("extract")
def moa_extract(out: Annotated[Optional[Path], typer.Option("--out", help="Folder to write each MOA's text into "
                                                            "(FILE.txt, each line as page:line: text).")] = None,
                as_json: AsJson = False) -> None:
    """Read the text of every MOA in the archive (imported or downloaded by g287 sync): a PDF's text layer, OCR
    for pages that are images; prints each file's pages by method (cached by SHA-256)."""
    from g287.store.moas import extract_archive
    from g287.settings import get_settings

    settings = get_settings()
    with g287.connect() as con:
        moas = _run(lambda: extract_archive(con, settings.archive_dir, settings.cache_dir))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for moa in moas:
            lines = [f"{p['page']}:{n}: {line}" for p in moa["pages"] for n, line in enumerate(p["lines"], 1)]
            (out / f"{Path(moa['file']).stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = [{"file": m["file"], "sha256": m["sha256"], "pages": len(m["pages"]),
                "text": sum(p["method"] == "text" for p in m["pages"]),
                "ocr": sum(p["method"] == "ocr" for p in m["pages"])} for m in moas]
    if as_json:
        _print_json(moas if out is None else summary)
    elif summary:
        _print_table(summary, ["file", "pages", "text", "ocr"])
    else:
        typer.echo("No MOA in the archive: import MOA PDFs (g287 import FILE.pdf) or run \"g287 sync --documents\".")


audit_app = typer.Typer(rich_markup_mode=None)
app.add_typer(audit_app, name="audit")


def _column_overrides(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        column, sep, source = value.partition("=")
        if not sep or not column or not source:
            raise typer.BadParameter(f"{value!r}: use STANDARD=SOURCE, as in subject_race=driver_race.",
                                     param_hint="--column")
        pairs[column.strip()] = source.strip()
    return pairs


@audit_app.callback(invoke_without_command=True)
def audit(ctx: typer.Context,
          stops: Annotated[Optional[Path], typer.Option("--stops", help="Stop records in OPP's schema (.csv or .parquet).")] = None,
          agency: Annotated[Optional[str], typer.Option("--agency", help="Agency id: split at its 287(g) signing date.")] = None,
          out: Annotated[Optional[Path], typer.Option("--out", help="Folder for report.html, plots and tables.")] = None,
          engine: Annotated[str, typer.Option("--engine", help="duckdb or spark (G287_SPARK_MASTER for a cluster).")] = "duckdb",
          tz: Annotated[Optional[str], typer.Option("--tz", help="IANA time zone of the stops (America/New_York).")] = None,
          lat: Annotated[Optional[float], typer.Option("--lat", help="Latitude of the area's center, if no lat column.")] = None,
          lng: Annotated[Optional[float], typer.Option("--lng", help="Longitude of the area's center.")] = None,
          column: Annotated[list[str], typer.Option("--column", help="STANDARD=SOURCE column name, repeatable.")] = [],  # noqa: B006 - Typer reads the default
          minority: Annotated[str, typer.Option("--minority", help="Race compared with white drivers.")] = "black",
          as_json: AsJson = False) -> None:
    """Racial-profiling audits: veil-of-darkness and outcome tests on stop records, before and after an agency's
    287(g) agreement (g287 audit --stops FILE --agency ID). g287 audit synth writes synthetic stops."""
    if ctx.invoked_subcommand is not None:
        return
    if stops is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    if (lat is None) != (lng is None):
        raise typer.BadParameter("give both --lat and --lng, or neither.", param_hint="--lat/--lng")
    center = (lat, lng) if lat is not None else None
    overrides = _column_overrides(column)
    errors = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), TimeElapsedColumn(), console=errors, transient=True,
                  disable=not errors.is_terminal) as progress:
        task = progress.add_task("Reading stops", total=None)
        result = _run(lambda: g287.audit(stops, agency=agency, out=out, engine=engine, columns=overrides, tz=tz,
                                         center=center, minority=minority,
                                         progress=lambda step: progress.update(task, description=step)))
    if as_json:
        from g287.audits.presentation import audit_json

        _print_json(audit_json(result))
        return
    typer.echo(result.summary())
    if out is not None:
        typer.echo(f"Report: {out / 'report.html'}")


@audit_app.command("synth")
def audit_synth(out: Annotated[Path, typer.Option("--out", help="File to write (.csv or .parquet).")],
                n: Annotated[int, typer.Option("--n", help="Number of stops.")] = 100_000,
                darkness_effect: Annotated[float, typer.Option("--darkness-effect", help="True darkness coefficient (log-odds).")] = 0.4,
                seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
                start: Annotated[str, typer.Option("--start", help="First date, YYYY-MM-DD.")] = "2024-03-01",
                days: Annotated[int, typer.Option("--days", help="Number of days.")] = 730) -> None:
    """Write synthetic stop records in OPP's schema with a known darkness effect."""
    path = _run(lambda: g287.api.write_synthetic_stops(out, n, darkness_effect=darkness_effect, seed=seed,
                                                       start=start, days=days))
    typer.echo(f"{n:,} stops written to {path}")


@app.command()
def publish(out: Annotated[Path, typer.Argument(help="Folder to write the site into.")],
            base_url: Annotated[Optional[str], typer.Option("--base-url", help="Where the site will be served, "
                                                  "e.g. https://example.org/g287/ (links and the sitemap use it; "
                                                  "default: the folder's previous one).")] = None,
            verbose: Annotated[bool, typer.Option("--verbose", help="List every file added, changed or removed.")]
            = False) -> None:
    """Write the whole site as static files (EN and ES pages, JSON twins, feeds, API snapshots, downloads,
    search index, sitemap, 404); publishing again rewrites only files whose content changed (docs/web.md)."""
    with Progress(TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Publishing", total=None)
        report = _run(lambda: g287.api.publish(out, base_url=base_url, progress=lambda n, label: progress.update(
            task, advance=n, description=f"Publishing: {label}")))
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


@app.command()
def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8287,
          workers: Annotated[int, typer.Option("--workers", help="Server processes.")] = 1,
          site: Annotated[Optional[Path], typer.Option("--site", help="A folder written by g287 publish from the "
                                                       "same ledger: its pages are served as files (default: "
                                                       "$G287_HOME/site when present).")] = None) -> None:
    """Serve the site and the JSON API over the local store (or the bundled ledger when none is built)."""
    import os

    import uvicorn

    if site is not None:
        if not (site / "manifest.json").is_file():
            typer.echo(f"Error: {site} has no manifest.json; run \"g287 publish {site}\" first.", err=True)
            raise typer.Exit(1)
        os.environ["G287_SITE"] = str(site.resolve())  # read by the app's settings in every worker

    typer.echo(f"g287 site on http://{host}:{port}/ (API: /api/v1, spec: /api/v1/openapi.json)")
    uvicorn.run("g287.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)


@app.command("brief")
def brief_command(
        county: Annotated[Optional[str], typer.Argument(help="County FIPS code (five digits, e.g. 12057).")] = None,
        all_counties: Annotated[bool, typer.Option("--all", help="Every county that has or had an agreement, "
                                                   "with an index page (needs --out DIR).")] = False,
        lang: Annotated[str, typer.Option("--lang", help="en or es.")] = "en",
        fmt: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
        as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date (YYYY-MM-DD); default: the newest list.")] = None,
        out: Annotated[Optional[Path], typer.Option("--out", help="File to write (a folder with --all); "
                                                    "default: standard output for HTML.")] = None,
        engine: Annotated[Optional[str], typer.Option("--engine", help="PDF engine: weasyprint (default) or "
                                                      "chromium.")] = None,
        page_size: Annotated[str, typer.Option("--page-size", help="Letter or A4.")] = "Letter") -> None:
    """A printable county brief: agreements in force and since when, whom they cover, what the MOA says,
    what studies found, and questions to ask; every figure footnoted (docs/briefs.md)."""
    if all_counties:
        if out is None or county is not None:
            typer.echo("Error: --all writes every county's brief into a folder: give --out DIR and no FIPS code.",
                       err=True)
            raise typer.Exit(1)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Writing briefs", total=None)
            report = _run(lambda: g287.api.briefs_all(
                out, lang=lang, fmt=fmt, as_of=as_of, engine=engine, page_size=page_size,
                progress=lambda done, total: progress.update(task, completed=done, total=total)))
        typer.echo(f"Wrote {report['briefs']} briefs to {out} in {report['seconds']} s "
                   f"({report['seconds_per_brief']} s per brief); index: {report['index']}")
        return
    if county is None:
        typer.echo("Error: give a county FIPS code (g287 brief 12057) or --all --out DIR.", err=True)
        raise typer.Exit(1)
    if out is None and fmt == "pdf":
        typer.echo("Error: a PDF brief needs --out FILE.pdf.", err=True)
        raise typer.Exit(1)
    result = _run(lambda: g287.api.brief(county, out=out, lang=lang, fmt=fmt, as_of=as_of, engine=engine,
                                         page_size=page_size))
    if out is None:
        sys.stdout.write(result.decode("utf-8"))
    else:
        typer.echo(f"Wrote {out}")


def main() -> None:  # pragma: no cover - console entry point
    app()
