"""The house keeps its shape: imports point down the layers of docs/architecture.md, no import cycles (imports
inside functions included), and no module grows into a grab-bag."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "g287"
# Declarative tables may be long: the schema's column descriptions, the API's response models.
LONG_TABLES = {"store/schema.py", "web/models.py"}
MOST_LINES = 500


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the contracts of pyproject.toml, over the package found in ``src``."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.fail("lint-imports is not installed: pip install -c requirements.lock -e '.[test]'")
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([lint, "--no-cache", "--no-logo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def test_the_layer_contracts_hold():
    done = lint_imports(ROOT / "src")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    # The package copied, and its lowest layer made to import its highest: the check must fail and name it.
    shutil.copytree(SRC, tmp_path / "g287", ignore=shutil.ignore_patterns("__pycache__", "data", "static"))
    errors = tmp_path / "g287" / "errors.py"
    errors.write_text(errors.read_text() + "\n\ndef _upward():\n    from g287.cli import app  # noqa: F401\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1
    assert "g287.errors -> g287.cli" in done.stdout
    assert "imports point down (docs/architecture.md) BROKEN" in done.stdout
    assert "No import cycle among g287's packages and modules BROKEN" in done.stdout


def test_no_module_is_a_grab_bag():
    long = {path.relative_to(SRC).as_posix(): n for path in SRC.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MOST_LINES}
    assert set(long) <= LONG_TABLES, {k: v for k, v in long.items() if k not in LONG_TABLES}
