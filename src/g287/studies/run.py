"""Run a whole study from its spec: panel, treatment, estimate, aggregations, tables, plots and report."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from g287.studies.did import AggregatedEffects, GroupTimeEffects, estimate_att_gt
from g287.studies.panel import read_panel
from g287.studies.spec import StudySpec, read_spec
from g287.studies.treatment import (
    attach_first_treated,
    encode_period_column,
    first_agreements,
    first_treated_from_flag,
    label_period,
    read_treatment_dates,
)


@dataclass(frozen=True)
class StudyRun:
    """A finished study: its results and the folder its files were written to."""

    spec: StudySpec
    group_time: GroupTimeEffects
    aggregates: dict[str, AggregatedEffects]
    out: Path
    files: tuple[str, ...]

    def summary(self) -> str:
        """The design, sample, warnings, pre-test and each aggregation's overall effect (the CLI prints this)."""
        from g287.studies.format import format_study

        return format_study(self)


def _treatment_dates_from_ledger(spec: StudySpec, store_path: Path | None) -> tuple[dict[str, str], set[str], dict]:
    """Treatment dates per unit from the ledger and its 2002-2020 agreement lives, and the units left out
    because their first start is more uncertain than the spec's tolerance."""
    from g287.store.connect import build_id, open_ledger

    t = spec.treatment
    with open_ledger(store_path) as con:
        rows = first_agreements(con, unit=t.unit, model=t.model,
                                exclude_coverage_kinds=t.exclude_coverage_kinds)
        build = build_id(con)
    uncertain = {r["unit"] for r in rows if r["uncertainty_days"] > t.max_start_uncertainty_days}
    dates = {r["unit"]: r["treated_on"] for r in rows if r["unit"] not in uncertain}
    return dates, uncertain, {"ledger_build": build, "treatment_units_in_ledger": len(rows),
                              "treatment_from_history": sum(1 for r in rows if r["source"] == "history"),
                              "max_start_uncertainty_days": t.max_start_uncertainty_days}


def prepare_panel(spec: StudySpec, store_path: Path | None = None) -> tuple[pl.DataFrame, str, dict]:
    """The study's panel with integer period codes and its first-treated column; returns (frame, gname, notes)."""
    p, t = spec.panel, spec.treatment
    frame = encode_period_column(read_panel(p.path), p.tname, p.period_unit)
    notes: dict = {"treatment_source": t.source, "period_unit": p.period_unit}
    if t.source == "column":
        return frame, t.gname, notes
    if t.source == "flag":
        return first_treated_from_flag(frame, p.idname, p.tname, t.flag, t.gname), t.gname, notes
    if t.source == "file":
        dates = read_treatment_dates(t.file)
        notes["treatment_file"] = str(t.file)
    else:
        dates, uncertain, ledger_notes = _treatment_dates_from_ledger(spec, store_path)
        notes.update(ledger_notes, treatment_unit=t.unit, treatment_model=t.model or "any")
        ids = frame[p.idname].cast(pl.Utf8)
        excluded = sorted(set(ids.unique().to_list()) & uncertain)
        notes["excluded_uncertain_start"] = excluded
        frame = frame.filter(~ids.is_in(excluded))
    units = set(frame[p.idname].cast(pl.Utf8).unique().to_list())
    notes["treated_units_in_panel"] = sum(1 for u, d in dates.items() if d and u in units)
    frame = attach_first_treated(frame, p.idname, dates, p.period_unit, t.gname)
    cohorts = frame.group_by(p.idname).agg(pl.col(t.gname).first()).filter(pl.col(t.gname) > 0)
    notes["treated_units_per_cohort"] = {label_period(g, p.period_unit): n for g, n in sorted(
        cohorts.group_by(t.gname).len().iter_rows())}
    return frame, t.gname, notes


def _write_outputs(run_dir: Path, spec: StudySpec, fit: GroupTimeEffects,
                   aggregates: dict[str, AggregatedEffects]) -> list[str]:
    from g287.studies.html_report import render_report

    files = []

    def table(name: str, frame: pl.DataFrame) -> None:
        frame.write_csv(run_dir / f"{name}.csv")
        frame.write_parquet(run_dir / f"{name}.parquet")
        files.extend([f"{name}.csv", f"{name}.parquet"])

    unit = spec.panel.period_unit

    def labelled(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
        # Periods are integer codes (see treatment.py); add their text beside them.
        return frame.with_columns(pl.col(c).map_elements(lambda v: label_period(v, unit), return_dtype=pl.Utf8)
                                  .alias(name) for c, name in columns.items())

    table("att_gt", labelled(fit.tidy(), {"group": "group_period", "time": "time_period"}))
    for kind, agg in aggregates.items():
        extra = {"label": "period"} if kind in ("group", "calendar") else {}
        table(f"aggregate_{kind}", labelled(agg.tidy(), extra))
    test = fit.pretest()
    table("pretest", pl.DataFrame([{"test": "Wald pre-test: all pre-treatment ATT(g,t) = 0", **test}],
                                  schema_overrides={"statistic": pl.Float64, "p_value": pl.Float64, "note": pl.Utf8}))
    if "dynamic" in aggregates:
        aggregates["dynamic"].plot(run_dir / "event_study")
        files += ["event_study.png", "event_study.svg"]
    (run_dir / "summary.txt").write_text(
        "\n\n".join([fit.summary(), *(a.summary() for a in aggregates.values())]) + "\n", encoding="utf-8")
    (run_dir / "study.json").write_text(json.dumps(
        {"title": spec.title, "spec": json.loads(json.dumps(asdict(spec), default=str)),
         "provenance": fit.provenance, "warnings": list(fit.warnings)}, indent=2, default=str) + "\n",
        encoding="utf-8")
    (run_dir / "report.html").write_text(render_report(spec, fit, aggregates), encoding="utf-8")
    return files + ["summary.txt", "study.json", "report.html"]


def run_study(spec_path: Path | str, out: Path | str | None = None, store_path: Path | None = None,
              progress: Callable[[str], None] | None = None) -> StudyRun:
    """Run the study a TOML spec describes and write its outputs to ``out`` (default: ``<spec>-results/``).

    The folder is written aside and swapped in whole, so an interrupted run leaves the previous results.
    """
    spec = read_spec(spec_path)
    say = progress or (lambda _message: None)
    out = Path(out) if out is not None else spec.path.with_name(spec.path.stem + "-results")
    say("Reading the panel and treatment dates")
    frame, gname, notes = prepare_panel(spec, store_path)
    e = spec.estimator
    say("Estimating ATT(g,t)")
    fit = estimate_att_gt(frame, yname=spec.panel.yname, tname=spec.panel.tname, idname=spec.panel.idname,
                          gname=gname, source=str(spec.panel.path), provenance=notes,
                          covariates=spec.panel.covariates, clustervars=spec.panel.clustervars,
                          control_group=e.control_group, est_method=e.est_method, anticipation=e.anticipation,
                          base_period=e.base_period, allow_unbalanced_panel=e.allow_unbalanced_panel, boot=e.boot,
                          biters=e.biters, cband=e.cband, alp=e.alp, random_state=e.random_state)
    say("Aggregating")
    aggregates = {kind: fit.aggregate(kind, **({"min_e": spec.output.min_e, "max_e": spec.output.max_e}
                                               if kind == "dynamic" else {}))
                  for kind in spec.output.aggregations}
    say("Writing tables, plots and the report")
    out.parent.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        files = _write_outputs(run_dir, spec, fit, aggregates)
        if out.exists():
            retired = out.with_name(f".{out.name}-old")
            shutil.rmtree(retired, ignore_errors=True)
            out.rename(retired)
            run_dir.rename(out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            run_dir.rename(out)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return StudyRun(spec=spec, group_time=fit, aggregates=aggregates, out=out, files=tuple(files))
