"""Turn one raw ICE row (header name -> cell) into a typed, normalised row, keeping ICE's originals.

Every reader calls :func:`build_row`; the column names it returns are the ``publication_rows`` schema.
Values no rule or fix resolves are kept with a ``review_reason`` from :data:`REVIEW_REASONS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache, wraps

from g287.corrections import FixLog
from g287.inputs import MODEL_CODES, STATE_CODES
from g287.parse.links import repair_url
from g287.text import agency_key, clean_text, fold_text, is_null_marker

AGENCY_TYPES = {"county": "County", "municipality": "Municipality", "state agency": "State Agency",
                "state": "State"}
REVIEW_REASONS = ("missing_state", "unknown_state", "missing_agency", "missing_model", "unknown_model",
                  "missing_signed_on", "unparseable_signed_on", "unknown_agency_type")

ROW_COLUMNS = (
    "ice_state", "state", "ice_agency", "agency_name", "agency_id", "ice_type", "agency_type",
    "ice_county", "county", "ice_support_type", "model", "ice_signed", "signed_on", "signed_on_source",
    "ice_moa", "moa_url", "ice_addendum", "addendum_url", "review_reason",
)

_TEXT_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
# Signing dates outside this window are typos (ICE printed 5025-07-07); 287(g) began in 2002.
_EARLIEST_SIGNING = dt.date(2002, 1, 1)
_LATEST_SIGNING = dt.date(2100, 1, 1)


def _memoised(reader: Callable) -> Callable:
    """Cache a field reader ``reader(*values, fixes)`` on its values; replay the fix rows it used.

    ICE repeats the same few thousand cell values across hundreds of lists, so each is normalised once.
    """
    cache: dict[tuple, tuple[object, frozenset]] = {}

    @wraps(reader)
    def read(*args: object) -> object:
        *values, fixes = args
        key = tuple(values)
        hit = cache.get(key)
        if hit is None:
            local = FixLog()
            hit = cache[key] = (reader(*values, local), frozenset(local.used))
        fixes.used |= hit[1]
        return hit[0]

    return read


@lru_cache(maxsize=65536)
def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


@_memoised
def read_signed_on(value: object, fixes: FixLog) -> tuple[str | None, str | None, str | None]:
    """(ISO signing date, its source, review reason) for an ICE ``SIGNED`` cell.

    >>> read_signed_on("05/082025", FixLog())
    ('2025-05-08', 'fix', None)
    >>> read_signed_on("6/9/20", FixLog())
    ('2020-06-09', 'text', None)
    """
    text = _as_text(value)
    if text is None:
        return None, None, "missing_signed_on"
    fix = fixes.apply("signed_on", text)
    if fix:
        return fix["value"], "fix", None
    parsed = None
    iso = _ISO_DATE.match(text)
    us_style = _TEXT_DATE.match(text)
    try:
        if iso:
            parsed = dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        elif us_style:
            year = int(us_style.group(3))
            year = year + 2000 if year < 100 else year
            parsed = dt.date(year, int(us_style.group(1)), int(us_style.group(2)))
    except ValueError:
        parsed = None
    if parsed is None or not _EARLIEST_SIGNING <= parsed < _LATEST_SIGNING:
        return None, None, "unparseable_signed_on"
    source = "cell" if isinstance(value, dt.date) else "text"
    return parsed.isoformat(), source, None


@_memoised
def _read_state(value: object, fixes: FixLog) -> tuple[str | None, str | None]:
    text = clean_text(value)
    if text is None:
        return None, "missing_state"
    fix = fixes.apply("state", text)
    name = (fix["value"] if fix else text).upper()
    code = STATE_CODES.get(name)
    return (code, None) if code else (None, "unknown_state")


@_memoised
def _read_model(value: object, fixes: FixLog) -> tuple[str | None, str | None]:
    text = clean_text(value)
    if text is None:
        return None, "missing_model"
    fix = fixes.apply("support_type", text)
    code = MODEL_CODES.get(fold_text(fix["value"] if fix else text))
    return (code, None) if code else (None, "unknown_model")


@_memoised
def _read_agency_type(value: object, fixes: FixLog) -> tuple[str | None, str | None]:
    if is_null_marker(value):
        return None, None
    fix = fixes.apply("agency_type", clean_text(value))
    name = AGENCY_TYPES.get(fold_text(fix["value"] if fix else value))
    return (name, None) if name else (None, "unknown_agency_type")


@_memoised
def _read_agency_name(ice_agency: str | None, state: str | None, fixes: FixLog) -> tuple[str | None, str | None]:
    """(name we show, agency id) for an ICE agency name in a state.

    Fix rows chain (a misspelling of an old name, then the rename): typo steps before the first rename change
    the name we show; every step changes the identity.
    """
    if ice_agency is None:
        return None, None
    shown = identity = ice_agency
    renamed = False
    for _ in range(4):
        fix = fixes.apply("agency_name", identity, state=state)
        if not fix or fix["value"] == identity:
            break
        identity = fix["value"]
        renamed = renamed or fix["kind"] == "rename"
        if not renamed:
            shown = identity
    agency_id = f"{state}-{agency_key(_expand_words(identity, fixes))}" if state else None
    return shown, agency_id


@lru_cache(maxsize=65536)
def agency_name_key(name: str) -> str:
    """Spelling-insensitive key of an agency name, abbreviations spelled out (``Tampa PD`` = ``Tampa Police
    Department``): two names with the same key are the same name, not a rename.

    >>> agency_name_key("Tampa PD") == agency_name_key("Tampa Police Department")
    True
    """
    return agency_key(_expand_words(name, FixLog()))


def _expand_words(name: str, fixes: FixLog) -> str:
    """Spell out abbreviations ICE also prints in full (``PD``, ``Dept.``), for identity only."""
    words = name.split(" ")
    expanded = [fix["value"] if (fix := fixes.apply("agency_word", w)) else w for w in words]
    return " ".join(expanded)


@_memoised
def _read_agreement_holder(ice_agency: str | None, state: str | None, model: str | None, signed_on: str | None,
                           fixes: FixLog) -> tuple[str | None, str | None]:
    """(state, agency name) of the agency holding one agreement: ICE's, unless ``fixes/agreement_agency.csv``
    moves that agreement.

    ICE has printed single agreements under a wrong state (Crow Wing County, Minnesota, under MA in April
    2025) or under another agency of the same county (a county commission's WSO agreement on the sheriff's
    row, the MOA file naming the commission). The fix is keyed on the agreement as printed (agency, state,
    model and signing date), so the agency's other agreements stay where they are.
    """
    fix = fixes.apply("agreement_agency", ice_agency, state=state, model=model, signed_on=signed_on)
    return (fix["value_state"], fix["value"]) if fix else (state, ice_agency)


@_memoised
def _read_county(ice_county: str | None, state: str | None, fixes: FixLog) -> str | None:
    if is_null_marker(ice_county):
        return None
    fix = fixes.apply("county", ice_county, state=state)
    return clean_text(fix["value"] if fix else ice_county)


@lru_cache(maxsize=65536)
def _read_link(text: object, target: str | None) -> str | None:
    """The URL of an MOA/ADDENDUM cell: its hyperlink, or a URL typed as the cell's text."""
    return repair_url(target) or repair_url(_as_text(text))


def build_row(cells: dict[str, object], links: dict[str, str], fixes: FixLog) -> dict[str, object]:
    """Normalise one ICE row.

    ``cells`` maps ICE header names (``STATE``, ``LAW ENFORCEMENT AGENCY``, ...) to cell values, ``links``
    maps header names to hyperlink targets. Returns a dict with :data:`ROW_COLUMNS`.
    """
    reasons = []
    state, why = _read_state(cells.get("STATE"), fixes)
    reasons.append(why)
    ice_agency = _as_text(cells.get("LAW ENFORCEMENT AGENCY"))
    model, model_why = _read_model(cells.get("SUPPORT TYPE"), fixes)
    if "SIGNED" in cells:
        signed_on, signed_source, signed_why = read_signed_on(cells.get("SIGNED"), fixes)
    else:
        signed_on = signed_source = signed_why = None
    state, holder = _read_agreement_holder(ice_agency, state, model, signed_on, fixes)
    agency_name, agency_id = _read_agency_name(holder, state, fixes)
    if ice_agency is None:
        reasons.append("missing_agency")
    agency_type, why = _read_agency_type(cells.get("TYPE"), fixes)
    reasons.append(why if "TYPE" in cells else None)
    ice_county = _as_text(cells.get("COUNTY"))
    county = _read_county(ice_county, state, fixes)
    reasons.append(model_why if "SUPPORT TYPE" in cells else None)
    reasons.append(signed_why)
    return {
        "ice_state": _as_text(cells.get("STATE")),
        "state": state,
        "ice_agency": ice_agency,
        "agency_name": agency_name,
        "agency_id": agency_id,
        "ice_type": _as_text(cells.get("TYPE")),
        "agency_type": agency_type,
        "ice_county": ice_county,
        "county": county,
        "ice_support_type": _as_text(cells.get("SUPPORT TYPE")),
        "model": model,
        "ice_signed": _as_text(cells.get("SIGNED")),
        "signed_on": signed_on,
        "signed_on_source": signed_source,
        "ice_moa": _as_text(cells.get("MOA")),
        "moa_url": _read_link(cells.get("MOA"), links.get("MOA")),
        "ice_addendum": _as_text(cells.get("ADDENDUM")),
        "addendum_url": _read_link(cells.get("ADDENDUM"), links.get("ADDENDUM")),
        "review_reason": next((r for r in reasons if r), None),
    }


def build_rows_per_model(cells: dict[str, object], fixes: FixLog, row_number: int,
                         row_status: str | None) -> list[dict]:
    """One normalised row per model of a source row (see :func:`build_row`), with ``row_number`` and
    ``row_status``.

    Sources of 2009-2010 name an agency holding both models once ("Hybrid", "JEO/TFO"): it holds two
    agreements under one MOA, so it gives two rows with the same row number. ``fixes/support_type.csv`` maps
    such a value to the models it stands for, ``|``-separated. A cell given as None is a value the source does
    not state (a pending agreement's signing date, an old MOA file's model): it is left out, not flagged.
    """
    cells = {name: value for name, value in cells.items() if value is not None}
    value = clean_text(cells.get("SUPPORT TYPE"))
    fix = fixes.apply("support_type", value)
    types = (fix["value"] if fix else value).split("|") if value else [None]
    rows = []
    for support_type in types:
        row = build_row({**cells, "SUPPORT TYPE": support_type} if value else cells, {}, fixes)
        row["ice_support_type"] = value
        row.update(row_number=row_number, is_hidden=False, row_status=row_status)
        rows.append(row)
    return rows
