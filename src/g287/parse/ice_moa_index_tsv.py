"""ICE's index of archived 287(g) MOAs (ice.gov/287g-archive), as a tab-separated file without a header.

Four fields per line: state, agency, signing date (ISO, often blank before 2016), MOA file name. One list
of kind ``history``, grade A (ICE's own page), claim ``signing_dates``, dated by its file name (the capture
day, ``ice_live_287gMOA_index_2026-04-20.tsv``). The model is read from the file name (``287gJEM_...``,
``..._WSO_MOA_...``) where it is there; older file names carry none. The index also holds two documents that
are not 287(g) MOAs (a Cook County MOU, a Morristown item); they are kept as rows like the others.
"""

from __future__ import annotations

import re

from g287.corrections import FixLog
from g287.errors import UnknownLayoutError
from g287.inputs import MODEL_NAMES
from g287.parse.registry import ParsedList, Reader, register_reader
from g287.parse.rows import build_rows_per_model

_MODEL_IN_FILE = re.compile(r"(JEM|TFM|WSO)")


def _accepts(header: list[str], sheet_name: str) -> bool:
    return len(header) == 4 and header[3].lower().endswith(".pdf")


def read_ice_moa_index_tsv(records: list[list[str]], source: str) -> list[ParsedList]:
    """Parse the index (``records``: the TSV split into fields; no header)."""
    fixes = FixLog()
    rows: list[dict] = []
    for line_number, record in enumerate(records, start=1):
        if not any(v.strip() for v in record):
            continue
        if len(record) != 4:
            raise UnknownLayoutError(f"{source}: line {line_number} has {len(record)} fields; the MOA index has "
                                     "four (state, agency, signing date, file). Check the file.")
        state, agency, signed, moa_file = (v.strip() for v in record)
        model = _MODEL_IN_FILE.search(moa_file)
        # An old file name without a model, an undated MOA: the source's silence, not a missing value.
        rows += build_rows_per_model({"STATE": state, "LAW ENFORCEMENT AGENCY": agency, "SIGNED": signed or None,
                                      "MOA": moa_file, "SUPPORT TYPE": MODEL_NAMES[model.group(1)] if model else None},
                                     fixes, line_number, "signed")
    return [ParsedList(kind="history", reader="ice_moa_index_tsv", columns=["state", "agency", "signed", "moa_file"],
                       rows=rows, fixes_used=fixes.used, grade="A", claim="signing_dates",
                       note="ICE 287(g) archive of MOAs (ice.gov/287g-archive)")]


register_reader(Reader("ice_moa_index_tsv", "tsv", _accepts, read_ice_moa_index_tsv))
