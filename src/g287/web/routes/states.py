"""State pages and the comparison of states."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from g287.inputs import parse_state
from g287.pages.models import StateCoverage, StatePage
from g287.pages.states import (
    build_state,
    compare_context,
    coverage_by_state,
    state_context,
    states_context,
)
from g287.web.deps import AsOf, Cursor, StoreMemo
from g287.web.language import render
from g287.web.models import ERRORS

router = APIRouter(tags=["pages"], responses=ERRORS)


def load_state(con: Cursor, memo: StoreMemo, as_of: AsOf, state: Annotated[str, Path(examples=["FL"])]) -> StatePage:
    """The state with this code or name (:func:`g287.pages.states.build_state`); 404 if there is none."""
    return build_state(con, state, as_of, memo=memo)


StateOr404 = Annotated[StatePage, Depends(load_state)]


@router.get("/states.json", response_model=list[StateCoverage])
def states_json(con: Cursor, memo: StoreMemo, as_of: AsOf) -> list[dict]:
    """Residents covered per state."""
    return coverage_by_state(con, as_of, memo)


@router.get("/states", include_in_schema=False)
def states_page(request: Request, con: Cursor, memo: StoreMemo, as_of: AsOf):
    """Every state, with residents covered."""
    return render(request, "states.html", states_context(con, as_of, memo))


@router.get("/compare", include_in_schema=False)
def compare_page(request: Request, con: Cursor, memo: StoreMemo,
                 s: Annotated[list[str], Query(max_length=6, description="States to compare.")] = ("FL", "TX")):
    """States side by side."""
    return render(request, "compare.html", compare_context(con, [parse_state(code, "state") for code in s], memo))


@router.get("/states/{state}.json", response_model=StatePage)
def state_json(page: StateOr404) -> StatePage:
    """The state page's data."""
    return page


@router.get("/states/{state}", include_in_schema=False)
def state_page(request: Request, con: Cursor, page: StateOr404):
    """The state page, with its county map."""
    return render(request, "state.html", state_context(con, page))
