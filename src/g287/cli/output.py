"""``g287 output``: enforcement output (people identified and removed through 287(g)) against the agreements in
force, and the reporting agencies not linked to the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

import g287
from g287.cli.boundary import Group
from g287.cli.emit import Format, emit, output_options, print_table
from g287.cli.params import State

app = typer.Typer(cls=Group, rich_markup_mode=None)


@app.callback(invoke_without_command=True)
@output_options()
def output(ctx: typer.Context,
           agency: Annotated[str | None, typer.Option("--agency", help="Agency id or (part of) its name.")] = None,
           state: State = None,
           county: Annotated[str | None, typer.Option("--county", help="County FIPS code (five digits).")] = None,
           by: Annotated[str, typer.Option("--by", help="fiscal-year (the periods of ICE's statistics).")] = "fiscal-year",
           fmt: Format = "table") -> None:
    """Enforcement output: people identified and removed through 287(g), per fiscal year, against the
    agreements in force (g287 output --agency NAME --state XX | --county FIPS | --state XX). g287 output review
    lists reporting agencies not linked to the ledger."""
    if ctx.invoked_subcommand is not None:
        return
    if by != "fiscal-year":
        raise typer.BadParameter(f"{by!r}: ICE's statistics come by fiscal year; use --by fiscal-year.",
                                 param_hint="--by")
    emit(g287.api.output(agency=agency, state=state, county=county), fmt, text=_print_output)


def _print_output(result: dict) -> None:
    scope = {"agency": lambda: f"{result['agency_name']} ({result['state']}, {result['agency_id']})",
             "county": lambda: f"county {result['county_fips']} (agencies covering it; statewide ones left out)",
             "state": lambda: f"state {result['state']}", "nation": lambda: "all reporting agencies"}[result["scope"]]()
    typer.echo(f"Enforcement output of {scope}: {result['totals']['identified']:,} identified, "
               f"{result['totals']['removed']:,} removed (ICE's 287(g) statistics; docs/output.md)")
    columns = (["period", "identified", "removed", "in_force", "models", "agreement_years",
                "removed_per_agreement_year", "removed_per_100k_residents", "data_note"]
               if result["scope"] == "agency" else ["period", "identified", "removed", "agencies_reporting"])
    print_table(result["periods"], columns)
    if result["scope"] == "agency" and result["periods"]:
        first = result["periods"][0]
        typer.echo(f"Source: {first['file']} ({first['publication_id']}), as printed: {first['as_printed']}")


@app.command("review")
@output_options()
def output_review(fmt: Format = "table") -> None:
    """Reporting agencies not linked to a ledger agency (add a reviewed row to fixes/output_agency.csv)."""
    rows = g287.api.output_review()
    emit(rows, fmt, columns=["state", "ice_agency", "agency_id", "periods", "removed"],
         title=f"{len(rows):,} reporting agencies not linked")
