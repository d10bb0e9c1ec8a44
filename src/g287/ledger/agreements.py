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

from g287.ledger.timeline import Run, add_listing, is_confirmed_absence

SUCCESSION_WINDOW = 3


@dataclass(slots=True)
class Agreement:
    """An agreement as the ledger sees it: where it was listed and how it ended."""

    agreement_id: str
    agency_id: str
    state: str
    model: str
    signed_on: str | None
    runs: list[Run] = field(default_factory=list)
    listed: int = 0  # how many lists show it
    before: tuple[str, ...] = ()  # the models its agency held in the list before its first one
    moa_first: tuple[int, int, str] | None = None  # (list index, row number, link) where its MOA link first appears
    moa_url: str | None = None  # its latest MOA link
    addendum_url: str | None = None
    signed_on_carried: bool = False
    successor: str | None = None  # agreement ids
    predecessor: str | None = None

    @property
    def first(self) -> int:
        return self.runs[0].start

    @property
    def last(self) -> int:
        return self.runs[-1].end

    @property
    def first_row(self) -> int:
        return self.runs[0].start_row

    @property
    def last_row(self) -> int:
        return self.runs[-1].end_row


def _run_plain(run: Run) -> tuple:
    return (run.start, run.end, run.start_row, run.end_row, run.after)


def agreement_id_of(agency_id: str, model: str, signed_on: str | None) -> str:
    """The stable id of an agreement.

    >>> agreement_id_of("FL-lee-county-sheriffs-office", "JEM", "2025-02-20")
    'FL-lee-county-sheriffs-office-JEM-2025-02-20'
    """
    return f"{agency_id}-{model}-{signed_on or 'undated'}"


class Agreements:
    """Agreements built one accepted participating list at a time (:meth:`add_list`), in publication order.

    Adding a list touches only the agreements it shows, those the list before showed, and those whose
    removal is not yet confirmed; :meth:`add_list` names them (with every agreement of their agency and model,
    whose succession may change), so a store can update just those rows.
    """

    def __init__(self) -> None:
        self.dates: list[dt.date] = []
        self.by_id: dict[str, Agreement] = {}
        self.by_key: dict[tuple[str, str, str | None], Agreement] = {}
        self.groups: dict[tuple[str, str], list[Agreement]] = {}
        self.shown: list[Agreement] = []  # in the newest list
        self.models: dict[str, tuple[str, ...]] = {}  # the models each agency holds in the newest list
        self.unconfirmed: set[str] = set()  # missing from the newest lists, removal not yet confirmed

    @property
    def newest(self) -> int:
        return len(self.dates) - 1

    def to_plain(self) -> tuple:
        """This state as built-in values only (see :meth:`g287.ledger.tables.Ledger.dump`)."""
        return ([d.toordinal() for d in self.dates],
                [(a.agreement_id, a.agency_id, a.state, a.model, a.signed_on, [_run_plain(r) for r in a.runs],
                  a.listed, a.before, a.moa_first, a.moa_url, a.addendum_url, a.signed_on_carried, a.successor,
                  a.predecessor) for a in self.by_id.values()],
                [a.agreement_id for a in self.shown], self.models, self.unconfirmed)

    @classmethod
    def from_plain(cls, plain: tuple) -> Agreements:
        self = cls()
        dates, agreements, shown, self.models, self.unconfirmed = plain
        self.dates = [dt.date.fromordinal(d) for d in dates]
        for (agreement_id, agency_id, state, model, signed_on, runs, listed, before, moa_first, moa_url, addendum_url,
             carried, successor, predecessor) in agreements:
            a = Agreement(agreement_id, agency_id, state, model, signed_on, [Run(*r) for r in runs], listed, before,
                          moa_first, moa_url, addendum_url, carried, successor, predecessor)
            self.by_id[agreement_id] = self.by_key[(agency_id, model, signed_on)] = a
            self.groups.setdefault((agency_id, model), []).append(a)
        self.shown = [self.by_id[i] for i in shown]
        return self

    def add_list(self, rows: list[dict], date: dt.date) -> tuple[dict[str, list], set[str], set[str]]:
        """Add the next list; returns its presence rows (columns ``agreement_id``, ``agency_id``, ``state``,
        ``model``, ``agency_type``, ``row_number``), the ids of the agreements whose rows and events may have
        changed, and the ids of those the list merely shows again (listed in the list before too, nothing else
        changed in their agency and model: only their latest listing and links move on, no event changes).
        Rows lacking an agency or a model are left out of the ledger."""
        self.dates.append(date)
        index = self.newest
        # Signing dates of each (agency, model) in the list before: for rows that leave the date out.
        previous_dates: dict[tuple[str, str], set[str]] | None = None
        presence: dict[str, list] = {c: [] for c in ("agreement_id", "agency_id", "state", "model", "agency_type",
                                                     "row_number")}
        p_agreement, p_agency, p_state, p_model, p_type, p_row = presence.values()
        shown: list[Agreement] = []
        models: dict[str, set[str]] = {}
        moa_posted: set[str] = set()
        for row in rows:
            agency_id, model = row["agency_id"], row["model"]
            if agency_id is None or model is None:
                continue
            signed_on, carried = row["signed_on"], False
            if signed_on is None and index > 0:
                if previous_dates is None:
                    previous_dates = {}
                    for a in self.shown:
                        if a.signed_on is not None:
                            previous_dates.setdefault((a.agency_id, a.model), set()).add(a.signed_on)
                before = previous_dates.get((agency_id, model), set())
                if len(before) == 1:
                    signed_on, carried = next(iter(before)), True
            agreement = self.by_key.get((agency_id, model, signed_on))
            if agreement is None:
                agreement = Agreement(agreement_id_of(agency_id, model, signed_on), agency_id, row["state"], model,
                                      signed_on, before=self.models.get(agency_id, ()))
                self.by_id[agreement.agreement_id] = self.by_key[(agency_id, model, signed_on)] = agreement
                self.groups.setdefault((agency_id, model), []).append(agreement)
            if carried:
                agreement.signed_on_carried = True
            row_number = row["row_number"]
            if not add_listing(agreement.runs, index, row_number, self.dates):
                continue  # a duplicate row of the same agreement in one list (ICE, August 2025)
            agreement.listed += 1
            if row["moa_url"]:
                agreement.moa_url = row["moa_url"]
                if agreement.moa_first is None:
                    agreement.moa_first = (index, row_number, row["moa_url"])
                    moa_posted.add(agreement.agreement_id)
            if row["addendum_url"]:
                agreement.addendum_url = row["addendum_url"]
            shown.append(agreement)
            models.setdefault(agency_id, set()).add(model)
            p_agreement.append(agreement.agreement_id)
            p_agency.append(agency_id)
            p_state.append(row["state"])
            p_model.append(model)
            p_type.append(row["agency_type"])
            p_row.append(row_number)
        self.models = {agency_id: tuple(sorted(held)) for agency_id, held in models.items()}
        listed_now = {a.agreement_id for a in shown}
        gone = [a for a in self.shown if a.agreement_id not in listed_now]
        for a in gone:  # missing from this list for the first time: what its agency still holds
            a.runs[-1].after = self.models.get(a.agency_id, ())
        before = {a.agreement_id for a in self.shown}
        touched = listed_now | before | self.unconfirmed
        self.unconfirmed = {i for i in touched - listed_now
                            if not is_confirmed_absence(self.by_id[i].last, index, self.dates)}
        self.shown = shown
        # Listed in the list before and in this one, as one run: only its latest listing moved on.
        again = {i for i in listed_now & before if self.by_id[i].runs[-1].start < index} - moa_posted
        groups = {(self.by_id[i].agency_id, self.by_id[i].model) for i in touched}
        for key in groups:
            if len(self.groups[key]) > 1:  # a lone agreement has no successor
                self._link_successors(self.groups[key])
        changed = {(self.by_id[i].agency_id, self.by_id[i].model) for i in touched - again}
        rewritten = {a.agreement_id for key in changed for a in self.groups[key]}
        return presence, rewritten, (listed_now & again) - rewritten

    def _link_successors(self, group: list[Agreement]) -> None:
        """Succession within one agency and model (see the module's docstring)."""
        for a in group:
            a.successor = a.predecessor = None
        group = sorted(group, key=lambda a: (a.first, a.agreement_id))
        for old in group:
            if old.last >= self.newest:
                continue
            candidates = [new for new in group
                          if new is not old and new.predecessor is None and old.first < new.first
                          <= old.last + SUCCESSION_WINDOW and new.last > old.last]
            if candidates:
                new = min(candidates, key=lambda a: (a.first, -a.last, a.agreement_id))
                old.successor, new.predecessor = new.agreement_id, old.agreement_id


def is_correction(old: Agreement, new: Agreement, old_first_listed_on: str) -> bool:
    """True when ``new`` corrects the signing date of ``old`` rather than renewing it."""
    if old.signed_on is None or new.signed_on is None:
        return True
    return new.signed_on < old.signed_on or new.signed_on <= old_first_listed_on


def status_of(agreement: Agreement, newest: int) -> str:
    """``Active``, ``Superseded`` or ``Removed``."""
    if agreement.last == newest:
        return "Active"
    return "Superseded" if agreement.successor else "Removed"
