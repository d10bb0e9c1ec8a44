"""Build the ledger tables from accepted publications: agencies, agreements, events with evidence, pending.

Pure: takes publications (in order, with ``status``) and their normalised rows, returns tables as lists of
dicts. Event types and what each cites:

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

from g287.ledger.agreements import Agreement, build_agreements, is_correction, status_of
from g287.ledger.history import build_history
from g287.ledger.timeline import build_runs, is_confirmed_absence
from g287.parse.rows import agency_name_key

EVENT_TYPES = ("listed", "signed", "renewed", "signed_on_corrected", "removed", "re_listed", "model_added",
               "model_dropped", "renamed", "moa_posted", "moa_changed", "pending_listed", "pending_signed",
               "pending_removed")
# The columns of a normalised row the ledger reads (see g287.parse.rows.ROW_COLUMNS).
LEDGER_INPUT_COLUMNS = ("agency_id", "state", "agency_name", "agency_type", "county", "ice_county", "model",
                        "signed_on", "row_number", "moa_url", "addendum_url")
# The 2002-2020 sources' rows add what each row states (signed, former_moa, withdrew, ...).
HISTORY_INPUT_COLUMNS = (*LEDGER_INPUT_COLUMNS, "row_status")
# A pending agency counts as signed when its participating agreement is first listed no later than this
# many days after it was last seen pending.
PENDING_SIGNING_WINDOW_DAYS = 45


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


def build_ledger(publications: list[dict], rows_by_publication: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """All ledger tables from publications (ordered, with ``status``) and their normalised rows."""
    accepted = [p for p in publications if p["status"] == "accepted"]
    participating = [p for p in accepted if p["kind"] == "participating"]
    pending = [p for p in accepted if p["kind"] == "pending"]
    events = _Events()
    tables: dict[str, list[dict]] = {}
    if participating:
        tables.update(_build_participating(participating, rows_by_publication, events))
    else:
        tables.update({"agreements": [], "presence": [], "agencies": [], "agency_names": [], "agency_notes": []})
    tables["pending"] = _build_pending(pending, rows_by_publication, tables["agreements"], events)
    tables.update(build_history(publications, rows_by_publication, tables["agreements"],
                                participating[0] if participating else None))
    # Agencies that left the program before ICE's first list of 2021 are agencies too (their pages, geography).
    known = {a["agency_id"] for a in tables["agencies"]}
    tables["agencies"] = sorted(tables["agencies"] + [a for a in tables.pop("history_agencies")
                                                      if a["agency_id"] not in known], key=lambda a: a["agency_id"])
    tables["events"], tables["event_evidence"] = _sorted_events(events.events, events.evidence)
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


def _build_participating(publications: list[dict], rows_by_publication: dict[str, list[dict]],
                         events: _Events) -> dict[str, list[dict]]:
    ids = [p["publication_id"] for p in publications]
    on = [p["list_date"] for p in publications]
    dates = [dt.date.fromisoformat(d) for d in on]
    newest = len(publications) - 1
    agreements, presence = build_agreements([rows_by_publication[i] for i in ids], dates)

    # Which models each agency holds in each list: for model_added / model_dropped.
    models_at: list[dict[str, set[str]]] = [{} for _ in publications]
    for index, agency_id, model in zip(presence["list_index"], presence["agency_id"], presence["model"]):
        models_at[index].setdefault(agency_id, set()).add(model)

    def cite(a: Agreement, index: int) -> tuple[str, str, int]:
        return ("row", ids[index], a.rows[index])

    for a in sorted(agreements.values(), key=lambda a: (a.first, a.agreement_id)):
        first = a.first
        if a.signed_on:
            events.add("signed", a.signed_on, a.agency_id, a.agreement_id, a.state, a.model, [cite(a, first)])
        if a.predecessor is not None:
            old = a.predecessor
            kind = "signed_on_corrected" if is_correction(old, a, on[old.first]) else "renewed"
            events.add(kind, on[first], a.agency_id, a.agreement_id, a.state, a.model,
                       [cite(a, first), ("previous_row", ids[old.last], old.rows[old.last])],
                       detail=f"{old.signed_on or 'undated'} -> {a.signed_on or 'undated'}")
        else:
            detail = "first list in the archive" if first == 0 else ""
            events.add("listed", on[first], a.agency_id, a.agreement_id, a.state, a.model, [cite(a, first)], detail)
            before = models_at[first - 1].get(a.agency_id, set()) if first > 0 else set()
            if before and a.model not in before:
                events.add("model_added", on[first], a.agency_id, a.agreement_id, a.state, a.model,
                           [cite(a, first)], detail=f"{'+'.join(sorted(before))} + {a.model}")
        for previous_run, run in zip(a.runs, a.runs[1:]):
            _removal(events, a, previous_run.end, ids, on, models_at, provisional=False)
            events.add("re_listed", on[run.start], a.agency_id, a.agreement_id, a.state, a.model, [cite(a, run.start)])
        if a.last < newest and a.successor is None:
            confirmed = is_confirmed_absence(a.last, newest, dates)
            _removal(events, a, a.last, ids, on, models_at, provisional=not confirmed)
        if a.moa_url:
            index = min(a.moa_url)
            events.add("moa_posted", on[index], a.agency_id, a.agreement_id, a.state, a.model, [cite(a, index)],
                       detail=a.moa_url[index])

    agency_rows = _build_agencies(publications, rows_by_publication, agreements, newest, events)
    agreement_rows = []
    for a in sorted(agreements.values(), key=lambda a: a.agreement_id):
        removed_on = on[a.last + 1] if a.last < newest else None
        agreement_rows.append({
            "agreement_id": a.agreement_id, "agency_id": a.agency_id, "state": a.state, "model": a.model,
            "signed_on": a.signed_on, "is_signed_on_carried": a.signed_on_carried,
            "status": status_of(a, newest),
            "first_listed_on": on[a.first], "last_listed_on": on[a.last], "removed_on": removed_on,
            "first_publication_id": ids[a.first], "first_row_number": a.rows[a.first],
            "last_publication_id": ids[a.last], "last_row_number": a.rows[a.last],
            "listed_publications": len(a.rows),
            "successor_id": a.successor.agreement_id if a.successor else None,
            "predecessor_id": a.predecessor.agreement_id if a.predecessor else None,
            "moa_url": a.moa_url[max(a.moa_url)] if a.moa_url else None,
            "addendum_url": a.addendum_url[max(a.addendum_url)] if a.addendum_url else None,
        })
    presence["publication_id"] = [ids[i] for i in presence.pop("list_index")]
    return {"agreements": agreement_rows, "presence": presence, **agency_rows}


def _removal(events: _Events, a: Agreement, last: int, ids: list[str], on: list[str],
             models_at: list[dict[str, set[str]]], provisional: bool) -> None:
    gone = last + 1
    evidence = [("absent_from", ids[gone], None), ("last_row", ids[last], a.rows[last])]
    events.add("removed", on[gone], a.agency_id, a.agreement_id, a.state, a.model, evidence,
               is_provisional=provisional)
    after = models_at[gone].get(a.agency_id, set())
    if after and a.model not in after:
        events.add("model_dropped", on[gone], a.agency_id, a.agreement_id, a.state, a.model, evidence,
                   detail=f"keeps {'+'.join(sorted(after))}", is_provisional=provisional)


# Descriptive columns that never split an agency: when ICE's rows for one agency disagree on them, the agency
# keeps its latest value and every value is recorded in ``agency_notes`` with the rows that carry it.
NOTED_COLUMNS = ("agency_type", "county")


def _build_agencies(publications: list[dict], rows_by_publication: dict[str, list[dict]],
                    agreements: dict[str, Agreement], newest: int, events: _Events) -> dict[str, list[dict]]:
    """Agencies with their latest name, type and county, names over time, rename events, and the values of
    :data:`NOTED_COLUMNS` on which an agency's rows disagree."""
    latest: dict[str, dict] = {}
    values: dict[tuple[str, str], dict[str, dict]] = {}  # (agency, column) -> value -> rows, first, last
    names: dict[tuple[str, str], dict] = {}
    current_name: dict[str, tuple[str, dict]] = {}  # agency -> (name as printed, its names entry)
    order: dict[str, list[str]] = {}
    for index, publication in enumerate(publications):
        for row in rows_by_publication[publication["publication_id"]]:
            agency_id = row["agency_id"]
            if agency_id is None or row["model"] is None:
                continue
            info = latest.get(agency_id)
            if info is None:
                info = latest[agency_id] = {"agency_id": agency_id, "state": row["state"], "first": index}
            info["last"] = index
            info["row"] = row
            for column in ("agency_type", "county", "ice_county"):
                if row[column] is not None:
                    info[column] = row[column]
            for column in NOTED_COLUMNS:
                if row[column] is not None:
                    seen_values = values.setdefault((agency_id, column), {})
                    note = seen_values.get(row[column])
                    if note is None:
                        note = seen_values[row[column]] = {"rows": 0, "first": (index, row["row_number"])}
                    note["rows"] += 1
                    note["last"] = (index, row["row_number"])
            name = row["agency_name"]
            seen = current_name.get(agency_id)
            if seen is None or seen[0] != name:
                key = agency_name_key(name)
                entry = names.get((agency_id, key))
                if entry is None:
                    entry = names[(agency_id, key)] = {"agency_id": agency_id, "agency_name": name, "first": index,
                                                       "first_row_number": row["row_number"]}
                    keys = order.setdefault(agency_id, [])
                    if keys:
                        old = names[(agency_id, keys[-1])]
                        old_on = publications[old["last"]]
                        events.add("renamed", publication["list_date"], agency_id, None, row["state"], None,
                                   [("row", publication["publication_id"], row["row_number"]),
                                    ("previous_row", old_on["publication_id"], old["last_row_number"])],
                                   detail=f"{old['agency_name']} -> {name}")
                    keys.append(key)
                seen = current_name[agency_id] = (name, entry)
            entry = seen[1]
            entry["last"] = index
            entry["last_row_number"] = row["row_number"]
    active = {a.agency_id for a in agreements.values() if newest in a.rows}
    on = [p["list_date"] for p in publications]
    ids = [p["publication_id"] for p in publications]
    agencies = [{
        "agency_id": agency_id, "state": info["state"], "agency_name": info["row"]["agency_name"],
        "agency_type": info.get("agency_type"), "county": info.get("county"), "ice_county": info.get("ice_county"),
        "first_listed_on": on[info["first"]], "last_listed_on": on[info["last"]], "is_active": agency_id in active,
    } for agency_id, info in sorted(latest.items())]
    agency_names = sorted(({
        "agency_id": n["agency_id"], "agency_name": n["agency_name"], "first_seen_on": on[n["first"]],
        "first_publication_id": ids[n["first"]], "first_row_number": n["first_row_number"],
        "last_seen_on": on[n["last"]], "last_publication_id": ids[n["last"]], "last_row_number": n["last_row_number"],
    } for n in names.values()), key=lambda n: (n["agency_id"], n["first_seen_on"], n["agency_name"]))
    agency_notes = [{
        "agency_id": agency_id, "field": column, "value": value, "rows": note["rows"],
        "is_current": value == latest[agency_id].get(column),
        "first_publication_id": ids[note["first"][0]], "first_row_number": note["first"][1],
        "last_publication_id": ids[note["last"][0]], "last_row_number": note["last"][1],
    } for (agency_id, column), seen in sorted(values.items()) if len(seen) > 1
        for value, note in sorted(seen.items())]
    return {"agencies": agencies, "agency_names": agency_names, "agency_notes": agency_notes}


def _build_pending(publications: list[dict], rows_by_publication: dict[str, list[dict]],
                   agreements: list[dict], events: _Events) -> list[dict]:
    """Pending records (agency and model) with their runs on the pending list and what became of them."""
    if not publications:
        return []
    ids = [p["publication_id"] for p in publications]
    on = [p["list_date"] for p in publications]
    dates = [dt.date.fromisoformat(d) for d in on]
    newest = len(publications) - 1
    seen: dict[tuple[str, str], dict] = {}
    for index, publication_id in enumerate(ids):
        for row in rows_by_publication[publication_id]:
            if row["agency_id"] is None:
                continue
            key = (row["agency_id"], row["model"] or "unknown")
            record = seen.setdefault(key, {"state": row["state"], "rows": {}})
            record["rows"].setdefault(index, row["row_number"])
    first_listing: dict[tuple[str, str], list[dict]] = {}
    for agreement in agreements:
        first_listing.setdefault((agreement["agency_id"], agreement["model"]), []).append(agreement)
    result = []
    for (agency_id, model), record in sorted(seen.items()):
        rows = record["rows"]
        for run in build_runs(sorted(rows), dates):
            state = record["state"]
            events.add("pending_listed", on[run.start], agency_id, None, state, model,
                       [("row", ids[run.start], rows[run.start])])
            window_end = dates[run.end] + dt.timedelta(days=PENDING_SIGNING_WINDOW_DAYS)
            signed = sorted((a for a in first_listing.get((agency_id, model), [])
                             if on[run.start] <= a["first_listed_on"] <= window_end.isoformat()),
                            key=lambda a: a["first_listed_on"])
            outcome, agreement_id = "pending", None
            if signed:
                agreement = signed[0]
                outcome, agreement_id = "signed", agreement["agreement_id"]
                events.add("pending_signed", agreement["first_listed_on"], agency_id, agreement_id, state, model,
                           [("row", agreement["first_publication_id"], agreement["first_row_number"]),
                            ("last_pending_row", ids[run.end], rows[run.end])])
            elif run.end < newest:
                outcome = "removed"
                events.add("pending_removed", on[run.end + 1], agency_id, None, state, model,
                           [("absent_from", ids[run.end + 1], None), ("last_pending_row", ids[run.end], rows[run.end])],
                           is_provisional=not is_confirmed_absence(run.end, newest, dates))
            result.append({"agency_id": agency_id, "state": state, "model": None if model == "unknown" else model,
                           "first_listed_on": on[run.start], "last_listed_on": on[run.end],
                           "first_publication_id": ids[run.start], "first_row_number": rows[run.start],
                           "last_publication_id": ids[run.end], "last_row_number": rows[run.end],
                           "status": outcome, "agreement_id": agreement_id})
    return result
