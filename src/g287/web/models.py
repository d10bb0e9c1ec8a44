"""Pydantic models of everything the site serves. An HTML page and its JSON twin return the same model."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class ErrorOut(BaseModel):
    """An error: what failed and what to do next."""

    ok: bool = False
    error: str
    status: int


ERRORS = {404: {"model": ErrorOut, "description": "Unknown id."},
          422: {"model": ErrorOut, "description": "A parameter cannot be used; the message names it."}}


class Counts(BaseModel):
    """Agreements and agencies in the newest list on or before ``as_of`` (same as ``g287 counts --json``)."""

    as_of: str
    publication_date: str | None
    agreements: int
    agencies: int
    by: dict[str, int]
    agencies_by: dict[str, int]


class AgencyRow(BaseModel):
    """An agency listed on a date, with its models."""

    agency_id: str
    state: str
    agency_name: str
    agency_type: str | None
    county: str | None
    models: str
    agreements: int
    first_signed_on: str | None
    last_signed_on: str | None


class Agency(BaseModel):
    """One agency as the ledger knows it."""

    agency_id: str
    state: str
    agency_name: str
    agency_type: str | None
    county: str | None
    ice_county: str | None
    first_listed_on: str | None
    last_listed_on: str | None
    is_active: bool | None


class Agreement(BaseModel):
    """One agreement of an agency (agency + model + signing date)."""

    agreement_id: str
    model: str
    signed_on: str | None
    status: str
    first_listed_on: str | None
    last_listed_on: str | None
    removed_on: str | None
    successor_id: str | None
    moa_url: str | None


class AgreementRow(Agreement):
    """An agreement with its agency, for lists."""

    agency_id: str
    state: str
    agency_name: str


class Evidence(BaseModel):
    """Where an event is shown: the ICE list (publication id, date, file name) and row."""

    role: str
    publication_id: str
    list_date: str
    file: str | None
    row_number: int | None


class Event(BaseModel):
    """A change the ledger found, with its evidence."""

    event_on: str
    event_type: str
    agency_id: str
    agency_name: str | None
    state: str
    model: str | None
    agreement_id: str | None
    detail: str | None
    is_provisional: bool | None
    event_id: str
    evidence: list[Evidence]


class CountyRef(BaseModel):
    """A county an agency covers."""

    county_fips: str
    county_name: str | None
    population: int | None


class AgencyNote(BaseModel):
    """One value of TYPE or county that some of ICE's rows for an agency carry, where the rows disagree."""

    field: str
    value: str
    rows: int
    is_current: bool
    first_list_date: str
    first_row_number: int
    last_list_date: str
    last_row_number: int


class AgencyDetail(BaseModel):
    """An agency's agreements, the counties it covers, its events with evidence and its data notes."""

    agency: Agency
    jurisdiction_type: str | None
    coverage_kind: str | None
    counties: list[CountyRef]
    agreements: list[Agreement]
    events: list[Event]
    notes: list[AgencyNote]


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


class CoverageTotal(BaseModel):
    """Counties covered and their residents."""

    counties: int
    county_population: int | None
    residents_covered: int | None


class Coverage(BaseModel):
    """Counties and residents covered by the agreements listed on a date."""

    as_of: str
    publication_date: str | None
    counties: list[CoverageCounty]
    by_model: dict[str, CoverageTotal]
    total: CoverageTotal


class StateCoverage(BaseModel):
    """Residents covered in one state and their share of its population."""

    state: str
    counties: int
    residents_covered: int
    state_population: int | None
    share_covered: float | None


class TimelinePoint(BaseModel):
    """Agreements of one model listed on one date."""

    list_date: str
    model: str
    agreements: int


class Page(BaseModel, Generic[T]):
    """One page of a list, with links to the pages around it."""

    page: int
    per_page: int
    total: int
    next: str | None = Field(description="URL of the next page, if any.")
    previous: str | None = Field(description="URL of the previous page, if any.")
    items: list[T]


class CountyAgency(BaseModel):
    """An agency covering a county, its active models and since when it is listed."""

    agency_id: str
    agency_name: str
    coverage_kind: str | None
    models: str | None
    first_listed_on: str | None
    is_active: bool | None


class County(BaseModel):
    """A county and its population."""

    county_fips: str
    state: str
    county_name: str
    population: int | None
    hispanic_share: float | None


class CountyPage(BaseModel):
    """A county: who covers it, since when, and their events."""

    county: County
    agencies: list[CountyAgency]
    events: list[Event]


class StatePage(BaseModel):
    """A state: counts by model, residents covered, its agencies and its growth."""

    state: str
    state_name: str
    counts: Counts
    coverage: StateCoverage | None
    agencies: list[AgencyRow]
    timeline: list[TimelinePoint]


class HomePage(BaseModel):
    """The national picture on the newest list: counts, residents covered, growth, every list date."""

    counts: Counts
    coverage: CoverageTotal
    coverage_by_model: dict[str, CoverageTotal]
    timeline: list[TimelinePoint]
    dates: list[str]


class SearchPage(BaseModel):
    """Search results for ``q``."""

    q: str
    results: list[dict]
