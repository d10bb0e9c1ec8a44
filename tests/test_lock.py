"""The dependency lock (requirements.lock) covers pyproject.toml, and this environment was installed from it."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# The extras the lock resolves (its header repeats the command); bench-did is a benchmark-only extra.
LOCKED_EXTRAS = ("test", "spark")
# Installers' own tools: pip upgrades itself before the install, so its version is not the lock's to set.
TOOLS = {"pip", "setuptools"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*(.+))?$")


def read_lock(text: str) -> list[tuple[str, str, str | None]]:
    """(name, version, marker) of every pin in a ``uv pip compile`` output."""
    pins = []
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            pins.append((canonicalize_name(match.group(1)), match.group(2), match.group(3)))
    return pins


def read_requirements(pyproject: dict) -> list[Requirement]:
    """Direct requirements of the project and of the locked extras."""
    project = pyproject["project"]
    lines = project["dependencies"] + [r for extra in LOCKED_EXTRAS for r in project["optional-dependencies"][extra]]
    return [Requirement(line) for line in lines]


def unlocked(requirements: list[Requirement], pins: list[tuple[str, str, str | None]]) -> list[str]:
    """Requirements no pin of the lock satisfies (absent, or pinned outside the range pyproject asks for)."""
    versions: dict[str, set[str]] = {}
    for name, pinned, _ in pins:
        versions.setdefault(name, set()).add(pinned)
    return [str(r) for r in requirements
            if not any(r.specifier.contains(v, prereleases=True) for v in versions.get(canonicalize_name(r.name), ()))]


def test_lock_header_names_the_locked_extras():
    header = (ROOT / "requirements.lock").read_text().splitlines()[1]
    assert "uv pip compile pyproject.toml" in header and "--universal" in header
    assert sorted(re.findall(r"--extra (\S+)", header)) == sorted(LOCKED_EXTRAS)


def test_every_requirement_of_pyproject_is_pinned_in_the_lock():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert unlocked(read_requirements(pyproject), read_lock((ROOT / "requirements.lock").read_text())) == []


def test_a_dependency_added_to_pyproject_only_is_caught():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pyproject["project"]["dependencies"] = [*pyproject["project"]["dependencies"], "reportlab>=4", "duckdb>=99"]
    pins = read_lock((ROOT / "requirements.lock").read_text())
    assert unlocked(read_requirements(pyproject), pins) == ["reportlab>=4", "duckdb>=99"]


def test_this_environment_was_installed_from_the_lock():
    mismatched = []
    for name, pinned, marker in read_lock((ROOT / "requirements.lock").read_text()):
        if name in TOOLS or (marker and not Marker(marker).evaluate()):
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # a pin for another platform's or extra's dependency
        if installed != pinned:
            mismatched.append(f"{name} {installed} (lock: {pinned})")
    assert mismatched == [], ("installed versions differ from requirements.lock; install with "
                              "python -m pip install -c requirements.lock -e '.[test]'")
