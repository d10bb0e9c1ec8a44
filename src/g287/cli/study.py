"""``g287 study ...``: staggered difference-in-differences studies, and synthetic panels to try them on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import g287
from g287.cli.boundary import Group
from g287.cli.emit import console

app = typer.Typer(cls=Group, help="Impact studies: staggered difference-in-differences on county or agency panels.",
                  no_args_is_help=True, rich_markup_mode=None)


@app.command("run")
def study_run(spec: Annotated[Path, typer.Argument(help="Study spec (TOML); see docs/studies.md.")],
              out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: <spec>-results).")] = None) -> None:
    """Run a study: tables (CSV, Parquet), event-study plot (PNG, SVG), pre-trend test and an HTML report."""
    with console.status("Starting") as status:
        run = g287.api.study_run(spec, out=out, progress=lambda message: status.update(message))
    typer.echo(run.summary())


@app.command("synth")
def study_synth(out: Annotated[Path, typer.Option("--out", help="Panel file to write (.csv or .parquet).")],
                units: Annotated[int, typer.Option("--units", help="Number of units.")] = 3000,
                periods: Annotated[int, typer.Option("--periods", help="Number of periods.")] = 60,
                seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 287) -> None:
    """Write a synthetic staggered-adoption panel with a known effect (for trying and benchmarking studies)."""
    path = g287.api.study_synthetic_panel(out, n_units=units, n_periods=periods, seed=seed)
    typer.echo(f"wrote {units:,} units x {periods} periods to {path}")
