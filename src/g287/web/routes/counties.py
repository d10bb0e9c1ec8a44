"""County pages: who covers the county, since when, and the events of those agencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from g287.pages.counties import build_county, county_context
from g287.pages.models import CountyPage
from g287.store.records import county_by_fips
from g287.web.deps import Cursor, StoreMemo
from g287.web.language import pick_locale, render
from g287.web.models import ERRORS

router = APIRouter(tags=["pages"], responses=ERRORS)


def load_county(con: Cursor, memo: StoreMemo,
                county_fips: Annotated[str, Path(pattern=r"^\d{5}$", examples=["24023"])]) -> CountyPage:
    """The county with this FIPS code (:func:`g287.pages.counties.build_county`); 404 if there is none."""
    return build_county(con, county_fips, memo)


CountyOr404 = Annotated[CountyPage, Depends(load_county)]


@router.get("/counties/{county_fips}.json", response_model=CountyPage)
def county_json(page: CountyOr404) -> CountyPage:
    """The county page's data."""
    return page


@router.get("/counties/{county_fips}", include_in_schema=False)
def county_page(request: Request, page: CountyOr404):
    """The county page."""
    return render(request, "county.html", county_context(page))


def _brief(request: Request, con: Cursor, county_fips: str, fmt: str, as_of: str | None, page_size: str) -> bytes:
    from g287.briefs.write import brief_bytes

    county_by_fips(con, county_fips)
    return brief_bytes(con, county_fips, lang=pick_locale(request), fmt=fmt, as_of=as_of, page_size=page_size)


BriefDate = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Date (YYYY-MM-DD); default: "
                                        "the newest list.")]
PageSize = Annotated[str, Query(pattern=r"^(A4|Letter)$", description="A4 or Letter.")]


@router.get("/counties/{county_fips}/brief", include_in_schema=False)
def county_brief(request: Request, con: Cursor,
                 county_fips: Annotated[str, Path(pattern=r"^\d{5}$", examples=["12057"])],
                 as_of: BriefDate = None, page_size: PageSize = "Letter"):
    """The county brief as a printable page (?lang=es for Spanish)."""
    return HTMLResponse(_brief(request, con, county_fips, "html", as_of, page_size))


@router.get("/counties/{county_fips}/brief.pdf", include_in_schema=False)
def county_brief_pdf(request: Request, con: Cursor,
                     county_fips: Annotated[str, Path(pattern=r"^\d{5}$", examples=["12057"])],
                     as_of: BriefDate = None, page_size: PageSize = "Letter"):
    """The county brief as PDF."""
    return Response(_brief(request, con, county_fips, "pdf", as_of, page_size), media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="g287-brief-{county_fips}.pdf"'})
