"""The Washington Post's 2021 analysis of sheriffs in 287(g), re-run with g287.

Data (CC BY-NC-SA 4.0, never bundled with g287): the folder ``wapo-sheriffs-287g`` of the shared data, with
the Post's agency-year panel of low-level arrests per officer for the 129 sheriff's offices that ever
participated (2008-2018), its curated participation list (2005-2019) and the data of its annual-rates chart.

Figures re-computed:
1. the Post's before/after comparison: % change of low-level arrests per officer in the year after joining,
   and in the year of leaving, as in its notebook (``01_analysis.Rmd``, chunks summary11-12b);
2. the participants' annual rate against the data of the published chart (``annual_rates.csv``);
3. what the Post did not estimate: a staggered difference-in-differences (Callaway & Sant'Anna) of joining,
   with not-yet-treated sheriff's offices as comparisons;
4. the same design on a 2008-2018 county panel (each sheriff's county) with g287's ledger as the treatment:
   each county's first agreement, from the 2002-2020 agreement lives, and the two treatment codings compared
   sheriff by sheriff (``compare_treatments``).

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
"""
# One design for both treatment codings: not-yet-treated comparisons, event times -4 to 4.
DESIGN = """[estimator]
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


LEDGER_SPEC = """title = "Low-level arrests per officer, 2008-2018, by each sheriff's county: g287 ledger treatment"
[panel]
path = "county_panel.csv"
idname = "county_fips"
tname = "year"
yname = "arrests_low_per_officer"
[treatment]
source = "ledger"
unit = "county"
max_start_uncertainty_days = 366
"""


def sheriff_counties(folder: Path | str, counties: list[dict]) -> dict[str, str]:
    """Each ORI of the Post's panel with the FIPS code of its county, from the Post's UCR agency list (county
    name and state) and g287's county table; ORIs whose county cannot be named are left out."""
    from g287.geo.jurisdictions import CountyLookup

    lookup = CountyLookup(counties)
    agencies = pl.read_csv(_path(Path(folder), "ucr_agencies_list.csv"), infer_schema=False)
    found = {}
    for row in agencies.iter_rows(named=True):
        name = (row["county_name"] or "").split(",")[0].strip()
        if name and name != "NULL":
            fips = lookup.find(row["state_abbr"], name)
            if fips:
                found[row["ori"]] = fips
    return found


def county_panel(folder: Path | str, counties: list[dict]) -> pl.DataFrame:
    """The Post's sheriff-year panel keyed by the sheriff's county: ``county_fips, year,
    arrests_low_per_officer`` (a county with two sheriff rows in a year keeps their pooled rate)."""
    panel = pl.read_csv(_path(Path(folder), PANEL))
    fips = sheriff_counties(folder, counties)
    return (panel.with_columns(pl.col("ori").replace_strict(fips, default=None).alias("county_fips"))
            .drop_nulls("county_fips").group_by("county_fips", "year")
            .agg((pl.col("arrests_low").sum() / pl.col("officers_total").sum()).alias("arrests_low_per_officer"))
            .sort("county_fips", "year"))


def compare_treatments(folder: Path | str, ledger_first: dict[str, str]) -> pl.DataFrame:
    """Sheriff by sheriff (ORI): the Post's first year of participation (its curated list, 2005-2019) and the
    year of g287's first agreement (``ledger_first``: ORI -> date), with how they relate."""
    post = (read_participation(folder).filter(pl.col("is_on")).group_by("ori")
            .agg(pl.col("year").min().alias("post_first_year")))
    panel_oris = pl.read_csv(_path(Path(folder), PANEL)).select("ori").unique()
    ledger = pl.DataFrame({"ori": list(ledger_first), "ledger_first_year": [int(d[:4]) for d in ledger_first.values()]},
                          schema={"ori": pl.Utf8, "ledger_first_year": pl.Int64})
    rows = panel_oris.join(post, on="ori", how="left").join(ledger, on="ori", how="left")
    return rows.with_columns(
        pl.when(pl.col("post_first_year").is_null() & pl.col("ledger_first_year").is_null()).then(pl.lit("neither"))
        .when(pl.col("ledger_first_year").is_null()).then(pl.lit("only the Post"))
        .when(pl.col("post_first_year").is_null()).then(pl.lit("only g287"))
        .when(pl.col("post_first_year") == pl.col("ledger_first_year")).then(pl.lit("same year"))
        .when(pl.col("ledger_first_year") < pl.col("post_first_year")).then(pl.lit("g287 earlier"))
        .otherwise(pl.lit("g287 later")).alias("relation")).sort("ori")


def run_ledger_study(folder: Path | str, out: Path | str, store_path: Path | None = None):
    """The county-panel study with g287's ledger as the treatment, and the sheriff-by-sheriff comparison of the
    two treatment codings (written to ``out/treatment_comparison.csv``)."""
    from g287.store.connect import open_ledger
    from g287.studies.run import run_study
    from g287.studies.treatment import first_agreements

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open_ledger(store_path) as con:
        counties = [dict(zip(("county_fips", "state", "county_name"), r)) for r in
                    con.execute("SELECT county_fips, state, county_name FROM counties").fetchall()]
        by_ori = {r["unit"]: r["treated_on"] for r in first_agreements(con, unit="agency")}
    county_panel(folder, counties).write_csv(out / "county_panel.csv")
    comparison = compare_treatments(folder, by_ori)
    comparison.write_csv(out / "treatment_comparison.csv")
    (out / "ledger_study.toml").write_text(LEDGER_SPEC + DESIGN, encoding="utf-8")
    return comparison, run_study(out / "ledger_study.toml", out=out / "ledger_study", store_path=store_path)


def run_recipe(folder: Path | str, out: Path | str) -> tuple[WapoReplication, object]:
    """Replicate the Post's figures and run the difference-in-differences study into ``out``."""
    from g287.studies.run import run_study

    result = replicate(folder)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result.panel.write_csv(out / "panel.csv")
    (out / "study.toml").write_text(SPEC + DESIGN, encoding="utf-8")
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
    out = Path(argv[1] if len(argv) > 1 else "wapo-sheriffs-results")
    result, run = run_recipe(argv[0], out)
    print(format_comparison(result))
    print()
    print(run.summary())
    comparison, ledger_run = run_ledger_study(argv[0], out / "ledger")
    print()
    print("The Post's treatment coding against g287's ledger, sheriff by sheriff:")
    print(comparison.group_by("relation").len().sort("relation"))
    print()
    print(ledger_run.summary())


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
