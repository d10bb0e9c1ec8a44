"""``g287 moa ...``: what an MOA says and how it departs from ICE's template, and the text of every archived
MOA."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import g287
from g287.cli.boundary import Group
from g287.cli.emit import Format, emit, output_options, print_table
from g287.cli.params import State
from g287.errors import NoSuchFileError

app = typer.Typer(cls=Group, help="MOA text: what each agreement says and how it departs from ICE's template.",
                  no_args_is_help=True)


@app.command("show")
@output_options()
def moa_show(target: Annotated[str, typer.Argument(help="An MOA PDF, or an agency (id or name) whose archived MOA "
                                                   "to show.")],
             corpus: Annotated[Path | None, typer.Option("--corpus", help="Folder of MOA PDFs the templates are derived from (default: the archive's MOAs for an agency, else the shared data's ice-287g/moa).")] = None,
             state: State = None, fmt: Format = "table") -> None:
    """An MOA's model, agency, signing dates and terms (each with page and line), its sections, and how it
    departs from ICE's template for its model and era (docs/moa.md)."""
    try:
        report = g287.api.moa_show(target, corpus=corpus, state=state)
    except NoSuchFileError as exc:  # neither a file nor an agency: the argument is wrong
        raise typer.BadParameter(str(exc), param_hint="TARGET") from None
    emit(report, fmt, text=_print_report)


def _print_report(report: dict) -> None:
    f = report["fields"]
    typer.echo(f"{report['file']}: {report['pages']} pages ({', '.join(f'{n} {m}' for m, n in report['methods'].items())})")
    for name in ("model", "agency", "signed_on", "party_dates", "duration_termination", "steering_committee",
                 "complaint_procedure", "data_collection"):
        where = f" (page {f[name]['page']}, line {f[name]['line']})" if f[name]["page"] else f" ({f[name]['source']})"
        typer.echo(f"  {name}: {f[name]['value']}{where}")
    c = report["comparison"]
    if c:
        typer.echo(f"Template {c['template']} (from {', '.join(c['template_sources'])}); sections identified "
                   f"{report['sections_identified']} of {report['sections_found']}")
        print_table(c["sections"], ["section", "template_section", "similarity"])
        typer.echo(f"{len(c['differences'])} differences (clauses added, removed or changed); --json lists them.")


@app.command("extract")
@output_options()
def moa_extract(out: Annotated[Path | None, typer.Option("--out", help="Folder to write each MOA's text into "
                                                         "(FILE.txt, each line as page:line: text).")] = None,
                fmt: Format = "table") -> None:
    """Read the text of every MOA in the archive (imported or downloaded by g287 sync): a PDF's text layer, OCR
    for pages that are images; prints each file's pages by method (cached by SHA-256)."""
    # With --out the text is in the files: JSON lists each file's pages by method, as the table does.
    emit(g287.api.moa_extract(out), fmt, text=_print_extracted, jsonable=None if out is None else _pages_by_method)


def _pages_by_method(moas: list[dict]) -> list[dict]:
    return [{"file": m["file"], "sha256": m["sha256"], "pages": len(m["pages"]),
             "text": sum(p["method"] == "text" for p in m["pages"]),
             "ocr": sum(p["method"] == "ocr" for p in m["pages"])} for m in moas]


def _print_extracted(moas: list[dict]) -> None:
    if moas:
        print_table(_pages_by_method(moas), ["file", "pages", "text", "ocr"])
    else:
        typer.echo("No MOA in the archive: import MOA PDFs (g287 import FILE.pdf) or run \"g287 sync --documents\".")
