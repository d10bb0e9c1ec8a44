"""The study's HTML report: design, sample, warnings, results, plots, pre-test and caveats (aggregates only)."""

from __future__ import annotations

import math

from jinja2 import Environment, PackageLoader, select_autoescape

from g287.studies.treatment import label_period

CAVEATS = (
    ("Treatment is absorbing: a unit counts as treated from its first agreement on, also after the agreement "
    "ends or is removed from ICE's list."),
    ("The estimates rest on parallel trends: without 287(g), treated and comparison units would have moved "
    "alike (conditional on the covariates, if any). The pre-test and the pre-treatment event times check the "
    "periods before treatment; they cannot prove the assumption."),
    ("Signing dates are ICE's; officers are trained and start work later, so early event times may show "
    "little effect by construction."),
    "Neighbouring counties can be affected by an agreement (spillovers), which would bias comparisons with them.",
    ("The ledger starts with ICE's January 2021 list: agreements that ended before then are not in it. For "
    "earlier history give treatment dates directly (treatment source \"file\")."),
)


def _number(value, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "NA"
    return f"{value:.{digits}f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)


def render_report(spec, fit, aggregates) -> str:
    """HTML text of the report; plots are referenced as the SVG files written beside it."""
    env = Environment(loader=PackageLoader("g287.studies", "templates"), autoescape=select_autoescape())
    env.filters["num"] = _number
    unit = spec.panel.period_unit
    env.filters["period"] = lambda code: "not within the panel" if code == 0 else label_period(int(code), unit)
    return env.get_template("report.html").render(spec=spec, fit=fit, aggregates=aggregates,
                                                  pretest=fit.pretest(), caveats=CAVEATS,
                                                  att_gt=fit.tidy().to_dicts(),
                                                  tables={k: a.tidy().to_dicts() for k, a in aggregates.items()})
