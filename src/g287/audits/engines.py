"""Where the audit's SQL runs: embedded DuckDB (the default) or Apache Spark (local mode or a cluster).

Both engines expose the stop records as one view, ``stops``, with the same column names, register small
tables (sun times, race codes) and run the same SQL text (see :mod:`g287.audits.aggregate`). Spark's master
comes from the ``master`` argument, else ``G287_SPARK_MASTER``, else ``local[2]``.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from g287.audits.stops import StopsFile, view_select
from g287.errors import AuditError

ENGINES = ("duckdb", "spark")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBEngine:
    """Runs the audit on an in-memory DuckDB database; the stops file is read in place, never copied.

    >>> engine = DuckDBEngine()
    >>> engine.query("SELECT 1 + 1 AS two")["two"].tolist()
    [2]
    """

    name = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def _scan(self, path, fmt: str) -> str:
        if fmt == "parquet":
            return f"read_parquet({_sql_text(str(path))})"
        # A truncated last line (fewer fields) is read with the missing fields empty.
        return f"read_csv({_sql_text(str(path))}, header = true, all_varchar = true, null_padding = true)"

    def columns(self, path, fmt: str) -> list[str]:
        """Column names of a stops file."""
        import duckdb

        try:
            return [row[0] for row in self.con.execute(f"DESCRIBE SELECT * FROM {self._scan(path, fmt)}").fetchall()]
        except duckdb.Error as exc:
            raise AuditError(f"{os.path.basename(path)}: cannot be read as {fmt} ({str(exc).splitlines()[0]}).") from None

    def register_stops(self, stops: StopsFile) -> None:
        """Expose the file as the view ``stops`` with the standard column names."""
        self.con.execute(f"CREATE OR REPLACE VIEW stops AS SELECT {view_select(stops, chr(34), 'VARCHAR')} "
                         f"FROM {self._scan(stops.path, stops.format)}")

    def register_table(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small DataFrame queryable as ``name``."""
        self.con.register(f"{name}_frame", frame)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
        self.con.unregister(f"{name}_frame")

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL; the result as a DataFrame."""
        return self.con.execute(sql).df()

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """Runs the audit on Apache Spark: ``local[2]`` by default, or the cluster in ``master`` /
    ``G287_SPARK_MASTER`` (``spark://host:7077``, ``yarn``, ``k8s://...``). Needs ``pip install 'g287[spark]'``
    and Java 17 or newer. An active Spark session (as on Databricks or in ``spark-submit``) is reused."""

    name = "spark"

    def __init__(self, master: str | None = None, shuffle_partitions: int | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise AuditError("--engine spark needs PySpark. Install it with: pip install 'g287[spark]'.") from None
        active = SparkSession.getActiveSession()
        if active is not None and master is None:
            self.spark = active
        else:
            master = master or os.environ.get("G287_SPARK_MASTER") or "local[2]"
            builder = (SparkSession.builder.appName("g287-audit").master(master)
                       .config("spark.ui.enabled", "false")
                       .config("spark.sql.session.timeZone", "UTC"))
            if master.startswith("local"):
                builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions or 4))
            self.spark = builder.getOrCreate()

    def _reader(self, path, fmt: str):
        if fmt == "parquet":
            return self.spark.read.parquet(str(path))
        # Every field as text, as in DuckDB's reading; an empty field is null.
        return self.spark.read.csv(str(path), header=True, inferSchema=False, mode="PERMISSIVE")

    def columns(self, path, fmt: str) -> list[str]:
        """Column names of a stops file."""
        from py4j.protocol import Py4JJavaError
        from pyspark.errors import PySparkException

        try:
            return list(self._reader(path, fmt).columns)
        except (PySparkException, Py4JJavaError) as exc:
            raise AuditError(f"{os.path.basename(path)}: cannot be read as {fmt} ({str(exc).splitlines()[0]}).") from None

    def register_stops(self, stops: StopsFile) -> None:
        """Expose the file as the temporary view ``stops`` with the standard column names."""
        self._reader(stops.path, stops.format).createOrReplaceTempView("stops_source")
        self.spark.sql(f"SELECT {view_select(stops, '`', 'STRING')} FROM stops_source").createOrReplaceTempView("stops")

    def register_table(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small DataFrame queryable as ``name`` (a temporary view), with an explicit schema.

        The rows travel through Arrow, so Spark starts no Python worker for them."""
        import pyarrow as pa

        types = []
        for column in frame.columns:
            sample = frame[column].dropna().iloc[0] if frame[column].notna().any() else None
            if pd.api.types.is_integer_dtype(frame[column].dtype):
                types.append(("BIGINT", pa.int64()))
            elif pd.api.types.is_float_dtype(frame[column].dtype):
                types.append(("DOUBLE", pa.float64()))
            elif isinstance(sample, dt.date):
                types.append(("DATE", pa.date32()))
            else:
                types.append(("STRING", pa.string()))
        table = pa.table({c: pa.array(frame[c].tolist(), type=t) for c, (_, t) in zip(frame.columns, types)})
        schema = ", ".join(f"`{c}` {kind}" for c, (kind, _) in zip(frame.columns, types))
        self.spark.createDataFrame(table, schema=schema).createOrReplaceTempView(name)

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL; the result as a DataFrame."""
        rows = self.spark.sql(sql).collect()
        columns = self.spark.sql(sql).columns if not rows else list(rows[0].asDict())
        return pd.DataFrame([tuple(r) for r in rows], columns=columns)

    def close(self) -> None:
        """Leave the session running: Spark sessions are shared within a process."""


def open_engine(name: str = "duckdb", master: str | None = None):
    """The engine called ``name`` (``duckdb`` or ``spark``).

    >>> open_engine("duckdb").name
    'duckdb'
    >>> open_engine("polars")
    Traceback (most recent call last):
    ...
    g287.errors.AuditError: --engine polars is not an engine; use duckdb or spark.
    """
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(master=master)
    raise AuditError(f"--engine {name} is not an engine; use {' or '.join(ENGINES)}.")
