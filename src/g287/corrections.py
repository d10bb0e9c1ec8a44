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


@cache
def load_fix_table(field: str) -> dict[tuple[str, ...], dict[str, str]]:
    """Rows of ``fixes/<field>.csv`` keyed on (``state``,) ``ice_value``, both folded.

    >>> load_fix_table("state")[("utahj",)]["value"]
    'UTAH'
    """
    text = resources.files("g287.fixes").joinpath(f"{field}.csv").read_text(encoding="utf-8")
    table = {}
    for row in csv.DictReader(text.splitlines()):
        missing = [c for c in FIX_COLUMNS if not row.get(c)]
        if missing:
            raise ValueError(f"fixes/{field}.csv: row {row} lacks {', '.join(missing)}")
        key = ((fold_text(row["state"]),) if "state" in row else ()) + (fold_text(row["ice_value"]),)
        table[key] = row
    return table


def fix_tables() -> list[str]:
    """Names of all fix tables shipped with g287."""
    return sorted(p.name[:-4] for p in resources.files("g287.fixes").iterdir() if p.name.endswith(".csv"))


class FixLog:
    """Applies fix rows and remembers which ones were used."""

    def __init__(self) -> None:
        self.used: set[tuple[str, tuple[str, ...]]] = set()

    def apply(self, field: str, value: str | None, state: str | None = None) -> dict[str, str] | None:
        """The fix row for ``value`` (and ``state`` for state-scoped tables), or None."""
        if value is None:
            return None
        table = load_fix_table(field)
        scoped = next(iter(table), ())
        key = ((fold_text(state),) if len(scoped) == 2 else ()) + (fold_text(value),)
        row = table.get(key)
        if row is not None:
            self.used.add((field, key))
        return row
