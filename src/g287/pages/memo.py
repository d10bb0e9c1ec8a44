"""Results a page reads that stay right as long as the store does (every agency's record, coverage on the newest
list), kept once per store by a ``memo``.

A memo is called with a key and a function computing the result: ``memo(("agency_records",), compute)``. The
live site passes its own (:func:`g287.web.deps.get_memo`: one result per store, computed once however many
requests ask at the same time); everyone else gets :func:`compute`, which computes the result when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

Memo = Callable[[tuple, Callable[[], Any]], Any]


def compute(key: tuple, result: Callable[[], T]) -> T:
    """The memo that keeps nothing: ``result()``.

    >>> compute(("answer",), lambda: 42)
    42
    """
    return result()
