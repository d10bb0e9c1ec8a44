"""The ledger: pure rules from normalised publications to agencies, agreements and events with evidence."""

from g287.ledger.gate import build_gate
from g287.ledger.tables import (
    EVENT_TYPES,
    HISTORY_INPUT_COLUMNS,
    LEDGER_INPUT_COLUMNS,
    add_moa_change_events,
    build_ledger,
)

__all__ = ["EVENT_TYPES", "HISTORY_INPUT_COLUMNS", "LEDGER_INPUT_COLUMNS", "add_moa_change_events", "build_gate",
           "build_ledger"]
