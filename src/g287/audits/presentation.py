"""Text summaries, plots and the HTML report of an audit. Everything written is an aggregate: counts per
(period, location, race, 5-minute slot, darkness) and estimates; no stop record, date or time leaves the audit."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from g287.results import format_number

PERIOD = ("period", "text", "all, or before / after the agency's signing date (undated: no valid date)")
LOCATION = ("location", "text", "the stops' location (city, county, district); (missing) when empty")
RACE = ("subject_race", "text", "OPP race of the driver; (missing) when empty")
TIDY = [("term", "text", "is_dark[:period], hit_rate[race][:period] or a difference of two terms"),
        ("estimate", "double", "coefficient (log-odds) or rate"), ("std_error", "double", "standard error"),
        ("statistic", "double", "Wald z statistic"), ("p_value", "double", "two-sided p-value"),
        ("conf_low", "double", "lower end of the interval"), ("conf_high", "double", "upper end of the interval")]
COUNTS = [("stops", "integer", "stops"), ("searches", "integer", "stops with a search"),
          ("hits", "integer", "searches that found contraband")]
RATES = [("search_rate", "double", "searches / stops"), ("hit_rate", "double", "hits / searches")]
# Files of an audit folder, each an aggregate table written as CSV and Parquet, with its columns.
CELL_COLUMNS = [
    ("veil_exclusion", "text", "why the stops are left out of the veil-of-darkness test; empty when used"),
    ("rounded_minute", "integer", "clock time rounded to 5 minutes, in minutes after midnight; empty when excluded"),
    ("is_dark", "integer", "1 after dusk, 0 before sunset; empty when excluded"),
]
VEIL_COUNT_COLUMNS = [
    ("rounded_minute", "integer", "clock time rounded to 5 minutes"), ("is_dark", "integer", "1 after dusk"),
    ("stops", "integer", "stops of white and minority drivers"), ("minority", "integer", "stops of minority drivers"),
]
AUDIT_TABLES = {
    "cells": (("The aggregation every result rests on: counts per period, location, race, exclusion, 5-minute "
               "slot and darkness."), [PERIOD, LOCATION, RACE, *CELL_COLUMNS, *COUNTS]),
    "veil_counts": ("Binomial counts of the veil-of-darkness model.", [PERIOD, LOCATION, *VEIL_COUNT_COLUMNS]),
    "veil_coefficients": ("Every coefficient of the veil-of-darkness model, per period.", [PERIOD, *TIDY]),
    "exclusions": ("Stops left out of the veil-of-darkness test, per period and reason.",
                   [PERIOD, ("reason", "text", "why"), ("stops", "integer", "stops")]),
    "hit_rates": ("Outcome test: searches and hits per period, location and race.",
                  [PERIOD, LOCATION, RACE, *COUNTS, *RATES]),
    "tidy": ("Every reported estimate: darkness coefficients, hit rates and their differences.", TIDY),
}
TABLES = tuple(AUDIT_TABLES)


def _fmt(value: float) -> str:
    return format_number(value if pd.notna(value) else None)


def veil_summary(result) -> str:
    """Darkness coefficient per period, stops used and exclusions, as text."""
    window = f"{_clock(result.spec['window'][0])}-{_clock(result.spec['window'][1])}"
    lines = [f"Veil of darkness ({result.spec['minority']} vs white drivers; window {window})"]
    for row in result.tidy().itertuples():
        lines.append(f"  {row.term}: {_fmt(row.estimate)} (SE {_fmt(row.std_error)}, "
                     f"{result.spec['conf_level']:.0%} CI {_fmt(row.conf_low)} to {_fmt(row.conf_high)}, "
                     f"p {_fmt(row.p_value)})")
    for period, fit in result.fits.items():
        lines.append(f"  {period}: {fit.stops:,} stops used, {fit.minority_stops:,} of {result.spec['minority']} drivers")
    for period, reason in result.unfit.items():
        lines.append(f"  {period}: not fitted: {reason}")
    for row in result.exclusions.itertuples():
        lines.append(f"  excluded ({row.period}): {row.reason}: {row.stops:,}")
    return "\n".join(lines)


def hit_rate_summary(result) -> str:
    """Stops, searches, hits and rates by period and race, as text."""
    lines = ["Outcome test (hit rate of searches)"]
    for row in result.by_race.itertuples():
        lines.append(f"  {row.period} {row.subject_race}: {row.stops:,} stops, {row.searches:,} searches "
                     f"(rate {_fmt(row.search_rate)}), {row.hits:,} hits (hit rate {_fmt(row.hit_rate)})")
    return "\n".join(lines)


def audit_summary(audit) -> str:
    """Both tests, the split date and notes, as text."""
    dates = f"{audit.provenance['first_on']} to {audit.provenance['last_on']}"
    stops = f"{audit.provenance['stops_read']:,} stops ({dates})"
    head = [f"Audit of {audit.provenance['source']}: {stops}, engine {audit.spec['engine']}"]
    if audit.spec["agency"]:
        head.append(f"Split at {audit.provenance['agency_name']} ({audit.spec['agency']}), first 287(g) agreement "
                    f"signed {audit.spec['signed_on']}")
    parts = head + [audit.veil.summary()] + ([audit.hit_rates.summary()] if audit.hit_rates else [])
    return "\n".join(parts + [f"Note: {note}" for note in audit.notes])


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _figure(rows: int, cols: int, width: float = 5.0):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, 3.8 * rows), squeeze=False)
    return fig, axes[0]


def plot_veil(result, path: Path | str | None = None):
    """Minority share of stops per 5-minute slot, daylight against darkness, one panel per period."""
    periods = list(result.fits)
    fig, axes = _figure(1, len(periods))
    for ax, period in zip(axes, periods):
        counts = result.counts[result.counts["period"] == period]
        slots = counts.groupby(["rounded_minute", "is_dark"], as_index=False)[["stops", "minority"]].sum()
        for dark, label, color in ((0, "daylight", "#e3a21a"), (1, "after dusk", "#1f3b73")):
            part = slots[slots["is_dark"] == dark]
            ax.scatter(part["rounded_minute"] / 60, part["minority"] / part["stops"], s=8 + 40 * part["stops"] /
                       max(slots["stops"].max(), 1), label=label, color=color, alpha=0.7)
        term = "is_dark" if period == "all" else f"is_dark:{period}"
        estimate = result.tidy().set_index("term").loc[term, "estimate"]
        ax.set_title(f"{period}: darkness coefficient {estimate:.3f}")
        ax.set_xlabel("clock time (hours)")
        ax.set_ylabel(f"share of {result.spec['minority']} drivers")
        ax.legend()
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


def plot_hit_rates(result, path: Path | str | None = None):
    """Per location, each race's hit rate against white drivers' (OPP's outcome plot); below the diagonal means
    that race's searches find contraband less often."""
    table = result.by_location[result.by_location["searches"] > 0]
    periods = list(dict.fromkeys(table["period"]))
    fig, axes = _figure(1, max(len(periods), 1))
    for ax, period in zip(axes, periods):
        part = table[table["period"] == period]
        white = part[part["subject_race"] == "white"].set_index("location")["hit_rate"]
        for race in ("black", "hispanic"):
            other = part[part["subject_race"] == race].set_index("location")["hit_rate"]
            both = pd.concat([white.rename("white"), other.rename(race)], axis=1, join="inner")
            ax.scatter(both["white"], both[race], label=race, alpha=0.8)
        ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(f"{period}: hit rate by location")
        ax.set_xlabel("white drivers' hit rate")
        ax.set_ylabel("minority drivers' hit rate")
        ax.legend()
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


def write_plots(audit, folder: Path) -> list[Path]:
    """veil.png/.svg and, with an outcome test, hit_rates.png/.svg."""
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    figures = [("veil", audit.veil.plot())] + ([("hit_rates", audit.hit_rates.plot())] if audit.hit_rates else [])
    for name, fig in figures:
        for suffix in ("png", "svg"):
            fig.savefig(folder / f"{name}.{suffix}", dpi=110)
            written.append(folder / f"{name}.{suffix}")
        plt.close(fig)
    return written


def aggregate_tables(audit) -> dict[str, pd.DataFrame]:
    """The audit's tables, all aggregates: cells, veil counts and coefficients, exclusions, hit rates, tidy."""
    coefficients = pd.concat([fit.coefficients.assign(period=period) for period, fit in audit.veil.fits.items()],
                             ignore_index=True)
    tables = {"cells": audit.cells.cells, "veil_counts": audit.veil.counts,
              "veil_coefficients": coefficients[["period", *coefficients.columns[:-1]]],
              "exclusions": audit.veil.exclusions, "tidy": audit.tidy()}
    if audit.hit_rates:
        tables["hit_rates"] = audit.hit_rates.by_location
    return tables


def audit_json(audit) -> dict:
    """The audit's estimates, exclusions, spec and provenance as JSON-ready data."""
    tidy = audit.tidy().astype(object).where(audit.tidy().notna(), None)
    return {"spec": audit.spec, "provenance": audit.provenance, "tidy": tidy.to_dict("records"),
            "exclusions": audit.veil.exclusions.to_dict("records"), "notes": audit.notes}


def write_report(audit, folder: Path) -> list[Path]:
    """report.html, plots, audit.json and each aggregate table as CSV and Parquet, in ``folder``."""
    import jinja2

    folder.mkdir(parents=True, exist_ok=True)
    written = write_plots(audit, folder)
    tables = aggregate_tables(audit)
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
        table.to_parquet(folder / f"{name}.parquet", index=False)
        written += [folder / f"{name}.csv", folder / f"{name}.parquet"]
    (folder / "audit.json").write_text(json.dumps(audit_json(audit), indent=2, default=str), encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.PackageLoader("g287.audits", "templates"), autoescape=True)
    html = env.get_template("report.html").render(
        audit=audit, tidy=audit.tidy().to_dict("records"), exclusions=audit.veil.exclusions.to_dict("records"),
        by_race=audit.hit_rates.by_race.to_dict("records") if audit.hit_rates else [],
        columns=audit.cells.columns, fits=audit.veil.fits, clock=_clock)
    (folder / "report.html").write_text(html, encoding="utf-8")
    return written + [folder / "audit.json", folder / "report.html"]
