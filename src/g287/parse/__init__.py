"""Readers of ICE's publications: bytes in, typed and normalised rows out (no I/O).

Importing this package registers every built-in reader.
"""

from g287.parse import (  # noqa: F401  (registration; more specific readers first)
    foia_chart_csv,
    historical_csv,
    ice_arrests_foia,
    html_table_workbook,
    ice_factsheet_csv,
    ice_moa_index_tsv,
    ice_output_csv,
    ice_workbook,
    kostandini_csv,
    moa_pdf,
    oig_report_csv,
)
from g287.parse.registry import READERS, ParsedList, read_publication

__all__ = ["READERS", "ParsedList", "read_publication"]
