"""One output path: --json and --csv where a command declares them, tables and each command's own text."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from g287.cli import app

ENV = {"COLUMNS": "160", "NO_COLOR": "1"}


def test_the_output_options_take_the_place_of_fmt_in_help():
    help_text = CliRunner().invoke(app, ["coverage", "--help"], env=ENV).output
    options = [line.split()[0] for line in help_text.split("Options:")[1].splitlines() if line.strip()]
    assert options[:5] == ["--as-of", "--state", "--model", "--json", "--counties"]
    assert "--csv" not in options
    assert "--csv" in CliRunner().invoke(app, ["agencies", "--help"], env=ENV).output


def test_json_csv_and_table_print_the_same_rows():
    args = ["agencies", "--as-of", "2025-02-21", "--state", "MD"]
    rows = json.loads(CliRunner().invoke(app, [*args, "--json"], env=ENV).output)
    table = CliRunner().invoke(app, args, env=ENV).output
    written = list(csv.DictReader(io.StringIO(CliRunner().invoke(app, [*args, "--csv"], env=ENV).output)))
    assert [r["agency_id"] for r in written] == [r["agency_id"] for r in rows] and rows
    assert written[0]["agreements"] == str(rows[0]["agreements"])
    assert table.splitlines()[0].strip() == f"{len(rows):,} agencies"
    assert all(r["agency_name"] in table for r in rows)
    # --json wins over --csv
    assert json.loads(CliRunner().invoke(app, [*args, "--csv", "--json"], env=ENV).output) == rows


def test_a_command_with_its_own_text_prints_it_unless_json_is_asked():
    args = ["counts", "--as-of", "2025-02-21", "--by", "model"]
    text = CliRunner().invoke(app, args, env=ENV).output
    data = json.loads(CliRunner().invoke(app, [*args, "--json"], env=ENV).output)
    assert text.splitlines()[0] == (f"As of 2025-02-21 (list of {data['publication_date']}): "
                                    f"{data['agreements']:,} agreements, {data['agencies']:,} agencies.")
