"""Pending requests (agency and model) on ICE's pending list, their runs, and what became of them.

Built one accepted pending list at a time (:meth:`Pending.add_list`); the records of any set of agencies can
then be written out with their events (:meth:`Pending.rows`).
"""

from __future__ import annotations

import datetime as dt

from g287.ledger.timeline import Run, add_listing, is_confirmed_absence

# A pending agency counts as signed when its participating agreement is first listed no later than this
# many days after it was last seen pending.
PENDING_SIGNING_WINDOW_DAYS = 45


class Pending:
    """Every (agency, model) the pending lists show, with its runs."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.on: list[str] = []
        self.dates: list[dt.date] = []
        self.records: dict[str, dict[str, tuple[str, list[Run]]]] = {}  # agency -> model -> (state, runs)
        self.shown: set[str] = set()  # agencies in the newest pending list
        self.unconfirmed: set[str] = set()  # agencies with a request missing lately, removal not yet confirmed

    def to_plain(self) -> tuple:
        """This state as built-in values only (see :meth:`g287.ledger.tables.Ledger.dump`)."""
        records = {agency_id: {model: (state, [(r.start, r.end, r.start_row, r.end_row) for r in runs])
                               for model, (state, runs) in models.items()}
                   for agency_id, models in self.records.items()}
        return self.ids, self.on, [d.toordinal() for d in self.dates], records, self.shown, self.unconfirmed

    @classmethod
    def from_plain(cls, plain: tuple) -> Pending:
        self = cls()
        self.ids, self.on, dates, records, self.shown, self.unconfirmed = plain
        self.dates = [dt.date.fromordinal(d) for d in dates]
        self.records = {agency_id: {model: (state, [Run(*r) for r in runs]) for model, (state, runs) in models.items()}
                        for agency_id, models in records.items()}
        return self

    def add_list(self, publication: dict, rows: list[dict]) -> set[str]:
        """Add the next list; returns the agencies whose records may have changed."""
        self.ids.append(publication["publication_id"])
        self.on.append(publication["list_date"])
        self.dates.append(dt.date.fromisoformat(publication["list_date"]))
        index = len(self.ids) - 1
        shown: set[str] = set()
        for row in rows:
            agency_id = row["agency_id"]
            if agency_id is None:
                continue
            shown.add(agency_id)
            models = self.records.setdefault(agency_id, {})
            model = row["model"] or "unknown"
            if model not in models:
                models[model] = (row["state"], [])
            add_listing(models[model][1], index, row["row_number"], self.dates)
        touched = shown | self.shown | self.unconfirmed
        self.unconfirmed = {agency_id for agency_id in touched for _, runs in self.records[agency_id].values()
                            if runs[-1].end < index and not is_confirmed_absence(runs[-1].end, index, self.dates)}
        self.shown = shown
        return touched

    def rows(self, agency_ids, first_listings, events) -> list[dict]:
        """The ``pending`` rows of ``agency_ids`` in the table's order, adding their events to ``events``.

        ``first_listings(agency_id, model)`` gives the agreements of that agency and model (dicts with
        ``agreement_id``, ``first_listed_on``, ``first_publication_id``, ``first_row_number``)."""
        ids, on, dates = self.ids, self.on, self.dates
        newest = len(ids) - 1
        result = []
        for agency_id in sorted(a for a in agency_ids if a in self.records):
            for model, (state, runs) in sorted(self.records[agency_id].items()):
                listings = first_listings(agency_id, model)
                for run in runs:
                    events.add("pending_listed", on[run.start], agency_id, None, state, model,
                               [("row", ids[run.start], run.start_row)])
                    window_end = (dates[run.end] + dt.timedelta(days=PENDING_SIGNING_WINDOW_DAYS)).isoformat()
                    signed = sorted((a for a in listings if on[run.start] <= a["first_listed_on"] <= window_end),
                                    key=lambda a: a["first_listed_on"])
                    outcome, agreement_id = "pending", None
                    if signed:
                        agreement = signed[0]
                        outcome, agreement_id = "signed", agreement["agreement_id"]
                        events.add("pending_signed", agreement["first_listed_on"], agency_id, agreement_id, state,
                                   model, [("row", agreement["first_publication_id"], agreement["first_row_number"]),
                                           ("last_pending_row", ids[run.end], run.end_row)])
                    elif run.end < newest:
                        outcome = "removed"
                        events.add("pending_removed", on[run.end + 1], agency_id, None, state, model,
                                   [("absent_from", ids[run.end + 1], None),
                                    ("last_pending_row", ids[run.end], run.end_row)],
                                   is_provisional=not is_confirmed_absence(run.end, newest, dates))
                    result.append({"agency_id": agency_id, "state": state,
                                   "model": None if model == "unknown" else model,
                                   "first_listed_on": on[run.start], "last_listed_on": on[run.end],
                                   "first_publication_id": ids[run.start], "first_row_number": run.start_row,
                                   "last_publication_id": ids[run.end], "last_row_number": run.end_row,
                                   "status": outcome, "agreement_id": agreement_id})
        return result
