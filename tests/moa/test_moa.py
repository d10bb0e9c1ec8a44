"""MOA text, structure and template differences on the ten real MOAs of ../shared/data/ice-287g/moa.

Expectations were written by reading the PDFs; the page is cited beside each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from g287.errors import MoaError
from g287.moa.extract import extract_moa
from g287.moa.report import moa_report, read_corpus
from g287.moa.structure import Section
from g287.moa.template import compare, derive_templates
from tests.conftest import shared_path

# The README of the shared data lists each file's model and signing date (ICE's date).
EXPECTED = {
    "287gWSO_BakerCoFl2019-10-15.pdf": ("WSO", "2019-10-15"),
    "287gWSO_WallerCoTx2020-02-12.pdf": ("WSO", "2020-02-12"),
    "287gJEM_BentonCoAR_06-30-2020.pdf": ("JEM", "2020-06-30"),
    "287g_JEM_TarrantCoTX_06-16-2020.pdf": ("JEM", "2020-06-16"),
    "KansasBureauOfInv_TFM_MOA_02182025.pdf": ("TFM", "2025-02-18"),
    "ArcadiaPDFL_TFM_MOA_030425.pdf": ("TFM", "2025-03-04"),
    "LawrenceCoSheriffsOfficeAL_TFM_MOA_06182025.pdf": ("TFM", "2025-06-18"),
    "LeeCoSheriffsOffice_JEM_MOA_02.20.2025.pdf": ("JEM", "2025-02-20"),
    "GraysonCountyDCKY_JEM_MOA_030425.pdf": ("JEM", "2025-03-04"),
    "FranklinCountyAL_WSO_MOA_030625.pdf": ("WSO", "2025-03-06"),
}


@pytest.fixture(scope="module")
def corpus_paths() -> list[Path]:
    return sorted(shared_path("ice-287g/moa").glob("*.pdf"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (Debian's tesseract-ocr): the scanned Lee County MOA needs it")
    return tmp_path_factory.mktemp("moa-cache")


@pytest.fixture(scope="module")
def structures(corpus_paths, cache):
    return {s.name: s for s in read_corpus(corpus_paths, cache)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_moa_show_reads_model_date_sections_and_differences(name, corpus_paths, cache, structures):
    report = moa_report(shared_path(f"ice-287g/moa/{name}"), corpus_paths, cache)
    fields = report["fields"]
    assert (fields["model"]["value"], fields["signed_on"]["value"]) == EXPECTED[name]
    comparison = report["comparison"]
    assert comparison["template"].startswith(EXPECTED[name][0]) and name not in comparison["template_sources"]
    assert report["sections_identified"] >= 0.9 * report["sections_found"] and report["sections_found"] >= 8
    assert all(0 <= s["similarity"] <= 1 for s in comparison["sections"])
    assert all(d["kind"] in ("added", "removed", "changed", "section added", "section removed")
               for d in comparison["differences"])


def test_pages_are_read_by_text_layer_or_ocr(structures, corpus_paths, cache):
    from g287.moa.report import extract_cached

    methods = {p.name: extract_cached(p, cache).methods for p in corpus_paths}
    assert methods["LeeCoSheriffsOffice_JEM_MOA_02.20.2025.pdf"] == {"ocr": 11}  # a scan (README: no text layer)
    assert all(m == {"text": sum(m.values())} for n, m in methods.items() if not n.startswith("LeeCo"))


def test_fields_equal_what_the_pages_say(structures):
    benton = structures["287gJEM_BentonCoAR_06-30-2020.pdf"].fields
    # Page 1: "287(g) Jail Enforcement Model"; page 7: the ICE signature stamped 2020.06.30.
    assert (benton["model"].value, benton["model"].page, benton["model"].source) == ("JEM", 1, "text")
    assert "2020-06-30" in benton["party_dates"].value
    assert benton["agency"].value == "Benton County Sheriff's Office"
    # Baker (FL) 2019: titled only "MEMORANDUM OF AGREEMENT", so the model comes from ICE's file name;
    # page 9 has a steering committee clause, and the stamp "OCT 1 5 2019" dates ICE's signature.
    baker = structures["287gWSO_BakerCoFl2019-10-15.pdf"].fields
    assert baker["model"].source == "file name" and baker["steering_committee"].value is True
    assert "2019-10-15" in baker["party_dates"].value
    # Kansas Bureau of Investigation, page 9: the KBI and the Attorney General signed on February 17, 2025.
    kansas = structures["KansasBureauOfInv_TFM_MOA_02182025.pdf"].fields
    assert "2025-02-17" in kansas["party_dates"].value and kansas["agency"].value == "Kansas Bureau of Investigation"
    assert kansas["duration_termination"].value.startswith("This MOA becomes effective upon signature of both parties")
    # Lee County (FL), a scan: page 1 reads "287(g) Jail Enforcement Model"; ICE's field office director signed
    # on March 3, 2025, after the sheriff: the MOA took effect then.
    lee = structures["LeeCoSheriffsOffice_JEM_MOA_02.20.2025.pdf"].fields
    assert (lee["model"].value, lee["model"].source, lee["effective_on"].value) == ("JEM", "text", "2025-03-03")
    # The 2025 Task Force MOAs have a COMPLAINT PROCEDURES section (XV).
    arcadia = structures["ArcadiaPDFL_TFM_MOA_030425.pdf"]
    assert "COMPLAINT PROCEDURES" in [s.key for s in arcadia.sections] and arcadia.fields["complaint_procedure"].value


def test_an_altered_moa_yields_exactly_the_two_changes(structures):
    import copy

    original = structures["KansasBureauOfInv_TFM_MOA_02182025.pdf"]
    template = derive_templates([original])["TFM/2025"]
    altered = copy.deepcopy(original)
    costs = next(s for s in altered.sections if s.key == "COSTS AND EXPENDITURES")
    costs.lines.append("The LEA shall publish a quarterly report of its costs to the county commission.")
    supervision: Section = next(s for s in altered.sections if s.key == "ICE SUPERVISION")
    first_sentence = supervision.text.split(". ")[0]
    supervision.lines = [supervision.text[len(first_sentence) + 2:]]
    assert compare(original, template)["differences"] == []
    differences = compare(altered, template)["differences"]
    assert [(d["section"], d["kind"]) for d in differences] == [("COSTS AND EXPENDITURES", "added"),
                                                                ("ICE SUPERVISION", "removed")]
    assert "quarterly report" in differences[0]["text"]


def test_filled_in_blanks_are_not_differences(structures):
    # Two 2025 Task Force MOAs differ in agency, county and dates; their PURPOSE sections are the same text.
    arcadia, kansas = (structures[n] for n in ("ArcadiaPDFL_TFM_MOA_030425.pdf", "KansasBureauOfInv_TFM_MOA_02182025.pdf"))
    template = derive_templates([arcadia])["TFM/2025"]
    purpose = next(s for s in compare(kansas, template)["sections"] if s["section"] == "PURPOSE")
    assert purpose["similarity"] == 1.0


def test_unreadable_pdfs_get_a_one_line_error(tmp_path: Path):
    import pypdf
    import pypdfium2 as pdfium

    kansas = shared_path("ice-287g/moa/KansasBureauOfInv_TFM_MOA_02182025.pdf").read_bytes()
    with pytest.raises(MoaError, match=r"^cut\.pdf: .*truncated") as truncated:
        extract_moa(kansas[: len(kansas) // 3], "cut.pdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(shared_path("ice-287g/moa/ArcadiaPDFL_TFM_MOA_030425.pdf")))
    writer.encrypt("a-password")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(MoaError, match=r"^locked\.pdf: the PDF is encrypted with a password") as encrypted:
        extract_moa(locked)
    blank = pdfium.PdfDocument.new()
    blank.new_page(612, 792)
    other = tmp_path / "letter.pdf"
    blank.save(str(other))
    with pytest.raises(MoaError, match=r"^letter\.pdf: not a 287\(g\) MOA") as not_moa:
        extract_moa(other, ocr=False)
    with pytest.raises(MoaError, match=r"^notes\.pdf: not a PDF"):
        extract_moa(b"hello", "notes.pdf")
    assert all("\n" not in str(e.value) for e in (truncated, encrypted, not_moa))


def test_the_ledger_reads_archived_moas_and_the_agency_page_shows_their_terms(built_home: Path):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (Debian's tesseract-ocr): the scanned Lee County MOA needs it")
    from fastapi.testclient import TestClient

    import g287
    from g287.web.app import create_app
    from g287.web.settings import WebSettings

    with g287.connect(home=built_home) as con:
        terms = {r[0]: r[1:] for r in con.execute(
            "SELECT file, agreement_ids, model, signed_on, sections_identified, sections_found, differences "
            "FROM moa_terms WHERE read_error IS NULL").fetchall()}
    assert set(terms) == set(EXPECTED)
    # Every MOA links to the ledger agreement whose MOA link names its file, with its model.
    assert all(links and f"-{EXPECTED[name][0]}-" in links for name, (links, *_rest) in terms.items())
    assert all(model == EXPECTED[name][0] and signed == EXPECTED[name][1]
               for name, (_, model, signed, *_r) in terms.items())
    kansas = terms["KansasBureauOfInv_TFM_MOA_02182025.pdf"]
    with TestClient(create_app(WebSettings(home=built_home))) as client:
        html = client.get("/agencies/KS-kansas-bureau-of-investigation", params={"lang": "en"}).text
        data = client.get("/agencies/KS-kansas-bureau-of-investigation.json").json()
    assert "What the agreement says" in html and f"in {kansas[-1]} clauses" in html
    assert data["moas"][0]["file"] == "KansasBureauOfInv_TFM_MOA_02182025.pdf"
    # docs/moa.md's worked example: the template's 90-day notice before termination is not in this MOA.
    assert any(d["kind"] == "removed" and "[N]-day notice" in (d["template_text"] or "")
               for d in data["moas"][0]["difference_list"])


def test_an_unreadable_moa_is_a_row_with_its_reason_and_the_build_goes_on(tmp_path: Path):
    import pypdfium2 as pdfium

    import g287

    blank = pdfium.PdfDocument.new()
    blank.new_page(612, 792)
    letter = tmp_path / "CountyLetter_JEM_MOA_030425.pdf"
    blank.save(str(letter))
    home = tmp_path / "home"
    g287.import_files([letter, shared_path("ice-287g/moa/KansasBureauOfInv_TFM_MOA_02182025.pdf")], home=home)
    g287.build(home=home)
    with g287.connect(home=home) as con:
        rows = dict(con.execute("SELECT file, read_error FROM moa_terms").fetchall())
    assert rows["KansasBureauOfInv_TFM_MOA_02182025.pdf"] is None
    assert rows["CountyLetter_JEM_MOA_030425.pdf"].startswith("CountyLetter_JEM_MOA_030425.pdf: ")


def test_moa_extract_reads_every_archived_moa_with_its_method_per_page(built_home: Path, tmp_path: Path,
                                                                      corpus_paths: list[Path]):
    import json

    from typer.testing import CliRunner

    from g287.cli import app

    env = {"G287_HOME": str(built_home)}
    result = CliRunner().invoke(app, ["moa", "extract", "--out", str(tmp_path / "text"), "--json"], env=env)
    assert result.exit_code == 0, result.output
    files = {m["file"]: m for m in json.loads(result.output)}
    assert set(files) == {p.name for p in corpus_paths}
    # The Lee County MOA is a scan: every page read by OCR; the others have a text layer.
    lee = files["LeeCoSheriffsOffice_JEM_MOA_02.20.2025.pdf"]
    assert lee["ocr"] == lee["pages"] and lee["text"] == 0
    assert all(m["ocr"] == 0 for name, m in files.items() if not name.startswith("LeeCo"))
    text = (tmp_path / "text" / "KansasBureauOfInv_TFM_MOA_02182025.txt").read_text()
    assert any(line.startswith("1:") and "Kansas Bureau of Investigation" in line for line in text.splitlines())


def test_moa_show_takes_an_agency_and_reads_its_archived_moa(built_home: Path):
    import json

    from typer.testing import CliRunner

    from g287.cli import app

    env = {"G287_HOME": str(built_home)}
    by_agency = CliRunner().invoke(app, ["moa", "show", "Kansas Bureau of Investigation", "--json"], env=env)
    assert by_agency.exit_code == 0, by_agency.output
    by_file = CliRunner().invoke(app, ["moa", "show", str(shared_path(
        "ice-287g/moa/KansasBureauOfInv_TFM_MOA_02182025.pdf")), "--json"], env=env)
    assert json.loads(by_agency.output) == json.loads(by_file.output)  # the archive holds the same ten MOAs
    missing = CliRunner().invoke(app, ["moa", "show", "Garrett County Sheriff"], env=env)
    assert missing.exit_code == 1
    assert missing.output.strip() == ("Error: No MOA of Garrett County Sheriff's Office is archived; import its PDF "
                                      "(g287 import FILE.pdf) or run \"g287 sync --documents\", then \"g287 build\".")
