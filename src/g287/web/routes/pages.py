"""Home, model pages, glossary, events changelog, downloads, methodology and the API reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import FileResponse

from g287.parse.rows import MODEL_NAMES
from g287.store import queries
from g287.store.reference import reference_dir
from g287.web.charts import MODEL_COLOURS, growth_chart
from g287.web.deps import Ledger, PageNumber, Since, State
from g287.web.i18n import render
from g287.web.models import ERRORS, HomePage
from g287.web.routes.api import cached, paginate

router = APIRouter(tags=["pages"], responses=ERRORS)


def build_home(request: Request, con: Ledger) -> HomePage:
    """The national picture on the newest list."""
    covered = cached(request, ("coverage",), lambda: queries.coverage(con))
    return HomePage(counts=queries.count_agreements(con, by="model"), coverage=covered["total"],
                    coverage_by_model=covered["by_model"],
                    timeline=cached(request, ("timeline", None), lambda: queries.count_timeline(con)),
                    dates=cached(request, ("dates",), lambda: queries.list_dates(con)))


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
        raise HTTPException(404, f"No 287(g) model {model!r}; the models are JEM, TFM and WSO.")
    counts = queries.count_agreements(con, by="model")
    timeline = [p for p in cached(request, ("timeline", None), lambda: queries.count_timeline(con))
                if p["model"] == model]
    return render(request, "model.html", {"model": model, "model_name": MODEL_NAMES[model],
                                          "agreements": counts["by"].get(model, 0), "counts": counts,
                                          "chart": growth_chart(timeline), "colour": MODEL_COLOURS[model]})


@router.get("/glossary", include_in_schema=False)
def glossary(request: Request):
    """The glossary."""
    return render(request, "glossary.html", {})


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
    rows = queries.list_events(con, since, state=state)[::-1]
    return render(request, "events.html", {"page": paginate(request, rows, page, 50), "state": state,
                                           "since": request.query_params.get("since", "")})


@router.get("/api", include_in_schema=False)
def api_reference(request: Request):
    """The API reference, rendered from the OpenAPI spec."""
    spec = request.app.openapi()
    operations = [{"path": path, "summary": op.get("summary", ""), "description": op.get("description", ""),
                   "parameters": op.get("parameters", [])}
                  for path, item in spec["paths"].items() for op in item.values()]
    return render(request, "api.html", {"operations": operations})
