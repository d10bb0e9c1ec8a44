"""The one output path of the ``g287`` command line: a command hands its result to :func:`emit`, which prints it
as JSON, CSV, a table or the command's own text, as the options :func:`output_options` gave the command ask."""

from __future__ import annotations

import contextlib
import csv
import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from g287.cli.boundary import reported

console = Console()

Format = Literal["table", "json", "csv"]

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV.")]


def output_options(csv: bool = False) -> Callable:
    """Give a command ``--json``, and ``--csv`` too when ``csv`` (``--json`` wins when both are given). They
    take the place of the command's parameter ``fmt`` among its options (and in its ``--help``); the command
    receives the format asked for (``"table"`` when none) as ``fmt``, to hand to :func:`emit`.

    >>> @output_options(csv=True)
    ... def rows(state: str | None = None, fmt: Format = "table") -> str:
    ...     return fmt
    >>> list(inspect.signature(rows).parameters), rows(as_csv=True), rows(as_json=True, as_csv=True), rows()
    (['state', 'as_json', 'as_csv'], 'csv', 'json', 'table')
    """
    flags = [("as_json", Json)] + ([("as_csv", Csv)] if csv else [])

    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command, eval_str=True)
        if "fmt" not in signature.parameters:
            raise TypeError(f"{command.__name__} has no parameter fmt for its output options")
        parameters = []
        for parameter in signature.parameters.values():
            if parameter.name == "fmt":
                parameters += [inspect.Parameter(name, parameter.kind, default=False, annotation=annotation)
                               for name, annotation in flags]
            else:
                parameters.append(parameter)

        @functools.wraps(command)
        def run(*args: Any, as_json: bool = False, as_csv: bool = False, **kwargs: Any) -> Any:
            return command(*args, fmt="json" if as_json else "csv" if as_csv else "table", **kwargs)

        run.__signature__ = signature.replace(parameters=parameters)  # what Typer reads the options from
        return run

    return decorate


def emit(result: Any, fmt: Format, *, text: Callable[[Any], None] | None = None, columns: list[str] | None = None,
         title: str | None = None, csv_columns: list[str] | None = None,
         jsonable: Callable[[Any], Any] | None = None) -> None:
    """Print a command's ``result`` in format ``fmt``.

    ``json``: ``result`` (or ``jsonable(result)``) as indented JSON. ``csv``: rows ``result`` with a header of
    ``csv_columns`` (default ``columns``). ``table``: ``text(result)`` when the command has its own text,
    else rows ``result`` as a table of ``columns`` under ``title``.
    """
    if fmt == "json":
        print_json(jsonable(result) if jsonable else result)
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=csv_columns or columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(result)
    elif text is not None:
        text(result)
    else:
        print_table(result, columns, title=title)


def print_json(data: object) -> None:
    """``data`` as indented JSON (dates and other values as text)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def print_table(rows: list[dict], columns: list[str], title: str | None = None) -> None:
    """Rows as a table of ``columns`` (missing values blank)."""
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["" if row.get(c) is None else str(row.get(c)) for c in columns])
    console.print(table)


@contextlib.contextmanager
def progress(bar: bool = False, count: bool = False, terminal_only: bool = False) -> Iterator[Progress]:
    """A progress display on standard error that is gone when done: the task's description, a ``bar``, a
    ``count`` (done of total) and the time elapsed; shown only on a terminal when ``terminal_only``. A library
    error inside is reported (:func:`g287.cli.boundary.reported`) before the display closes, so the error line
    comes before the display's last output."""
    errors = Console(stderr=True)
    columns = [TextColumn("{task.description}"), *[BarColumn()] * bar, *[MofNCompleteColumn()] * count,
               TimeElapsedColumn()]
    display = Progress(*columns, console=errors, transient=True, disable=terminal_only and not errors.is_terminal)
    with display, reported():
        yield display
