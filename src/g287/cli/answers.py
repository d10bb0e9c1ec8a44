"""``g287 counts``, ``agencies``, ``history`` and ``events``: what the ledger says on a date, about an agency or
since a date."""

from __future__ import annotations

from typing import Annotated

import typer

import g287
from g287.cli.emit import Format, emit, output_options, print_table
from g287.cli.params import Agency, AsOf, Model, State


@output_options()
def counts(as_of: AsOf = None,
           by: Annotated[str | None, typer.Option("--by", help="model, state or type.")] = None,
           state: State = None, fmt: Format = "table") -> None:
    """Agreements and agencies in the newest participating list on or before a date."""
    emit(g287.counts(as_of=as_of, by=by, state=state), fmt, text=_print_counts)


def _print_counts(result: dict) -> None:
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


@output_options(csv=True)
def agencies(state: State = None, model: Model = None, as_of: AsOf = None, fmt: Format = "table") -> None:
    """Agencies with agreements in the newest list on or before a date."""
    rows = g287.agencies(as_of=as_of, state=state, model=model)
    emit(rows, fmt, columns=["state", "agency_name", "agency_type", "models", "first_signed_on"],
         title=f"{len(rows):,} agencies",
         csv_columns=["agency_id", "state", "agency_name", "agency_type", "county", "models", "agreements",
                      "first_signed_on", "last_signed_on"])


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


@output_options()
def history(agency: Agency, state: State = None, fmt: Format = "table") -> None:
    """One agency's agreements and events, each event with the list and row it rests on, and its data notes."""
    emit(g287.history(agency, state=state), fmt, text=_print_history)


def _print_history(result: dict) -> None:
    info = result["agency"]
    typer.echo(f"{info['agency_name']} ({info['state']}, {info['agency_id']}): {info['agency_type'] or 'type unknown'}, "
               f"{'active' if info['is_active'] else 'not active'}")
    print_table(result["agreements"], ["agreement_id", "model", "signed_on", "status", "first_listed_on",
                                       "last_listed_on", "removed_on"])
    for note in result["notes"]:
        shown = " (shown)" if note["is_current"] else ""
        typer.echo(f"Data note: ICE's rows disagree on {note['field']}: {note['value']!r}{shown} in {note['rows']:,} "
                   f"rows, {note['first_list_date']} (row {note['first_row_number']}) to {note['last_list_date']} "
                   f"(row {note['last_row_number']})")
    if result["lives"]:
        print_table(result["lives"], ["model", "start_on", "start_precision", "start_grade", "end_on", "end_precision",
                                      "end_grade", "agreement_id"], title="Agreement lives before 2021")
        for e in result["history_events"]:
            row = f" row {e['row_number']}" if e["row_number"] is not None else ""
            typer.echo(f"{e['event_on']} {e['event_type']} {e['model'] or ''} ({e['precision']}, grade {e['grade']}): "
                       f"{e['file']} (list of {e['list_date']}, {e['publication_id']}){row}"
                       + (f" - {e['detail']}" if e["detail"] else ""))
    _print_events(result["events"])


@output_options()
def events(since: Annotated[str, typer.Option("--since", help="Date YYYY-MM-DD.")],
           state: State = None,
           event_type: Annotated[str | None, typer.Option("--type", help="Only this event type.")] = None,
           fmt: Format = "table") -> None:
    """Events on or after a date, each with its evidence."""
    emit(g287.events(since, state=state, event_type=event_type), fmt, text=_print_events)
