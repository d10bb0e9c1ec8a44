"""The models of the site's pages, which the templates format: an HTML page and its JSON twin are the same model
(the JSON API answers with the same models; :mod:`g287.web.models` adds its own lists and errors)."""

from __future__ import annotations

from pydantic import BaseModel, model_serializer


class CountBounds(BaseModel):
    """How sure a count before 2021 is: agreements and agencies surely (low) and possibly (high) in force."""

    agreements_low: int
    agreements_high: int
    agencies_low: int
    agencies_high: int
    uncertain_agencies: int


class CountSources(BaseModel):
    """The nearest 2002-2020 in-force lists around a date before 2021."""

    list_before_on: str | None
    list_after_on: str | None


class Counts(BaseModel):
    """Agreements and agencies in force on ``as_of`` (same as ``g287 counts --json``): from the newest list on or
    before it (``basis`` list), or before 2021 from the agreement lives (``basis`` intervals, with bounds)."""

    as_of: str
    publication_date: str | None
    basis: str = "list"
    agreements: int
    agencies: int
    by: dict[str, int]
    agencies_by: dict[str, int]
    bounds: CountBounds | None = None
    sources: CountSources | None = None

    @model_serializer(mode="wrap")
    def _only_dated_bounds(self, handler):
        """Counts from ICE's lists have no bounds: leave the keys out, as ``g287 counts --json`` does."""
        data = handler(self)
        for key in ("bounds", "sources"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


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
    in_force: str | None = None  # before 2021: sure, best or possible


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


class AgreementLife(BaseModel):
    """An agreement's life before ICE's first 2021 list: start and end with precision and evidence grade."""

    interval_id: str
    model: str | None
    start_on: str
    start_precision: str
    start_grade: str
    end_on: str | None
    end_precision: str
    end_grade: str
    end_basis: str
    signed_dates: str | None
    first_listed_on: str | None
    last_listed_on: str | None
    agreement_id: str | None


class HistoryEvent(BaseModel):
    """An event of a life before 2021, with its precision, grade and source."""

    event_on: str
    event_type: str
    model: str | None
    precision: str
    grade: str
    interval_id: str
    detail: str | None
    publication_id: str
    list_date: str
    reader: str
    file: str
    note: str | None
    row_number: int | None


class OutputPeriod(BaseModel):
    """People identified and removed through 287(g) in one period (ICE's statistics), against agreements."""

    period: str
    period_start: str
    period_end: str
    identified: int | None
    removed: int | None
    agencies_reporting: int | None = None
    in_force: str | None = None
    models: str | None = None
    agreement_years: float | None = None
    residents: int | None = None
    removed_per_agreement_year: float | None = None
    removed_per_100k_residents: float | None = None
    data_note: str | None = None
    publication_id: str | None = None
    row_number: int | None = None
    file: str | None = None
    as_printed: str | None = None


class OutputTotals(BaseModel):
    """Totals over the periods (unknown figures count as nothing, never as zero reported)."""

    identified: int
    removed: int


class OutputAgency(BaseModel):
    """A reporting agency's totals."""

    agency_id: str
    agency_name: str | None
    identified: int
    removed: int


class OutputSummary(BaseModel):
    """Enforcement output of an agency, a county, a state or the nation, by period (docs/output.md)."""

    scope: str
    agency_id: str | None = None
    agency_name: str | None = None
    state: str | None = None
    county_fips: str | None = None
    agencies: list[OutputAgency] = []
    periods: list[OutputPeriod]
    totals: OutputTotals


class MoaDifference(BaseModel):
    """A clause an MOA adds, removes or changes against ICE's template."""

    section: str
    kind: str
    template_text: str | None
    moa_text: str | None
    diff: str | None


class MoaTerms(BaseModel):
    """What an agreement's MOA says, read from its text, and how far it departs from ICE's template."""

    publication_id: str
    file: str
    agreement_ids: str | None
    model: str | None
    model_source: str | None
    agency: str | None
    signed_on: str | None
    effective_on: str | None
    party_dates: str | None
    duration_termination: str | None
    steering_committee: bool | None
    complaint_procedure: bool | None
    data_collection: bool | None
    template: str | None
    sections_found: int | None
    sections_identified: int | None
    mean_similarity: float | None
    differences: int | None
    difference_list: list[MoaDifference] = []


class AgencyDetail(BaseModel):
    """An agency's agreements, the counties it covers, its events with evidence and its data notes."""

    agency: Agency
    jurisdiction_type: str | None
    coverage_kind: str | None
    counties: list[CountyRef]
    agreements: list[Agreement]
    events: list[Event]
    notes: list[AgencyNote]
    lives: list[AgreementLife] = []
    history_events: list[HistoryEvent] = []
    output: list[OutputPeriod] = []
    moas: list[MoaTerms] = []


class CoverageTotal(BaseModel):
    """Counties covered and their residents."""

    counties: int
    county_population: int | None
    residents_covered: int | None


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
    output: OutputSummary | None = None


class StatePage(BaseModel):
    """A state: counts by model, residents covered, its agencies and its growth."""

    state: str
    state_name: str
    counts: Counts
    coverage: StateCoverage | None
    agencies: list[AgencyRow]
    timeline: list[TimelinePoint]
    output: OutputSummary | None = None


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
