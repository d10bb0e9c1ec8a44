"""Build the ledger tables from accepted publications: agencies, agreements, events with evidence, pending.

Pure: takes publications (in order, with ``status``) and their normalised rows, returns tables as lists of
dicts. The rules read the lists one at a time (:class:`Ledger`), so a kept ledger can take ICE's next list and
name the rows it changes (:class:`Change`; g287.store.build.incremental writes them). Event types and what each cites:

============================  ============================================================================
``listed``                    agreement first listed (row in that list)
``signed``                    the agreement's signing date (row that gives it)
``renewed``                   new agreement of the same agency and model replaces an old one (new row; old
                              agreement's last row)
``signed_on_corrected``       ICE changed the signing date of a listed agreement (same evidence)
``removed``                   agreement no longer listed (the first list it is missing from; its last row)
``re_listed``                 listed again after a confirmed removal (row)
``model_added``               an already listed agency gets a model it did not have (row)
``model_dropped``             an agency loses its last agreement of a model but keeps others (as removed)
``renamed``                   the agency's name changed (row with the new name; row with the old one)
``moa_posted``                the agreement's MOA link first appears (row)
``moa_changed``               ICE replaced the MOA file under its link with one whose text differs (both MOAs)
``pending_listed``            agency and model appear on the pending list (pending row)
``pending_signed``            a pending agency and model is now a participating agreement (participating
                              row; last pending row)
``pending_removed``           left the pending list without a participating agreement (first pending list
                              it is missing from; last pending row)
============================  ============================================================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from dataclasses import dataclass, field
from itertools import pairwise

from g287.ledger.agencies import Agencies
from g287.ledger.agreements import Agreement, Agreements, is_correction, status_of
from g287.ledger.history import build_history
from g287.ledger.pending import Pending
from g287.ledger.timeline import Run, is_confirmed_absence

EVENT_TYPES = ("listed", "signed", "renewed", "signed_on_corrected", "removed", "re_listed", "model_added",
               "model_dropped", "renamed", "moa_posted", "moa_changed", "pending_listed", "pending_signed",
               "pending_removed")
# The columns of a normalised row the ledger reads (see g287.parse.rows.ROW_COLUMNS).
LEDGER_INPUT_COLUMNS = ("agency_id", "state", "agency_name", "agency_type", "county", "ice_county", "model",
                        "signed_on", "row_number", "moa_url", "addendum_url")
# The 2002-2020 sources' rows add what each row states (signed, former_moa, withdrew, ...).
HISTORY_INPUT_COLUMNS = (*LEDGER_INPUT_COLUMNS, "row_status")


class _Events:
    """Collects events and their evidence rows with deterministic ids."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.evidence: list[dict] = []

    def add(self, event_type: str, event_on: str | None, agency_id: str, agreement_id: str | None,
            state: str, model: str | None, evidence: list[tuple[str, str, int | None]], detail: str = "",
            is_provisional: bool = False) -> None:
        anchor = evidence[0]
        raw = "|".join([event_type, agency_id, agreement_id or "", anchor[1], str(anchor[2]), detail])
        if agreement_id is None and anchor[2] is None:  # no agreement and no row: only the model tells apart
            raw += f"|{model}"  # the events of one agency's pending requests for two models on one list
        event_id = "ev-" + hashlib.sha1(raw.encode()).hexdigest()[:14]
        self.events.append({"event_id": event_id, "event_type": event_type, "event_on": event_on,
                            "agency_id": agency_id, "agreement_id": agreement_id, "state": state,
                            "model": model, "publication_id": anchor[1], "row_number": anchor[2],
                            "detail": detail, "is_provisional": is_provisional})
        for role, publication_id, row_number in evidence:
            self.evidence.append({"event_id": event_id, "role": role, "publication_id": publication_id,
                                  "row_number": row_number})


# Which events belong to what: an agreement's are rewritten with it, an agency's renames and pending
# requests with the agency. ``moa_changed`` events come from the MOA documents, not from the lists.
AGREEMENT_EVENT_TYPES = ("listed", "signed", "renewed", "signed_on_corrected", "removed", "re_listed",
                         "model_added", "model_dropped", "moa_posted")
PENDING_EVENT_TYPES = ("pending_listed", "pending_signed", "pending_removed")


@dataclass
class Change:
    """What adding one publication to the ledger may have changed, by the rows to write again: these agreements
    (with their events), agreements shown again (:meth:`Ledger.listing_rows`: their latest listing only),
    agencies (their ``agencies``, ``agency_names`` and ``agency_notes`` rows), agencies' renames and pending
    requests (with their events); and the presence rows of the list added."""

    agreement_ids: set[str] = field(default_factory=set)
    listed_again_ids: set[str] = field(default_factory=set)
    agency_ids: set[str] = field(default_factory=set)
    renamed_agency_ids: set[str] = field(default_factory=set)
    pending_agency_ids: set[str] = field(default_factory=set)
    presence: dict[str, list] | None = None

    def merge(self, other: Change) -> None:
        """Add ``other`` (a later publication's change) to this one."""
        self.agreement_ids |= other.agreement_ids
        self.listed_again_ids = (self.listed_again_ids | other.listed_again_ids) - self.agreement_ids
        self.agency_ids |= other.agency_ids
        self.renamed_agency_ids |= other.renamed_agency_ids
        self.pending_agency_ids |= other.pending_agency_ids
        for column, values in (other.presence or {}).items():
            self.presence = self.presence if self.presence is not None else {}
            self.presence.setdefault(column, []).extend(values)


# The columns of an agreement's row that move on when a list shows it again (see Agreements.add_list).
LISTING_COLUMNS = ("last_listed_on", "last_publication_id", "last_row_number", "listed_publications", "moa_url",
                   "addendum_url", "is_signed_on_carried")


class Ledger:
    """The ledger built one accepted participating or pending list at a time, in publication order.

    A full build adds every list to a new ledger; adding the next ICE list to a kept ledger gives the same
    state as building it again with that list, and :class:`Change` names the rows that differ.
    """

    def __init__(self) -> None:
        self.agreements = Agreements()
        self.agencies = Agencies()
        self.pending = Pending()

    def dump(self) -> bytes:
        """This ledger as bytes, for :meth:`load` (built-in values through ``marshal``: several times faster than
        pickling the objects; tied to the Python version, which the store's fingerprint names)."""
        return marshal.dumps((self.agreements.to_plain(), self.agencies.to_plain(), self.pending.to_plain()))

    @classmethod
    def load(cls, data: bytes) -> Ledger:
        agreements, agencies, pending = marshal.loads(data)
        self = cls()
        self.agreements = Agreements.from_plain(agreements)
        self.agencies = Agencies.from_plain(agencies)
        self.pending = Pending.from_plain(pending)
        return self

    def add(self, publication: dict, rows: list[dict]) -> Change:
        """Add the next accepted list (kind ``participating`` or ``pending``; others change nothing here)."""
        change = Change()
        if publication["kind"] == "participating":
            presence, change.agreement_ids, change.listed_again_ids = self.agreements.add_list(
                rows, dt.date.fromisoformat(publication["list_date"]))
            presence["publication_id"] = [publication["publication_id"]] * len(presence["agreement_id"])
            change.presence = presence
            shown, change.renamed_agency_ids = self.agencies.add_list(publication, rows)
            by_id = self.agreements.by_id
            change.agency_ids = shown | {by_id[i].agency_id for i in change.agreement_ids}
            # A new agreement may be what a pending request became.
            newest = self.agreements.newest
            change.pending_agency_ids = {by_id[i].agency_id for i in change.agreement_ids if by_id[i].first == newest}
        elif publication["kind"] == "pending":
            change.pending_agency_ids = self.pending.add_list(publication, rows)
        return change

    def rows(self, change: Change | None = None) -> dict[str, list[dict]]:
        """The rows of ``agreements``, ``agencies``, ``agency_names``, ``agency_notes``, ``pending``, ``events`` and
        ``event_evidence`` that ``change`` names (every row without one, in the tables' order)."""
        by_id = self.agreements.by_id
        agreement_ids = by_id.keys() if change is None else change.agreement_ids
        agency_ids = self.agencies.latest.keys() if change is None else change.agency_ids
        renamed_ids = self.agencies.renames.keys() if change is None else change.renamed_agency_ids
        pending_ids = self.pending.records.keys() if change is None else change.pending_agency_ids
        events = _Events()
        agreements = [self._agreement_row(by_id[i], events) for i in sorted(agreement_ids)]
        tables = self.agencies.rows(agency_ids, set(self.agreements.models))
        for agency_id in sorted(renamed_ids):
            for on, state, evidence, detail in self.agencies.renames.get(agency_id, []):
                events.add("renamed", on, agency_id, None, state, None, evidence, detail=detail)
        tables["pending"] = self.pending.rows(pending_ids, self._first_listings, events)
        tables["agreements"] = agreements
        if change is None:
            tables["events"], tables["event_evidence"] = _sorted_events(events.events, events.evidence)
        else:
            tables["events"], tables["event_evidence"] = events.events, events.evidence
        return tables

    def listing_rows(self, agreement_ids) -> dict[str, list]:
        """:data:`LISTING_COLUMNS` of ``agreement_ids`` (with ``agreement_id``), as columns."""
        ids, on, by_id = self.agencies.ids, self.agencies.on, self.agreements.by_id
        agreements = [by_id[i] for i in sorted(agreement_ids)]
        return {"agreement_id": [a.agreement_id for a in agreements],
                "last_listed_on": [on[a.last] for a in agreements],
                "last_publication_id": [ids[a.last] for a in agreements],
                "last_row_number": [a.last_row for a in agreements],
                "listed_publications": [a.listed for a in agreements],
                "moa_url": [a.moa_url for a in agreements], "addendum_url": [a.addendum_url for a in agreements],
                "is_signed_on_carried": [a.signed_on_carried for a in agreements]}

    def _first_listings(self, agency_id: str, model: str) -> list[dict]:
        on, ids = self.agencies.on, self.agencies.ids
        group = sorted(self.agreements.groups.get((agency_id, model), []), key=lambda a: a.agreement_id)
        return [{"agreement_id": a.agreement_id, "first_listed_on": on[a.first], "first_publication_id": ids[a.first],
                 "first_row_number": a.first_row} for a in group]

    def _agreement_row(self, a: Agreement, events: _Events) -> dict:
        """The agreement's row; its events go to ``events``."""
        ids, on = self.agencies.ids, self.agencies.on
        dates, newest, by_id = self.agreements.dates, self.agreements.newest, self.agreements.by_id
        first = a.first
        cite = ("row", ids[first], a.first_row)
        if a.signed_on:
            events.add("signed", a.signed_on, a.agency_id, a.agreement_id, a.state, a.model, [cite])
        if a.predecessor is not None:
            old = by_id[a.predecessor]
            kind = "signed_on_corrected" if is_correction(old, a, on[old.first]) else "renewed"
            events.add(kind, on[first], a.agency_id, a.agreement_id, a.state, a.model,
                       [cite, ("previous_row", ids[old.last], old.last_row)],
                       detail=f"{old.signed_on or 'undated'} -> {a.signed_on or 'undated'}")
        else:
            detail = "first list in the archive" if first == 0 else ""
            events.add("listed", on[first], a.agency_id, a.agreement_id, a.state, a.model, [cite], detail)
            if a.before and a.model not in a.before:
                events.add("model_added", on[first], a.agency_id, a.agreement_id, a.state, a.model, [cite],
                           detail=f"{'+'.join(a.before)} + {a.model}")
        for previous_run, run in pairwise(a.runs):
            _removal(events, a, previous_run, ids, on, provisional=False)
            events.add("re_listed", on[run.start], a.agency_id, a.agreement_id, a.state, a.model,
                       [("row", ids[run.start], run.start_row)])
        if a.last < newest and a.successor is None:
            _removal(events, a, a.runs[-1], ids, on, provisional=not is_confirmed_absence(a.last, newest, dates))
        if a.moa_first:
            index, row_number, url = a.moa_first
            events.add("moa_posted", on[index], a.agency_id, a.agreement_id, a.state, a.model,
                       [("row", ids[index], row_number)], detail=url)
        return {
            "agreement_id": a.agreement_id, "agency_id": a.agency_id, "state": a.state, "model": a.model,
            "signed_on": a.signed_on, "is_signed_on_carried": a.signed_on_carried, "status": status_of(a, newest),
            "first_listed_on": on[first], "last_listed_on": on[a.last],
            "removed_on": on[a.last + 1] if a.last < newest else None,
            "first_publication_id": ids[first], "first_row_number": a.first_row,
            "last_publication_id": ids[a.last], "last_row_number": a.last_row, "listed_publications": a.listed,
            "successor_id": a.successor, "predecessor_id": a.predecessor,
            "moa_url": a.moa_url, "addendum_url": a.addendum_url}


def _removal(events: _Events, a: Agreement, run: Run, ids: list[str], on: list[str], provisional: bool) -> None:
    gone = run.end + 1
    evidence = [("absent_from", ids[gone], None), ("last_row", ids[run.end], run.end_row)]
    events.add("removed", on[gone], a.agency_id, a.agreement_id, a.state, a.model, evidence,
               is_provisional=provisional)
    if run.after and a.model not in run.after:
        events.add("model_dropped", on[gone], a.agency_id, a.agreement_id, a.state, a.model, evidence,
                   detail=f"keeps {'+'.join(run.after)}", is_provisional=provisional)


def build_ledger(publications: list[dict], rows_by_publication: dict[str, list[dict]]) -> dict:
    """All ledger tables from publications (ordered, with ``status``) and their normalised rows; ``_ledger``
    holds the :class:`Ledger` itself (to add the next list to)."""
    accepted = [p for p in publications if p["status"] == "accepted"]
    ledger = Ledger()
    presence: dict[str, list] = {}
    for publication in accepted:
        change = ledger.add(publication, rows_by_publication[publication["publication_id"]])
        if change.presence is not None:
            for column, values in change.presence.items():
                presence.setdefault(column, []).extend(values)
    tables: dict = ledger.rows()
    tables["presence"] = presence or {c: [] for c in ("agreement_id", "agency_id", "state", "model", "agency_type",
                                                      "row_number", "publication_id")}
    first = next((p for p in accepted if p["kind"] == "participating"), None)
    tables.update(build_history(publications, rows_by_publication, tables["agreements"], first))
    # Agencies that left the program before ICE's first list of 2021 are agencies too (their pages, geography).
    known = {a["agency_id"] for a in tables["agencies"]}
    tables["agencies"] = sorted(tables["agencies"] + [a for a in tables.pop("history_agencies")
                                                      if a["agency_id"] not in known], key=lambda a: a["agency_id"])
    tables["_ledger"] = ledger
    return tables


def _sorted_events(events: list[dict], evidence: list[dict]) -> tuple[list[dict], list[dict]]:
    order = {t: i for i, t in enumerate(EVENT_TYPES)}
    return (sorted(events, key=lambda e: (e["event_on"] or "", order[e["event_type"]], e["agency_id"],
                                          e["agreement_id"] or "", e["event_id"])),
            sorted(evidence, key=lambda e: (e["event_id"], e["role"], e["publication_id"])))


def add_moa_change_events(tables: dict, changes: list[dict]) -> None:
    """Add a ``moa_changed`` event for every agreement linking to an MOA document whose text ICE replaced
    (:func:`g287.moa.versions.moa_changes`), citing the new and the previous version."""
    if not changes:
        return
    agreements = {a["agreement_id"]: a for a in tables["agreements"]}
    events = _Events()
    for change in changes:
        shown = ", ".join(change["sections"][:3]) + (" ..." if len(change["sections"]) > 3 else "")
        for agreement_id in filter(None, change["agreement_ids"].split("|")):
            a = agreements.get(agreement_id)
            if a is not None:
                events.add("moa_changed", change["on"], a["agency_id"], agreement_id, a["state"], a["model"],
                           [("moa", change["publication_id"], None), ("previous_moa", change["previous"], None)],
                           detail=f"{len(change['sections'])} sections changed: {shown}")
    tables["events"], tables["event_evidence"] = _sorted_events(tables["events"] + events.events,
                                                                tables["event_evidence"] + events.evidence)


