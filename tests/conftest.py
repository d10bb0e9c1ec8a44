"""Shared fixtures: real ICE files from ../shared/data, and one ledger built from the whole archive."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

# The shared public data sits beside the repository; G287_SHARED_DATA points elsewhere if needed.
SHARED = Path(os.environ.get("G287_SHARED_DATA")
              or Path(__file__).resolve().parents[1] / ".." / "shared" / "data").resolve()
ICE = SHARED / "ice-287g"


def shared_path(relative: str) -> Path:
    """A file under ../shared/data. Skips the test, naming the folder, only when the shared folder is absent;
    a missing file inside it is an error of the test."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder not available: {SHARED}")
    path = SHARED / relative
    if not path.exists():
        raise FileNotFoundError(f"{path} is not in the shared data")
    return path


def newest_list_edited(part: str, edit) -> bytes:
    """The bytes of ICE's newest participating workbook with its XML part ``part`` passed through ``edit``."""
    import io
    import zipfile

    source = zipfile.ZipFile(shared_path("ice-287g/archive/participating/2026-05-18.xlsx"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            copy.writestr(item, edit(data) if item.filename == part else data)
    return out.getvalue()


def newest_list_with_header(old: str, new: str) -> bytes:
    """The bytes of ICE's newest participating workbook with header cell ``old`` renamed to ``new``."""
    return newest_list_edited("xl/sharedStrings.xml", lambda data: data.replace(f">{old}<".encode(),
                                                                                f">{new}<".encode()))


def run_cli(home: Path, *args: str):
    """``g287 ARGS`` run in this process on the g287 home ``home``: the click result (output, exit code)."""
    from typer.testing import CliRunner

    from g287.cli import app

    return CliRunner().invoke(app, list(args), env={"G287_HOME": str(home)})


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright: one for the browser tests of a module. Not one for the
    session: while Playwright's sync API runs, the main thread has a running event loop, so neither another
    Playwright nor ``asyncio.run`` in a later module could start."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def sheets_index() -> list[dict]:
    """Rows of ice-287g/sheets_index.csv: every archived spreadsheet with its data_rows."""
    with shared_path("ice-287g/sheets_index.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def archive_index() -> list[dict]:
    """Rows of ice-287g/archive/index.csv (original names, list dates)."""
    with shared_path("ice-287g/archive/index.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


HISTORY_FILES = ("pre2018-roster-long.csv", "historical-oig-2009.csv", "primary_source_chart_2010-05-08.csv",
                 "kostandini_tableA1.csv", "ice_live_287gMOA_index_2026-04-20.tsv")
# ICE's 287(g) enforcement statistics, FY2006-2013 (docs/output.md).
OUTPUT_FILES = ("pre2018-ice-removals-long.csv",)


def all_publication_files() -> list[Path]:
    """Every publication in the shared data: ICE's spreadsheets, HTML-era tables and the roster CSV, and the
    2002-2020 reference sources of history/."""
    shared_path("ice-287g")
    return (sorted(ICE.glob("archive/*/*.xlsx")) + sorted(ICE.glob("participating-html-derived/*.xlsx"))
            + [ICE / "historical" / "historical-ice-lists.csv"]
            + [ICE / "history" / name for name in HISTORY_FILES + OUTPUT_FILES] + sorted(ICE.glob("moa/*.pdf")))


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A g287 home with the whole shared archive imported and built (once per test session)."""
    import g287

    home = tmp_path_factory.mktemp("g287-home")
    g287.import_files(all_publication_files(), home=home)
    g287.build(home=home)
    return home


@pytest.fixture(scope="session")
def bundled_ledger():
    """A read-only connection to the ledger bundled with the package (no build needed)."""
    from g287.store.connect import open_ledger

    connection = open_ledger(None)
    yield connection
    connection.close()


@pytest.fixture
def ledger(built_home: Path):
    """A read-only connection to the session's built store."""
    import g287

    with g287.connect(home=built_home) as con:
        yield con


@pytest.fixture
def copy_of_home(built_home: Path, tmp_path: Path) -> Path:
    """A private copy of the built home, for tests that change the archive or the store."""
    target = tmp_path / "home"
    shutil.copytree(built_home, target)
    return target
