"""Readers of ICE's publications: bytes in, typed and normalised rows out (no I/O).

Importing this package registers every built-in reader.
"""

from g287.parse import historical_csv, html_table_workbook, ice_workbook  # noqa: F401  (registration)
from g287.parse.registry import READERS, ParsedList, read_publication

__all__ = ["READERS", "ParsedList", "read_publication"]
