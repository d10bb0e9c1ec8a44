"""Search: agencies, counties and states, typos allowed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from g287.inputs import STATE_NAMES
from g287.store.search import search_ledger
from g287.web.deps import Ledger
from g287.web.language import render
from g287.web.models import ERRORS, SearchPage

router = APIRouter(tags=["pages"], responses=ERRORS)

Q = Annotated[str, Query(max_length=200, description="Name or part of it; typos allowed.")]


def run_search(con: Ledger, q: Q = "") -> SearchPage:
    """Results for ``q`` (none for an empty query)."""
    return SearchPage(q=q, results=search_ledger(con, q) if q.strip() else [])


@router.get("/search.json", response_model=SearchPage)
def search_json(con: Ledger, q: Q = "") -> SearchPage:
    """The search page's data."""
    return run_search(con, q)


@router.get("/search", include_in_schema=False)
def search_page(request: Request, con: Ledger, q: Q = ""):
    """The search page."""
    return render(request, "search.html", {"page": run_search(con, q)})


def search_names(con: Ledger) -> list[list[str]]:
    """Every name the search looks through, as ``[kind, key, name, state]`` rows: the client-side index of the
    static site, where the search runs in the browser (static/search.js scores as search_ledger does)."""
    rows = con.execute("SELECT 'agency', agency_id, agency_name, state FROM agencies UNION ALL "
                       "SELECT 'county', county_fips, county_name, state FROM counties ORDER BY 1, 2").fetchall()
    return [list(r) for r in rows] + [["state", code, name, code] for code, name in STATE_NAMES.items()]


@router.get("/search-index.json", response_model=list[list[str]])
def search_index(con: Ledger) -> list[list[str]]:
    """Every agency, county and state name with its kind, key and state, for searching in the browser."""
    return search_names(con)
