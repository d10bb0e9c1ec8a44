"""Where the ``g287`` command line turns the library's errors into one line: every command group (the ``g287``
app included) runs its callback and its sub-commands inside :func:`reported`."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any, NoReturn

import duckdb
import typer
from typer.core import TyperGroup

import g287.api
from g287.errors import G287Error, InputError

# The context of the innermost group running: it knows the command it invoked, whose options name the values.
_group: contextvars.ContextVar[typer.Context] = contextvars.ContextVar("g287_cli_group")


class Group(TyperGroup):
    """A command group that reports a library error of its callback or of the sub-command it runs as
    ``Error: <message>`` on standard error, with exit code 1 (give it to ``typer.Typer(cls=Group)``)."""

    def invoke(self, ctx: typer.Context) -> Any:
        token = _group.set(ctx)
        try:
            with reported():
                return super().invoke(ctx)
        finally:
            _group.reset(token)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Run the body; a library error becomes ``Error: <message>`` on standard error and ``typer.Exit(1)``.

    An :class:`g287.errors.InputError` names the running command's option (``event_type``: ``--type``); a store
    DuckDB cannot read part of names the store and the fix.
    """
    try:
        yield
    except InputError as exc:  # the library names its parameter; the user typed an option
        fail(exc.named(_option_of(exc.name)))
    except G287Error as exc:
        fail(str(exc))
    except duckdb.IOException as exc:  # a store damaged past what opening it can see (a block cut short)
        fail(str(g287.api.damaged_store_error(exc)))


def fail(message: str) -> NoReturn:
    """``Error: <message>`` on standard error, and exit code 1."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1) from None


def _option_of(name: str) -> str:
    """The option of the running command whose value the library calls ``name`` (``event_type``: ``--type``):
    the sub-command the innermost group invoked, else that group itself (a callback such as ``g287 audit``)."""
    ctx = _group.get(None)
    command = ctx and ctx.command.commands.get(ctx.invoked_subcommand or "", ctx.command)
    for param in command.params if command else ():
        if param.name == name and param.opts:
            return param.opts[0]
    return "--" + name.replace("_", "-")
