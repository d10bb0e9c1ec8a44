"""Link each reporting agency of an output table to its ledger agency, with the method that linked it.

Methods, tried in order (``match_method``):

``exact``     the agency id the name gives (state + spelling-insensitive name) is a ledger agency;
``rule``      a rewriting of the name ICE's statistics use is: "Sheriff Office" for *Sheriff's Office*, a
              state code for the state's name ("AL Department of Public Safety"), a trailing state code
              ("Washington County Sheriff Office AR"), "Dept" for *Department*;
``reviewed``  a reviewed row of ``fixes/output_agency.csv`` (keyed on the state and the name as printed)
              names the agency id.

Anything else stays unlinked and is listed by ``g287 output review``.
"""

from __future__ import annotations

import re

from g287.corrections import FixLog
from g287.inputs import STATE_NAMES
from g287.parse.rows import build_rows_per_model

_REWRITES = ((re.compile(r"\bSheriff Office\b", re.IGNORECASE), "Sheriff's Office"),
             (re.compile(r"\bSheriff Department\b", re.IGNORECASE), "Sheriff's Department"),
             (re.compile(r"\bDept\b\.?", re.IGNORECASE), "Department"))


def name_variants(name: str, state: str) -> list[str]:
    """The names an output table's agency may go by in the ledger, most literal first.

    >>> name_variants("Washington County Sheriff Office AR", "AR")[-1]
    "Washington County Sheriff's Office"
    >>> name_variants("AL Department of Public Safety", "AL")[-1]
    'Alabama Department of Public Safety'
    """
    variants = [name]
    text = name
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    variants.append(text)
    if text.endswith(f" {state}"):
        text = text[: -len(state) - 1]
        variants.append(text)
    if text.startswith(f"{state} ") and state in STATE_NAMES:
        text = f"{STATE_NAMES[state]} {text[len(state) + 1:]}"
        variants.append(text)
    return list(dict.fromkeys(variants))


def _agency_id(ice_state: str, name: str) -> str | None:
    """The ledger's id for ``name`` in the state as the table prints it (its spelling fixes applied)."""
    return build_rows_per_model({"STATE": ice_state, "LAW ENFORCEMENT AGENCY": name}, FixLog(), 0,
                                None)[0]["agency_id"]


def link_output(counts: list[dict], agencies: set[str]) -> list[dict]:
    """``counts`` (rows of ``output_counts`` as read) with ``linked_agency_id`` and ``match_method`` set."""
    fixes = FixLog()
    cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for row in counts:
        if row["ice_agency"] is None:  # counts of an area (a FOIA table): no agency to link
            row["linked_agency_id"], row["match_method"] = None, "area"
            continue
        key = (row["state"], row["ice_agency"])
        if key not in cache:
            cache[key] = _link_one(row, agencies, fixes)
        row["linked_agency_id"], row["match_method"] = cache[key]
    return counts


def _link_one(row: dict, agencies: set[str], fixes: FixLog) -> tuple[str | None, str | None]:
    if row["agency_id"] in agencies:
        return row["agency_id"], "exact"
    for name in name_variants(row["agency_name"], row["state"])[1:]:
        candidate = _agency_id(row["ice_state"], name)
        if candidate in agencies:
            return candidate, "rule"
    fix = fixes.apply("output_agency", row["ice_agency"], state=row["state"])
    if fix and fix["value"] in agencies:
        return fix["value"], "reviewed"
    return None, None
