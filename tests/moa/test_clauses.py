"""What each real MOA says on the six topics, checked against the page (expectations read from the PDFs)."""

from __future__ import annotations

import pytest

from g287.moa.clauses import read_clauses
from g287.moa.extract import extract_moa
from g287.moa.structure import read_structure
from tests.conftest import SHARED

MOA = SHARED / "ice-287g" / "moa"


def clauses(name: str) -> dict[str, dict]:
    path = MOA / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return {c["topic"]: c for c in read_clauses(read_structure(extract_moa(path, ocr=False)))}


def test_task_force_moa_has_every_topic_in_its_own_section():
    found = clauses("KansasBureauOfInv_TFM_MOA_02182025.pdf")
    assert set(found) == {"duties", "costs", "supervision", "complaints", "data", "termination"}
    # Page 4: "XI. COSTS AND EXPENDITURES ... at the LEA's expense"; page 5: "XII. ICE SUPERVISION".
    assert (found["costs"]["section"], found["costs"]["page"]) == ("COSTS AND EXPENDITURES", 4)
    assert "at the LEA’s expense" in found["costs"]["text"]
    assert (found["supervision"]["section"], found["supervision"]["page"]) == ("ICE SUPERVISION", 5)
    assert found["termination"]["page"] == 8 and "Termination by the LEA" in found["termination"]["text"]


def test_warrant_service_moa_reads_costs_from_its_responsibilities_and_the_90_day_notice():
    found = clauses("287gWSO_BakerCoFl2019-10-15.pdf")
    # Page 1-2: "RESPONSIBILITIES ... COSTS AND EXPENDITURES The Baker County Sheriff's Office is responsible for
    # personnel expenses"; page 6: termination "upon 90-day written notice".
    assert found["costs"]["section"] == "RESPONSIBILITIES"
    assert found["costs"]["text"].startswith("The Baker County Sheriff's Office is responsible for personnel expenses")
    assert found["termination"]["page"] == 6 and "90-day written notice" in found["termination"]["text"]
    assert "Appendix B" in found["complaints"]["text"]
