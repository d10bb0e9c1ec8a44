"""Alerts from ledger events: Atom feeds, and watches delivered by webhook or e-mail."""
