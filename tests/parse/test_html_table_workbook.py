"""HTML-era participating tables (2021-01-12 to 2025-02-19)."""

from collections import Counter

from g287.parse import read_publication
from tests.conftest import shared_path


def test_first_html_era_table():
    path = shared_path("ice-287g/participating-html-derived/2021-01-12.xlsx")
    parsed = read_publication(path.read_bytes(), path.name)[0]
    assert (parsed.kind, parsed.reader, len(parsed.rows)) == ("participating", "html_table_workbook", 150)
    assert set(Counter(r["model"] for r in parsed.rows)) == {"JEM", "WSO"}
    linked = [r["moa_url"] for r in parsed.rows if r["moa_url"]]
    assert linked and all(u.startswith("https://www.ice.gov/") for u in linked)
    assert all(r["signed_on"] and r["signed_on_source"] == "text" for r in parsed.rows)
