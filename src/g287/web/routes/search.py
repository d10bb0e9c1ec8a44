"""Search: agencies, counties and states, typos allowed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from g287.pages.models import SearchPage
from g287.pages.search import run_search
from g287.store.search import search_names
from g287.web.deps import Cursor
from g287.web.language import render
from g287.web.models import ERRORS

router = APIRouter(tags=["pages"], responses=ERRORS)

Q = Annotated[str, Query(max_length=200, description="Name or part of it; typos allowed.")]


@router.get("/search.json", response_model=SearchPage)
def search_json(con: Cursor, q: Q = "") -> SearchPage:
    """The search page's data."""
    return run_search(con, q)


@router.get("/search", include_in_schema=False)
def search_page(request: Request, con: Cursor, q: Q = ""):
    """The search page."""
    return render(request, "search.html", {"page": run_search(con, q)})


@router.get("/search-index.json", response_model=list[list[str]])
def search_index(con: Cursor) -> list[list[str]]:
    """Every agency, county and state name with its kind, key and state, for searching in the browser."""
    return search_names(con)
