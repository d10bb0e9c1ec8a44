"""State pages: each state's counts by model, residents covered, agencies, growth and enforcement output with its
county map; every state with residents covered; states side by side."""

from __future__ import annotations

import duckdb

from g287.inputs import STATE_NAMES
from g287.pages.charts import bar_chart, growth_chart
from g287.pages.memo import Memo, compute
from g287.pages.models import StatePage
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


def coverage_by_state(con: duckdb.DuckDBPyConnection, as_of: str | None = None, memo: Memo = compute) -> list[dict]:
    """Residents covered per state on ``as_of`` (all models, state agencies included), kept in ``memo`` per date:
    the states page, every state page and the API ask for it."""
    return memo(("coverage_by_state", as_of), lambda: store_coverage.coverage_by_state(con, as_of=as_of))


def build_state(con: duckdb.DuckDBPyConnection, state: str, as_of: str | None = None, shared: dict | None = None,
                memo: Memo = compute) -> StatePage:
    """Everything the page of ``state`` (a code or name; NotFoundError for neither) shows, for the list on or
    before ``as_of``; ``shared`` is :func:`shared_state_inputs` (for the newest list), when pages of many states
    are built at once.

    >>> from g287.store.connect import open_ledger
    >>> with open_ledger(None) as con:
    ...     build_state(con, "florida").state_name
    'Florida'
    """
    code = find_state(state)
    if shared is None:
        shares = {row["state"]: row for row in coverage_by_state(con, as_of, memo)}
        agencies, output = list_agencies(con, as_of=as_of, state=code), _state_output(con, code)
        counts = count_agreements(con, as_of=as_of, by="model", state=code)
        timeline = count_timeline(con, state=code)
    else:
        shares, agencies = shared["shares"], shared["agencies"].get(code, [])
        output = shared["outputs"].get(code)
        counts, timeline = shared["counts"][code], shared["timelines"].get(code, [])
    return StatePage(state=code, state_name=STATE_NAMES[code], counts=counts, coverage=shares.get(code),
                     agencies=agencies, timeline=timeline, output=output)


def shared_state_inputs(con: duckdb.DuckDBPyConnection) -> dict:
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


def _state_output(con: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    return shown_output(output_summary(con, state=code))


def state_context(con: duckdb.DuckDBPyConnection, page: StatePage, prefixes: dict[str, str] | None = None) -> dict:
    """What state.html shows (the live page and the static site's); ``prefixes`` are
    :func:`g287.store.geography.fips_prefixes`, when pages of many states are built at once."""
    chart = growth_chart([p.model_dump() for p in page.timeline])
    prefix = (prefixes if prefixes is not None else fips_prefixes(con, page.state)).get(page.state)
    bars = bar_chart([p.model_dump() for p in page.output.periods]) if page.output else None
    return {"page": page, "chart": chart, "fips_prefix": prefix or "", "bars": bars}


def states_context(con: duckdb.DuckDBPyConnection, as_of: str | None = None, memo: Memo = compute) -> dict:
    """What states.html shows: every state with residents covered and agreements, on the list on or before
    ``as_of``."""
    counts = memo(("counts_by_state", as_of), lambda: count_agreements(con, as_of=as_of, by="state"))
    return {"rows": coverage_by_state(con, as_of, memo), "counts": counts, "names": STATE_NAMES}


def compare_context(con: duckdb.DuckDBPyConnection, codes: list[str], memo: Memo = compute) -> dict:
    """What compare.html shows: the pages of the states ``codes`` on the newest list, side by side."""
    pages = [memo(("state_page", code), lambda c=code: build_state(con, c, memo=memo)) for code in codes]
    return {"pages": pages, "charts": [growth_chart([p.model_dump() for p in page.timeline], width=320, height=180)
                                       for page in pages], "names": STATE_NAMES}
