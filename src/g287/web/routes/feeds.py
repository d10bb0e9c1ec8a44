"""Atom feeds of ledger events: every change, per state, per agency and per county."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from g287.alerts.feeds import scope_feed
from g287.inputs import STATE_NAMES
from g287.store.events import select_events
from g287.web.deps import Ledger
from g287.web.models import ERRORS

ATOM = {200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}, "description": "An Atom feed."}}
router = APIRouter(prefix="/feeds", tags=["feeds"], responses={**ERRORS, **ATOM})
LIMIT = 200


def feed_response(con: Ledger, where: str, params: list, kind: str, key: str = "") -> Response:
    """The newest events matching ``where`` as the Atom document of scope ``kind``/``key``."""
    return Response(scope_feed(kind, key, select_events(con, where, params), LIMIT),
                    media_type="application/atom+xml")


@router.get("/all.xml", response_class=Response)
def all_events(con: Ledger) -> Response:
    """Every change, newest first."""
    return feed_response(con, "TRUE", [], "all")


@router.get("/state/{state}.xml", response_class=Response)
def state_events(con: Ledger, state: str) -> Response:
    """The changes of one state."""
    if state.upper() not in STATE_NAMES:
        raise HTTPException(404, f"No state {state!r}; use a code (FL).")
    code = state.upper()
    return feed_response(con, "e.state = ?", [code], "state", code)


@router.get("/agency/{agency_id}.xml", response_class=Response)
def agency_events(con: Ledger, agency_id: str) -> Response:
    """The changes of one agency."""
    if con.execute("SELECT 1 FROM agencies WHERE agency_id = ?", [agency_id]).fetchone() is None:
        raise HTTPException(404, f"No agency with id {agency_id!r}. Search by name at /search?q=...")
    return feed_response(con, "e.agency_id = ?", [agency_id], "agency", agency_id)


@router.get("/county/{county_fips}.xml", response_class=Response)
def county_events(con: Ledger, county_fips: str) -> Response:
    """The changes of the agencies covering one county."""
    if con.execute("SELECT 1 FROM counties WHERE county_fips = ?", [county_fips]).fetchone() is None:
        raise HTTPException(404, f"No county with FIPS code {county_fips!r}. Search by name at /search?q=...")
    return feed_response(con, "e.agency_id IN (SELECT agency_id FROM agency_counties WHERE county_fips = ?)",
                         [county_fips], "county", county_fips)
