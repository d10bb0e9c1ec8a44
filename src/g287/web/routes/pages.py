"""Home, model pages, glossary, events changelog, downloads, methodology and the API reference."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse

from g287.pages.models import HomePage
from g287.pages.program import (
    build_home,
    events_since,
    home_context,
    model_context,
    program_history,
)
from g287.pages.urls import LOCALE_PREFIX
from g287.store.reference import reference_dir
from g287.web.deps import Cursor, PageNumber, Since, State, StoreMemo
from g287.web.language import pick_locale, render
from g287.web.models import ERRORS
from g287.web.routes.api import paginate

router = APIRouter(tags=["pages"], responses=ERRORS)


@router.get("/index.json", response_model=HomePage)
def home_json(con: Cursor, memo: StoreMemo) -> HomePage:
    """The home page's data."""
    return build_home(con, memo)


@router.get("/", include_in_schema=False)
def home(request: Request, con: Cursor, memo: StoreMemo):
    """The home page: counts, map with time slider, growth chart."""
    return render(request, "home.html", home_context(build_home(con, memo)))


@router.get("/map/counties.topo.json", include_in_schema=False)
def county_map() -> FileResponse:
    """The county boundaries the maps draw (us-atlas TopoJSON)."""
    return FileResponse(reference_dir() / "us-counties-10m.topo.json", media_type="application/json",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/models/{model}", include_in_schema=False)
def model_page(request: Request, con: Cursor, memo: StoreMemo,
               model: Annotated[str, Path(description="JEM, TFM or WSO.")]):
    """What officers of one model may do, and its growth."""
    return render(request, "model.html", model_context(con, model, memo))


@router.get("/glossary", include_in_schema=False)
def glossary(request: Request):
    """The glossary."""
    return render(request, "glossary.html", {})


@router.get("/history", include_in_schema=False)
def history_page(request: Request, con: Cursor, memo: StoreMemo):
    """The story of the program since 2002, with each era's sources and the gaps they leave."""
    return render(request, "history.html", {"page": program_history(con, memo)})


@router.get("/methodology", include_in_schema=False)
def methodology(request: Request):
    """How the ledger is built."""
    return render(request, "methodology.html", {})


@router.get("/downloads", include_in_schema=False)
def downloads(request: Request):
    """Links to the CSV, JSON and Atom downloads."""
    return render(request, "downloads.html", {})


@router.get("/events", include_in_schema=False)
def events_page(request: Request, con: Cursor, memo: StoreMemo, since: Since, state: State, page: PageNumber = 1):
    """The changelog, newest first."""
    # Every event of the state (or nation) is read once per store and shared by both languages and every page.
    rows = events_since(con, since, state, memo=memo)[::-1]
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
