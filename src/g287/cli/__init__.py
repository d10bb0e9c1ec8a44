"""The ``g287`` command line: a module per command group, each command parsing its options, calling one
function of :mod:`g287.api` and printing through :func:`g287.cli.emit.emit`; library errors become one line in
:mod:`g287.cli.boundary`.

``app`` is the console entry point (``g287 = "g287.cli:app"``); ``main()`` runs it.
"""

from __future__ import annotations

import typer

from g287.cli import answers, audit, geo, ledger, moa, output, site, study, watch
from g287.cli.boundary import Group

app = typer.Typer(cls=Group, help="g287: the U.S. 287(g) program made visible. Ledger of ICE agreements with evidence.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None)

# --help lists the commands in this order, then the groups.
app.command("import")(ledger.import_command)
for command in (ledger.sync, ledger.build, ledger.check, answers.counts, answers.agencies, answers.history,
                answers.events, ledger.feed, ledger.export, geo.coverage, site.publish, site.serve, site.brief):
    app.command()(command)
for name, group in (("geo", geo.app), ("watch", watch.app), ("study", study.app), ("output", output.app),
                    ("moa", moa.app), ("audit", audit.app)):
    app.add_typer(group, name=name)


def main() -> None:  # pragma: no cover - console entry point
    app()
