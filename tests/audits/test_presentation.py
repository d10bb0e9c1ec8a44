"""The report: HTML, plots and aggregate tables, and nothing row-level."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from g287.audits.audit import estimate_audit
from g287.audits.presentation import AUDIT_TABLES, TABLES, audit_json, write_report

ROW_LEVEL_COLUMNS = {"date", "time", "lat", "lng", "minute", "stop_on", "raw_time", "raw_date", "tz"}


def test_report_writes_aggregates_only(synthetic_parquet: Path, tmp_path: Path):
    audit = estimate_audit(synthetic_parquet)
    written = write_report(audit, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == sorted(["report.html", "audit.json", "veil.png", "veil.svg", "hit_rates.png", "hit_rates.svg"]
                           + [f"{t}.{s}" for t in TABLES for s in ("csv", "parquet")])
    for table in TABLES:
        frame = pd.read_parquet(tmp_path / "out" / f"{table}.parquet")
        assert not ROW_LEVEL_COLUMNS & set(frame.columns), table
        assert list(frame.columns) == [c for c, _, _ in AUDIT_TABLES[table][1]], table
        assert len(frame) < 10_000, table
        pd.testing.assert_frame_equal(frame.reset_index(drop=True),
                                      pd.read_csv(tmp_path / "out" / f"{table}.csv"), check_dtype=False)
    html = (tmp_path / "out" / "report.html").read_text()
    assert "300,000 stops from 2024-03-01 to 2026-02-28" in html and '<img src="veil.png"' in html
    assert "No stop record leaves the audit." in html
    data = json.loads((tmp_path / "out" / "audit.json").read_text())
    assert data == json.loads(json.dumps(audit_json(audit), default=str))
    assert data["tidy"][0]["term"] == "is_dark" and data["provenance"]["stops_read"] == 300_000
