"""Atomic builds: a failed or killed build leaves the current store answering unchanged; one build at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import g287
import g287.errors


def test_a_failed_build_leaves_the_current_store(copy_of_home: Path):
    store = copy_of_home / "g287.duckdb"
    before = store.read_bytes()
    manifest = copy_of_home / "archive" / "manifest.csv"
    first_object = next(p for p in (copy_of_home / "archive" / "objects").rglob("*") if p.is_file())
    first_object.chmod(0o644)
    first_object.write_bytes(b"PK broken")  # a damaged archive object
    with pytest.raises(g287.errors.ArchiveError) as error:
        g287.build(home=copy_of_home)
    assert str(error.value) == (f"Archive object {first_object} is damaged (its SHA-256 no longer matches); restore "
                                "it from a backup or import the original file again.")
    assert store.read_bytes() == before and manifest.exists()
    assert not list(copy_of_home.glob(".g287-build-*"))


def _answers(home: Path) -> tuple:
    """What a user would ask of the store: counts, agencies, one history, the newest events."""
    return (g287.counts(by="state", home=home), g287.agencies(state="FL", home=home),
            g287.history("MD-garrett-county-sheriffs-office", home=home)["events"],
            g287.events(since="2026-05-01", home=home))


def test_a_build_killed_midway_leaves_the_previous_store_answering_unchanged(copy_of_home: Path):
    import os
    import signal
    import subprocess
    import sys
    import time

    store = copy_of_home / "g287.duckdb"
    before_bytes, before = store.read_bytes(), _answers(copy_of_home)
    shutil.rmtree(copy_of_home / "cache", ignore_errors=True)  # a cold build: parsing takes seconds
    build = subprocess.Popen([sys.executable, "-c", "from g287.cli import app; app()", "build"], env={**os.environ, "G287_HOME": str(copy_of_home)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(copy_of_home.glob(".g287-build-*.duckdb")) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # well inside the build: the new store is open and being written
    assert build.poll() is None, "the build ended before it could be killed"
    build.send_signal(signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL
    assert list(copy_of_home.glob(".g287-build-*.duckdb"))  # the half-written store it left
    assert store.read_bytes() == before_bytes and _answers(copy_of_home) == before
    assert [r for r in g287.check(home=copy_of_home) if r["status"] == "fail"] == []
    # The next build runs, replaces the store, and clears what the killed one left.
    g287.build(home=copy_of_home)
    assert not list(copy_of_home.glob(".g287-build-*")) and _answers(copy_of_home) == before


def test_a_second_build_while_one_runs_is_refused(copy_of_home: Path):
    import subprocess
    import sys

    store = copy_of_home / "g287.duckdb"
    # Another process with a build under way: it holds the lock until told to stop.
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from pathlib import Path; "
                               "from g287.store.build.atomic import StoreWriter; w = StoreWriter(Path(sys.argv[1])); "
                               "print('ready', flush=True); sys.stdin.read(); w.discard()", str(store)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "ready\n"
        with pytest.raises(g287.errors.BuildLockedError) as error:
            g287.build(home=copy_of_home)
        assert str(error.value) == (f"Another g287 build is writing {store}; wait for it to finish, then run "
                                    "\"g287 build\" again if needed.")
    finally:
        holder.communicate("")
    g287.build(home=copy_of_home)
    assert not list(copy_of_home.glob(".g287-build-*"))
