"""Outcome panels: read them and check them before any estimate, so every problem is named or counted.

A panel has one row per unit (county FIPS, agency ORI, ...) and period, an outcome, optional covariates and
the period of first treatment (``gname``: 0 for units never treated within the panel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from g287.errors import StudyError

# Below this many comparison units some ATT(g,t) rest on a handful of units: the report says so.
MIN_COMPARISON_UNITS = 10


@dataclass(frozen=True)
class CheckedPanel:
    """A panel ready for estimation, with what was changed and why."""

    frame: pl.DataFrame
    warnings: tuple[str, ...] = field(default=())
    n_rows_read: int = 0


def read_panel(path: Path | str) -> pl.DataFrame:
    """Read a panel from CSV or Parquet.

    >>> read_panel("/no/such/panel.csv")
    Traceback (most recent call last):
    g287.errors.StudyError: /no/such/panel.csv: no such file. Check the panel path in the study spec.
    """
    path = Path(path)
    if not path.is_file():
        raise StudyError(f"{path}: no such file. Check the panel path in the study spec.")
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path)
        # FIPS codes and ORIs are text with leading zeros: read every column as text, then cast what we use.
        return pl.read_csv(path, infer_schema=False, null_values=["", "NA"])
    except (pl.exceptions.PolarsError, OSError) as error:
        raise StudyError(f"{path}: cannot read the panel ({str(error).splitlines()[0]}). "
                         "Give a CSV with a header row or a Parquet file.") from error


def _numeric(frame: pl.DataFrame, column: str, source: str, dtype=pl.Float64) -> pl.DataFrame:
    try:
        return frame.with_columns(pl.col(column).cast(dtype, strict=True))
    except pl.exceptions.PolarsError as error:
        bad = frame.filter(pl.col(column).cast(dtype, strict=False).is_null() & pl.col(column).is_not_null())
        example = bad[column][0] if bad.height else "?"
        raise StudyError(f'{source}: column "{column}" has a non-numeric value ({example!r}). '
                         "Fix the value or drop the row.") from error


def check_panel(frame: pl.DataFrame, *, idname: str, tname: str, yname: str, gname: str,
                covariates: tuple[str, ...] = (), clustervars: tuple[str, ...] = (),
                control_group: str = "nevertreated", allow_unbalanced_panel: bool = False,
                source: str = "panel") -> CheckedPanel:
    """Validate a panel and return it typed, balanced if asked, with a warning for everything changed.

    Errors (``StudyError``): a missing column, a non-numeric period/outcome/covariate, two rows for one unit and
    period, a unit whose treatment period changes, or no comparison units at all. Warnings (kept in the
    report): rows without an outcome, units dropped to balance the panel, units treated at or before the
    first period (dropped), units first treated after the last period (not treated within the window), and
    fewer than ``MIN_COMPARISON_UNITS`` comparison units.
    """
    wanted = [idname, tname, yname, gname, *covariates, *clustervars]
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        raise StudyError(f'{source}: no column "{missing[0]}" (columns: {", ".join(frame.columns)}). '
                         "Name the right column in the study spec.")
    warnings: list[str] = []
    n_read = frame.height
    frame = frame.select(list(dict.fromkeys(wanted))).with_columns(pl.col(idname).cast(pl.Utf8))
    for column, dtype in ((tname, pl.Int64), (gname, pl.Int64), (yname, pl.Float64),
                          *((c, pl.Float64) for c in covariates)):
        frame = _numeric(frame, column, source, dtype)
    if frame[tname].null_count() or frame[idname].null_count():
        raise StudyError(f'{source}: {frame[tname].null_count() + frame[idname].null_count()} rows without a '
                         f'unit ("{idname}") or period ("{tname}"). Fill them in or drop those rows.')
    no_outcome = frame.filter(pl.any_horizontal(pl.col(c).is_null() for c in (yname, *covariates)))
    if no_outcome.height:
        warnings.append(f"{no_outcome.height} rows without an outcome or covariate value were dropped.")
        frame = frame.drop_nulls([yname, *covariates])

    duplicated = frame.group_by(idname, tname).len().filter(pl.col("len") > 1).sort(idname, tname)
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise StudyError(f"{source}: {duplicated.height} (unit, period) pairs appear more than once, first "
                         f'{idname}={first[idname]} {tname}={first[tname]}. Keep one row per unit and period.')
    frame = frame.with_columns(pl.col(gname).fill_null(0))
    changing = frame.group_by(idname).agg(pl.col(gname).n_unique().alias("n")).filter(pl.col("n") > 1)
    if changing.height:
        raise StudyError(f'{source}: the treatment period "{gname}" changes over time for {changing.height} '
                         f"units, first {idname}={changing[idname].sort()[0]}. Give each unit one first-treated "
                         "period (0 if never treated).")

    periods = frame[tname].unique().sort()
    first_period, last_period = periods[0], periods[-1]
    if not allow_unbalanced_panel:
        counts = frame.group_by(idname).len()
        incomplete = counts.filter(pl.col("len") < len(periods))[idname]
        if len(incomplete):
            warnings.append(f"{len(incomplete)} of {counts.height} units lack some of the {len(periods)} periods "
                            "and were dropped to keep the panel balanced (set allow_unbalanced_panel = true to "
                            "keep them).")
            frame = frame.filter(~pl.col(idname).is_in(incomplete.implode()))

    units = frame.group_by(idname).agg(pl.col(gname).first())
    early = units.filter((pl.col(gname) > 0) & (pl.col(gname) <= first_period))
    if early.height:
        warnings.append(f"{early.height} units were already treated in the first period ({first_period}) and "
                        "were dropped: they have no untreated period to compare.")
        frame = frame.filter(~pl.col(idname).is_in(early[idname].implode()))
    late = units.filter(pl.col(gname) > last_period)
    if late.height:
        warnings.append(f"{late.height} units are first treated after the last period ({last_period}); they "
                        "count as not treated within the panel's window.")
        frame = frame.with_columns(pl.when(pl.col(gname) > last_period).then(0).otherwise(pl.col(gname))
                                   .alias(gname))

    units = frame.group_by(idname).agg(pl.col(gname).first())
    never = units.filter(pl.col(gname) == 0).height
    cohorts = units.filter(pl.col(gname) > 0)[gname].unique().sort()
    if not len(cohorts):
        raise StudyError(f"{source}: no unit is treated within the panel ({first_period}-{last_period}). "
                         "Check the treatment dates and the panel's periods.")
    if control_group == "nevertreated" and never == 0:
        raise StudyError(f"{source}: no never-treated units to compare with. Set control_group = "
                         '"notyettreated" in the study spec, or add units never treated.')
    if control_group == "notyettreated" and never == 0 and len(cohorts) < 2:
        raise StudyError(f"{source}: one treatment cohort and no never-treated units: nothing to compare with. "
                         "Add units treated later or never.")
    if control_group == "nevertreated" and never < MIN_COMPARISON_UNITS:
        warnings.append(f"Only {never} never-treated comparison units: estimates rest on very few units.")
    return CheckedPanel(frame=frame.sort(idname, tname), warnings=tuple(warnings), n_rows_read=n_read)
