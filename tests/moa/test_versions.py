"""Versions of one posted MOA: which sections changed (g287.moa.versions), on a real MOA's text."""

from __future__ import annotations

import copy

from g287.moa.report import extract_cached
from g287.moa.structure import read_structure
from g287.moa.versions import changed_sections, moa_changes, versions
from tests.conftest import shared_path


def kansas():
    return read_structure(extract_cached(shared_path("ice-287g/moa/KansasBureauOfInv_TFM_MOA_02182025.pdf"), None))


def test_same_text_is_no_change_and_a_reworded_section_is_one():
    old = kansas()
    assert changed_sections(old, copy.deepcopy(old)) == []
    rewrapped = copy.deepcopy(old)  # the same words on other lines: a file saved again is no change
    for section in rewrapped.sections:
        section.lines = [" ".join(section.lines)]
    assert changed_sections(old, rewrapped) == []
    new = copy.deepcopy(old)
    target = next(s for s in new.sections if s.key != "PREAMBLE" and s.lines)
    target.lines = [*target.lines, "The LEA shall report quarterly to the county board."]
    dropped = new.sections.pop()
    assert changed_sections(old, new) == [target.key, dropped.key]


def test_changes_follow_the_document_history():
    old, new = kansas(), kansas()
    new.sections[-1].lines = ["This MOA ends on December 31, 2026."]
    document = {"url": "https://www.ice.gov/doclib/287gMOA/x.pdf", "document_kind": "moa", "agreement_ids": "A|B",
                "sha256": "b" * 64, "retrieved_at": "2026-06-20T08:00:00+00:00",
                "previous_sha256": f"{'a' * 64}@2026-05-01T08:00:00+00:00"}
    assert versions(document) == [("a" * 64, "2026-05-01T08:00:00+00:00"), ("b" * 64, "2026-06-20T08:00:00+00:00")]
    [change] = moa_changes([document], {"a" * 64: ("pub-old", old), "b" * 64: ("pub-new", new)})
    assert change == {"url": document["url"], "agreement_ids": "A|B", "on": "2026-06-20", "publication_id": "pub-new",
                      "previous": "pub-old", "sections": [new.sections[-1].key]}
    # A version that could not be read as an MOA is left out; an unchanged text gives nothing.
    assert moa_changes([document], {"a" * 64: ("pub-old", old), "b" * 64: ("pub-new", kansas())}) == []
    assert moa_changes([document], {"b" * 64: ("pub-new", new)}) == []
