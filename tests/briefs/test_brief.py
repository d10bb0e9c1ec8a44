"""County briefs on the bundled ledger: figures equal the API's, every footnote resolves, Spanish throughout,
the PDF holds every agency of the county, and a county without an agreement says so."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from g287.briefs.content import build_brief, read_register
from g287.briefs.write import brief_bytes, write_all
from g287.web.app import create_app
from g287.web.settings import WebSettings

AS_OF = "2026-05-18"
HILLSBOROUGH = "12057"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def weasyprint_ready() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(scope="module")
def con(bundled_ledger):
    return bundled_ledger


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(create_app(WebSettings(home=tmp_path_factory.mktemp("brief-home")))) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", html, flags=re.S)).split())


def test_numbers_equal_the_api(con, client):
    brief = build_brief(con, HILLSBOROUGH, AS_OF)
    coverage = client.get("/api/v1/coverage", params={"as_of": AS_OF, "state": "FL"}).json()
    row = next(c for c in coverage["counties"] if c["county_fips"] == HILLSBOROUGH)
    assert brief["coverage"]["residents_covered"] == row["residents_covered"]
    assert brief["coverage"]["models"] == row["models"]
    assert brief["coverage"]["state_counties_covered"] == len(coverage["counties"])
    assert brief["coverage"]["state_residents_covered"] == sum(c["residents_covered"] for c in coverage["counties"])
    counts = client.get("/api/v1/counts", params={"as_of": AS_OF, "state": "FL"}).json()
    assert brief["coverage"]["state_agreements"] == counts["agreements"]
    # Every agency the county page lists as active has its agreements in force in the brief, and no other.
    page = client.get(f"/counties/{HILLSBOROUGH}.json").json()
    active = {a["agency_name"] for a in page["agencies"] if a["is_active"]}
    in_force = {a["agency_name"] for a in brief["in_force"]["local"] + brief["in_force"]["statewide"]}
    assert in_force == active
    assert brief["in_force"]["agreements"] == sum(len(a["models"].split("+")) for a in page["agencies"] if a["is_active"])


def test_every_footnote_resolves_and_is_used(con):
    html = brief_bytes(con, HILLSBOROUGH, lang="en", as_of=AS_OF).decode()
    cited = set(re.findall(r'href="#note-(\d+)"', html))
    listed = set(re.findall(r'<li id="note-(\d+)"', html))
    assert cited and cited == listed
    assert sorted(map(int, listed)) == list(range(1, len(listed) + 1))


def test_spanish_brief_leaves_no_english_message(con):
    from babel.messages.pofile import read_po

    from g287.i18n import LOCALE_DIR

    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = [m for m in read_po(handle) if m.id and isinstance(m.id, str)]
    english = text_of(brief_bytes(con, HILLSBOROUGH, lang="en", as_of=AS_OF).decode())
    # Quotes of the MOA (kept in their original English, marked lang="en") and the citations are left out.
    spanish_html = brief_bytes(con, HILLSBOROUGH, lang="es", as_of=AS_OF).decode()
    spanish_html = re.sub(r'<span lang="en">.*?</span>', " ", spanish_html.split('<section class="notes"')[0], flags=re.S)
    spanish = text_of(spanish_html)
    used = [m for m in catalog if "%" not in m.id and len(m.id) > 12 and m.id != m.string and m.id in english]
    assert len(used) > 20
    assert [m.id for m in used if m.id in spanish] == []
    assert "Informe del condado" in spanish and "Preguntas antes de firmar o renovar" in spanish


def test_county_without_an_agreement_says_so(con):
    rows = con.execute("SELECT county_fips FROM counties WHERE state = 'CA' ORDER BY county_fips").fetchall()
    for (fips,) in rows:
        brief = build_brief(con, fips, AS_OF)
        if brief["in_force"]["agreements"] == 0 and brief["neighbours"]:
            break
    else:
        pytest.fail("every California county is covered")
    html = text_of(brief_bytes(con, fips, lang="en", as_of=AS_OF).decode())
    assert f"No 287(g) agreement covers {brief['county']['county_name']}" in html
    assert "Neighbouring counties" in html and all(n["county_name"] in html for n in brief["neighbours"])
    assert "In California," in html


def test_register_has_fifteen_sourced_entries():
    register = read_register()
    assert len(register) >= 15
    for entry in register:
        assert entry["link"].startswith(("http://", "https://")), entry["evidence_id"]
        assert entry["finding"] and entry["finding_es"] and entry["short"]
        assert set(entry["models"]) <= {"JEM", "TFM", "WSO"}
        assert set(entry["bears_on"]) <= {"public_safety", "removals", "profiling", "trust", "cost", "oversight"}
    assert len({e["evidence_id"] for e in register}) == len(register)


def test_register_g287_study_figure_matches_its_report():
    entry = next(e for e in read_register() if e["kind"] == "g287 study")
    report = (Path(__file__).resolve().parents[2] / "docs" / "studies" / "wapo-sheriffs.md").read_text()
    assert "-0.10 low-level arrests per officer (SE 0.90)" in report
    assert "-0.10" in entry["finding"] and "0.90" in entry["finding"]
    assert f"{-0.10 - 1.96 * 0.90:.2f}" in entry["finding"] and f"{-0.10 + 1.96 * 0.90:.2f}" in entry["finding"]


def test_brief_routes(client):
    page = client.get(f"/counties/{HILLSBOROUGH}/brief", params={"lang": "es", "as_of": AS_OF})
    assert page.status_code == 200 and "El 287(g) en Hillsborough County, Florida" in page.text
    assert client.get("/counties/99999/brief").status_code == 404
    assert client.get(f"/counties/{HILLSBOROUGH}/brief", params={"page_size": "B5"}).status_code == 422
    assert f"/counties/{HILLSBOROUGH}/brief" in client.get(f"/counties/{HILLSBOROUGH}").text


@pytest.mark.skipif(not weasyprint_ready() or shutil.which("pdftotext") is None,
                    reason="WeasyPrint (pip, with Debian's Pango) or pdftotext (poppler-utils) is missing")
def test_spanish_pdf_names_every_agency_on_two_to_four_pages(con, tmp_path):
    out = tmp_path / "b.pdf"
    out.write_bytes(brief_bytes(con, HILLSBOROUGH, lang="es", fmt="pdf", as_of=AS_OF))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert 2 <= int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 4
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    agencies = [r[0] for r in con.execute(
        "SELECT DISTINCT a.agency_name FROM agency_counties c JOIN agencies a USING (agency_id) "
        "JOIN agreements g USING (agency_id) WHERE c.county_fips = ? AND g.first_listed_on <= ?",
        [HILLSBOROUGH, AS_OF]).fetchall()]
    assert len(agencies) >= 15
    assert [a for a in agencies if " ".join(a.split()) not in text] == []
    brief = build_brief(con, HILLSBOROUGH, AS_OF)
    residents = f"{brief['coverage']['residents_covered']:,}".replace(",", ".")
    assert f"Residentes cubiertos: {residents}" in text
    assert "Qué dice la evidencia" in text and "Fuentes" in text
    # Every page carries the date and the ledger build in its footer.
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    for number in range(1, pages + 1):
        page = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(out), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert brief["build_id"] in page and "al 18 de mayo de 2026" in page, number


def test_chromium_renders_the_brief(con, tmp_path, chromium):
    html = brief_bytes(con, HILLSBOROUGH, lang="es", as_of=AS_OF).decode()
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": 900, "height": 1200})
    try:
        page = context.new_page()
        page.set_content(html, wait_until="load")
        assert page.locator("h1").inner_text().startswith("El 287(g) en Hillsborough")
        assert page.locator("svg[role=img] title").count() == 2
        assert page.evaluate("document.querySelectorAll('th[scope=col]').length") > 5
        page.screenshot(path=str(ARTIFACTS / "brief-12057-es.png"), full_page=True)
    finally:
        context.close()
    assert (ARTIFACTS / "brief-12057-es.png").stat().st_size > 10_000


def test_write_all_writes_each_brief_and_an_index(con, tmp_path):
    report = write_all(con, tmp_path, lang="es", as_of=AS_OF, counties=[HILLSBOROUGH, "37119"])
    assert report["briefs"] == 2 and report["seconds_per_brief"] > 0
    index = (tmp_path / "index.html").read_text()
    assert "12057-es.html" in index and "37119-es.html" in index and "Informes de condado" in index
    assert "Mecklenburg County" in (tmp_path / "37119-es.html").read_text()
