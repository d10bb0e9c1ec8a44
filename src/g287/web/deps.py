"""Dependencies shared by the routes: the ledger cursor, the memo of the store served, parsed query parameters,
and the agency (or 404)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path as FilePath
from typing import Annotated

from duckdb import DuckDBPyConnection
from fastapi import Depends, Path, Query, Request

from g287.errors import StoreError
from g287.inputs import MODEL_NAMES, STATE_NAMES, parse_date, parse_model, parse_state
from g287.pages.agencies import build_agency
from g287.pages.memo import Memo
from g287.pages.models import AgencyDetail
from g287.store.connect import open_ledger

logger = logging.getLogger(__name__)


class LiveLedger:
    """The app's read-only ledger, reopened when ``g287 build`` swaps a new store in.

    A build writes the new store aside and renames it over the old one, so the path always holds a complete
    store. At most once per :attr:`interval` seconds a request looks at the file's identity (inode, size,
    modification time); when it changed, the next requests get the new store, while requests already running
    finish on the old connection (their cursors keep it open). ``generation`` counts the swaps, so cached
    answers of an older store are never served.
    """

    interval = 1.0

    def __init__(self, store_path: FilePath, load: bool = True) -> None:
        self.store_path, self.load = store_path, load
        self.stamp = self._stamp()
        self.connection = open_ledger(store_path, load=load)
        self.generation = 0
        self.checked_at = time.monotonic()
        self.lock = threading.Lock()

    def _stamp(self) -> tuple | None:
        try:
            info = os.stat(self.store_path)
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    def current(self) -> DuckDBPyConnection:
        """The connection to use now, after looking for a swapped store when the interval has passed."""
        if time.monotonic() - self.checked_at >= self.interval and self.lock.acquire(blocking=False):
            try:
                self.checked_at = time.monotonic()
                stamp = self._stamp()
                if stamp is not None and stamp != self.stamp:
                    self.stamp = stamp
                    try:
                        self.connection = open_ledger(self.store_path, load=self.load)
                        self.generation += 1
                    except StoreError as exc:  # damaged outside g287: keep serving the store we have
                        logger.error("%s Still serving the previous store.", exc)
            finally:
                self.lock.release()
        return self.connection

    def refresh(self) -> DuckDBPyConnection:
        """:meth:`current`, looking for a swapped store now whatever the interval (for a caller that knows the
        store may just have been rebuilt)."""
        self.checked_at = time.monotonic() - self.interval
        return self.current()

    def current_generation(self) -> int:
        """The generation of the store to use now (looking for a swapped one, as :meth:`current` does), so
        that a swap is noticed even when every answer comes from a cache."""
        self.current()
        return self.generation


def get_cursor(request: Request) -> Iterator[DuckDBPyConnection]:
    """A cursor on the app's read-only ledger for this request (DuckDB cursors are per thread)."""
    cursor = request.app.state.ledger.current().cursor()
    try:
        yield cursor
    finally:
        cursor.close()


Cursor = Annotated[DuckDBPyConnection, Depends(get_cursor)]


# The spec documents the values the library accepts (ISO dates, state codes, model codes) without letting FastAPI
# validate them, so a rejected value gets the library's message, which says what to use instead.
DATE = {"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
STATE = {"enum": sorted(STATE_NAMES)}
MODEL = {"enum": sorted(MODEL_NAMES)}


def _as_of(as_of: Annotated[str | None, Query(description="Date YYYY-MM-DD (default: the newest list).",
                                               examples=["2025-02-21"], json_schema_extra=DATE)] = None) -> str | None:
    return parse_date(as_of, "as_of")


def _since(since: Annotated[str | None, Query(description="Date YYYY-MM-DD (default: every event).",
                                               examples=["2026-05-01"], json_schema_extra=DATE)] = None) -> str:
    return parse_date(since, "since") or "0001-01-01"


def _state(state: Annotated[str | None, Query(description="State code (FL) or name (Florida).",
                                               examples=["FL"], json_schema_extra=STATE)] = None) -> str | None:
    return parse_state(state, "state")


def _model(model: Annotated[str | None, Query(description="287(g) model: JEM, TFM or WSO.",
                                               examples=["TFM"], json_schema_extra=MODEL)] = None) -> str | None:
    return parse_model(model, "model")


AsOf = Annotated[str | None, Depends(_as_of)]
Since = Annotated[str, Depends(_since)]
State = Annotated[str | None, Depends(_state)]
Model = Annotated[str | None, Depends(_model)]
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=1000, description="Items per page (at most 1000).")]


_computing = threading.RLock()  # a computed answer may use another cached one


def cached(request: Request, key: tuple, compute):
    """A result computed once per store: the ledger is read-only until a rebuild swaps a new one in. Requests
    arriving while it is computed wait for it instead of computing it again."""
    store = request.app.state.cache
    generation = request.app.state.ledger.generation
    key = (generation, *key)
    if key not in store:
        with _computing:
            if key not in store:
                for old in [k for k in store if k[0] != generation]:  # answers of a store swapped out
                    store.pop(old, None)
                store[key] = compute()
    return store[key]


def get_memo(request: Request) -> Memo:
    """The memo of the store this app serves (:func:`cached`), which the pages keep their results in."""
    return partial(cached, request)


StoreMemo = Annotated[Memo, Depends(get_memo)]


def load_agency(con: Cursor, memo: StoreMemo, agency_id: Annotated[str, Path(description="Agency id, as in the ledger.",
                                                           examples=["MD-garrett-county-sheriffs-office"])]
                ) -> AgencyDetail:
    """The agency with this id and everything the ledger knows about it (:func:`g287.pages.agencies.build_agency`);
    404 if there is none."""
    return build_agency(con, agency_id, memo)


AgencyOr404 = Annotated[AgencyDetail, Depends(load_agency)]
