"""The pages of the whole program: the home page (the national picture on the newest list), each 287(g) model's
page, the program's history since 2002 and the changelog of events."""

from __future__ import annotations

import duckdb

from g287.errors import NotFoundError
from g287.inputs import MODEL_NAMES
from g287.pages.charts import MODEL_COLOURS, growth_chart
from g287.pages.memo import Memo, compute
from g287.pages.models import HomePage
from g287.store import coverage as store_coverage
from g287.store.counts import count_agreements, count_timeline
from g287.store.events import list_events
from g287.store.in_force import history_timeline
from g287.store.publications import history_sources, list_dates


def national_coverage(con: duckdb.DuckDBPyConnection, memo: Memo = compute) -> dict:
    """Coverage on the newest list, kept in ``memo`` (the home page, the API and the map ask for it)."""
    return memo(("coverage",), lambda: store_coverage.coverage(con))


def program_timeline(con: duckdb.DuckDBPyConnection, state: str | None = None, memo: Memo = compute) -> list[dict]:
    """Agreements by model on every list date (in ``state`` when given), kept in ``memo``: the growth charts
    and the API's timeline."""
    return memo(("timeline", state), lambda: count_timeline(con, state=state))


def events_since(con: duckdb.DuckDBPyConnection, since: str, state: str | None, event_type: str | None = None,
                 memo: Memo = compute) -> list[dict]:
    """What ``list_events`` answers, oldest first; the events of the nation or a state are read once and kept
    in ``memo`` (the events page in each language, the API and its CSV ask for them), and filtered here."""
    every = memo(("events", state), lambda: list_events(con, "0001-01-01", state=state))
    return [e for e in every if e["event_on"] >= since and (event_type is None or e["event_type"] == event_type)]


def build_home(con: duckdb.DuckDBPyConnection, memo: Memo = compute) -> HomePage:
    """The national picture on the newest list."""
    covered = national_coverage(con, memo)
    return HomePage(counts=count_agreements(con, by="model"), coverage=covered["total"],
                    coverage_by_model=covered["by_model"], timeline=program_timeline(con, memo=memo),
                    dates=memo(("map_dates",), lambda: store_coverage.map_dates(con)))


def home_context(page: HomePage) -> dict:
    """What home.html shows: the page, its growth chart and the colour of each model."""
    return {"page": page, "chart": growth_chart([p.model_dump() for p in page.timeline]), "colours": MODEL_COLOURS}


def model_context(con: duckdb.DuckDBPyConnection, model: str, memo: Memo = compute) -> dict:
    """What model.html shows of ``model`` (JEM, TFM or WSO; NotFoundError for any other): its agreements on the
    newest list and its growth."""
    if model not in MODEL_NAMES:
        raise NotFoundError(f"No 287(g) model {model!r}; the models are JEM, TFM and WSO.")
    counts = count_agreements(con, by="model")
    timeline = [p for p in program_timeline(con, memo=memo) if p["model"] == model]
    return {"model": model, "model_name": MODEL_NAMES[model], "agreements": counts["by"].get(model, 0),
            "counts": counts, "chart": growth_chart(timeline), "colour": MODEL_COLOURS[model]}


def program_history(con: duckdb.DuckDBPyConnection, memo: Memo = compute) -> dict:
    """The program since 2002: monthly agreements in force by model (best, low, high) before 2021, the ledger's
    growth after, a yearly table with bounds, and the sources of each era."""
    before = memo(("history_timeline",), lambda: history_timeline(con))
    after = program_timeline(con, memo=memo)
    monthly_after: dict[tuple[str, str], dict] = {}
    for point in after:  # the last list of each month stands for it on the long chart
        monthly_after[(point["list_date"][:7], point["model"])] = point
    early = [{"list_date": p["on"], "model": p["model"], "agreements": p["agreements"]} for p in before]
    whole = early + [{"list_date": p["list_date"], "model": p["model"], "agreements": p["agreements"]}
                     for p in monthly_after.values()]
    years: dict[str, dict] = {}
    for p in before:
        if p["on"].endswith("-07-01"):
            row = years.setdefault(p["on"], {"on": p["on"], "models": {}, "agreements": 0, "low": 0, "high": 0})
            row["models"][p["model"]] = p["agreements"]
            for key in ("agreements", "low", "high"):
                row[key] += p[key]
    return {"early_chart": growth_chart(early), "whole_chart": growth_chart(sorted(whole, key=lambda p: p["list_date"])),
            "years": list(years.values()),
            "sources": history_sources(con),
            "first_list_on": list_dates(con)[0] if after else None}
