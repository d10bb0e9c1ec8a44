"""Agency pages: agreements, models, counties covered and the timeline of events with their evidence."""

from __future__ import annotations

from fastapi import APIRouter, Request

from g287.pages.agencies import agency_context
from g287.pages.models import AgencyDetail
from g287.web.deps import AgencyOr404
from g287.web.language import render
from g287.web.models import ERRORS

router = APIRouter(tags=["pages"], responses=ERRORS)


@router.get("/agencies/{agency_id}.json", response_model=AgencyDetail)
def agency_json(detail: AgencyOr404) -> AgencyDetail:
    """The agency page's data."""
    return detail


@router.get("/agencies/{agency_id}", include_in_schema=False)
def agency_page(request: Request, detail: AgencyOr404):
    """The agency page."""
    return render(request, "agency.html", agency_context(detail))
