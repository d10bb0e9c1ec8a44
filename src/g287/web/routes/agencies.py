"""Agency pages: agreements, models, counties covered and the timeline of events with their evidence."""

from __future__ import annotations

from fastapi import APIRouter, Request

from g287.web.charts import bar_chart
from g287.web.deps import AgencyOr404
from g287.web.language import render
from g287.web.models import ERRORS, AgencyDetail

router = APIRouter(tags=["pages"], responses=ERRORS)


@router.get("/agencies/{agency_id}.json", response_model=AgencyDetail)
def agency_json(detail: AgencyOr404) -> AgencyDetail:
    """The agency page's data."""
    return detail


def agency_context(detail: AgencyDetail) -> dict:
    """What agency.html shows (the live page and the static site's). An agreement on the newest list shows as
    "still listed" rather than with the newest list's date, and the agency's own last listing is not shown: a
    new ICE list then changes only the pages of the agencies it changes (the JSON twin keeps both dates)."""
    view = detail.model_copy(update={
        "agency": detail.agency.model_copy(update={"last_listed_on": None}),
        "agreements": [g.model_copy(update={"last_listed_on": None}) if g.status == "Active" else g
                       for g in detail.agreements]})
    return {"page": view, "bars": bar_chart([p.model_dump() for p in detail.output]) if detail.output else None}


@router.get("/agencies/{agency_id}", include_in_schema=False)
def agency_page(request: Request, detail: AgencyOr404):
    """The agency page."""
    return render(request, "agency.html", agency_context(detail))
