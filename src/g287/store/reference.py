"""Reference tables for geography, derived from public data and bundled with the package.

- ``counties``: every county (Census Vintage 2019 estimates, public domain): ``county_fips``, ``state``,
  ``county_name``, ``population`` (July 1, 2019) and ``hispanic_share`` (Census 2012 county estimates, as
  distributed by plotly/datasets, MIT).
- ``police_agencies``: the FBI Law Enforcement Employees roster (latest record per ORI; U.S. government data,
  slice distributed by recoveredfactory/287g-watch, MIT): ``ori``, ``state``, ``agency_name``,
  ``agency_type``, ``county_names`` (``|``-separated, as the FBI lists them), ``population`` served,
  ``officers`` (sworn).

``g287 geo reference --shared DIR`` regenerates them from ../shared/data/crosswalks; a test checks that doing
so reproduces the bundled files.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from g287.errors import G287Error

REFERENCE_TABLES = ("counties", "police_agencies")


def reference_dir() -> Path:
    """Folder of the bundled reference tables."""
    return Path(str(resources.files("g287") / "data" / "reference"))


def _read_csv(path: Path, encoding: str = "utf-8") -> list[dict]:
    if not path.exists():
        raise G287Error(f"{path} is missing; point --shared at the shared data folder (it holds crosswalks/).")
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def _state_codes() -> dict[str, str]:
    import us

    return {s.name.upper(): s.abbr for s in us.states.STATES_AND_TERRITORIES}


def build_counties(shared: Path) -> pa.Table:
    """Counties with 2019 population and 2012 Hispanic share, from the shared crosswalks."""
    codes = _state_codes()
    popest = _read_csv(shared / "crosswalks" / "census-popest-2010-2019" / "county_popest_components_2010_2019.csv")
    shares = {row["FIPS"].zfill(5): round(float(row["HispanicPCT"].rstrip("%")) / 100, 6)
              for row in _read_csv(shared / "crosswalks" / "census" / "minoritymajority.csv")}
    rows = sorted(({"county_fips": r["fips"].zfill(5), "state": codes[r["STNAME"].upper()],
                    "county_name": r["CTYNAME"], "population": int(r["POPESTIMATE2019"]),
                    "hispanic_share": shares.get(r["fips"].zfill(5))} for r in popest),
                  key=lambda r: r["county_fips"])
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("county_fips", pa.string()), ("state", pa.string()), ("county_name", pa.string()),
        ("population", pa.int64()), ("hispanic_share", pa.float64())]))


def build_police_agencies(shared: Path) -> pa.Table:
    """The FBI LEE roster: agency names, counties, population served and sworn officers."""
    def number(text: str) -> int | None:
        return int(float(text)) if text not in ("", "NULL") else None

    rows = sorted(({"ori": r["ori"], "state": r["state_abbr"], "agency_name": r["pub_agency_name"],
                    "agency_type": r["agency_type_name"],
                    "county_names": "|".join(c.strip() for c in r["county_name"].split(",") if c.strip()),
                    "population": number(r["population"]), "officers": number(r["officer_ct"])}
                   for r in _read_csv(shared / "crosswalks" / "fbi" / "fbi_lee_latest.csv")),
                  key=lambda r: r["ori"])
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("ori", pa.string()), ("state", pa.string()), ("agency_name", pa.string()), ("agency_type", pa.string()),
        ("county_names", pa.string()), ("population", pa.int64()), ("officers", pa.int64())]))


def write_reference(shared: Path, out_dir: Path | None = None) -> list[Path]:
    """Derive the reference tables from ``shared`` (../shared/data) into ``out_dir`` (the bundled folder)."""
    out_dir = out_dir or reference_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in (("counties", build_counties(shared)), ("police_agencies", build_police_agencies(shared))):
        path = out_dir / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd")
        written.append(path)
    return written


def load_reference(states: set[str] | None = None) -> dict[str, list[dict]]:
    """The bundled reference tables as lists of dicts (only the rows of ``states``, when given)."""
    folder = reference_dir()
    where = "WHERE state IN (SELECT unnest(?::VARCHAR[]))" if states is not None else ""
    with duckdb.connect() as con:
        return {name: [dict(zip([d[0] for d in con.description], row)) for row in
                       con.execute(f"SELECT * FROM read_parquet('{folder / name}.parquet') {where}",
                                   [sorted(states)] if states is not None else None).fetchall()]
                for name in REFERENCE_TABLES}


MAP_ASSET = "us-counties-10m.topo.json"


def write_map_asset(us_atlas_counties: Path, out_dir: Path | None = None) -> Path:
    """Derive the bundled map asset from us-atlas's ``counties-10m.json`` (npm package us-atlas)."""
    import json

    from g287.geo.topology import build_map_asset

    try:
        topology = json.loads(Path(us_atlas_counties).read_text(encoding="utf-8"))
        asset = build_map_asset(topology)
    except (OSError, ValueError) as exc:
        raise G287Error(f"{us_atlas_counties}: cannot read the us-atlas counties topology ({exc}); install it with "
                        "\"npm install us-atlas@3.0.1\" and pass node_modules/us-atlas/counties-10m.json.") from None
    out_dir = out_dir or reference_dir()
    path = out_dir / MAP_ASSET
    path.write_text(json.dumps(asset, separators=(",", ":")), encoding="utf-8")
    return path


def load_map_asset() -> dict:
    """The bundled county and state topology."""
    import json

    return json.loads((reference_dir() / MAP_ASSET).read_text(encoding="utf-8"))
