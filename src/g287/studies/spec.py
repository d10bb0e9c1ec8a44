"""Study specs: one TOML file names the panel, the treatment, the estimator and the outputs.

```toml
title = "287(g) and county jail bookings"
[panel]
path = "panel.csv"            # CSV or Parquet, relative to this file
idname = "county_fips"        # unit: county FIPS or agency ORI
tname = "year"                # period column
yname = "bookings_per_1000"   # outcome
period_unit = "year"          # year, quarter or month
covariates = []               # time-invariant covariates (R did's xformla)
clustervars = []              # cluster the bootstrap on these columns
[treatment]
source = "ledger"             # ledger, column, flag or file
unit = "county"               # ledger: county (FIPS) or agency (ORI)
model = "JEM"                 # ledger: only this model (optional)
[estimator]
control_group = "notyettreated"
est_method = "dr"
boot = true
biters = 999
cband = true
[output]
aggregations = ["simple", "dynamic", "group", "calendar"]
min_e = -6
max_e = 6
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from g287.errors import StudyError
from g287.studies.did import AGGREGATIONS
from g287.studies.treatment import PERIOD_UNITS

TREATMENT_SOURCES = ("ledger", "column", "flag", "file")


@dataclass(frozen=True)
class PanelSpec:
    path: Path
    idname: str
    tname: str
    yname: str
    period_unit: str = "year"
    covariates: tuple[str, ...] = ()
    clustervars: tuple[str, ...] = ()


@dataclass(frozen=True)
class TreatmentSpec:
    source: str
    gname: str = "first_treated"
    flag: str | None = None
    file: Path | None = None
    unit: str = "county"
    model: str | None = None
    exclude_coverage_kinds: tuple[str, ...] = ("state agency",)
    # Ledger treatment before 2021: a unit whose first start is uncertain by more days than this (its earliest
    # and latest possible start) is left out of the panel and reported.
    max_start_uncertainty_days: int = 366


@dataclass(frozen=True)
class EstimatorSpec:
    control_group: str = "nevertreated"
    est_method: str = "dr"
    anticipation: int = 0
    base_period: str = "varying"
    allow_unbalanced_panel: bool = False
    boot: bool = True
    biters: int = 999
    cband: bool = True
    alp: float = 0.05
    random_state: int | None = 287


@dataclass(frozen=True)
class OutputSpec:
    aggregations: tuple[str, ...] = AGGREGATIONS
    min_e: float = float("-inf")
    max_e: float = float("inf")


@dataclass(frozen=True)
class StudySpec:
    """A whole study, every default filled in."""

    path: Path
    title: str
    panel: PanelSpec
    treatment: TreatmentSpec
    estimator: EstimatorSpec = field(default_factory=EstimatorSpec)
    output: OutputSpec = field(default_factory=OutputSpec)


def _section(raw: dict, name: str, cls, source: Path, required: bool = True, **fixed):
    table = raw.get(name)
    if table is None:
        if required:
            raise StudyError(f"{source}: no [{name}] table. See docs/studies.md for the spec format.")
        table = {}
    if not isinstance(table, dict):
        raise StudyError(f"{source}: [{name}] must be a table. See docs/studies.md for the spec format.")
    known = {f.name for f in fields(cls)} - set(fixed)
    unknown = sorted(set(table) - known)
    if unknown:
        raise StudyError(f'{source}: unknown key "{unknown[0]}" in [{name}] (known: {", ".join(sorted(known))}).')
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    try:
        return cls(**values, **fixed)
    except TypeError as error:
        missing = str(error).split("argument")[-1].strip(": '")
        raise StudyError(f'{source}: [{name}] needs "{missing}". See docs/studies.md for the spec format.') from error


def read_spec(path: Path | str) -> StudySpec:
    """Read and check a study spec; paths in it are relative to the spec's folder.

    >>> read_spec("/no/such/spec.toml")
    Traceback (most recent call last):
    g287.errors.StudyError: /no/such/spec.toml: no such file. Give the path of a study spec (TOML).
    """
    path = Path(path)
    if not path.is_file():
        raise StudyError(f"{path}: no such file. Give the path of a study spec (TOML).")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise StudyError(f"{path}: not valid TOML ({error}). Fix the spec file.") from error
    unknown = sorted(set(raw) - {"title", "panel", "treatment", "estimator", "output"})
    if unknown:
        raise StudyError(f'{path}: unknown table or key "{unknown[0]}" (known: title, panel, treatment, estimator, '
                         "output).")
    panel_raw = dict(raw.get("panel") or {})
    if "path" not in panel_raw:
        raise StudyError(f'{path}: [panel] needs "path". See docs/studies.md for the spec format.')
    panel = _section({"panel": {k: v for k, v in panel_raw.items() if k != "path"}}, "panel", PanelSpec, path,
                     path=(path.parent / panel_raw["path"]).resolve())
    treatment = _section(raw, "treatment", TreatmentSpec, path)
    if treatment.file is not None:
        treatment = TreatmentSpec(**{**treatment.__dict__, "file": (path.parent / treatment.file).resolve()})
    estimator = _section(raw, "estimator", EstimatorSpec, path, required=False)
    output = _section(raw, "output", OutputSpec, path, required=False)
    if panel.period_unit not in PERIOD_UNITS:
        raise StudyError(f'{path}: period_unit "{panel.period_unit}" is unknown. Use one of: '
                         f'{", ".join(PERIOD_UNITS)}.')
    if treatment.source not in TREATMENT_SOURCES:
        raise StudyError(f'{path}: treatment source "{treatment.source}" is unknown. Use one of: '
                         f'{", ".join(TREATMENT_SOURCES)}.')
    if treatment.source == "flag" and not treatment.flag:
        raise StudyError(f'{path}: treatment source "flag" needs flag = "<column>" (1 in treated periods).')
    if treatment.source == "file" and treatment.file is None:
        raise StudyError(f'{path}: treatment source "file" needs file = "<CSV with unit, treated_on>".')
    bad = [a for a in output.aggregations if a not in AGGREGATIONS]
    if bad:
        raise StudyError(f'{path}: aggregation "{bad[0]}" is unknown. Use any of: {", ".join(AGGREGATIONS)}.')
    return StudySpec(path=path.resolve(), title=str(raw.get("title") or path.stem), panel=panel,
                     treatment=treatment, estimator=estimator, output=output)
