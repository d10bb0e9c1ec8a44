"""Agreement lives before ICE's first list in the ledger (2002 to 2021-01-12), as intervals with graded bounds.

The 2002-2020 sources are of two kinds (``publications.claim``): *in force* lists (ICE's 2007/2008 rosters,
the OIG's 2009 list, the 2010 FOIA chart, ICE's fact-sheet tables 2010-2017), each a statement that its rows
were in force on its date; and *signing dates* (Kostandini et al.'s table, ICE's MOA archive), which date a
signing and say nothing about any other day. The first list of the ledger (2021-01-12) closes the series.

**Intervals.** For each agency and model, the in-force lists that show it form runs; a run is one agreement's
life. A run broken by lists that omit it is bridged when the signing dates printed before and after the gap
share a date: the same MOA cannot lapse and come back (ICE's page of 2010-10-29 printed three Arizona hybrid
agencies as Task Force only). A roster row, which names no model, stands for the models the agency holds in
its next list. A signing date joins the first run of its agency (and model, where the source gives one) that
is still listed on or after that date; a date no run takes starts an interval of its own, seen only signed.

**Bounds.** The start is the earliest signing date of the run (a day, graded by the source that prints it);
without one, it lies after the last in-force list before the run and on or before its first list. The end is
the first day the agreement was no longer in force: between the run's last list and the first in-force list
that omits it; 2012-12-31 for the Task Force agreements that ICE ended that day; none when the run reaches
the first 2021 list (the ledger's agreement continues it). Each bound keeps its best date (``*_on``), its
earliest and latest dates, a precision (``day``, ``between``, ``before``), a grade and the row that sets it.

**In force on D** (D before the first 2021 list): *surely* when ``start_latest_on <= D < end_earliest_on``,
*possibly* when ``start_earliest_on <= D < end_latest_on``, and by best dates when
``start_on <= D < end_on``. Counts give the best number with the sure (low) and possible (high) ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from g287.inputs import STATE_NAMES

# The first 287(g) agreement (Florida Department of Law Enforcement, signed 2002-07-02, per the FOIA chart):
# no agreement can have started earlier.
PROGRAM_START = "2002-07-02"
# ICE ended every Task Force agreement on this day (its fact sheet of 12/31/2012 lists none).
TASK_FORCE_END = "2012-12-31"
TASK_FORCE_END_NOTE = ("ICE did not renew any Task Force agreement: its fact sheet of 12/31/2012 lists Jail "
                       "Enforcement agreements only")
GRADES = ("A", "B", "C")
# Two signing dates of one agreement this close are one signing that two sources date differently (the 2010
# chart's 10/19/2005 and ICE's 2005-11-19 for San Bernardino), not a renewal: MOAs ran for years.
SAME_SIGNING_DAYS = 90
# An agreement may reach ICE's page up to this long after its signing (Mesa, signed 2009-11-19, first listed on
# the page of 2010-10-29); a signing older than that with lists omitting it in between is another agreement.
LISTING_LAG_DAYS = 365
_STATE_AGENCY = re.compile(r"highway patrol|state patrol|state police|department of (public safety|law enforcement|"
                           r"corrections?|safety)", re.IGNORECASE)


def agency_type_from_name(name: str, state_name: str) -> str | None:
    """The TYPE ICE would print for an agency of the 2002-2020 sources, which print none.

    >>> [agency_type_from_name(n, "Virginia") for n in ("Virginia State Police", "Prince William County Police Department",
    ...  "Herndon Police Department", "Hudson County Department of Corrections", "Framingham Police Department")]
    ['State Agency', 'County', 'Municipality', 'County', 'Municipality']
    """
    if "county" in name.casefold() or "sheriff" in name.casefold():
        return "County"
    if name.casefold().startswith(state_name.casefold()) or _STATE_AGENCY.search(name):
        return "State Agency"
    return "Municipality" if "police" in name.casefold() else None


@dataclass
class _Run:
    agency_id: str
    state: str
    model: str | None
    lists: dict[int, tuple[int, list[str]]] = field(default_factory=dict)  # list index -> (row, signing dates)
    signings: dict[str, tuple[str, str, int, str]] = field(default_factory=dict)  # date -> (pub, grade, row, basis)
    agreement_id: str | None = None  # the ledger agreement it continues as
    withdrawn_in: int | None = None  # the list that reports it withdrawn (the 2010 chart's "withdrew")

    @property
    def first(self) -> int:
        return min(self.lists)

    @property
    def last(self) -> int:
        return max(self.lists)

    def dates(self, indices) -> set[str]:
        return {d for i in indices for d in self.lists[i][1]}


def _days_between(earlier: str, later: str) -> int:
    return (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days


def _day_after(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def effective_dates(lists: list[dict]) -> list[str]:
    """The date each in-force list shows the program: its stated date, except when the source republished a
    date already used by an earlier list (ICE's fact sheet kept "as of 09/02/2011" over five captures while its
    table changed), where it is the date the list was seen (``observed_on``).

    >>> effective_dates([{"list_date": "2011-09-02", "observed_on": "2011-10-20"},
    ...                  {"list_date": "2011-09-02", "observed_on": "2012-01-20"}])
    ['2011-09-02', '2012-01-20']
    """
    seen: set[str] = set()
    dates = []
    for publication in lists:
        date = publication["list_date"]
        dates.append(publication.get("observed_on") or date if date in seen else date)
        seen.add(date)
    return dates


def build_history(publications: list[dict], rows_by_publication: dict[str, list[dict]],
                  ledger_agreements: list[dict], first_ledger: dict | None) -> dict[str, list[dict]]:
    """``intervals`` and ``history_events`` from the accepted 2002-2020 sources (``publications`` of kind
    history or roster, in order) and the ledger's agreements in its first participating list."""
    sources = [p for p in publications if p["kind"] in ("history", "roster") and p["status"] == "accepted"]
    in_force = [p for p in sources if p["claim"] == "in_force"]
    dates = effective_dates(in_force)
    order = sorted(range(len(in_force)), key=lambda i: (dates[i], in_force[i]["seq"]))
    in_force, dates = [in_force[i] for i in order], [dates[i] for i in order]
    if first_ledger is not None:  # the ledger's first list closes every run that does not reach it
        in_force.append({**first_ledger, "grade": "A"})
        dates.append(first_ledger["list_date"])
    ledger_index = len(in_force) - 1 if first_ledger is not None else None

    presence: dict[tuple[str, str | None], dict[int, tuple[int, list[str]]]] = {}
    states: dict[str, str] = {}
    unmodelled: list[tuple[int, dict]] = []
    # The 2010 chart dates each agency's former MOAs beside its standard 2009 MOA, or beside "in negotiation"
    # (the former MOA still in force) or "withdrew" (it lapsed): a former date is a signing, and makes the
    # agency listed only where its standard MOA was still in negotiation.
    former: dict[tuple[int, str, str], list[dict]] = {}
    for index, publication in enumerate(in_force[:ledger_index]):
        for row in rows_by_publication[publication["publication_id"]]:
            if row["agency_id"] is not None and row.get("row_status") == "former_moa":
                former.setdefault((index, row["agency_id"], row["model"]), []).append(row)
    lapsed: list[tuple[dict, dict]] = []
    for index, publication in enumerate(in_force[:ledger_index]):
        for row in rows_by_publication[publication["publication_id"]]:
            status = row.get("row_status")
            if status == "former_moa":
                continue
            earlier = former.pop((index, row["agency_id"], row["model"]), [])
            if row["agency_id"] is None or status not in (None, "signed", "in_negotiation") or (
                    status == "in_negotiation" and not earlier):
                lapsed += [(publication, {**r, "withdrawn_in": index}) for r in earlier if status == "withdrew"]
                lapsed += [(publication, r) for r in earlier if status != "withdrew"]
                continue
            states.setdefault(row["agency_id"], row["state"])
            if row["model"] is None:
                unmodelled.append((index, row))
                continue
            _, signed = presence.setdefault((row["agency_id"], row["model"]), {}).setdefault(
                index, (row["row_number"], []))
            for date in [r["signed_on"] for r in earlier] + [row["signed_on"]]:
                if date and date not in signed:
                    signed.append(date)
    lapsed += [(in_force[index], r) for (index, _, _), rows in former.items() for r in rows]
    continuing: dict[tuple[str, str], dict] = {}
    if ledger_index is not None:
        for agreement in ledger_agreements:
            if agreement["first_publication_id"] == first_ledger["publication_id"]:
                key = (agreement["agency_id"], agreement["model"])
                states.setdefault(agreement["agency_id"], agreement["state"])
                signed = [agreement["signed_on"]] if agreement["signed_on"] else []
                presence.setdefault(key, {})[ledger_index] = (agreement["first_row_number"], signed)
                continuing[key] = agreement
    # A roster row stands for the models of the agency's next listing, else for every model a source gives it
    # (Framingham's Task Force MOA, "withdrew" in the 2010 chart).
    mentioned: dict[str, set[str]] = {}
    for publication in sources:
        for row in rows_by_publication[publication["publication_id"]]:
            if row["agency_id"] is not None and row["model"] is not None:
                mentioned.setdefault(row["agency_id"], set()).add(row["model"])
    for index, row in unmodelled:
        later = sorted((i, model) for (agency, model), shown in presence.items() if agency == row["agency_id"]
                       for i in shown if i > index)
        models = ({model for i, model in later if i == later[0][0]} if later
                  else mentioned.get(row["agency_id"]) or {None})
        for model in models:
            presence.setdefault((row["agency_id"], model), {}).setdefault(index, (row["row_number"], []))

    witnesses = [witnesses_absence(p) for p in in_force]
    runs = _runs(presence, states, in_force, dates, witnesses)
    signings = lapsed + [(p, row) for p in sources if p["claim"] == "signing_dates"
                         for row in rows_by_publication[p["publication_id"]] if row.get("row_status") == "signed"]
    _add_signings(runs, dates, signings, states, witnesses)
    # The 2010 chart's "withdrew" ends the agreement the agency held before it.
    withdrawals: dict[tuple[str, str | None], list[int]] = {}
    for index, publication in enumerate(in_force[:ledger_index]):
        for row in rows_by_publication[publication["publication_id"]]:
            if row.get("row_status") == "withdrew" and row["agency_id"] is not None:
                withdrawals.setdefault((row["agency_id"], row["model"]), []).append(index)
    for run in runs:
        seen_until = dates[run.last] if run.lists else max(run.signings)
        later = [i for i in withdrawals.get((run.agency_id, run.model), []) if dates[i] > seen_until]
        if later and run.withdrawn_in is None:
            run.withdrawn_in = min(later)
        if ledger_index is not None and ledger_index in run.lists:
            run.agreement_id = continuing[(run.agency_id, run.model)]["agreement_id"]
    tables = _tables(runs, in_force, dates, ledger_index, witnesses)
    tables["history_agencies"] = _agencies(tables["intervals"], in_force[:ledger_index] + [
        p for p in sources if p["claim"] == "signing_dates"], rows_by_publication)
    return tables


def _agencies(intervals: list[dict], publications: list[dict], rows_by_publication) -> list[dict]:
    """Agencies of the intervals with their latest name in the 2002-2020 sources (for agencies no ICE list of 2021
    or later names), in the columns of the ``agencies`` table."""
    latest: dict[str, dict] = {}
    # The latest name an in-force list prints; a signing-date source's name only when no list prints one.
    for publication in sorted(publications, key=lambda p: (p["claim"] == "in_force", p["list_date"])):
        for row in rows_by_publication[publication["publication_id"]]:
            if row["agency_id"] is not None:
                latest[row["agency_id"]] = row
    spans: dict[str, list[str]] = {}
    for interval in intervals:
        spans.setdefault(interval["agency_id"], []).extend(
            d for d in (interval["start_on"], interval["first_listed_on"], interval["last_listed_on"]) if d)
    return [{"agency_id": agency_id, "state": latest[agency_id]["state"],
             "agency_name": latest[agency_id]["agency_name"],
             "agency_type": agency_type_from_name(latest[agency_id]["agency_name"],
                                                  STATE_NAMES.get(latest[agency_id]["state"], "")),
             "county": None, "ice_county": None, "first_listed_on": min(span), "last_listed_on": max(span),
             "is_active": False} for agency_id, span in sorted(spans.items()) if agency_id in latest]


def _runs(presence, states, in_force, dates, witnesses: list[bool]) -> list[_Run]:
    """Split each agency and model's listings into runs, bridging gaps that the same signing date spans."""
    runs = []
    for (agency_id, model), shown in sorted(presence.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        indices = sorted(shown)
        run = _Run(agency_id, states[agency_id], model, {indices[0]: shown[indices[0]]})
        for previous, index in zip(indices, indices[1:]):
            gap = any(witnesses[i] for i in range(previous + 1, index))
            if gap and not _same_moa(run, shown[index][1], dates[previous]):
                runs.append(run)
                run = _Run(agency_id, states[agency_id], model)
            run.lists[index] = shown[index]
        runs.append(run)
    for run in runs:
        for index, (row_number, signed) in sorted(run.lists.items()):
            publication = in_force[index]
            for date in signed:
                run.signings.setdefault(date, (publication["publication_id"], publication["grade"], row_number,
                                               "row"))
    return runs


def _same_moa(run: _Run, signed_after: list[str], last_before: str) -> bool:
    """True when the MOA listed after a gap was signed before the gap began (it was in force across it), or
    shares a signing date with the run before the gap.

    >>> run = _Run("AZ-x", "AZ", "JEM", {0: (5, ["2009-10-15"])})
    >>> _same_moa(run, ["2008-03-10"], "2010-05-08"), _same_moa(run, ["2013-10-11"], "2013-06-01")
    (True, False)
    """
    return bool(run.dates(run.lists) & set(signed_after)) or any(date <= last_before for date in signed_after)


def _add_signings(runs: list[_Run], dates: list[str], signings: list[tuple[dict, dict]], states,
                  witnesses: list[bool]) -> None:
    """Join each signing date (a publication and its row) to the run it dates, or start a run of its own."""
    by_agency: dict[str, list[_Run]] = {}
    for run in runs:
        by_agency.setdefault(run.agency_id, []).append(run)
    for publication, row in signings:
        if row["agency_id"] is None or row["signed_on"] is None:
            continue
        date = row["signed_on"]
        # The agency's runs still listed on or after that date; of these, the one first listed (a date without
        # a model: every run first listed on that list, as a hybrid MOA dates both its models).
        later = [run for run in by_agency.get(row["agency_id"], [])
                 if run.lists and row["model"] in (None, run.model) and dates[run.last] >= date
                 and _dates(run, date, dates, witnesses)]
        following = [run for run in later if run.first == min(r.first for r in later)]
        evidence = (publication["publication_id"], publication["grade"], row["row_number"], "signing_date")
        for run in following:
            _keep_best(run.signings, date, evidence)
        if following:
            continue
        states.setdefault(row["agency_id"], row["state"])
        alone = next((r for r in by_agency.get(row["agency_id"], []) if not r.lists and r.model == row["model"]
                      and r.withdrawn_in == row.get("withdrawn_in")), None)
        if alone is None:
            alone = _Run(row["agency_id"], row["state"], row["model"], withdrawn_in=row.get("withdrawn_in"))
            runs.append(alone)
            by_agency.setdefault(row["agency_id"], []).append(alone)
        _keep_best(alone.signings, date, evidence)


def witnesses_absence(publication: dict) -> bool:
    """True for a list whose omissions are evidence: ICE's own complete lists (grade A). The OIG's 2009 table
    and the 2010 chart (grade B) show agreements, but leave out some in force (Los Angeles, Orange, Harris and
    Jacksonville, whose standard MOA was still being negotiated); the chart's explicit "withdrew" is kept."""
    return publication["grade"] == "A"


def _dates(run: _Run, date: str, dates: list[str], witnesses: list[bool]) -> bool:
    """True when a signing on ``date`` can be the one of ``run``: it falls within the run, or no complete list
    dated more than :data:`LISTING_LAG_DAYS` after it omits the run before its first listing."""
    if date >= dates[run.first]:
        return True
    return not any(witnesses[i] and _days_between(date, dates[i]) > LISTING_LAG_DAYS for i in range(run.first))


def _keep_best(signings: dict, date: str, evidence: tuple) -> None:
    """Record ``date`` with ``evidence`` unless a better-graded source already gives it."""
    if date not in signings or GRADES.index(evidence[1]) < GRADES.index(signings[date][1]):
        signings[date] = evidence


def _tables(runs: list[_Run], in_force, dates, ledger_index, witnesses: list[bool]) -> dict[str, list[dict]]:
    intervals, events = [], []
    ids = [p["publication_id"] for p in in_force]

    def event(kind, on, precision, grade, run, interval_id, publication_id, row_number, detail=""):
        raw = "|".join([kind, interval_id, on or "", publication_id or "", str(row_number), detail])
        events.append({"event_id": "hv-" + hashlib.sha1(raw.encode()).hexdigest()[:14], "event_type": kind,
                       "event_on": on, "precision": precision, "grade": grade, "agency_id": run.agency_id,
                       "interval_id": interval_id, "state": run.state, "model": run.model,
                       "publication_id": publication_id, "row_number": row_number, "detail": detail})

    for run in sorted(runs, key=lambda r: (r.agency_id, r.model or "", min(r.signings or [dates[r.first]]))):
        listed = sorted(run.lists)
        signed = sorted(run.signings)
        # Start.
        if signed and (not listed or signed[0] <= dates[listed[0]]):
            start = dict(on=signed[0], earliest=signed[0], latest=signed[0], precision="day")
            if listed and any(witnesses[i] and signed[0] < dates[i] for i in range(listed[0])):
                # In-force lists after the signing omit it: sure from its first listing only.
                start.update(latest=dates[listed[0]], precision="listed_later")
            start_source = run.signings[signed[0]]
            start_basis = "signed"
        else:
            before = max((i for i in range(listed[0]) if witnesses[i]), default=-1)
            earliest = _day_after(dates[before]) if before >= 0 else PROGRAM_START
            start = dict(on=dates[listed[0]], earliest=earliest, latest=dates[listed[0]],
                         precision="between" if before >= 0 else "before")
            row_number = run.lists[listed[0]][0]
            start_source = (ids[listed[0]], in_force[listed[0]]["grade"], row_number, "row")
            start_basis = "first_listed"
        if ledger_index is not None and listed == [ledger_index] and start["earliest"] >= dates[ledger_index]:
            continue  # a ledger agreement signed on or after its first list: no life before it
        interval_id = f"{run.agency_id}-{run.model or 'unknown'}-{start['on']}"
        # End.
        last = listed[-1] if listed else None
        if last is not None and last == ledger_index:
            end = dict(on=None, earliest=None, latest=None, precision="continues")
            end_source, end_basis = (ids[last], "A", run.lists[last][0], "row"), "continues"
        else:
            seen_until = dates[last] if last is not None else signed[-1]
            after = next((i for i in range(len(in_force)) if dates[i] > seen_until and witnesses[i]
                          and i not in run.lists), None)
            if run.withdrawn_in is not None and (after is None or run.withdrawn_in < after):
                after = run.withdrawn_in
            if after is None:
                end = dict(on=None, earliest=_day_after(seen_until), latest=None, precision="unknown")
                end_source, end_basis = (None, None, None, None), "unknown"
            else:
                end = dict(on=dates[after], earliest=_day_after(seen_until), latest=dates[after],
                           precision="between" if last is not None else "before")
                end_source, end_basis = (ids[after], in_force[after]["grade"], None, "absent_from"), "absent_from"
                if run.model == "TFM" and seen_until < TASK_FORCE_END <= dates[after]:
                    end.update(on=TASK_FORCE_END, earliest=TASK_FORCE_END, latest=TASK_FORCE_END, precision="day")
                    end_basis = "task_force_end"
        intervals.append({
            "interval_id": interval_id, "agency_id": run.agency_id, "state": run.state, "model": run.model,
            "start_on": start["on"], "start_earliest_on": start["earliest"], "start_latest_on": start["latest"],
            "start_precision": start["precision"], "start_basis": start_basis, "start_grade": start_source[1],
            "start_publication_id": start_source[0], "start_row_number": start_source[2],
            "end_on": end["on"], "end_earliest_on": end["earliest"], "end_latest_on": end["latest"],
            "end_precision": end["precision"], "end_basis": end_basis, "end_grade": end_source[1],
            "end_publication_id": end_source[0], "end_row_number": end_source[2],
            "first_listed_on": dates[listed[0]] if listed else None,
            "last_listed_on": dates[last] if last is not None and last != ledger_index else (
                dates[listed[-2]] if len(listed) > 1 else None),
            "lists": sum(1 for i in listed if i != ledger_index),
            "signed_dates": "|".join(signed) or None, "agreement_id": run.agreement_id,
        })
        # Events: the start, each later signing (a renewal: the 2009 standard MOA, the 2013 and 2016 ones), the end.
        kind = "signed" if start_basis == "signed" else "first_listed"
        event(kind, start["on"], start["precision"], start_source[1], run, interval_id, start_source[0],
              start_source[2])
        kept = start["on"]
        for date in signed:
            if _days_between(kept, date) > SAME_SIGNING_DAYS and (end["on"] is None or date < end["on"]):
                source = run.signings[date]
                event("renewed", date, "day", source[1], run, interval_id, source[0], source[2])
                kept = date
        if end_basis in ("absent_from", "task_force_end"):
            detail = TASK_FORCE_END_NOTE if end_basis == "task_force_end" else ""
            event("ended", end["on"], end["precision"], end_source[1], run, interval_id, end_source[0], None, detail)
    intervals.sort(key=lambda i: i["interval_id"])
    events.sort(key=lambda e: (e["event_on"] or "", e["agency_id"], e["event_type"], e["event_id"]))
    return {"intervals": intervals, "history_events": events}
