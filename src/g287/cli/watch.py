"""``g287 watch ...``: watches on a state, county or agency, whose new events are delivered by webhook or
e-mail."""

from __future__ import annotations

from typing import Annotated

import typer

import g287
from g287.cli.boundary import Group
from g287.cli.emit import Format, emit, output_options

app = typer.Typer(cls=Group, help="Watches: new events delivered by webhook or e-mail.", no_args_is_help=True,
                  rich_markup_mode=None)


@app.command("add")
def watch_add(state: Annotated[str, typer.Option("--state", help="State code or name.")],
              county: Annotated[str | None, typer.Option("--county", help="County FIPS code.")] = None,
              agency: Annotated[str | None, typer.Option("--agency", help="Agency id.")] = None,
              webhook: Annotated[str | None, typer.Option("--webhook", help="URL to POST events to.")] = None,
              email: Annotated[str | None, typer.Option("--email", help="Address to e-mail events to.")] = None) -> None:
    """Watch a state, county or agency; events from now on are delivered after each sync."""
    watch = g287.api.watch_add(state, county=county, agency=agency, webhook=webhook, email=email)
    typer.echo(f"watch {watch['watch_id']} added")
    if watch["webhook"]:
        typer.echo(f"signing secret (HMAC-SHA256, X-G287-Signature): {watch['secret']}")


@app.command("list")
@output_options()
def watch_list(fmt: Format = "table") -> None:
    """Every watch."""
    emit(g287.api.watch_list(), fmt,
         columns=["watch_id", "state", "county_fips", "agency_id", "webhook", "email", "created_at"])


@app.command("remove")
def watch_remove(watch_id: Annotated[str, typer.Argument(help="The watch id.")]) -> None:
    """Remove a watch."""
    g287.api.watch_remove(watch_id)
    typer.echo(f"watch {watch_id} removed")


@app.command("deliver")
def watch_deliver() -> None:
    """Deliver new events to every watch now (g287 sync does this after each rebuild)."""
    report = g287.api.deliver_alerts()
    typer.echo(f"{report.delivered} delivered, {len(report.failed)} failed (retried next run).")
    for failure in report.failed:
        typer.echo(f"Error: {failure}", err=True)
    if report.failed:
        raise typer.Exit(1)
