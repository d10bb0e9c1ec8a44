"""Atom feeds of ledger events: every change, per state, per agency and per county."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from g287.alerts.feeds import scope_feed
from g287.store.agencies import agency_by_id
from g287.store.events import scope_events
from g287.store.geography import find_state
from g287.store.records import county_by_fips
from g287.web.deps import Cursor
from g287.web.models import ERRORS

ATOM = {200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}, "description": "An Atom feed."}}
router = APIRouter(prefix="/feeds", tags=["feeds"], responses={**ERRORS, **ATOM})
LIMIT = 200


def feed_response(con: Cursor, kind: str, key: str = "") -> Response:
    """The newest events of scope ``kind``/``key`` as its Atom document."""
    return Response(scope_feed(kind, key, scope_events(con, kind, key), LIMIT),
                    media_type="application/atom+xml")


@router.get("/all.xml", response_class=Response)
def all_events(con: Cursor) -> Response:
    """Every change, newest first."""
    return feed_response(con, "all")


@router.get("/state/{state}.xml", response_class=Response)
def state_events(con: Cursor, state: str) -> Response:
    """The changes of one state."""
    return feed_response(con, "state", find_state(state, by_name=False))


@router.get("/agency/{agency_id}.xml", response_class=Response)
def agency_events(con: Cursor, agency_id: str) -> Response:
    """The changes of one agency."""
    agency_by_id(con, agency_id)
    return feed_response(con, "agency", agency_id)


@router.get("/county/{county_fips}.xml", response_class=Response)
def county_events(con: Cursor, county_fips: str) -> Response:
    """The changes of the agencies covering one county."""
    county_by_fips(con, county_fips)
    return feed_response(con, "county", county_fips)
