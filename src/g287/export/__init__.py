"""Exports of the ledger: Parquet, CSV, JSON and SQLite (Datasette)."""
