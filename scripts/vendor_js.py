"""Copy the site's JavaScript libraries from npm packages into src/g287/web/static/vendor/.

    npm install --prefix .ci/npm d3-array@3.2.4 d3-geo@3.1.1 topojson-client@3.1.0
    python scripts/vendor_js.py .ci/npm/node_modules

Each minified file is copied with its package's licence; tests/web/test_vendor.py checks the copies match.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src" / "g287" / "web" / "static" / "vendor"
PACKAGES = {"d3-array": "3.2.4", "d3-geo": "3.1.1", "topojson-client": "3.1.0"}


def vendor(node_modules: Path, out: Path = VENDOR) -> list[Path]:
    """Copy ``dist/<package>.min.js`` and ``LICENSE`` of every package; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for package in PACKAGES:
        folder = node_modules / package
        for source, name in ((folder / "dist" / f"{package}.min.js", f"{package}.min.js"),
                             (folder / "LICENSE", f"{package}.LICENSE")):
            shutil.copyfile(source, out / name)
            written.append(out / name)
    return written


if __name__ == "__main__":
    for path in vendor(Path(sys.argv[1] if len(sys.argv) > 1 else ".ci/npm/node_modules")):
        print(path)
