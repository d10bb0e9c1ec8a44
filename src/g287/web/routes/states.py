"""State pages and the comparison of states."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from g287.inputs import STATE_NAMES, parse_state
from g287.store import coverage as store_coverage
from g287.store.agencies import list_agencies
from g287.store.counts import (
    count_agreements,
    count_agreements_by_state,
    count_timeline,
    count_timelines_by_state,
)
from g287.store.geography import find_state, fips_prefixes
from g287.store.output import (
    output_summary,
    shown_output,
    state_output_summaries,
    states_with_output,
)
from g287.web.charts import bar_chart, growth_chart
from g287.web.deps import AsOf, Ledger, cached, coverage_by_state
from g287.web.language import render
from g287.web.models import ERRORS, StateCoverage, StatePage

router = APIRouter(tags=["pages"], responses=ERRORS)


def build_state(con: Ledger, state: str, as_of: str | None = None, shared: dict | None = None,
                by_state: list[dict] | None = None) -> StatePage:
    """Everything the state page shows, for the list on or before ``as_of``; ``shared`` is
    :func:`shared_state_inputs` (for the newest list), when pages of many states are built at once, and
    ``by_state`` what ``coverage_by_state`` answers for ``as_of``, when known already."""
    code = parse_state(state, "state")
    if shared is None:
        if by_state is None:
            by_state = store_coverage.coverage_by_state(con, as_of=as_of)
        shares = {row["state"]: row for row in by_state}
        agencies, output = list_agencies(con, as_of=as_of, state=code), _state_output(con, code)
        counts = count_agreements(con, as_of=as_of, by="model", state=code)
        timeline = count_timeline(con, state=code)
    else:
        shares, agencies = shared["shares"], shared["agencies"].get(code, [])
        output = shared["outputs"].get(code)
        counts, timeline = shared["counts"][code], shared["timelines"].get(code, [])
    return StatePage(state=code, state_name=STATE_NAMES[code], counts=counts, coverage=shares.get(code),
                     agencies=agencies, timeline=timeline, output=output)


def shared_state_inputs(con: Ledger) -> dict:
    """What the state pages of the newest list read, computed once for every state: residents covered, the
    agencies listed, the counts by model and the growth by state, and the enforcement output of each state
    that has any."""
    agencies: dict[str, list[dict]] = {}
    for agency in list_agencies(con):
        agencies.setdefault(agency["state"], []).append(agency)
    outputs = state_output_summaries(con, states_with_output(con))
    return {"shares": {row["state"]: row for row in store_coverage.coverage_by_state(con)}, "agencies": agencies,
            "counts": count_agreements_by_state(con), "timelines": count_timelines_by_state(con),
            "outputs": {code: output for code, output in outputs.items() if shown_output(output)}}


def _state_output(con: Ledger, code: str) -> dict | None:
    return shown_output(output_summary(con, state=code))


def load_state(request: Request, con: Ledger, as_of: AsOf, state: Annotated[str, Path(examples=["FL"])]) -> StatePage:
    """The state with this code or name; 404 if there is none."""
    return build_state(con, find_state(state), as_of, by_state=coverage_by_state(request, con, as_of))


StateOr404 = Annotated[StatePage, Depends(load_state)]


@router.get("/states.json", response_model=list[StateCoverage])
def states_json(request: Request, con: Ledger, as_of: AsOf) -> list[dict]:
    """Residents covered per state."""
    return coverage_by_state(request, con, as_of)


@router.get("/states", include_in_schema=False)
def states_page(request: Request, con: Ledger, as_of: AsOf):
    """Every state, with residents covered."""
    counts = cached(request, ("counts_by_state", as_of), lambda: count_agreements(con, as_of=as_of, by="state"))
    rows = coverage_by_state(request, con, as_of)
    return render(request, "states.html", {"rows": rows, "counts": counts, "names": STATE_NAMES})


@router.get("/compare", include_in_schema=False)
def compare_page(request: Request, con: Ledger,
                 s: Annotated[list[str], Query(max_length=6, description="States to compare.")] = ("FL", "TX")):
    """States side by side."""
    codes = [parse_state(code, "state") for code in s]
    pages = [cached(request, ("state_page", code), lambda c=code: build_state(
        con, c, by_state=coverage_by_state(request, con, None))) for code in codes]
    return render(request, "compare.html", {"pages": pages, "charts": [growth_chart(
        [p.model_dump() for p in page.timeline], width=320, height=180) for page in pages], "names": STATE_NAMES})


@router.get("/states/{state}.json", response_model=StatePage)
def state_json(page: StateOr404) -> StatePage:
    """The state page's data."""
    return page


@router.get("/states/{state}", include_in_schema=False)
def state_page(request: Request, con: Ledger, page: StateOr404):
    """The state page, with its county map."""
    return render(request, "state.html", state_context(con, page))


def state_context(con: Ledger, page: StatePage, prefixes: dict[str, str] | None = None) -> dict:
    """What state.html shows (the live page and the static site's); ``prefixes`` are :func:`fips_prefixes`,
    when pages of many states are built at once."""
    chart = growth_chart([p.model_dump() for p in page.timeline])
    prefix = (prefixes if prefixes is not None else fips_prefixes(con, page.state)).get(page.state)
    bars = bar_chart([p.model_dump() for p in page.output.periods]) if page.output else None
    return {"page": page, "chart": chart, "fips_prefix": prefix or "", "bars": bars}

