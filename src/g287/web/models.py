"""The JSON API's own models: errors, pages of a list, agreements with their agency, coverage on a date. The models
of the site's pages, which the API answers with too, are :mod:`g287.pages.models`."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from g287.pages.models import Agreement, CoverageTotal

T = TypeVar("T")


class ErrorOut(BaseModel):
    """An error: what failed and what to do next."""

    ok: bool = False
    error: str
    status: int


# Every answer can also be one of the request guard's (g287.web.app.RequestGuard), before any route runs.
ERRORS = {400: {"model": ErrorOut, "description": "A malformed Accept-Language header, or a path the site never "
                                                  "links to (too long, or with a '..' segment)."},
          404: {"model": ErrorOut, "description": "Unknown id."},
          414: {"model": ErrorOut, "description": "The query string is longer than the site accepts (8 KB)."},
          422: {"model": ErrorOut, "description": "A parameter cannot be used; the message names it."}}


class AgreementRow(Agreement):
    """An agreement with its agency, for lists."""

    agency_id: str
    state: str
    agency_name: str


class CoverageCounty(BaseModel):
    """A county covered on a date: by which models and agencies, and how many residents."""

    county_fips: str
    state: str
    county_name: str
    population: int | None
    hispanic_share: float | None
    models: str | None
    coverage_kinds: str | None
    agencies: int
    residents_covered: int | None


class Coverage(BaseModel):
    """Counties and residents covered by the agreements listed on a date."""

    as_of: str
    publication_date: str | None
    basis: str = "list"
    counties: list[CoverageCounty]
    by_model: dict[str, CoverageTotal]
    total: CoverageTotal


class Page(BaseModel, Generic[T]):
    """One page of a list, with links to the pages around it."""

    page: int
    per_page: int
    total: int
    next: str | None = Field(description="URL of the next page, if any.")
    previous: str | None = Field(description="URL of the previous page, if any.")
    items: list[T]
