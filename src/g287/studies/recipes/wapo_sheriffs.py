"""The Washington Post's 2021 analysis of sheriffs in 287(g), re-run with g287.

Data (CC BY-NC-SA 4.0, never bundled with g287): the folder ``wapo-sheriffs-287g`` of the shared data, with
the Post's agency-year panel of low-level arrests per officer for the 129 sheriff's offices that ever
participated (2008-2018), its curated participation list (2005-2019) and the data of its annual-rates chart.

Figures re-computed:
1. the Post's before/after comparison: % change of low-level arrests per officer in the year after joining,
   and in the year of leaving, as in its notebook (``01_analysis.Rmd``, chunks summary11-12b);
2. the participants' annual rate against the data of the published chart (``annual_rates.csv``);
3. what the Post did not estimate: a staggered difference-in-differences (Callaway & Sant'Anna) of joining,
   with not-yet-treated sheriff's offices as comparisons.

Run: ``python -m g287.studies.recipes.wapo_sheriffs ../shared/data/wapo-sheriffs-287g [OUT]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from g287.errors import StudyError
from g287.studies.switches import SwitchChanges, estimate_switch_changes

PANEL = "sheriff_lowlevel_arrests_panel_2008_2018.csv"
CURATED = "287g_curated_2019.xlsx"
ANNUAL = "annual_rates.csv"
# As printed in the Post's notebook (01_analysis.Rmd): median % change after leaving, the fell/rose counts,
# and the mean % change after joining.
PUBLISHED = {"left_median_pct": -3.0, "left_fell": 9, "left_rose": 7, "joined_mean_pct": 3.0}

SPEC = """title = "Washington Post sheriffs data: low-level arrests per officer after joining 287(g)"
[panel]
path = "panel.csv"
idname = "ori"
tname = "year"
yname = "arrests_low_per_officer"
[treatment]
source = "column"
gname = "first_treated"
[estimator]
control_group = "notyettreated"
allow_unbalanced_panel = true
biters = 999
[output]
min_e = -4
max_e = 4
"""


def _path(folder: Path, name: str) -> Path:
    path = Path(folder) / name
    if not path.is_file():
        raise StudyError(f"{path}: missing. Point the recipe at the wapo-sheriffs-287g folder of the shared data.")
    return path


def read_participation(folder: Path | str) -> pl.DataFrame:
    """The Post's curated list as ``ori, year, is_on`` for 2005-2019 (7-character ORIs padded with ``00``)."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(_path(Path(folder), CURATED)).get_sheet_by_index(0).to_python()
    header = [str(h).strip() for h in rows[0]]
    years = [h for h in header if h.startswith("y20")]
    records = []
    for row in rows[1:]:
        cells = dict(zip(header, row))
        ori = str(cells.get("ori") or "").strip()
        if not ori:
            continue
        ori = ori + "00" if len(ori) == 7 else ori
        records += [{"ori": ori, "year": int(y[1:]), "is_on": str(cells[y]).strip().upper() == "X"} for y in years]
    # A few agencies appear twice in the list; an agency participates in a year if any of its rows says so.
    return pl.DataFrame(records).group_by("ori", "year").agg(pl.col("is_on").any()).sort("ori", "year")


@dataclass(frozen=True)
class WapoReplication:
    switches: SwitchChanges
    annual: pl.DataFrame
    panel: pl.DataFrame


def replicate(folder: Path | str) -> WapoReplication:
    """Switch changes, annual participant rates against the published chart data, and the DiD panel."""
    folder = Path(folder)
    panel = pl.read_csv(_path(folder, PANEL))
    status = read_participation(folder)
    switches = estimate_switch_changes(panel, status, idname="ori", tname="year", yname="arrests_low_per_officer")
    ours = (panel.filter(pl.col("participant")).group_by("year")
            .agg(pl.len().alias("agencies"), pl.col("arrests_low").sum(), pl.col("officers_total").sum())
            .with_columns((pl.col("arrests_low") / pl.col("officers_total")).round(1).alias("rate")))
    chart = (pl.read_csv(_path(folder, ANNUAL)).filter(pl.col("participant") & pl.col("AGCYTYPE").str.contains("Sheriff"))
             .select("year", pl.col("total").alias("chart_agencies"),
                     pl.col("arrests_low_per_officer").alias("chart_rate")))
    annual = ours.join(chart, on="year", how="full", coalesce=True).sort("year")
    first = status.filter(pl.col("is_on")).group_by("ori").agg(pl.col("year").min().alias("first_treated"))
    did_panel = (panel.join(first, on="ori", how="left").with_columns(pl.col("first_treated").fill_null(0))
                 .select("ori", "year", "arrests_low_per_officer", "first_treated"))
    return WapoReplication(switches=switches, annual=annual, panel=did_panel)


def run_recipe(folder: Path | str, out: Path | str) -> tuple[WapoReplication, object]:
    """Replicate the Post's figures and run the difference-in-differences study into ``out``."""
    from g287.studies.run import run_study

    result = replicate(folder)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result.panel.write_csv(out / "panel.csv")
    (out / "study.toml").write_text(SPEC, encoding="utf-8")
    return result, run_study(out / "study.toml", out=out / "study")


def format_comparison(result: WapoReplication) -> str:
    """The re-computed figures next to the published ones."""
    tidy = {r["kind"]: r for r in result.switches.tidy().iter_rows(named=True)}
    left, joined = tidy["left"], tidy["joined"]
    lines = ["Figure                                             g287     Post",
             f"Median % change in the year of leaving        {left['median_pct_change']:>9.2f}  {PUBLISHED['left_median_pct']:>7.0f}",
             (f"Leavers whose rate fell / rose                    {left['fell']:>2} / {left['rose']:<2}   "
             f"{PUBLISHED['left_fell']} / {PUBLISHED['left_rose']}"),
             f"Mean % change in the year after joining       {joined['mean_pct_change']:>9.2f}  {PUBLISHED['joined_mean_pct']:>+7.0f}",
             "", "Participants' low-level arrests per officer by year (chart data: the published chart)",
             "year  agencies  rate   chart agencies  chart rate"]
    for r in result.annual.iter_rows(named=True):
        lines.append(f"{r['year']}  {r['agencies'] or '':>8}  {r['rate'] if r['rate'] is not None else '':>4}   "
                     f"{r['chart_agencies']:>14}  {r['chart_rate']:>10}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:  # pragma: no cover - exercised through run_recipe in tests
    if not argv:
        sys.exit("usage: python -m g287.studies.recipes.wapo_sheriffs WAPO_FOLDER [OUT]")
    result, run = run_recipe(argv[0], argv[1] if len(argv) > 1 else "wapo-sheriffs-results")
    print(format_comparison(result))
    print()
    print(run.summary())


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
