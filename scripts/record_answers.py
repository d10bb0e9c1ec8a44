"""Record g287's answers to a fixed set of questions, byte for byte, into a folder.

Run it before and after a change that must not alter behaviour, then compare the two folders
(``diff -r before after``): every command's standard output, standard error and exit code, and every file a
command writes (exports, feeds, briefs, the published site).

    python scripts/record_answers.py OUT                 # over the bundled ledger
    python scripts/record_answers.py OUT --home HOME     # over a store built in HOME as well

Dates are from 2021 on (the lists' era), where the answers are settled.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

SHARED = Path(os.environ.get("G287_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
MOA = SHARED / "ice-287g" / "moa"

# Each question: a name (the file its answer goes to) and the arguments of ``g287``.
QUESTIONS: list[tuple[str, list[str]]] = [
    ("counts", ["counts"]),
    ("counts-json", ["counts", "--json"]),
    ("counts-2021-json", ["counts", "--as-of", "2021-06-01", "--json"]),
    ("counts-2025-model", ["counts", "--as-of", "2025-02-21", "--by", "model"]),
    ("counts-2025-model-json", ["counts", "--as-of", "2025-02-21", "--by", "model", "--json"]),
    ("counts-state-json", ["counts", "--as-of", "2026-05-18", "--by", "state", "--json"]),
    ("counts-type-json", ["counts", "--as-of", "2025-09-01", "--by", "type", "--json"]),
    ("counts-fl-json", ["counts", "--state", "Florida", "--by", "model", "--json"]),
    ("counts-bad-by", ["counts", "--by", "color"]),
    ("counts-bad-date", ["counts", "--as-of", "2025-13-01"]),
    ("counts-bad-state", ["counts", "--state", "Atlantis"]),
    ("agencies", ["agencies", "--state", "MD"]),
    ("agencies-json", ["agencies", "--state", "FL", "--model", "TFM", "--json"]),
    ("agencies-csv", ["agencies", "--state", "FL", "--model", "TFM", "--csv"]),
    ("agencies-2025-csv", ["agencies", "--as-of", "2025-02-21", "--csv"]),
    ("agencies-bad-model", ["agencies", "--model", "XYZ"]),
    ("history-garrett", ["history", "Garrett County Sheriff's Office", "--state", "MD"]),
    ("history-garrett-json", ["history", "Garrett County Sheriff's Office", "--state", "MD", "--json"]),
    ("history-mecklenburg-json", ["history", "Mecklenburg County Sheriff", "--state", "NC", "--json"]),
    ("history-mecklenburg", ["history", "Mecklenburg County Sheriff", "--state", "NC"]),
    ("history-unknown", ["history", "No Such Agency Anywhere"]),
    ("events-md", ["events", "--since", "2026-05-01", "--state", "MD"]),
    ("events-md-json", ["events", "--since", "2026-05-01", "--state", "MD", "--json"]),
    ("events-removed-json", ["events", "--since", "2025-01-01", "--type", "removed", "--json"]),
    ("events-tx-json", ["events", "--since", "2026-01-01", "--state", "TX", "--json"]),
    ("geo-agency", ["geo", "agency", "League City Police Department", "--state", "TX"]),
    ("geo-agency-json", ["geo", "agency", "League City Police Department", "--state", "TX", "--json"]),
    ("geo-agency-kbi-json", ["geo", "agency", "Kansas Bureau of Investigation", "--json"]),
    ("geo-stats-json", ["geo", "stats", "--as-of", "2026-05-18", "--json"]),
    ("geo-stats", ["geo", "stats", "--as-of", "2025-06-01"]),
    ("geo-review-json", ["geo", "review", "--json"]),
    ("geo-review", ["geo", "review", "--as-of", "2025-06-01"]),
    ("coverage", ["coverage", "--as-of", "2026-05-18", "--state", "FL"]),
    ("coverage-json", ["coverage", "--as-of", "2026-05-18", "--state", "FL", "--json"]),
    ("coverage-counties", ["coverage", "--as-of", "2025-02-21", "--state", "TX", "--counties"]),
    ("coverage-all-json", ["coverage", "--as-of", "2026-05-18", "--json"]),
    ("coverage-tfm-json", ["coverage", "--model", "TFM", "--json"]),
    ("coverage-by-state-json", ["coverage", "--by-state", "--as-of", "2026-05-18", "--json"]),
    ("coverage-by-state", ["coverage", "--by-state", "--as-of", "2025-02-21"]),
    ("output-agency", ["output", "--agency", "Mecklenburg County Sheriff", "--state", "NC"]),
    ("output-agency-json", ["output", "--agency", "Mecklenburg County Sheriff", "--state", "NC", "--json"]),
    ("output-county-json", ["output", "--county", "37119", "--json"]),
    ("output-state-json", ["output", "--state", "NC", "--json"]),
    ("output-nation-json", ["output", "--json"]),
    ("output-review-json", ["output", "review", "--json"]),
    ("output-bad-county", ["output", "--county", "abc"]),
    ("moa-show-kbi-json", ["moa", "show", str(MOA / "KansasBureauOfInv_TFM_MOA_02182025.pdf"), "--json"]),
    ("moa-show-kbi", ["moa", "show", str(MOA / "KansasBureauOfInv_TFM_MOA_02182025.pdf")]),
    ("moa-show-lee-json", ["moa", "show", str(MOA / "LeeCoSheriffsOffice_JEM_MOA_02.20.2025.pdf"), "--json"]),
    ("moa-show-baker-json", ["moa", "show", str(MOA / "287gWSO_BakerCoFl2019-10-15.pdf"), "--json"]),
    ("moa-show-missing", ["moa", "show", "missing.pdf"]),
    ("brief-12057-en", ["brief", "12057"]),
    ("brief-12057-es", ["brief", "12057", "--lang", "es"]),
    ("brief-37119-en", ["brief", "37119", "--as-of", "2025-06-01"]),
    ("help", ["--help"]),
    ("help-coverage", ["coverage", "--help"]),
]

# Commands that write files: their output folder is recorded too.
WRITERS: list[tuple[str, list[str]]] = [
    ("export-csv", ["export", "--format", "csv", "--out", "{out}"]),
    ("export-json", ["export", "--format", "json", "--out", "{out}"]),
    ("feed", ["feed", "--out", "{out}"]),
    ("coverage-geojson", ["coverage", "--as-of", "2026-05-18", "--geojson", "{out}/cov.geojson"]),
    ("publish", ["publish", "{out}", "--base-url", "https://example.org/g287/"]),
]

# Questions that need a store built in the home (the archive's MOAs, the invariants).
STORE_QUESTIONS: list[tuple[str, list[str]]] = [
    ("check-json", ["check", "--json"]),
    ("moa-show-agency-json", ["moa", "show", "Kansas Bureau of Investigation", "--json"]),
    ("moa-extract-json", ["moa", "extract", "--json"]),
    ("counts-store-json", ["counts", "--by", "model", "--json"]),
    ("history-store-json", ["history", "Kansas Bureau of Investigation", "--json"]),
]


# DuckDB draws a progress bar (on standard output) when a query runs longer than two seconds: whether it does
# depends on the machine's load, so its fragments are left out of the record.
PROGRESS_BAR = re.compile(rb"\r? *\d+% \xe2\x96\x95[^\n]*?\xe2\x96\x8f \((?:~[\d.]+ \w+ remaining|[\d:.]+ elapsed)\) *\n?")


def ask(g287: list[str], args: list[str], env: dict[str, str], cwd: Path) -> bytes:
    """One command's exit code, standard output and standard error, as one record."""
    done = subprocess.run([*g287, *args], capture_output=True, env=env, cwd=cwd, check=False)
    stdout, stderr = PROGRESS_BAR.sub(b"", done.stdout), PROGRESS_BAR.sub(b"", done.stderr)
    return f"exit {done.returncode}\n--- stdout\n".encode() + stdout + b"--- stderr\n" + stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--home", type=Path, help="A G287_HOME with a built store.")
    args = parser.parse_args()
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    g287 = [sys.executable, "-c", "from g287.cli import main; main()"]
    scratch = out / ".scratch"
    scratch.mkdir()
    env = {**os.environ, "G287_HOME": str(scratch / "empty-home"), "G287_SHARED_DATA": str(SHARED),
           "COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("G287_SITE", None)
    for name, question in QUESTIONS:
        (out / f"{name}.txt").write_bytes(ask(g287, question, env, scratch))
        print(name, flush=True)
    for name, question in WRITERS:
        folder = out / name
        folder.mkdir()
        record = ask(g287, [a.format(out=folder) for a in question], env, scratch)
        record = record.replace(str(folder).encode(), b"{out}")
        (out / f"{name}.txt").write_bytes(re.sub(rb" in [0-9.]+ s\b", b" in (seconds) s", record))
        print(name, flush=True)
    if args.home is not None:
        home_env = {**env, "G287_HOME": str(args.home.resolve())}
        for name, question in STORE_QUESTIONS:
            (out / f"store-{name}.txt").write_bytes(ask(g287, question, home_env, scratch))
            print(name, flush=True)
    shutil.rmtree(scratch)
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        digest.update(path.relative_to(out).as_posix().encode() + b"\0" + path.read_bytes())
    print(f"{sum(1 for p in out.rglob('*') if p.is_file()):,} files, sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
