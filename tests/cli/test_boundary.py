"""Library errors reach the user as one line and exit code 1, from every command, with the command's own option
names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import g287
from g287.cli import app
from g287.errors import G287Error, InputError


def _raising(error: Exception):
    def call(*args, **kwargs):
        raise error
    return call


@pytest.mark.parametrize(("owner", "function", "name", "args", "shown"), [
    (g287, "events", "event_type", ["events", "--since", "2025-01-01", "--type", "bogus"], "--type"),
    (g287, "export", "fmt", ["export", "--format", "bogus", "--out", "x"], "--format"),
    (g287.api, "output", "county", ["output", "--county", "bogus"], "--county"),  # a group's own callback
])
def test_an_input_error_names_the_running_commands_option(monkeypatch, owner, function: str, name: str,
                                                          args: list[str], shown: str):
    monkeypatch.setattr(owner, function, _raising(InputError(name, "bogus", "is not allowed; use a or b.")))
    result = CliRunner().invoke(app, args)
    assert (result.exit_code, result.output) == (1, f"Error: {shown} 'bogus' is not allowed; use a or b.\n")


def test_a_library_error_is_one_line_and_exit_code_1(tmp_path: Path):
    result = CliRunner().invoke(app, ["watch", "remove", "w-nothing"], env={"G287_HOME": str(tmp_path)})
    assert (result.exit_code, result.output) == (1, "Error: No watch 'w-nothing'; see \"g287 watch list\".\n")


def test_a_store_duckdb_cannot_read_part_of_names_the_store_and_the_fix(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(g287, "counts", _raising(duckdb.IOException("IO Error: block 12 cut short\nmore")))
    result = CliRunner().invoke(app, ["counts"], env={"G287_HOME": str(tmp_path)})
    assert result.exit_code == 1
    assert result.output == (f"Error: The store {tmp_path / 'g287.duckdb'} cannot be read (IO Error: block 12 cut "
                             "short). Run \"g287 build\" to rebuild it from the archive.\n")


def test_an_error_under_a_progress_display_comes_before_the_display_closes(tmp_path: Path):
    result = CliRunner().invoke(app, ["build"], env={"G287_HOME": str(tmp_path)})
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: The archive at {tmp_path / 'archive'} is empty.")


def test_a_path_that_names_no_file_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(app, ["moa", "show", str(tmp_path / "missing.pdf")])
    assert result.exit_code == 2
    assert (f"Error: Invalid value for TARGET: {tmp_path / 'missing.pdf'}: no such file; give the path of an MOA "
            "PDF or an agency.") in result.output


def test_a_repeated_sync_reports_an_error_and_keeps_going(monkeypatch):
    import time

    calls = []

    def sleep(seconds: float) -> None:
        calls.append(seconds)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(g287, "sync", _raising(G287Error("ICE's page did not load.")))
    monkeypatch.setattr(time, "sleep", sleep)
    result = CliRunner().invoke(app, ["sync", "--every", "30m"])
    assert result.output == "Error: ICE's page did not load.\n" * 2
    assert calls == [1800.0, 1800.0]
