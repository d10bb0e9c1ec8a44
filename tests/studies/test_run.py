"""Whole studies from a TOML spec: panel, treatment (panel column, flag, file or the ledger), outputs, errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from g287.cli import app
from g287.errors import StudyError
from g287.store.connect import build_id, open_ledger
from g287.studies.run import run_study
from g287.studies.spec import read_spec
from g287.studies.synthetic import generate_panel
from g287.studies.treatment import encode_period, first_agreements

SPEC = """title = "Synthetic study"
[panel]
path = "panel.csv"
idname = "unit"
tname = "period"
yname = "y"
[treatment]
source = "column"
gname = "first_treated"
[estimator]
biters = 199
[output]
min_e = -3
max_e = 3
"""


@pytest.fixture
def synthetic_study(tmp_path):
    generate_panel(n_units=600, n_periods=8, n_cohorts=3, effect=0.4, effect_growth=0.0, seed=4).write_csv(
        tmp_path / "panel.csv")
    (tmp_path / "study.toml").write_text(SPEC)
    return tmp_path / "study.toml"


def test_a_study_writes_tables_plots_pretest_and_report(synthetic_study):
    run = run_study(synthetic_study)
    out = synthetic_study.with_name("study-results")
    assert run.out == out
    for name in ("att_gt", "aggregate_simple", "aggregate_dynamic", "aggregate_group", "aggregate_calendar",
                 "pretest"):
        parquet = pl.read_parquet(out / f"{name}.parquet")
        assert pl.read_csv(out / f"{name}.csv", schema=parquet.schema).equals(parquet)
    assert (out / "event_study.png").stat().st_size > 10_000 and (out / "event_study.svg").read_text().startswith("<?xml")
    att_gt = pl.read_parquet(out / "att_gt.parquet")
    assert att_gt.height == len(run.group_time.estimates)
    dynamic = pl.read_parquet(out / "aggregate_dynamic.parquet").filter(pl.col("label").is_not_null())
    assert dynamic["label"].to_list() == [-3, -2, -1, 0, 1, 2, 3]
    post = dynamic.filter(pl.col("label") >= 0)
    assert ((post["conf_low"] <= 0.4) & (0.4 <= post["conf_high"])).all()
    html = (out / "report.html").read_text()
    for text in ("Synthetic study", "Pre-trend test", "Caveats", "never treated", "event_study.svg",
                 "uniform 95.0% bands"):
        assert text in html, text
    record = json.loads((out / "study.json").read_text())
    assert record["spec"]["estimator"]["biters"] == 199 and record["provenance"]["units"] == 600
    assert "Pre-test of parallel trends" in run.summary()


def test_rerun_replaces_results_and_a_failed_run_keeps_them(synthetic_study):
    run_study(synthetic_study)
    out = synthetic_study.with_name("study-results")
    before = (out / "att_gt.csv").read_bytes()
    synthetic_study.write_text(SPEC.replace('yname = "y"', 'yname = "nope"'))
    with pytest.raises(StudyError, match='no column "nope"'):
        run_study(synthetic_study)
    assert (out / "att_gt.csv").read_bytes() == before
    assert [p.name for p in synthetic_study.parent.iterdir() if p.name.startswith(".")] == []


def test_flag_and_file_treatments_give_the_same_first_periods(tmp_path):
    panel = generate_panel(n_units=300, n_periods=6, n_cohorts=2, seed=8)
    flagged = panel.with_columns(((pl.col("first_treated") > 0) & (pl.col("period") >= pl.col("first_treated")))
                                 .cast(pl.Int8).alias("participant")).drop("first_treated")
    flagged.with_columns((pl.col("period") + 2000).alias("year")).write_csv(tmp_path / "panel.csv")
    dates = panel.filter(pl.col("first_treated") > 0).group_by("unit").agg(pl.col("first_treated").first())
    dates.select(pl.col("unit"), (pl.col("first_treated") + 2000).cast(pl.Utf8).add("-07-01").alias("treated_on")
                 ).write_csv(tmp_path / "dates.csv")
    base = SPEC.replace('tname = "period"', 'tname = "year"').split("[treatment]")[0]
    (tmp_path / "flag.toml").write_text(base + '[treatment]\nsource = "flag"\nflag = "participant"\n')
    (tmp_path / "file.toml").write_text(base + '[treatment]\nsource = "file"\nfile = "dates.csv"\n')
    by_flag, by_file = run_study(tmp_path / "flag.toml"), run_study(tmp_path / "file.toml")
    assert by_flag.group_time.estimates == by_file.group_time.estimates
    assert sorted(set(by_flag.group_time.groups)) == sorted({g + 2000 for g in dates["first_treated"]})


def test_ledger_treatment_uses_each_countys_first_agreement(tmp_path):
    """A monthly county panel treated by the bundled ledger: first treated month = first agreement's month."""
    with open_ledger(None) as con:
        rows = first_agreements(con, "county")
        first = {r["unit"]: r["treated_on"] for r in rows}
        uncertain = {r["unit"] for r in rows if r["uncertainty_days"] > 366}
        counties = [r[0] for r in con.execute("SELECT county_fips FROM counties ORDER BY 1").fetchall()]
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)][:29]  # 2024-01 .. 2026-05
    rows = [{"county_fips": c, "month": mo, "rate": float(int(c) % 7 + i * 0.01)}
            for c in counties for i, mo in enumerate(months)]
    pl.DataFrame(rows).write_parquet(tmp_path / "panel.parquet")
    (tmp_path / "ledger.toml").write_text(
        'title = "County panel"\n[panel]\npath = "panel.parquet"\nidname = "county_fips"\ntname = "month"\n'
        'yname = "rate"\nperiod_unit = "month"\n[treatment]\nsource = "ledger"\nunit = "county"\n'
        '[estimator]\ncontrol_group = "notyettreated"\nboot = false\ncband = false\n[output]\n'
        'aggregations = ["simple", "dynamic"]\n')
    run = run_study(tmp_path / "ledger.toml", out=tmp_path / "out")
    panel = pl.read_parquet(tmp_path / "out" / "att_gt.parquet")
    assert set(panel["group_period"]) <= {m for m in months}
    # Autauga County, Alabama: its sheriff's first agreement in the ledger sets its cohort.
    autauga = encode_period(dt.date.fromisoformat(first["01001"]), "month")
    assert autauga in run.group_time.groups
    # Counties signed before the panel's first month are dropped; the report says how many.
    early = sum(1 for c, d in first.items() if d < "2024-01-01" and c in set(counties) and c not in uncertain)
    assert run.group_time.provenance["excluded_uncertain_start"] == sorted(uncertain & set(counties))
    assert any(w.startswith(f"{early} units were already treated in the first period") for w in run.group_time.warnings)
    assert run.group_time.provenance["ledger_build"].startswith(build_id(open_ledger(None))[:8])
    # The outcome has no effect at all: the simple ATT is zero up to rounding.
    assert abs(run.aggregates["simple"].overall_estimate) < 1e-9
    assert "the first 287(g) agreement covering each county" in (tmp_path / "out" / "report.html").read_text()


@pytest.mark.parametrize(("text", "message"), [
    ('[panel]\nidname = "u"\n', '[panel] needs "path".'),
    (SPEC.replace("[output]", "[outputs]"), 'unknown table or key "outputs"'),
    (SPEC.replace('source = "column"', 'source = "wiki"'), ('treatment source "wiki" is unknown. Use one of: '
                                                           "ledger, column, flag, file.")),
    (SPEC.replace("biters = 199", "biters = 199\nbootstrap = true"), 'unknown key "bootstrap" in [estimator]'),
    (SPEC.replace('yname = "y"', ""), '[panel] needs "yname".'),
    ("title = ", "not valid TOML"),
])
def test_spec_errors_name_the_file_and_the_fix(tmp_path, text, message):
    (tmp_path / "s.toml").write_text(text)
    with pytest.raises(StudyError) as error:
        read_spec(tmp_path / "s.toml")
    assert str(error.value).startswith(f"{tmp_path / 's.toml'}: ")
    assert message in str(error.value)


def test_cli_runs_a_study_and_reports_errors_in_one_line(synthetic_study):
    result = CliRunner().invoke(app, ["study", "run", str(synthetic_study), "--out", str(synthetic_study.parent / "r")])
    assert result.exit_code == 0, result.output
    assert "ATT (dynamic)" in result.output and "open report.html" in result.output
    bad = CliRunner().invoke(app, ["study", "run", str(synthetic_study.with_name("missing.toml"))])
    assert bad.exit_code == 1
    assert bad.output.strip() == (f"Error: {synthetic_study.with_name('missing.toml')}: no such file. "
                                  "Give the path of a study spec (TOML).")


def test_cli_writes_a_synthetic_panel(tmp_path):
    result = CliRunner().invoke(app, ["study", "synth", "--out", str(tmp_path / "p.parquet"), "--units", "20",
                                      "--periods", "5"])
    assert result.exit_code == 0 and pl.read_parquet(tmp_path / "p.parquet").shape == (100, 5)


def test_every_output_column_is_documented(synthetic_study):
    run_study(synthetic_study)
    text = (Path(__file__).resolve().parents[2] / "docs" / "studies.md").read_text()
    out = synthetic_study.with_name("study-results")
    columns = {c for f in out.glob("*.parquet") for c in pl.read_parquet_schema(f)}
    assert sorted(c for c in columns if f"`{c}`" not in text) == []
