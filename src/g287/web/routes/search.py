"""Search: agencies, counties and states, typos allowed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from g287.store.search import search_ledger, search_names
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


@router.get("/search-index.json", response_model=list[list[str]])
def search_index(con: Ledger) -> list[list[str]]:
    """Every agency, county and state name with its kind, key and state, for searching in the browser."""
    return search_names(con)
