"""The list date (and slot within the day) of an ICE publication, from its file name.

Forms ICE and the archives use:

- ``participatingAgencies05012025am.xlsx``: MMDDYYYY plus ``am``/``mid``/``pm`` and version marks
  (``amB``, ``am_b``, ``pmB``, ``pm_b``, ``pm2``; a trailing `` copy`` is ignored);
- ``participatingAgencies-20250221214937.xlsx`` / ``ParticipatingEntities-20210113002027.xlsx``: a Wayback
  capture time (UTC), dated by its US Eastern date;
- ``2025-09-02-am.xlsx`` / ``2021-01-12.xlsx``: an ISO date and optional slot (g287's own archive names);
- ``ice_live_287gMOA_index_2026-04-20.tsv``: a reference CSV or TSV named for the day it was captured.

File names ICE mis-dated are repaired from ``fixes/list_date.csv`` (keyed on the exact file name).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from g287.errors import ListDateError
from g287.corrections import FixLog

SLOT_ORDER = ("", "am", "am-b", "mid", "pm", "pm-b", "pm-2")
_ICE_SUFFIX = {"": "", "am": "am", "amb": "am-b", "am_b": "am-b", "mid": "mid", "pm": "pm", "pmb": "pm-b",
               "pm_b": "pm-b", "pm2": "pm-2"}
_ICE_NAME = re.compile(r"^[A-Za-z]+?(\d{8})(am|mid|pm)?(B|_b|2)?(?: copy)?\.xlsx$")
_WAYBACK_NAME = re.compile(r"^[A-Za-z]+-(\d{14})\.xlsx$")
_ISO_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(am|am-b|mid|pm|pm-b|pm-2))?\.[A-Za-z]+$")
# A reference file named for the day it was captured or charted (primary_source_chart_2010-05-08.csv).
_DATED_NAME = re.compile(r"^[\w.-]*?[_-](\d{4}-\d{2}-\d{2})\.(?:csv|tsv)$")
_EASTERN = ZoneInfo("America/New_York")


def resolve_list_date(name: str) -> tuple[str, str, str]:
    """(ISO list date, slot, date basis) for a publication file name.

    >>> resolve_list_date("participatingAgencies05012025am.xlsx")
    ('2025-05-01', 'am', 'ice-filename')
    >>> resolve_list_date("participatingAgencies08022025pm.xlsx")
    ('2025-09-02', 'pm', 'ice-filename-corrected')
    >>> resolve_list_date("participatingAgencies-20250221214937.xlsx")
    ('2025-02-21', 'pm', 'wayback-capture')
    >>> resolve_list_date("ice_live_287gMOA_index_2026-04-20.tsv")
    ('2026-04-20', '', 'dated-filename')
    """
    fix = FixLog().apply("list_date", name)
    if fix:
        found = _ISO_NAME.match(fix["value"] + ".xlsx")
        return found.group(1), found.group(2) or "", "ice-filename-corrected"
    iso = _ISO_NAME.match(name)
    if iso:
        _check_date(iso.group(1), name)
        return iso.group(1), iso.group(2) or "", "iso-filename"
    dated = _DATED_NAME.match(name)
    if dated:
        return _check_date(dated.group(1), name), "", "dated-filename"
    ice = _ICE_NAME.match(name)
    if ice:
        digits = ice.group(1)
        date = _check_date(f"{digits[4:]}-{digits[:2]}-{digits[2:4]}", name)
        slot = _ICE_SUFFIX[((ice.group(2) or "") + (ice.group(3) or "")).lower()]
        return date, slot, "ice-filename"
    wayback = _WAYBACK_NAME.match(name)
    if wayback:
        try:
            captured = dt.datetime.strptime(wayback.group(1), "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            raise ListDateError(_no_date(name)) from None
        local = captured.astimezone(_EASTERN)
        return local.date().isoformat(), "am" if local.hour < 12 else "pm", "wayback-capture"
    raise ListDateError(_no_date(name))


def _no_date(name: str) -> str:
    return (f"{name}: cannot tell the list date from the file name; pass --list-date YYYY-MM-DD "
            "(and add the name to fixes/list_date.csv if ICE mis-dated it).")


def _check_date(iso: str, name: str) -> str:
    try:
        date = dt.date.fromisoformat(iso)
    except ValueError:
        raise ListDateError(_no_date(name)) from None
    if not 2000 <= date.year <= 2100:
        raise ListDateError(_no_date(name))
    return iso


def slot_rank(slot: str) -> int:
    """Position of a slot within its day (publication order)."""
    return SLOT_ORDER.index(slot) if slot in SLOT_ORDER else len(SLOT_ORDER)
