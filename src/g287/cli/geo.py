"""``g287 geo ...`` (the jurisdictions of agencies and the review list) and ``g287 coverage`` (counties and
residents covered)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import g287
from g287.cli.boundary import Group
from g287.cli.emit import Format, emit, output_options, print_table
from g287.cli.params import Agency, AsOf, Model, State

app = typer.Typer(cls=Group, help="Geography: jurisdictions of agencies, counties covered, review list.",
                  no_args_is_help=True, rich_markup_mode=None)


@app.command("stats")
@output_options()
def geo_stats(as_of: AsOf = None, fmt: Format = "table") -> None:
    """Agreements listed on a date resolved to counties or a state, and those needing review."""
    emit(g287.geo_stats(as_of=as_of), fmt, text=lambda result: typer.echo(
        f"As of {result['as_of']} (list of {result['publication_date']}): {result['agreements']:,} agreements, "
        f"{result['resolved']:,} resolved, {result['needs_review']:,} need review."))


@app.command("agency")
@output_options()
def geo_agency(agency: Agency, state: State = None, fmt: Format = "table") -> None:
    """An agency's jurisdiction type and the county FIPS codes it covers."""
    emit(g287.geo_agency(agency, state=state), fmt, text=_print_agency)


def _print_agency(info: dict) -> None:
    typer.echo(f"{info['agency_name']} ({info['state']}): {info['jurisdiction_type']}, {info['coverage_kind']}; "
               f"matched by {info['match_type'] or 'nothing'} (grade {info['match_grade'] or '-'})")
    for county in info["counties"]:
        typer.echo(f"  {county['county_fips']}  {county['county_name']}  ({county['population']:,} residents)")
    if info["needs_review"]:
        typer.echo(f"  needs review: {info['review_reason']}; candidates: {info['candidates'] or 'none'}")


@app.command("review")
@output_options()
def geo_review(as_of: AsOf = None, fmt: Format = "table") -> None:
    """Agencies listed on a date that no rule resolves, with reasons and candidate counties."""
    rows = g287.geo_review(as_of=as_of)
    emit(rows, fmt, columns=["state", "agency_name", "jurisdiction_type", "ice_county", "review_reason", "candidates"],
         title=f"{len(rows)} agencies need review")


@app.command("reference")
def geo_reference(shared: Annotated[Path, typer.Option("--shared", help="The shared data folder (holds crosswalks/).")]) -> None:
    """Regenerate the bundled county and police-agency reference tables from the shared crosswalks."""
    for path in g287.api.write_reference(shared):
        typer.echo(str(path))


@app.command("geometry")
def geo_geometry(us_atlas: Annotated[Path, typer.Option("--us-atlas", help="us-atlas's counties-10m.json.")]) -> None:
    """Regenerate the bundled county map asset from the npm package us-atlas."""
    typer.echo(str(g287.api.write_map_asset(us_atlas)))


@output_options()
def coverage(as_of: AsOf = None, state: State = None, model: Model = None, fmt: Format = "table",
             counties: Annotated[bool, typer.Option("--counties", help="List every covered county.")] = False,
             by_state: Annotated[bool, typer.Option("--by-state", help="Residents covered and share, per state.")] = False,
             geojson: Annotated[Path | None, typer.Option("--geojson", help="Write every county with its coverage as GeoJSON.")] = None,
             panel: Annotated[Path | None, typer.Option("--panel", help="Write the county x date x model panel as Parquet.")] = None) -> None:
    """Counties and residents covered by the agreements listed on a date, by model."""
    if panel is not None:
        typer.echo(str(g287.api.coverage_panel(panel)))
    elif geojson is not None:
        typer.echo(str(g287.api.coverage_geojson(geojson, as_of=as_of, model=model)))
    elif by_state:
        emit(g287.api.coverage_by_state(as_of=as_of, model=model), fmt,
             columns=["state", "counties", "residents_covered", "state_population", "share_covered"])
    else:
        emit(g287.coverage(as_of=as_of, state=state, model=model), fmt,
             text=lambda result: _print_coverage(result, counties))


def _print_coverage(result: dict, counties: bool) -> None:
    total = result["total"]
    typer.echo(f"As of {result['as_of']} (list of {result['publication_date']}): {total['counties']:,} counties "
               f"({total['county_population']:,} residents); residents covered {total['residents_covered']:,}.")
    for key, row in result["by_model"].items():
        typer.echo(f"  {key}: {row['counties']:,} counties, {row['residents_covered']:,} residents covered")
    if counties:
        print_table(result["counties"], ["county_fips", "state", "county_name", "models", "coverage_kinds",
                                         "residents_covered"])
