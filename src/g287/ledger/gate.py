"""The drop gate: a participating list whose row count falls far more than normal is quarantined.

Between consecutive participating lists in the archive (2021-01-12 to 2026-05-18) the largest fall is 3 rows
(2025-08-12 pm, 2025-11-10 am, 2025-12-05 pm); the list only shrinks by a row or three when ICE drops an
agreement or two. A list that loses more than :data:`MAX_DROP_SHARE` of the rows of the last accepted list
*and* more than :data:`MAX_DROP_ROWS` rows is far outside that: a truncated export, a filtered copy or the
wrong file. It is quarantined with a reason and never applied, so the ledger keeps the last good state
(no false mass removals). Pending lists are not gated: they legitimately fall to zero rows.
"""

from __future__ import annotations

MAX_DROP_SHARE = 0.05
MAX_DROP_ROWS = 20


def gate_reason(previous_rows: int, rows: int) -> str | None:
    """Why a list of ``rows`` rows following an accepted list of ``previous_rows`` is quarantined, or None.

    >>> gate_reason(1000, 998) is None
    True
    >>> gate_reason(1000, 500)
    'row count fell from 1,000 to 500 (-50.0%); more than 5% and 20 rows below the last accepted list'
    """
    drop = previous_rows - rows
    if drop > MAX_DROP_ROWS and drop > MAX_DROP_SHARE * previous_rows:
        return (f"row count fell from {previous_rows:,} to {rows:,} ({-drop / previous_rows:.1%}); more than "
                f"{MAX_DROP_SHARE:.0%} and {MAX_DROP_ROWS} rows below the last accepted list")
    return None


def build_gate(publications: list[dict]) -> list[dict]:
    """Set ``status`` (``accepted``/``quarantined``) and ``status_reason`` on each publication, in order.

    ``publications`` must be in publication order and carry ``kind`` and ``row_count``.
    """
    last_accepted: int | None = None
    for publication in publications:
        reason = None
        if publication["kind"] == "participating":
            if last_accepted is not None:
                reason = gate_reason(last_accepted, publication["row_count"])
            if reason is None:
                last_accepted = publication["row_count"]
        publication["status"] = "quarantined" if reason else "accepted"
        publication["status_reason"] = reason
    return publications
