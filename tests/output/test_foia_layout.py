"""A FOIA arrests table (one row per event and person) is counted per area and month on import; g287 keeps
the counts only, never a row about a person. The table here is synthetic, in the layout of ICE's releases."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import duckdb

import g287
from g287.acquire.archive import Archive

COUNTIES = [("NORTH CAROLINA", "Mecklenburg", "Atlanta Area of Responsibility"),
            ("NORTH CAROLINA", "Wake", "Atlanta Area of Responsibility"),
            ("FLORIDA", "Hillsborough", "Miami Area of Responsibility")]
METHODS = ["287(g) Program", "CAP Local Incarceration", "Located", "Probation and Parole"]


def synthetic_foia_table(path: Path, rows: int = 400, seed: int = 287) -> list[dict]:
    """A FOIA-layout CSV of ``rows`` invented events, with the columns about the person such tables carry."""
    rng = random.Random(seed)
    records = []
    for i in range(rows):
        state, county, aor = rng.choice(COUNTIES)
        records.append({"Apprehension Date": f"2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d} 09:30:00",
                        "Apprehension State": state, "Apprehension County": county, "Apprehension AOR": aor,
                        "Apprehension Method": rng.choice(METHODS), "Apprehension Criminality": "3 Other Immigration Violator",
                        "Birth Year": str(rng.randint(1950, 2005)), "Citizenship Country": "ZZ-TEST",
                        "Gender": rng.choice(["Male", "Female"]), "Unique Identifier": f"SYNTH-{i:06d}"})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return records


def test_counts_by_area_and_month_equal_the_rows_and_nothing_row_level_is_stored(tmp_path: Path):
    home = tmp_path / "home"
    table = tmp_path / "ERO_Admin_Arrests_synthetic.csv"
    records = synthetic_foia_table(table)
    expected = Counter((r["Apprehension County"], r["Apprehension Date"][:7]) for r in records
                       if r["Apprehension Method"] == "287(g) Program")
    assert 50 < sum(expected.values()) < 400
    results = g287.import_files([table], home=home)
    assert results[0].kind == "output"
    g287.build(home=home)
    with g287.connect(home=home) as con:
        stored = Counter({(county, period): n for county, period, n in con.execute(
            "SELECT county, period, arrests FROM output_counts WHERE match_method = 'area'").fetchall()})
        fips = dict(con.execute("SELECT DISTINCT county, county_fips FROM output_counts").fetchall())
        columns = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}
        database_text = " ".join(str(v) for (v,) in con.execute(
            "SELECT string_agg(DISTINCT CAST(t AS VARCHAR), ' ') FROM (SELECT * FROM output_counts) t").fetchall())
    assert stored == expected
    assert fips == {"Mecklenburg": "37119", "Wake": "37183", "Hillsborough": "12057"}
    # Nothing about a person, in the store or in the archive: no identifier, birth year or citizenship.
    assert not {"Birth Year", "Unique Identifier", "Citizenship Country", "Gender"} & columns
    assert "SYNTH-" not in database_text and "ZZ-TEST" not in database_text
    archived = [p.read_bytes() for p in Archive(home / "archive").root.rglob("*") if p.is_file()]
    assert archived and not any(b"SYNTH-" in blob or b"ZZ-TEST" in blob or b"Birth Year" in blob for blob in archived)
    # The archived aggregate names the file it was counted from.
    import hashlib
    digest = hashlib.sha256(table.read_bytes()).hexdigest()
    assert any(digest.encode() in blob for blob in archived)
    # Counties roll up: Mecklenburg's months, in the county's output.
    summary = g287.output(county="37119", home=home)
    assert {p["period"]: p["arrests"] for p in summary["area_periods"]} == {
        month: n for (county, month), n in expected.items() if county == "Mecklenburg"}


def test_a_foia_table_with_unreadable_dates_is_counted_not_rejected(tmp_path: Path):
    table = tmp_path / "arrests.csv"
    table.write_text("Apprehension Date,Apprehension State,Apprehension AOR,Apprehension Method,Gender\n"
                     "not a date,TEXAS,Houston Area of Responsibility,287(g) Program,Male\n"
                     "2024-11-02,TEXAS,Houston Area of Responsibility,287(g) Program,Female\n"
                     "2024-11-03,TEXAS,Houston Area of Responsibility,Located,Female\n", encoding="utf-8")
    g287.import_files([table], home=tmp_path / "home")
    g287.build(home=tmp_path / "home")
    with duckdb.connect(str(tmp_path / "home" / "g287.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT period, arrests FROM output_counts ORDER BY 1").fetchall()
    assert rows == [("2024-11", 1), ("unknown", 1)]
