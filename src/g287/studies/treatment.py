"""Treatment timing: periods as consecutive integers, and first-treated periods from the ledger or a file.

Event time is ``period - first treated period``, so periods must count in steps of one: a year is itself, a
quarter is ``4 * year + quarter - 1`` and a month ``12 * year + month - 1``. Labels turn codes back into text.
The ledger's treatment dates are the first agreement of each county or agency (:func:`first_agreements`).
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import polars as pl

from g287.errors import QueryError, StudyError
from g287.inputs import parse_model

PERIOD_UNITS = ("year", "quarter", "month")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


def encode_period(value, unit: str) -> int:
    """The integer code of a period given as a number, a date or ISO text.

    >>> encode_period("2025-03-14", "month") - encode_period("2024-12", "month")
    3
    >>> encode_period("2025Q2", "quarter") - encode_period(dt.date(2024, 12, 31), "quarter")
    2
    >>> encode_period(2019, "year")
    2019
    """
    if unit not in PERIOD_UNITS:
        raise StudyError(f'period_unit "{unit}" is unknown. Use one of: {", ".join(PERIOD_UNITS)}.')
    if isinstance(value, dt.date):
        year, month = value.year, value.month
    else:
        text = str(value).strip()
        if unit == "year" and re.fullmatch(r"\d+(\.0)?", text):
            # A whole number is a year or a plain period index (1, 2, ...): keep it as it is.
            return int(float(text))
        if (q := _QUARTER.match(text)) and unit == "quarter":
            return 4 * int(q[1]) + int(q[2]) - 1
        if not (m := _MONTH.match(text)) or not 1 <= int(m[2]) <= 12:
            raise StudyError(f'Period "{value}" is not a {unit} (use YYYY, YYYY-MM, YYYY-MM-DD'
                             f'{" or YYYYQn" if unit == "quarter" else ""}).')
        year, month = int(m[1]), int(m[2])
    if unit == "year":
        return year
    return 4 * year + (month - 1) // 3 if unit == "quarter" else 12 * year + month - 1


def label_period(code: int, unit: str) -> str:
    """Text for a period code: ``2019``, ``2025Q2`` or ``2025-03``.

    >>> label_period(encode_period("2025-03", "month"), "month"), label_period(8101, "quarter")
    ('2025-03', '2025Q2')
    """
    if unit == "year":
        return str(code)
    if unit == "quarter":
        return f"{code // 4}Q{code % 4 + 1}"
    return f"{code // 12}-{code % 12 + 1:02d}"


def encode_period_column(frame: pl.DataFrame, column: str, unit: str) -> pl.DataFrame:
    """Replace a period column (numbers, dates or text) by its integer codes."""
    values = frame[column]
    if unit == "year" and values.dtype.is_integer():
        return frame
    codes = {v: encode_period(v, unit) for v in values.unique().drop_nulls().to_list()}
    return frame.with_columns(values.replace_strict(codes, default=None, return_dtype=pl.Int64).alias(column))


def attach_first_treated(frame: pl.DataFrame, idname: str, dates: dict[str, str], unit: str,
                         gname: str = "first_treated") -> pl.DataFrame:
    """Add ``gname``: the period code of each unit's treatment date (0 when the unit has none)."""
    codes = {k: encode_period(dt.date.fromisoformat(v[:10]), unit) for k, v in dates.items() if v}
    return frame.with_columns(pl.col(idname).cast(pl.Utf8).replace_strict(codes, default=0, return_dtype=pl.Int64)
                              .alias(gname))


def first_treated_from_flag(frame: pl.DataFrame, idname: str, tname: str, flag: str,
                            gname: str = "first_treated") -> pl.DataFrame:
    """Add ``gname`` from a 0/1 (or true/false) column: the first period the flag is on, 0 if never.

    Staggered designs treat adoption as absorbing: periods after a unit leaves still count as treated.
    """
    on = pl.col(flag).cast(pl.Utf8).str.to_lowercase().is_in(["1", "true", "yes", "y", "x"])
    first = (frame.filter(on).group_by(idname).agg(pl.col(tname).min().alias(gname)))
    return frame.join(first, on=idname, how="left").with_columns(pl.col(gname).fill_null(0))


def read_treatment_dates(path, unit_column: str = "unit", date_column: str = "treated_on") -> dict[str, str]:
    """Treatment dates given directly (for history before the ledger): a CSV with ``unit`` and ``treated_on``."""
    try:
        table = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise StudyError(f"{path}: cannot read the treatment dates ({str(error).splitlines()[0]}). "
                         f'Give a CSV with columns "{unit_column}" and "{date_column}".') from error
    for column in (unit_column, date_column):
        if column not in table.columns:
            raise StudyError(f'{path}: no column "{column}". Give a CSV with columns "{unit_column}" and '
                             f'"{date_column}".')
    dates = {}
    for unit, date in table.select(unit_column, date_column).iter_rows():
        try:
            dates[unit] = dt.date.fromisoformat((date or "")[:10]).isoformat() if date else None
        except ValueError as error:
            raise StudyError(f'{path}: treated_on "{date}" for unit {unit} is not a date (YYYY-MM-DD).') from error
    return dates


TREATMENT_UNITS = ("county", "agency")


def first_agreements(con: duckdb.DuckDBPyConnection, unit: str = "county", model: str | None = None,
                     exclude_coverage_kinds: tuple[str, ...] = ("state agency",)) -> list[dict]:
    """Per county (FIPS) or agency (FBI ORI): the first agreement that covers it, for treatment dates.

    The date is the earliest start of an agreement life before 2021 (``source`` ``history``: its best start,
    with ``uncertainty_days`` between its earliest and latest possible start) or of a ledger agreement
    (``source`` ``ledger``: its signing date, its first listing when ICE gave none; uncertainty 0).
    ``agreement_id`` cites the ledger agreement or the life (``interval_id``). Agreements of agencies whose
    ``coverage_kind`` is in ``exclude_coverage_kinds`` are left out: by default a state agency, which would
    mark every county of its state treated on one day.
    """
    if unit not in TREATMENT_UNITS:
        raise QueryError(f'Treatment unit "{unit}" is unknown. Use "county" or "agency".')
    model_code = parse_model(model)
    key, join = (("c.county_fips", "JOIN agency_counties c ON c.agency_id = s.agency_id") if unit == "county"
                 else ("j.ori", ""))
    rows = con.execute(f"""
        WITH starts AS (
            SELECT agency_id, model, coalesce(signed_on, first_listed_on) AS treated_on, agreement_id AS cited,
                   agreement_id AS same, 'ledger' AS source, 0 AS uncertainty_days FROM agreements
            UNION ALL
            SELECT agency_id, model, start_on, interval_id, coalesce(agreement_id, interval_id), 'history',
                   date_diff('day', start_earliest_on::DATE, start_latest_on::DATE) FROM intervals)
        SELECT {key} AS unit, min(s.treated_on) AS treated_on,
               arg_min(s.cited, s.treated_on || s.source || s.cited) AS agreement_id,
               arg_min(s.source, s.treated_on || s.source || s.cited) AS source,
               arg_min(s.uncertainty_days, s.treated_on || s.source || s.cited) AS uncertainty_days,
               count(DISTINCT s.same) AS agreements
        FROM starts s {join}
        JOIN jurisdictions j ON j.agency_id = s.agency_id
        WHERE (? IS NULL OR s.model = ?) AND {key} IS NOT NULL
          AND NOT list_contains(?::VARCHAR[], coalesce(j.coverage_kind, ''))
        GROUP BY 1 ORDER BY 1""", [model_code, model_code, list(exclude_coverage_kinds)]).fetchall()
    return [dict(zip(("unit", "treated_on", "agreement_id", "source", "uncertainty_days", "agreements"), r))
            for r in rows]
