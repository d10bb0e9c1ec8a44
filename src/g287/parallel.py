"""Worker processes for g287's parallel work (parsing lists, validating imports, reading MOAs)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers start from a clean interpreter (``forkserver``), not a fork of this process: a fork
    of a process that has loaded PDFium (``g287 moa``, or a build that read MOAs) dies in the child, so a second
    import or build in the same process (a notebook, a test session) would break its pool."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
