"""Reference docs are generated from the code and up to date; every command and column is documented."""

from __future__ import annotations

from pathlib import Path

from cogapp import Cog

from g287.reference_docs import command_names
from g287.store.schema import TABLES

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ["cli.md", "data-dictionary.md", "fixes.md", "audits.md", "ledger.md", "history.md"]


def test_generated_pages_are_current():
    status = Cog().main(["cog", "--check", *[str(DOCS / p) for p in PAGES]])
    assert status == 0, "docs are stale: run cog -r docs/cli.md docs/data-dictionary.md docs/fixes.md docs/audits.md docs/ledger.md docs/history.md"


def test_every_command_is_documented():
    text = (DOCS / "cli.md").read_text()
    assert set(command_names()) >= {"import", "build", "check", "counts", "agencies", "history", "events", "export",
                                    "audit", "audit synth"}
    assert [c for c in command_names() if f"## g287 {c}\n" not in text] == []


def test_every_column_is_documented():
    text = (DOCS / "data-dictionary.md").read_text()
    missing = [f"{t}.{c}" for t, (_, columns) in TABLES.items() for c, _, meaning in columns
               if f"| `{c}` |" not in text or not meaning]
    assert missing == []


def test_settings_are_documented():
    readme = (DOCS.parent / "README.md").read_text()
    for setting in ("G287_HOME", "G287_SHARED_DATA", "G287_CONTACT", "G287_HTTP_TIMEOUT", "G287_HTTP_RETRIES",
                    "G287_HTTP_BACKOFF", "G287_HTTP_DELAY", "G287_US_ATLAS", "G287_SMTP_HOST",
                    "G287_SMTP_PORT", "G287_SMTP_FROM", "G287_ICE_MIRROR", "G287_SPARK_MASTER"):
        assert setting in readme, setting


def test_every_test_named_in_the_reliability_page_exists():
    import re

    text = (DOCS / "reliability.md").read_text()
    named = re.findall(r"`([\w/]+\.py)::(test_\w+)`", text)
    # "`file::a`, `::b`" names b in the same file as a.
    for path, first, more in re.findall(r"`([\w/]+\.py)::(test_\w+)`((?:, `::test_\w+`)+)", text):
        named += [(path, name) for name in re.findall(r"::(test_\w+)", more)]
    assert len(named) >= 20
    tests = DOCS.parent / "tests"
    missing = [f"{path}::{name}" for path, name in named
               if f"def {name}(" not in (tests / path).read_text()]
    assert missing == []
