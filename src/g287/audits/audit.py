"""An audit: both tests on one stops file, optionally split at an agency's 287(g) signing date from the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd

from g287.audits.aggregate import StopCells, aggregate_stops
from g287.audits.inference import tidy_frame
from g287.audits.outcome import HitRateResult, estimate_hit_rates
from g287.audits.veil import VeilResult, estimate_veil_of_darkness
from g287.errors import AuditError
from g287.store.connect import build_info
from g287.store.records import agency_history


def find_signing(con: duckdb.DuckDBPyConnection, agency: str) -> dict:
    """An agency's id, name, state and first 287(g) signing date, from the ledger.

    >>> import g287
    >>> with g287.connect() as con:
    ...     find_signing(con, "MD-garrett-county-sheriffs-office")["signed_on"]
    datetime.date(2025, 2, 28)
    """
    history = agency_history(con, agency)
    dates = sorted(a["signed_on"] for a in history["agreements"] if a["signed_on"])
    info = history["agency"]
    if not dates:
        raise AuditError(f"{info['agency_id']}: the ledger has no signing date for this agency; "
                         "audit without --agency or choose an agency with a signed agreement.")
    return {"agency_id": info["agency_id"], "agency_name": info["agency_name"], "state": info["state"],
            "signed_on": dt.date.fromisoformat(str(dates[0])),
            "ledger_build": build_info(con).get("archive_digest")}


@dataclass(frozen=True)
class AuditResult:
    """Result of :func:`estimate_audit`: the veil-of-darkness and outcome tests, and the cells they rest on."""

    veil: VeilResult
    hit_rates: HitRateResult | None
    cells: StopCells
    spec: dict
    provenance: dict
    notes: list[str] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        """Every reported estimate: darkness coefficients, then hit rates and their differences."""
        parts = [self.veil.tidy()] + ([self.hit_rates.tidy()] if self.hit_rates else [])
        return tidy_frame(pd.concat(parts, ignore_index=True).to_dict("records"))

    def summary(self) -> str:
        """Plain-text summary of both tests."""
        from g287.audits.presentation import audit_summary

        return audit_summary(self)

    def plot(self, folder: Path | str) -> list[Path]:
        """Write the plots (PNG and SVG) into ``folder``; returns their paths."""
        from g287.audits.presentation import write_plots

        return write_plots(self, Path(folder))

    def write(self, folder: Path | str) -> list[Path]:
        """Write report.html, plots and the aggregate tables (CSV and Parquet) into ``folder``."""
        from g287.audits.presentation import write_report

        return write_report(self, Path(folder))


def estimate_audit(stops: Path | str, signing: dict | None = None, engine: str = "duckdb",
                   columns: dict[str, str] | None = None, tz: str | None = None,
                   center: tuple[float, float] | None = None, minority: str = "black", df: int = 6,
                   conf_level: float = 0.95, master: str | None = None,
                   progress: Callable[[str], None] | None = None) -> AuditResult:
    """Run the veil-of-darkness and outcome tests on a stops file in one aggregation pass.

    ``signing`` (from :func:`find_signing`) splits stops at the agency's signing date. Other parameters are
    those of :func:`g287.audits.aggregate.aggregate_stops` and :func:`estimate_veil_of_darkness`.

    >>> from g287.audits.synthetic import write_stops
    >>> import tempfile
    >>> path = write_stops(Path(tempfile.mkdtemp()) / "stops.csv", n=100_000, seed=5)
    >>> audit = estimate_audit(path)
    >>> audit.tidy()["term"].tolist()[:2]
    ['is_dark', 'hit_rate[asian/pacific islander]']
    """
    split_on = signing["signed_on"] if signing else None
    cells = aggregate_stops(stops, engine=engine, columns=columns, tz=tz, center=center, split_on=split_on,
                            master=master, progress=progress)
    veil = estimate_veil_of_darkness(cells, minority=minority, df=df, conf_level=conf_level)
    notes = list(cells.notes) + list(veil.unfit.values())
    hit_rates = None
    if "search_conducted" in cells.columns and "contraband_found" in cells.columns:
        hit_rates = estimate_hit_rates(cells, conf_level=conf_level)
    spec = {"stops": str(stops), "agency": signing["agency_id"] if signing else None,
            "signed_on": split_on.isoformat() if split_on else None, "engine": engine, "columns": dict(cells.columns),
            "tz": tz, "center": list(center) if center else None, "minority": minority, "df": df,
            "conf_level": conf_level, "window": list(cells.window) if cells.window else None}
    provenance = {"source": cells.source, "g287_version": version("g287"),
                  "ledger_build": signing.get("ledger_build") if signing else None,
                  "first_on": cells.first_on.isoformat() if cells.first_on else None,
                  "last_on": cells.last_on.isoformat() if cells.last_on else None, "stops_read": cells.rows}
    if signing:
        provenance["agency_name"] = signing["agency_name"]
    return AuditResult(veil=veil, hit_rates=hit_rates, cells=cells, spec=spec, provenance=provenance, notes=notes)
