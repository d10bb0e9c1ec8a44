"""The vendored JavaScript is the npm packages' own minified files, with their licences."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.vendor_js import PACKAGES, VENDOR

NODE_MODULES = Path(__file__).resolve().parents[2] / ".ci" / "npm" / "node_modules"


def test_every_vendored_file_has_its_licence():
    for package in PACKAGES:
        assert (VENDOR / f"{package}.min.js").stat().st_size > 0
        assert "Copyright" in (VENDOR / f"{package}.LICENSE").read_text()


def test_vendored_files_match_the_npm_packages():
    if not NODE_MODULES.is_dir():
        pytest.skip(f"npm packages not installed: {NODE_MODULES} (CI installs them)")
    import json

    for package, version in PACKAGES.items():
        folder = NODE_MODULES / package
        assert json.loads((folder / "package.json").read_text())["version"] == version
        assert (folder / "dist" / f"{package}.min.js").read_bytes() == (VENDOR / f"{package}.min.js").read_bytes()
