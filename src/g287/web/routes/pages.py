"""Home, model pages, glossary, events changelog, downloads, methodology and the API reference."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse

from g287.errors import NotFoundError
from g287.inputs import MODEL_NAMES
from g287.store.counts import count_agreements, count_timeline
from g287.store.coverage import map_dates
from g287.store.publications import history_sources, list_dates
from g287.store.reference import reference_dir
from g287.web.charts import MODEL_COLOURS, growth_chart
from g287.web.deps import (
    Ledger,
    PageNumber,
    Since,
    State,
    cached,
    events_since,
    national_coverage,
)
from g287.web.language import LOCALE_PREFIX, pick_locale, render
from g287.web.models import ERRORS, HomePage
from g287.web.routes.api import paginate

router = APIRouter(tags=["pages"], responses=ERRORS)


def build_home(request: Request, con: Ledger) -> HomePage:
    """The national picture on the newest list."""
    covered = national_coverage(request, con)
    return HomePage(counts=count_agreements(con, by="model"), coverage=covered["total"],
                    coverage_by_model=covered["by_model"],
                    timeline=cached(request, ("timeline", None), lambda: count_timeline(con)),
                    dates=cached(request, ("map_dates",), lambda: map_dates(con)))


@router.get("/index.json", response_model=HomePage)
def home_json(request: Request, con: Ledger) -> HomePage:
    """The home page's data."""
    return build_home(request, con)


@router.get("/", include_in_schema=False)
def home(request: Request, con: Ledger):
    """The home page: counts, map with time slider, growth chart."""
    page = build_home(request, con)
    return render(request, "home.html", {"page": page, "chart": growth_chart([p.model_dump() for p in page.timeline]),
                                         "colours": MODEL_COLOURS})


@router.get("/map/counties.topo.json", include_in_schema=False)
def county_map() -> FileResponse:
    """The county boundaries the maps draw (us-atlas TopoJSON)."""
    return FileResponse(reference_dir() / "us-counties-10m.topo.json", media_type="application/json",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/models/{model}", include_in_schema=False)
def model_page(request: Request, con: Ledger, model: Annotated[str, Path(description="JEM, TFM or WSO.")]):
    """What officers of one model may do, and its growth."""
    if model not in MODEL_NAMES:
        raise NotFoundError(f"No 287(g) model {model!r}; the models are JEM, TFM and WSO.")
    counts = count_agreements(con, by="model")
    timeline = [p for p in cached(request, ("timeline", None), lambda: count_timeline(con))
                if p["model"] == model]
    return render(request, "model.html", {"model": model, "model_name": MODEL_NAMES[model],
                                          "agreements": counts["by"].get(model, 0), "counts": counts,
                                          "chart": growth_chart(timeline), "colour": MODEL_COLOURS[model]})


@router.get("/glossary", include_in_schema=False)
def glossary(request: Request):
    """The glossary."""
    return render(request, "glossary.html", {})


def program_history(request: Request, con: Ledger) -> dict:
    """The program since 2002: monthly agreements in force by model (best, low, high) before 2021, the ledger's
    growth after, a yearly table with bounds, and the sources of each era."""
    from g287.store.in_force import history_timeline

    before = cached(request, ("history_timeline",), lambda: history_timeline(con))
    after = cached(request, ("timeline", None), lambda: count_timeline(con))
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


@router.get("/history", include_in_schema=False)
def history_page(request: Request, con: Ledger):
    """The story of the program since 2002, with each era's sources and the gaps they leave."""
    return render(request, "history.html", {"page": program_history(request, con)})


@router.get("/methodology", include_in_schema=False)
def methodology(request: Request):
    """How the ledger is built."""
    return render(request, "methodology.html", {})


@router.get("/downloads", include_in_schema=False)
def downloads(request: Request):
    """Links to the CSV, JSON and Atom downloads."""
    return render(request, "downloads.html", {})


@router.get("/events", include_in_schema=False)
def events_page(request: Request, con: Ledger, since: Since, state: State, page: PageNumber = 1):
    """The changelog, newest first."""
    # Every event of the state (or nation) is read once per store and shared by both languages and every page.
    rows = events_since(request, con, since, state)[::-1]
    listing = paginate(request, rows, page, 50)
    for key in ("next", "previous"):  # links within the site: this language's pages, no host
        if listing[key]:
            url, root = httpx.URL(listing[key]), request.scope.get("root_path", "")
            path = url.path[len(root):] if root and url.path.startswith(root) else url.path
            listing[key] = f"{root}{LOCALE_PREFIX[pick_locale(request)]}{path}?{url.query.decode()}"
    return render(request, "events.html", {"page": listing, "state": state,
                                           "since": request.query_params.get("since", "")})


@router.get("/api", include_in_schema=False)
def api_reference(request: Request):
    """The API reference, rendered from the OpenAPI spec."""
    spec = request.app.openapi()
    operations = [{"path": path, "summary": op.get("summary", ""), "description": op.get("description", ""),
                   "parameters": op.get("parameters", [])}
                  for path, item in spec["paths"].items() for op in item.values()]
    return render(request, "api.html", {"operations": operations})
