"""The public functions the CLI calls and a notebook can call too (those not tested with their stage)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import g287.api
from g287.errors import NoSuchFileError
from tests.conftest import shared_path


def test_moa_show_reads_a_pdf_against_the_templates_of_a_corpus(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("KansasBureauOfInv_TFM_MOA_02182025.pdf", "ArcadiaPDFL_TFM_MOA_030425.pdf",
                 "LawrenceCoSheriffsOfficeAL_TFM_MOA_06182025.pdf"):
        shutil.copyfile(shared_path(f"ice-287g/moa/{name}"), corpus / name)
    report = g287.api.moa_show(corpus / "KansasBureauOfInv_TFM_MOA_02182025.pdf", corpus=corpus, home=tmp_path)
    assert (report["file"], report["pages"], report["fields"]["model"]["value"]) == (
        "KansasBureauOfInv_TFM_MOA_02182025.pdf", 14, "TFM")
    assert report["comparison"]["template_sources"] == ["ArcadiaPDFL_TFM_MOA_030425.pdf",
                                                        "LawrenceCoSheriffsOfficeAL_TFM_MOA_06182025.pdf"]


def test_moa_show_of_a_pdf_that_is_not_there_says_so(tmp_path: Path):
    with pytest.raises(NoSuchFileError) as error:
        g287.api.moa_show(tmp_path / "missing.pdf", home=tmp_path)
    assert str(error.value) == f"{tmp_path / 'missing.pdf'}: no such file; give the path of an MOA PDF or an agency."


def test_moa_extract_of_an_archive_without_moas_is_empty(tmp_path: Path):
    assert g287.api.moa_extract(tmp_path / "text", home=tmp_path / "home") == []
    assert list((tmp_path / "text").iterdir()) == []
