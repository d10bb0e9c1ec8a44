"""When ICE replaces a posted MOA: the sections whose text changed between two versions of one document.

``g287 sync`` fetches a document again when it is old enough and keeps the earlier SHA-256 of a replaced file
(``documents.previous_sha256``). Each version that was read as an MOA is a publication of kind ``moa``; two
consecutive versions whose text differs give a ``moa_changed`` event for every agreement linking to the
document, dated on the day the new version was fetched. A file saved again with the same text is no change.
"""

from __future__ import annotations

from itertools import pairwise

from g287.moa.structure import MoaStructure


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def changed_sections(old: MoaStructure, new: MoaStructure) -> list[str]:
    """The titles of the sections added, removed or reworded from ``old`` to ``new`` (whitespace and line
    breaks aside), in the new version's order, then the removed ones."""
    before = {s.key: _words(s.lines) for s in old.sections}
    after = {s.key: _words(s.lines) for s in new.sections}
    changed = [key for key, words in after.items() if before.get(key) != words]
    return changed + [key for key in before if key not in after]


def versions(document: dict) -> list[tuple[str, str]]:
    """``(sha256, retrieved_at)`` of every version of a document row, oldest first."""
    earlier = [tuple(item.split("@", 1)) for item in (document.get("previous_sha256") or "").split("|") if item]
    return [*earlier, (document["sha256"], document.get("retrieved_at") or "")] if document.get("sha256") else []


def moa_changes(documents: list[dict], structures_by_sha: dict[str, tuple[str, MoaStructure]]) -> list[dict]:
    """One change per replaced MOA document whose text changed: ``url``, ``agreement_ids``, ``on`` (the day the
    new version was fetched), the ``publication_id`` of the new and of the ``previous`` version, and the
    ``sections`` that changed. ``structures_by_sha`` maps a PDF's SHA-256 to its publication id and structure
    (versions that could not be read as MOAs are skipped)."""
    changes = []
    for document in documents:
        if document.get("document_kind") != "moa" or not document.get("previous_sha256"):
            continue
        readable = [(sha, at) for sha, at in versions(document) if sha in structures_by_sha]
        for (old_sha, _), (new_sha, at) in pairwise(readable):
            sections = changed_sections(structures_by_sha[old_sha][1], structures_by_sha[new_sha][1])
            if sections:
                changes.append({"url": document["url"], "agreement_ids": document.get("agreement_ids") or "",
                                "on": at[:10], "publication_id": structures_by_sha[new_sha][0],
                                "previous": structures_by_sha[old_sha][0], "sections": sections})
    return changes
