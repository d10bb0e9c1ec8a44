"""The JSON API under ``/api/v1``: counts, agencies, agreements, events, coverage, search; CSV twins of lists."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from g287.pages.models import (
    AgencyDetail,
    AgencyRow,
    Counts,
    Event,
    OutputSummary,
    StateCoverage,
    TimelinePoint,
)
from g287.pages.program import events_since, national_coverage, program_timeline
from g287.pages.states import coverage_by_state
from g287.store import coverage as store_coverage
from g287.store.agencies import agency_by_id, list_agencies, list_agreements
from g287.store.counts import count_agreements
from g287.store.output import output_summary
from g287.store.publications import list_dates
from g287.store.search import search_ledger
from g287.web.deps import (
    AgencyOr404,
    AsOf,
    Cursor,
    Model,
    PageNumber,
    PerPage,
    Since,
    State,
    StoreMemo,
)
from g287.web.models import ERRORS, AgreementRow, Coverage, Page

CSV_RESPONSE = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, UTF-8."}}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)

By = Literal["model", "state", "type"]
Status = Literal["Active", "Superseded", "Removed"]
EventType = Literal["listed", "signed", "renewed", "model_added", "model_dropped", "removed", "re_listed", "renamed",
                    "signed_on_corrected", "moa_posted", "moa_changed", "pending_listed", "pending_signed",
                    "pending_removed"]


class SearchResult(BaseModel):
    """An agency, county or state whose name is close to the search text."""

    kind: Literal["agency", "county", "state"]
    key: str
    name: str
    state: str
    score: float


def paginate(request: Request, rows: list, page: int, per_page: int) -> dict:
    """One page of ``rows`` with ``next``/``previous`` links that keep the request's other parameters."""
    def link(number: int) -> str:
        return str(request.url.include_query_params(page=number, per_page=per_page))

    start = (page - 1) * per_page
    return {"page": page, "per_page": per_page, "total": len(rows),
            "next": link(page + 1) if start + per_page < len(rows) else None,
            "previous": link(page - 1) if page > 1 and rows else None,
            "items": rows[start:start + per_page]}


def csv_response(rows: list[dict], columns: list[str], name: str) -> Response:
    """``rows`` as a CSV download named ``name``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _event_rows(events: list[dict]) -> list[dict]:
    """Events flattened for CSV: evidence as ``role:publication_id:row`` entries separated by ``|``."""
    return [{**e, "evidence": "|".join(f"{v['role']}:{v['publication_id']}:{v['row_number'] or ''}"
                                       for v in e["evidence"])} for e in events]


@router.get("/counts", response_model=Counts)
def counts(con: Cursor, as_of: AsOf, state: State, by: By | None = None) -> dict:
    """Agreements and agencies in the newest list on or before ``as_of``; the shape of ``g287 counts --json``."""
    return count_agreements(con, as_of=as_of, by=by, state=state)


@router.get("/agencies", response_model=Page[AgencyRow])
def agencies(request: Request, con: Cursor, as_of: AsOf, state: State, model: Model, page: PageNumber = 1,
             per_page: PerPage = 100) -> dict:
    """Agencies listed on a date, with their models."""
    return paginate(request, list_agencies(con, as_of=as_of, state=state, model=model), page, per_page)


@router.get("/agencies.csv", responses=CSV_RESPONSE, response_class=Response)
def agencies_csv(con: Cursor, as_of: AsOf, state: State, model: Model) -> Response:
    """Agencies listed on a date, as CSV."""
    return csv_response(list_agencies(con, as_of=as_of, state=state, model=model),
                        list(AgencyRow.model_fields), "agencies.csv")


@router.get("/agencies/{agency_id}", response_model=AgencyDetail)
def agency(detail: AgencyOr404) -> AgencyDetail:
    """One agency: agreements, counties covered, and events with their evidence."""
    return detail


@router.get("/agreements", response_model=Page[AgreementRow])
def agreements(request: Request, con: Cursor, state: State, model: Model, status: Status | None = None,
               page: PageNumber = 1, per_page: PerPage = 100) -> dict:
    """Every agreement the ledger knows: active, superseded (renewed) or removed."""
    return paginate(request, list_agreements(con, state=state, model=model, status=status), page, per_page)


@router.get("/agreements.csv", responses=CSV_RESPONSE, response_class=Response)
def agreements_csv(con: Cursor, state: State, model: Model, status: Status | None = None) -> Response:
    """Every agreement, as CSV."""
    return csv_response(list_agreements(con, state=state, model=model, status=status),
                        list(AgreementRow.model_fields), "agreements.csv")


@router.get("/events", response_model=Page[Event])
def events(request: Request, con: Cursor, memo: StoreMemo, since: Since, state: State,
           event_type: EventType | None = None, page: PageNumber = 1, per_page: PerPage = 100) -> dict:
    """Events on or after ``since``, newest first, each with its evidence."""
    rows = events_since(con, since, state, event_type, memo)
    return paginate(request, rows[::-1], page, per_page)


@router.get("/events.csv", responses=CSV_RESPONSE, response_class=Response)
def events_csv(con: Cursor, memo: StoreMemo, since: Since, state: State, event_type: EventType | None = None
               ) -> Response:
    """Events on or after ``since``, as CSV (evidence as ``role:publication_id:row``, ``|``-separated)."""
    rows = events_since(con, since, state, event_type, memo)
    return csv_response(_event_rows(rows[::-1]), list(Event.model_fields), "events.csv")


@router.get("/output", response_model=OutputSummary)
def output(con: Cursor, state: State,
           agency: Annotated[str | None, Query(max_length=200, description="Agency id, as in the ledger.")] = None,
           county: Annotated[str | None, Query(pattern=r"^\d{5}$", description="County FIPS code.")] = None) -> dict:
    """People identified and removed through 287(g) by fiscal year (ICE's statistics, FY2006-2013), against the
    agreements in force: for an agency (by id), a county, a state or the nation."""
    if agency is not None:
        agency_by_id(con, agency, search="/api/v1/search?q=...")
    return output_summary(con, agency=agency, state=state, county=county)


LocalOnly = Annotated[bool, Query(description="Leave out state agencies' agreements (each covers a whole state).")]


@router.get("/coverage", response_model=Coverage)
@router.get("/coverage.json", response_model=Coverage, include_in_schema=False)  # a file name for static hosts
def coverage(con: Cursor, memo: StoreMemo, as_of: AsOf, state: State, model: Model,
             local_only: LocalOnly = False) -> dict:
    """Counties and residents covered by the agreements in force on a date (from 2002), by model."""
    if as_of is None and state is None and model is None and not local_only:  # the home page's, once per store
        return national_coverage(con, memo)
    return store_coverage.coverage(con, as_of=as_of, state=state, model=model, local_only=local_only)



@router.get("/coverage/states", response_model=list[StateCoverage])
def coverage_states(con: Cursor, memo: StoreMemo, as_of: AsOf, model: Model,
                    local_only: LocalOnly = False) -> list[dict]:
    """Per state: residents covered on a date and their share of the state's population."""
    if model is None and not local_only:  # what the state pages show, once per store and date
        return coverage_by_state(con, as_of, memo)
    return store_coverage.coverage_by_state(con, as_of=as_of, model=model, local_only=local_only)


@router.get("/timeline", response_model=list[TimelinePoint])
def timeline(con: Cursor, memo: StoreMemo, state: State) -> list[dict]:
    """Agreements by model on every date with a list: the growth of the program."""
    return program_timeline(con, state, memo)


@router.get("/dates", response_model=list[str])
def dates(con: Cursor, memo: StoreMemo) -> list[str]:
    """Every date with an accepted participating list, oldest first."""
    return memo(("dates",), lambda: list_dates(con))


@router.get("/search", response_model=list[SearchResult])
def search(con: Cursor, q: Annotated[str, Query(min_length=1, max_length=200, description="Name or part of it; "
                                                "typos allowed.", examples=["garet county sherif"])]) -> list[dict]:
    """Agencies, counties and states whose names are close to ``q``, best first."""
    return search_ledger(con, q)
