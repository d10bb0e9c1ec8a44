"""Values users give on the command line: a date, state, model or grouping g287 cannot use (or an unknown agency
or format) is a one-line error that names the option and says what to use."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(("args", "message"), [
    (("counts", "--as-of", "2026-13-01"), "Error: --as-of '2026-13-01' is not a date; use YYYY-MM-DD."),
    (("counts", "--by", "county"), "Error: --by 'county' is not one of model, state, type."),
    (("counts", "--state", "Atlantis"),
     "Error: --state 'Atlantis' is not a U.S. state or territory; use a code (FL) or a name (Florida)."),
    (("agencies", "--model", "XYZ"), "Error: --model 'XYZ' is not a 287(g) model; use JEM, TFM or WSO."),
    (("history", "No Such Agency Anywhere"),
     "Error: No agency matches 'No Such Agency Anywhere'; try part of the name, or \"g287 agencies --state XX\"."),
    (("export", "--format", "xls", "--out", "/tmp/x"), "Error: --format 'xls' is not one of csv, json, parquet, sqlite."),
])
def test_bad_parameters_give_one_line_errors(built_home: Path, args, message):
    result = run_cli(built_home, *args)
    assert result.exit_code == 1
    assert result.output.strip() == message
