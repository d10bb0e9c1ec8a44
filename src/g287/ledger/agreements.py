"""Agreements: identity, presence in each participating list, lifecycle and succession.

**Agreement identity** is (agency, model, signing date): ``<agency_id>-<MODEL>-<YYYY-MM-DD>``. A row with no
signing date takes the date of the agency's agreement of that model in the previous list, when there is
exactly one (ICE left the cell empty in 7 lists of December 2025); otherwise it becomes an ``undated``
agreement.

**Succession.** When an agreement leaves the lists and, within :data:`SUCCESSION_WINDOW` lists of its last
appearance, an agreement of the same agency and model with a different signing date appears (and outlives
it), the old one is *Superseded* and names its successor. The change is a *renewal* when the new signing
date is later than the old one and later than the first list that showed the old agreement; otherwise ICE
corrected the date of the agreement it already listed (``signed_on_corrected``): in the archive up to
2026-05-18, 48 of the 64 dated corrections move the date by one day (2025-06-12 to 2025-06-11, 2025-03-27
to 2025-03-26), against 10 renewals.

**Status**: *Active* when listed in the newest accepted participating list; *Superseded* when it has a
successor; *Removed* otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from g287.ledger.timeline import Run, build_runs

SUCCESSION_WINDOW = 3


@dataclass
class Agreement:
    """An agreement as the ledger sees it: where it was listed and how it ended."""

    agreement_id: str
    agency_id: str
    state: str
    model: str
    signed_on: str | None
    rows: dict[int, int] = field(default_factory=dict)  # list index -> first row number in that list
    moa_url: dict[int, str] = field(default_factory=dict)  # list index -> MOA link in that list
    addendum_url: dict[int, str] = field(default_factory=dict)
    signed_on_carried: bool = False
    runs: list[Run] = field(default_factory=list)
    successor: Agreement | None = None
    predecessor: Agreement | None = None

    @property
    def first(self) -> int:
        return self.runs[0].start

    @property
    def last(self) -> int:
        return self.runs[-1].end


def agreement_id_of(agency_id: str, model: str, signed_on: str | None) -> str:
    """The stable id of an agreement.

    >>> agreement_id_of("FL-lee-county-sheriffs-office", "JEM", "2025-02-20")
    'FL-lee-county-sheriffs-office-JEM-2025-02-20'
    """
    return f"{agency_id}-{model}-{signed_on or 'undated'}"


def build_agreements(lists: list[list[dict]], dates: list[dt.date]) -> tuple[dict[str, Agreement], dict[str, list]]:
    """Agreements from the accepted participating lists (each a list of normalised rows, in order).

    Returns the agreements by id and the presence table as columns (``list_index``, ``agreement_id``,
    ``agency_id``, ``state``, ``model``, ``agency_type``, ``row_number``); rows lacking an agency or a model
    are left out of the ledger.
    """
    agreements: dict[str, Agreement] = {}
    by_key: dict[tuple, Agreement] = {}
    presence: dict[str, list] = {c: [] for c in ("list_index", "agreement_id", "agency_id", "state", "model",
                                                 "agency_type", "row_number")}
    p_index, p_agreement, p_agency, p_state, p_model, p_type, p_row = presence.values()
    for index, rows in enumerate(lists):
        previous_dates: dict[tuple[str, str], set[str]] | None = None
        for row in rows:
            agency_id, model = row["agency_id"], row["model"]
            if agency_id is None or model is None:
                continue
            signed_on, carried = row["signed_on"], False
            if signed_on is None and index > 0:
                if previous_dates is None:
                    previous_dates = _dates_in(agreements, index - 1)
                before = previous_dates.get((agency_id, model), set())
                if len(before) == 1:
                    signed_on, carried = next(iter(before)), True
            agreement = by_key.get((agency_id, model, signed_on))
            if agreement is None:
                agreement_id = agreement_id_of(agency_id, model, signed_on)
                agreement = Agreement(agreement_id, agency_id, row["state"], model, signed_on)
                agreements[agreement_id] = by_key[(agency_id, model, signed_on)] = agreement
            if carried:
                agreement.signed_on_carried = True
            if index in agreement.rows:
                continue  # a duplicate row of the same agreement in one list (ICE, August 2025)
            row_number = row["row_number"]
            agreement.rows[index] = row_number
            if row["moa_url"]:
                agreement.moa_url[index] = row["moa_url"]
            if row["addendum_url"]:
                agreement.addendum_url[index] = row["addendum_url"]
            p_index.append(index)
            p_agreement.append(agreement.agreement_id)
            p_agency.append(agency_id)
            p_state.append(row["state"])
            p_model.append(model)
            p_type.append(row["agency_type"])
            p_row.append(row_number)
    for agreement in agreements.values():
        agreement.runs = build_runs(sorted(agreement.rows), dates)
    _link_successors(agreements, newest=len(lists) - 1)
    return agreements, presence


def _dates_in(agreements: dict[str, Agreement], index: int) -> dict[tuple[str, str], set[str]]:
    """Signing dates of each (agency, model) listed in list ``index`` (only needed when a date is missing)."""
    dates: dict[tuple[str, str], set[str]] = {}
    for agreement in agreements.values():
        if index in agreement.rows and agreement.signed_on is not None:
            dates.setdefault((agreement.agency_id, agreement.model), set()).add(agreement.signed_on)
    return dates


def _link_successors(agreements: dict[str, Agreement], newest: int) -> None:
    by_group: dict[tuple[str, str], list[Agreement]] = {}
    for agreement in agreements.values():
        by_group.setdefault((agreement.agency_id, agreement.model), []).append(agreement)
    for group in by_group.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda a: (a.first, a.agreement_id))
        for old in group:
            if old.last >= newest:
                continue
            candidates = [new for new in group
                          if new is not old and new.predecessor is None and old.first < new.first
                          <= old.last + SUCCESSION_WINDOW and new.last > old.last]
            if candidates:
                new = min(candidates, key=lambda a: (a.first, -a.last, a.agreement_id))
                old.successor, new.predecessor = new, old


def is_correction(old: Agreement, new: Agreement, old_first_listed_on: str) -> bool:
    """True when ``new`` corrects the signing date of ``old`` rather than renewing it."""
    if old.signed_on is None or new.signed_on is None:
        return True
    return new.signed_on < old.signed_on or new.signed_on <= old_first_listed_on


def status_of(agreement: Agreement, newest: int) -> str:
    """``Active``, ``Superseded`` or ``Removed``."""
    if newest in agreement.rows:
        return "Active"
    return "Superseded" if agreement.successor else "Removed"
