"""The bundled reference tables are what g287 derives from ../shared/data/crosswalks."""

from pathlib import Path

import duckdb

from g287.store.reference import REFERENCE_TABLES, reference_dir, write_reference
from tests.conftest import shared_path


def test_regenerating_reproduces_the_bundled_reference(tmp_path: Path):
    write_reference(shared_path("crosswalks").parent, tmp_path)
    with duckdb.connect() as con:
        for name in REFERENCE_TABLES:
            fresh = con.execute(f"SELECT * FROM read_parquet('{tmp_path / name}.parquet')").fetchall()
            bundled = con.execute(f"SELECT * FROM read_parquet('{reference_dir() / name}.parquet')").fetchall()
            assert fresh == bundled, f"bundled {name} differs: run g287 geo reference --shared ../shared/data"


def test_county_population_matches_the_census_national_total():
    with duckdb.connect() as con:
        total = con.execute(f"SELECT sum(population), count(*) FROM read_parquet('{reference_dir()}/counties.parquet')"
                            ).fetchone()
    assert total == (328239523, 3142)  # Vintage 2019 national estimate for July 1, 2019 (SOURCES.md)
