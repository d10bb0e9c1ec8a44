"""``g287 audit``: racial-profiling audits of stop records before and after an agency's 287(g) agreement, and
synthetic stops to try them on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import g287
from g287.cli.boundary import Group
from g287.cli.emit import Format, emit, output_options, progress

app = typer.Typer(cls=Group, rich_markup_mode=None)


def _column_overrides(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        column, sep, source = value.partition("=")
        if not sep or not column or not source:
            raise typer.BadParameter(f"{value!r}: use STANDARD=SOURCE, as in subject_race=driver_race.",
                                     param_hint="--column")
        pairs[column.strip()] = source.strip()
    return pairs


@app.callback(invoke_without_command=True)
@output_options()
def audit(ctx: typer.Context,
          stops: Annotated[Path | None, typer.Option("--stops", help="Stop records in OPP's schema (.csv or .parquet).")] = None,
          agency: Annotated[str | None, typer.Option("--agency", help="Agency id: split at its 287(g) signing date.")] = None,
          out: Annotated[Path | None, typer.Option("--out", help="Folder for report.html, plots and tables.")] = None,
          engine: Annotated[str, typer.Option("--engine", help="duckdb or spark (G287_SPARK_MASTER for a cluster).")] = "duckdb",
          tz: Annotated[str | None, typer.Option("--tz", help="IANA time zone of the stops (America/New_York).")] = None,
          lat: Annotated[float | None, typer.Option("--lat", help="Latitude of the area's center, if no lat column.")] = None,
          lng: Annotated[float | None, typer.Option("--lng", help="Longitude of the area's center.")] = None,
          column: Annotated[list[str], typer.Option("--column", help="STANDARD=SOURCE column name, repeatable.")] = [],  # noqa: B006 - Typer reads the default
          minority: Annotated[str, typer.Option("--minority", help="Race compared with white drivers.")] = "black",
          fmt: Format = "table") -> None:
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
    with progress(terminal_only=True) as display:
        task = display.add_task("Reading stops", total=None)
        result = g287.audit(stops, agency=agency, out=out, engine=engine, columns=overrides, tz=tz, center=center,
                            minority=minority, progress=lambda step: display.update(task, description=step))
    emit(result, fmt, text=lambda result: _print_audit(result, out), jsonable=g287.api.audit_json)


def _print_audit(result, out: Path | None) -> None:
    typer.echo(result.summary())
    if out is not None:
        typer.echo(f"Report: {out / 'report.html'}")


@app.command("synth")
def audit_synth(out: Annotated[Path, typer.Option("--out", help="File to write (.csv or .parquet).")],
                n: Annotated[int, typer.Option("--n", help="Number of stops.")] = 100_000,
                darkness_effect: Annotated[float, typer.Option("--darkness-effect", help="True darkness coefficient (log-odds).")] = 0.4,
                seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
                start: Annotated[str, typer.Option("--start", help="First date, YYYY-MM-DD.")] = "2024-03-01",
                days: Annotated[int, typer.Option("--days", help="Number of days.")] = 730) -> None:
    """Write synthetic stop records in OPP's schema with a known darkness effect."""
    path = g287.api.write_synthetic_stops(out, n, darkness_effect=darkness_effect, seed=seed, start=start, days=days)
    typer.echo(f"{n:,} stops written to {path}")
