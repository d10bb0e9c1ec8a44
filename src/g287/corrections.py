"""Reviewed corrections of ICE's values, loaded from ``g287/fixes/<field>.csv``.

Each row keys on the value as ICE printed it (folded: trimmed, whitespace collapsed, case-insensitive), so a
row stops applying once ICE corrects the value. Every lookup that hits is recorded, so QA can list rows that
no longer match anything.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from g287.text import fold_text

FIX_COLUMNS = ("ice_value", "value", "reason", "evidence", "reviewed_on")
# Columns that narrow where a fix row applies, in key order: a state, or one agreement (state, model, date).
SCOPE_COLUMNS = ("state", "model", "signed_on", "caption_on")


@cache
def fix_scope(field: str) -> tuple[str, ...]:
    """The scope columns of ``fixes/<field>.csv`` (those of :data:`SCOPE_COLUMNS` it has), in key order.

    >>> fix_scope("state"), fix_scope("agency_name"), fix_scope("agreement_agency")
    ((), ('state',), ('state', 'model', 'signed_on'))
    """
    header = next(csv.reader(_fix_text(field).splitlines()))
    return tuple(c for c in SCOPE_COLUMNS if c in header)


def _fix_text(field: str) -> str:
    return resources.files("g287.fixes").joinpath(f"{field}.csv").read_text(encoding="utf-8")


@cache
def load_fix_table(field: str) -> dict[tuple[str, ...], dict[str, str]]:
    """Rows of ``fixes/<field>.csv`` keyed on its scope columns (:func:`fix_scope`) then ``ice_value``, folded.

    >>> load_fix_table("state")[("utahj",)]["value"]
    'UTAH'
    """
    scope = fix_scope(field)
    table = {}
    for row in csv.DictReader(_fix_text(field).splitlines()):
        missing = [c for c in FIX_COLUMNS + scope if not row.get(c)]
        if missing:
            raise ValueError(f"fixes/{field}.csv: row {row} lacks {', '.join(missing)}")
        key = tuple(fold_text(row[c]) for c in scope) + (fold_text(row["ice_value"]),)
        table[key] = row
    return table


def fix_tables() -> list[str]:
    """Names of all fix tables shipped with g287."""
    return sorted(p.name[:-4] for p in resources.files("g287.fixes").iterdir() if p.name.endswith(".csv"))


class FixLog:
    """Applies fix rows and remembers which ones were used."""

    def __init__(self) -> None:
        self.used: set[tuple[str, tuple[str, ...]]] = set()

    def apply(self, field: str, value: str | None, **scope: str | None) -> dict[str, str] | None:
        """The fix row for ``value`` within ``scope`` (``state=``, ``model=``, ``signed_on=`` for the tables
        scoped on them), or None."""
        if value is None:
            return None
        table = load_fix_table(field)
        key = tuple(fold_text(scope.get(c)) for c in fix_scope(field)) + (fold_text(value),)
        row = table.get(key)
        if row is not None:
            self.used.add((field, key))
        return row
