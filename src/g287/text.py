"""Generic text clean-up shared by every reader: trimming, whitespace, apostrophes, null markers."""

from __future__ import annotations

import re
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# ICE mixes typographic and straight apostrophes and quotes in agency names (README: "Apostrophes are
# sometimes straight and sometimes typographic").
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\xa0": " "})
# Text ICE uses for "no value": Excel's #N/A error, and the same typed as text.
NULL_MARKERS = frozenset({"#n/a", "#na", "n/a"})
_KEY_DROP = re.compile(r"['.,`]")
_KEY_SPACE = re.compile(r"[\s\-/&]+")


def clean_text(value: object) -> str | None:
    """Trim, collapse inner whitespace, straighten apostrophes; None for empty text.

    >>> clean_text("  Lee  County Sheriff\u2019s Office \xa0")
    "Lee County Sheriff's Office"
    >>> clean_text("\xa0") is None
    True
    """
    if value is None:
        return None
    text = _SPACE.sub(" ", str(value).translate(_QUOTES)).strip()
    return text or None


def fold_text(value: object) -> str:
    """``clean_text`` then case-folded: the form fix tables and vocabularies match on.

    >>> fold_text("WESt VIRGINIA ")
    'west virginia'
    """
    return (clean_text(value) or "").casefold()


def is_null_marker(value: object) -> bool:
    """True for empty cells and ICE's null markers (``#N/A``, ``#NA``, ``N/A``)."""
    return clean_text(value) is None or fold_text(value) in NULL_MARKERS


@lru_cache(maxsize=65536)  # called for every row of every list; names repeat
def agency_key(name: str) -> str:
    """The spelling-insensitive form of an agency name used for identity within a state.

    Case, apostrophes, periods, commas, hyphens and ampersands do not distinguish agencies.

    >>> agency_key("St. Lucie County Sheriff\u2019s Office")
    'st-lucie-county-sheriffs-office'
    """
    folded = _KEY_DROP.sub("", fold_text(name))
    return _KEY_SPACE.sub("-", folded).strip("-")
