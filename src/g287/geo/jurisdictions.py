"""Resolve each agency to the jurisdiction it covers: its type and the county FIPS codes it covers.

Pure: agencies (from the ledger) and reference tables in, tables out. Sources, in order of precedence:

1. ``fixes/agency_counties.csv``: reviewed county lists for multi-county agencies (judicial districts,
   circuits), each citing the statute that defines them (``match_type`` ``override``, grade A);
2. state agencies (TYPE ``State``/``State Agency``, not a campus or an airport): the whole state
   (``state_agency``, A);
3. municipal agencies matched by place name to the FBI roster's city agency in the same state, whose county
   list covers cities that span counties (``fbi_place``, A when it includes ICE's county, B otherwise);
4. ICE's ``COUNTY`` column, typos fixed by ``fixes/county.csv`` (``ice_county``, A);
5. a county named in the agency's name (``X County Sheriff's Office``; ``agency_name``, B).

Nothing is guessed: an agency none of these resolves, or whose county name matches no county of its state, is
kept with ``needs_review`` and a reason, and candidates where there are some.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from g287.corrections import FixLog
from g287.text import fold_text

JURISDICTION_TYPES = ("state", "county", "municipality", "regional", "campus", "airport_port",
                      "detention_facility", "other")
REVIEW_REASONS = ("no_county", "unknown_county")

# Name patterns, checked in this order; ICE's TYPE decides between state, county and municipality otherwise.
_CAMPUS = re.compile(r"\b(university|college|school district|campus)\b", re.I)
_AIRPORT = re.compile(r"\b(airport|port authority|seaport|aviation)\b", re.I)
_REGIONAL = re.compile(r"\b(judicial|district attorney|state attorney|prosecut|solicitor|task force|circuit|"
                       r"regional|multi-?county|probation)\b", re.I)
_DETENTION = re.compile(r"\b(jail|detention|correction(al|s)?|prison)\b", re.I)
_COUNTY_IN_NAME = re.compile(r"^(.+?) (county|parish|borough)\b", re.I)
_PLACE_SUFFIX = re.compile(r"\s*(police( services)? department|department of public safety|public safety department|"
                           r"police|marshal'?s office|city marshal|constable'?s office)$", re.I)
_PLACE_PREFIX = re.compile(r"^(the )?(city|town|village|borough|township) of ", re.I)
_COUNTY_SUFFIX = re.compile(r"\s+(county|parish|borough|census area|municipality|city and borough|municipio)$")


def county_key(name: str) -> str:
    """Folded county name without its suffix, ``St.`` spelled ``saint``: the form counties are matched on.

    >>> county_key("St. Lucie County"), county_key("Jefferson Parish"), county_key("DE KALB")
    ('saint lucie', 'jefferson', 'dekalb')
    """
    text = fold_text(name).replace(".", "").replace("'", "")
    text = _COUNTY_SUFFIX.sub("", text)
    text = re.sub(r"^st\b", "saint", text).replace("ste ", "sainte ")
    return re.sub(r"[\s\-]+", "", text) if text.startswith(("de ", "la ", "du ", "le ")) else re.sub(r"[\s\-]+", " ", text)


def place_key(agency_name: str) -> str:
    """The place an agency's name refers to: ``City of Miami Police Department`` -> ``miami``.

    >>> place_key("Fort Walton Beach Police Department"), place_key("Town of Palm Beach Police Department")
    ('fort walton beach', 'palm beach')
    """
    text = _PLACE_SUFFIX.sub("", fold_text(agency_name))
    text = _PLACE_PREFIX.sub("", text)
    return re.sub(r"^st\.? ", "saint ", text.replace(".", "").replace("'", "")).strip()


def jurisdiction_type_of(agency_name: str, agency_type: str | None) -> str:
    """The kind of jurisdiction an agency has, from its name and ICE's TYPE.

    >>> jurisdiction_type_of("Florida Highway Patrol", "State Agency"), jurisdiction_type_of("Lee County Jail", "County")
    ('state', 'detention_facility')
    """
    if _CAMPUS.search(agency_name):
        return "campus"
    if _AIRPORT.search(agency_name):
        return "airport_port"
    if agency_type in ("State", "State Agency"):
        return "state"
    if _REGIONAL.search(agency_name):
        return "regional"
    if _DETENTION.search(agency_name):
        return "detention_facility"
    if agency_type == "County":
        return "county"
    if agency_type == "Municipality":
        return "municipality"
    return "other"


class CountyLookup:
    """County lookups within a state."""

    def __init__(self, counties: list[dict]) -> None:
        self.by_state: dict[str, list[dict]] = {}
        self.exact: dict[tuple[str, str], str] = {}
        self.base: dict[tuple[str, str], list[str]] = {}
        for county in counties:
            self.by_state.setdefault(county["state"], []).append(county)
            self.exact[(county["state"], fold_text(county["county_name"]))] = county["county_fips"]
            self.base.setdefault((county["state"], county_key(county["county_name"])), []).append(county["county_fips"])

    def find(self, state: str, name: str) -> str | None:
        """FIPS of the county called ``name`` in ``state``; None when there is none or it is ambiguous."""
        exact = self.exact.get((state, fold_text(name)))
        if exact:
            return exact
        matches = self.base.get((state, county_key(name)), [])
        # "Richmond" alone is ambiguous in Virginia (Richmond County and Richmond city): never guess.
        return matches[0] if len(matches) == 1 else None

    def candidates(self, state: str, name: str) -> list[str]:
        names = {county_key(c["county_name"]): c for c in self.by_state.get(state, [])}
        close = difflib.get_close_matches(county_key(name), list(names), n=3, cutoff=0.75)
        return [f"{names[k]['county_fips']} {names[k]['county_name']}" for k in close]


def _fbi_index(police_agencies: list[dict]) -> dict[str, dict[tuple[str, str], list[dict]]]:
    """FBI roster agencies by (state, key): cities by place, sheriffs by county, all by exact folded name."""
    index: dict[str, dict[tuple[str, str], list[dict]]] = {"place": {}, "county": {}, "name": {}}
    for agency in police_agencies:
        state, name = agency["state"], agency["agency_name"]
        if agency["agency_type"] == "City":
            index["place"].setdefault((state, place_key(name)), []).append(agency)
        if agency["agency_type"] == "County":  # the FBI names a sheriff's office by its county
            index["county"].setdefault((state, county_key(name)), []).append(agency)
        index["name"].setdefault((state, fold_text(name)), []).append(agency)
    return index


def _only(matches: list[dict]) -> dict | None:
    return matches[0] if len(matches) == 1 else None


@dataclass
class ReferenceIndex:
    """The county and FBI roster lookups an agency's geography is resolved with."""

    lookup: CountyLookup
    fbi_index: dict[str, dict[tuple[str, str], list[dict]]]
    county_names: dict[str, str]

    @classmethod
    def of(cls, counties: list[dict], police_agencies: list[dict]) -> ReferenceIndex:
        return cls(CountyLookup(counties), _fbi_index(police_agencies),
                   {c["county_fips"]: c["county_name"] for c in counties})


def build_jurisdictions(agencies: list[dict], counties: list[dict], police_agencies: list[dict]) -> dict[str, list[dict]]:
    """Tables ``jurisdictions`` (one row per agency) and ``agency_counties`` (one row per agency and county)."""
    return resolve_jurisdictions(agencies, ReferenceIndex.of(counties, police_agencies))


def resolve_jurisdictions(agencies: list[dict], index: ReferenceIndex) -> dict[str, list[dict]]:
    """:func:`build_jurisdictions` with the lookups built already (an index of the agencies' states is enough:
    every lookup stays within an agency's state)."""
    lookup, fbi_index, county_names = index.lookup, index.fbi_index, index.county_names
    fixes = FixLog()
    jurisdictions: list[dict] = []
    agency_counties: list[dict] = []
    for agency in sorted(agencies, key=lambda a: a["agency_id"]):
        state, name = agency["state"], agency["agency_name"]
        kind = jurisdiction_type_of(name, agency["agency_type"])
        found: list[str] = []
        match_type = grade = reason = None
        candidates: list[str] = []
        fbi: dict | None = None
        override = fixes.apply("agency_counties", name, state=state)
        ice_fips = lookup.find(state, agency["county"]) if agency["county"] else None
        if override:
            found = [f for f in (lookup.find(state, c) for c in override["value"].split("|")) if f]
            match_type, grade = "override", "A"
            if kind == "state":
                kind = "regional"  # a reviewed list of some of a state's counties is not statewide
        elif kind == "state":
            found = [c["county_fips"] for c in lookup.by_state.get(state, [])]
            # Guam and the Northern Mariana Islands have no counties in the table: resolved to the territory.
            match_type, grade = "state_agency", "A"
        else:
            if kind == "municipality":
                fbi = _only(fbi_index["place"].get((state, place_key(name)), []))
                if fbi:
                    fbi_fips = [f for f in (lookup.find(state, c) for c in fbi["county_names"].split("|")) if f]
                    if fbi_fips and (ice_fips is None or ice_fips in fbi_fips):
                        found, match_type, grade = fbi_fips, "fbi_place", "A" if ice_fips else "B"
            if not found and ice_fips:
                found, match_type, grade = [ice_fips], "ice_county", "A"
            if not found:
                named = _COUNTY_IN_NAME.match(name)
                from_name = lookup.find(state, named.group(1) + " " + named.group(2)) if named else None
                if from_name and not agency["county"]:
                    found, match_type, grade = [from_name], "agency_name", "B"
            if not found:
                reason = "unknown_county" if agency["county"] else "no_county"
                candidates = lookup.candidates(state, agency["county"] or name)
        coverage = {"state": "state agency", "municipality": "municipal police"}.get(kind, "other")
        if kind == "county" and re.search(r"sheriff", name, re.I):
            coverage = "own sheriff"
            if fbi is None and len(found) == 1:
                fbi = _only(fbi_index["county"].get((state, county_key(county_names[found[0]])), []))
        if fbi is None and kind != "municipality":
            fbi = _only(fbi_index["name"].get((state, fold_text(name)), []))
        jurisdictions.append({
            "agency_id": agency["agency_id"], "state": state, "agency_name": name, "jurisdiction_type": kind,
            "coverage_kind": coverage, "match_type": match_type, "match_grade": grade,
            "county_count": len(found), "ice_county": agency["ice_county"], "county": agency["county"],
            "needs_review": reason is not None, "review_reason": reason, "candidates": "; ".join(candidates) or None,
            "ori": fbi["ori"] if fbi else None, "fbi_agency_name": fbi["agency_name"] if fbi else None,
            "ori_match": ("place" if kind == "municipality" else "county" if coverage == "own sheriff" else "name")
            if fbi else None,
            "population_served": fbi["population"] if fbi else None, "officers": fbi["officers"] if fbi else None,
        })
        agency_counties += [{"agency_id": agency["agency_id"], "county_fips": fips, "match_type": match_type}
                            for fips in sorted(set(found))]
    return {"jurisdictions": jurisdictions, "agency_counties": agency_counties}
