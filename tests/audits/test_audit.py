"""Audits from the ledger to the report: split at an agency's signing date; the g287 audit commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import g287
from g287.audits.audit import estimate_audit, find_signing
from g287.cli import app
from g287.errors import QueryError
from tests.conftest import shared_path

runner = CliRunner()
GARRETT = "MD-garrett-county-sheriffs-office"


def _cli(home: Path, *args: str):
    return runner.invoke(app, list(args), env={"G287_HOME": str(home)})


def test_signing_date_comes_from_the_ledger():
    with g287.connect() as con:
        signing = find_signing(con, GARRETT)
        assert signing["signed_on"] == dt.date(2025, 2, 28) and signing["state"] == "MD"
        assert signing["ledger_build"]
        with pytest.raises(QueryError):
            find_signing(con, "no such agency anywhere")


def test_audit_splits_at_the_signing_date(synthetic_parquet: Path, tmp_path: Path):
    result = g287.audit(synthetic_parquet, agency=GARRETT, home=tmp_path)
    assert result.spec["signed_on"] == "2025-02-28" and result.spec["agency"] == GARRETT
    assert result.provenance["ledger_build"] and result.provenance["g287_version"]
    terms = result.tidy()["term"].tolist()
    assert terms[:3] == ["is_dark:before", "is_dark:after", "is_dark:after-before"]
    assert "hit_rate[black]-hit_rate[white]:after" in terms
    assert "Split at Garrett County Sheriff's Office" in result.summary()


def test_cli_run_writes_the_report(synthetic_parquet: Path, tmp_path: Path):
    out = tmp_path / "report"
    result = _cli(tmp_path, "audit", "--stops", str(synthetic_parquet), "--agency", GARRETT,
                  "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "is_dark:after-before: " in result.output and (out / "report.html").exists()
    as_json = _cli(tmp_path, "audit", "--stops", str(synthetic_parquet), "--json")
    data = json.loads(as_json.output)
    assert data["spec"]["engine"] == "duckdb" and data["tidy"][0]["term"] == "is_dark"


def test_cli_errors_are_one_line(tmp_path: Path):
    path = tmp_path / "stops.csv"
    path.write_text("date,time,race\n2017-06-27,21:30,white\n")
    result = _cli(tmp_path, "audit", "--stops", str(path), "--tz", "America/New_York")
    assert result.exit_code == 1
    assert result.output == ('Error: stops.csv: missing column "subject_race". Rename your race column or pass '
                             "--column subject_race=NAME.\n")
    fixed = _cli(tmp_path, "audit", "--stops", str(path), "--column", "subject_race=race", "--tz",
                 "America/New_York", "--lat", "39.95", "--lng", "-75.16")
    assert fixed.output == ("Error: stops.csv: no stops of white or black drivers in the inter-twilight window; "
                            "the veil-of-darkness test cannot run.\n")
    bad_option = _cli(tmp_path, "audit", "--stops", str(path), "--column", "subject_race")
    assert bad_option.exit_code == 2 and "use STANDARD=SOURCE" in bad_option.output


def test_cli_synth(tmp_path: Path):
    result = _cli(tmp_path, "audit", "synth", "--n", "1000", "--out", str(tmp_path / "s.csv"), "--seed", "3")
    assert result.exit_code == 0 and result.output == f"1,000 stops written to {tmp_path / 's.csv'}\n"
    assert len((tmp_path / "s.csv").read_text().splitlines()) == 1_001


def test_rhode_island_end_to_end(tmp_path: Path):
    path = shared_path("stops/ri_statewide_truncated/police.csv")
    result = estimate_audit(path, center=(41.7, -71.5))
    # No tz column or option: Rhode Island lies in one zone, America/New_York, taken from the state column.
    assert result.spec["columns"]["state"] == "state" and result.spec["window"] == [976, 1260]
    fit = result.veil.fits["all"]
    assert (fit.stops, fit.minority_stops) == (3_325, 376)
    row = result.veil.tidy().iloc[0]
    assert row["term"] == "is_dark" and round(row["estimate"], 4) == -0.2423 and round(row["std_error"], 4) == 0.1541
    excluded = dict(zip(result.veil.exclusions["reason"], result.veil.exclusions["stops"]))
    assert excluded == {"between sunset and dusk": 413, "outside inter-twilight window": 22_421,
                        "race missing": 1_454, "race not white or black": 305}
    assert fit.stops + sum(excluded.values()) == 27_918
