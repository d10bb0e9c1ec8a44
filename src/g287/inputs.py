"""Values users give g287 (dates, states and territories, 287(g) models), read one way by every surface, and the
codes and names of states and models.

A value g287 cannot use raises :class:`g287.errors.InputError` under the library's own parameter name
(``as_of``, ``state``, ``model``); the CLI shows it under the command's option (``--as-of``), the API under its
query parameter.
"""

from __future__ import annotations

import datetime as dt

import us

from g287.errors import InputError

MODEL_CODES = {"jail enforcement model": "JEM", "task force model": "TFM", "warrant service officer": "WSO"}
MODEL_NAMES = {code: name.title() for name, code in MODEL_CODES.items()}
STATE_CODES = {s.name.upper(): s.abbr for s in us.states.STATES_AND_TERRITORIES}
STATE_NAMES = {abbr: name.title() for name, abbr in STATE_CODES.items()}


def parse_date(value: str | dt.date | None, name: str = "as_of") -> str | None:
    """ISO text for a date given as text or date; InputError (for parameter ``name``) for anything else.

    >>> parse_date("2025-02-21"), parse_date(dt.date(2025, 2, 21)), parse_date(None)
    ('2025-02-21', '2025-02-21', None)
    """
    if value is None or isinstance(value, dt.date):
        return value.isoformat() if value else None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(name, value, "is not a date; use YYYY-MM-DD.") from None


def parse_state(value: str | None, name: str = "state") -> str | None:
    """USPS code for a state given as a code or a name (``fl``, ``Florida``); InputError if unknown.

    >>> parse_state("fl"), parse_state("Florida"), parse_state("Guam")
    ('FL', 'FL', 'GU')
    """
    if value is None:
        return None
    text = value.strip().upper()
    if text in STATE_CODES.values():
        return text
    if text in STATE_CODES:
        return STATE_CODES[text]
    raise InputError(name, value, "is not a U.S. state or territory; use a code (FL) or a name (Florida).")


def parse_model(value: str | None, name: str = "model") -> str | None:
    """JEM/TFM/WSO for a model given as a code or a full name; InputError if unknown.

    >>> parse_model("tfm"), parse_model("Jail Enforcement Model")
    ('TFM', 'JEM')
    """
    if value is None:
        return None
    text = value.strip()
    if text.upper() in MODEL_CODES.values():
        return text.upper()
    code = MODEL_CODES.get(text.casefold())
    if code is None:
        raise InputError(name, value, "is not a 287(g) model; use JEM, TFM or WSO.")
    return code
