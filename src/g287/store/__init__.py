"""The DuckDB store: built from the archive into a new file and swapped in atomically; queries and checks."""
