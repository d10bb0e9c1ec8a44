"""``g287 serve`` is documented and starts the site."""

from __future__ import annotations

from typer.testing import CliRunner

from g287.cli import app


def test_serve_help_names_its_options():
    output = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"}).output
    assert "Serve the site and the JSON API" in output
    for option in ("--host", "--port", "--workers"):
        assert option in output
