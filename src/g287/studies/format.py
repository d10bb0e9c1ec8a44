"""Text summaries of study results (kept apart from the result objects, which only hold numbers)."""

from __future__ import annotations

import math

from g287.results import format_number


def _table(rows: list[tuple], header: tuple) -> str:
    cells = [header] + [tuple(_cell(v) for v in row) for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells)


def _cell(value) -> str:
    if isinstance(value, float):
        return format_number(value)
    return "" if value is None else str(value)


def _rows(tidy) -> list[tuple]:
    return [(r["term"], r["estimate"], r["std_error"], r["conf_low"], r["conf_high"], r["p_value"])
            for r in tidy.iter_rows(named=True)]


HEADER = ("term", "estimate", "std.error", "conf.low", "conf.high", "p.value")


def _interval_note(spec, critical: float) -> str:
    level = f"{100 * (1 - spec.alp):g}%"
    if spec.boot and spec.cband and math.isfinite(critical):
        return f"{level} uniform confidence band (multiplier bootstrap, {spec.biters} draws, critical value {critical:.3f})"
    kind = f"bootstrap SEs ({spec.biters} draws)" if spec.boot else "analytic SEs"
    return f"{level} pointwise confidence intervals, {kind}"


def format_group_time(fit) -> str:
    """ATT(g,t) table, the design line and the pre-test."""
    spec = fit.spec
    lines = [(f"Group-time ATT (Callaway & Sant'Anna 2021), {spec.est_method.upper()}, control group: "
             f"{spec.control_group}, covariates: {', '.join(spec.covariates) or 'none'}"),
             (f"{fit.provenance.get('units')} units, periods {fit.provenance.get('first_period')}-"
             f"{fit.provenance.get('last_period')}; {_interval_note(spec, fit.critical_value)}"), "",
             _table(_rows(fit.tidy()), HEADER), ""]
    lines += treatment_lines(fit.provenance)
    test = fit.pretest()
    if test["statistic"] is None:
        lines.append("Pre-test of parallel trends: not available (no pre-treatment periods).")
    else:
        lines.append(f"Pre-test of parallel trends (all pre-treatment ATT(g,t) = 0): W = {test['statistic']:.4f}, "
                     f"p = {test['p_value']:.4f}")
        if test["note"]:
            lines.append(f"Note: {test['note']}")
    lines += [f"Warning: {w}" for w in fit.warnings]
    return "\n".join(lines)


def format_aggregate(agg) -> str:
    """Overall effect and the effects per event time / group / period."""
    lines = [f"Aggregated ATT: {agg.kind}; {_interval_note(agg.spec, agg.critical_value)}", "",
             _table(_rows(agg.tidy()), HEADER)]
    return "\n".join(lines)


def treatment_lines(provenance: dict) -> list[str]:
    """Treated units per cohort, and the units left out for an uncertain start (ledger treatment)."""
    lines = []
    cohorts = provenance.get("treated_units_per_cohort")
    if cohorts:
        lines.append("Treated units per cohort (panel units, before dropping): "
                     + ", ".join(f"{g}: {n}" for g, n in cohorts.items()))
    excluded = provenance.get("excluded_uncertain_start")
    if excluded:
        lines.append(f"Left out, first start uncertain by more than {provenance['max_start_uncertainty_days']} days: "
                     f"{len(excluded)} units ({', '.join(excluded[:10])}{' ...' if len(excluded) > 10 else ''})")
    return lines


def format_study(run) -> str:
    """A short account of a study run; every ATT(g,t) is in the output folder's tables."""
    fit = run.group_time
    lines = [run.spec.title, "=" * len(run.spec.title), format_group_time(fit).split("\n\n")[0],
             *treatment_lines(fit.provenance), ""]
    lines += [f"Warning: {w}" for w in fit.warnings]
    test = fit.pretest()
    if test["statistic"] is not None:
        lines.append(f"Pre-test of parallel trends: W = {test['statistic']:.4f}, p = {test['p_value']:.4f} "
                     f"({test['pre_periods']} pre-treatment ATT(g,t))")
        if test["note"]:
            lines.append(f"Note: {test['note']}")
    # The first tidy row of each aggregation is its overall effect, with the interval its spec asks for.
    overall = [tuple(a.tidy().row(0, named=True)[c] for c in ("term", "estimate", "std_error", "conf_low", "conf_high"))
               for a in run.aggregates.values()]
    lines += ["", _table(overall, ("aggregation", "estimate", "std.error", "conf.low", "conf.high"))]
    if "dynamic" in run.aggregates:
        lines += ["", format_aggregate(run.aggregates["dynamic"])]
    lines += ["", f"{len(fit.estimates)} ATT(g,t) and every aggregation are in {run.out}; open report.html."]
    return "\n".join(lines)
