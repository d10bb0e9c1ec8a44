"""Markdown for the generated reference pages (docs/cli.md, docs/data-dictionary.md, docs/fixes.md).

The pages embed these functions in cog blocks; ``cog --check`` (run by the tests) fails when a page is stale.
"""

from __future__ import annotations

import csv
from importlib import resources

from g287.corrections import fix_tables
from g287.store.schema import BUNDLED_TABLES, TABLES


def command_names() -> list[str]:
    """Names of every ``g287`` command, sub-commands as ``group command`` (``geo stats``)."""
    from g287.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for group in app.registered_groups:
        # A group whose callback runs on its own (g287 audit --stops ...) is a command too.
        callback = group.typer_instance.registered_callback
        if callback is not None and callback.invoke_without_command:
            names.append(group.name)
        names += [f"{group.name} {c.name or c.callback.__name__}" for c in group.typer_instance.registered_commands]
    return names


def cli_reference() -> str:
    """``--help`` of every command, as Markdown."""
    from typer.testing import CliRunner

    from g287.cli import app

    runner = CliRunner()
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    parts = ["## g287", "", "```text", runner.invoke(app, ["--help"], env=env, prog_name="g287").output.rstrip(), "```", ""]
    for name in command_names():
        output = runner.invoke(app, [*name.split(), "--help"], env=env, prog_name="g287").output.rstrip()
        parts += [f"## g287 {name}", "", "```text", output, "```", ""]
    return "\n".join(parts)


def data_dictionary() -> str:
    """Every table and column with its type and meaning, as Markdown."""
    parts = []
    for name, (description, columns) in TABLES.items():
        bundled = " Bundled with the package." if name in BUNDLED_TABLES else ""
        parts += [f"## `{name}`", "", description + bundled, "", "| column | type | meaning |", "|---|---|---|"]
        parts += [f"| `{column}` | {kind} | {meaning} |" for column, kind, meaning in columns]
        parts.append("")
    return "\n".join(parts)


def fixes_reference() -> str:
    """Every row of every fixes table, as Markdown."""
    parts = []
    for table in fix_tables():
        text = resources.files("g287.fixes").joinpath(f"{table}.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        columns = list(rows[0]) if rows else []
        parts += [f"## `{table}.csv` ({len(rows)} rows)", ""]
        if rows:
            parts += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            parts += ["| " + " | ".join(r[c].replace("|", "\\|") for c in columns) + " |" for r in rows]
        parts.append("")
    return "\n".join(parts)


def audit_columns_reference() -> str:
    """The stop columns an audit reads, their accepted names, and the race codes, as Markdown."""
    from g287.audits.stops import REQUIRED, column_aliases, race_codes, state_timezones

    rows = list(csv.DictReader(resources.files("g287.audits").joinpath("columns.csv")
                               .read_text(encoding="utf-8").splitlines()))
    parts = ["| column | required | accepted names, in order of preference | note |", "|---|---|---|---|"]
    for column in dict.fromkeys(c for c, _ in column_aliases()):
        names = [r for r in rows if r["column"] == column]
        parts.append(f"| `{column}` | {'yes' if column in REQUIRED else 'no'} | "
                     + ", ".join(f"`{r['alias']}`" for r in names) + " | "
                     + "; ".join(dict.fromkeys(r["note"] for r in names)) + " |")
    codes = race_codes()
    parts += ["", "| race value (any case) | OPP race |", "|---|---|"]
    parts += [f"| `{value}` | {race or 'missing'} |" for value, race in codes.items()]
    parts += ["", "States whose time zone is taken from a `state` column (each lies in one zone): "
              + ", ".join(f"{state} ({tz})" for state, tz in state_timezones().items()) + "."]
    return "\n".join(parts) + "\n"


def audit_tables_reference() -> str:
    """Every table an audit writes, with its columns, as Markdown."""
    from g287.audits.presentation import AUDIT_TABLES

    parts = []
    for name, (description, columns) in AUDIT_TABLES.items():
        parts += [f"### `{name}.csv` / `{name}.parquet`", "", description, "", "| column | type | meaning |",
                  "|---|---|---|"]
        parts += [f"| `{column}` | {kind} | {meaning} |" for column, kind, meaning in columns]
        parts.append("")
    return "\n".join(parts)


def removals_audit() -> str:
    """Every ``removed`` event of the bundled ledger with its verdict and evidence, as Markdown.

    Each removal has passed the removal rule and the rename rule (no later listing of the same agreement
    under a similar name, or under the same name in another state); the rows say which lists show it.
    """
    from g287.store.checks import find_unreviewed_renames
    from g287.store.connect import open_ledger

    con = open_ledger(None)
    renames = {c["agreement_id"]: c for c in find_unreviewed_renames(con)}
    rows = con.execute(
        """
        SELECT e.event_on, a.agency_name, e.state, e.model, g.signed_on, g.last_listed_on, g.last_row_number,
               g.last_publication_id, e.publication_id, e.is_provisional, e.agreement_id,
               (SELECT string_agg(DISTINCT p.model, '+' ORDER BY p.model) FROM presence p
                 WHERE p.publication_id = e.publication_id AND p.agency_id = e.agency_id) AS keeps
        FROM events e JOIN agencies a USING (agency_id) JOIN agreements g USING (agreement_id)
        WHERE e.event_type = 'removed' ORDER BY e.event_on, a.agency_name, e.model
        """).fetchall()
    parts = [f"{len(rows)} removals; {sum(1 for r in rows if r[9])} provisional (missing from the newest lists, "
             "not yet confirmed by the removal rule).", "",
             "| removed on | agency | state | model | signed | last listed (list, row) | absent from | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for (on, name, state, model, signed, last_on, last_row, last_list, absent, provisional, agreement_id,
         keeps) in rows:
        verdict = f"rename? {renames[agreement_id]['candidate_name']}" if agreement_id in renames else "real"
        if provisional:
            verdict += " (provisional)"
        if keeps:
            verdict += f"; agency keeps {keeps}"
        parts.append(f"| {on} | {name} | {state} | {model} | {signed or 'undated'} | {last_on} "
                     f"(`{last_list}`, row {last_row}) | `{absent}` | {verdict} |")
    return "\n".join(parts) + "\n"


def caption_checks_table() -> str:
    """Every count ICE's fact sheet stated for a date, against the agencies g287 counts in force, as Markdown."""
    from g287.store.connect import open_ledger
    from g287.store.in_force import caption_checks

    rows = caption_checks(open_ledger(None))
    parts = ["| caption: agreements as of | first seen | g287 on the caption's date | checked on | g287 there | "
             "status | reviewed reason |", "|---|---|---|---|---|---|---|"]
    parts += [f"| ({r['stated_count']}) {r['caption_on']} | {r['first_seen_on']} | {r['agencies_on_caption_date']} | "
              f"{r['checked_on']} | {r['agencies']} | {r['status']} | {r['reason'] or '-'} |" for r in rows]
    return "\n".join(parts) + "\n"


def counts_against_figures(figures: list[tuple[str, str, str]]) -> str:
    """g287's count on each date of ``figures`` (date, the figure another source gives, that source), with
    bounds, as Markdown."""
    from g287.store.connect import open_ledger
    from g287.store.counts import count_agreements

    con = open_ledger(None)
    parts = ["| date | g287: agencies (low-high) | g287: agreements (low-high) | nearest lists | other figure | "
             "its source |", "|---|---|---|---|---|---|"]
    for on, figure, source in figures:
        r = count_agreements(con, as_of=on)
        b, s = r["bounds"], r["sources"]
        parts.append(f"| {on} | {r['agencies']} ({b['agencies_low']}-{b['agencies_high']}) | {r['agreements']} "
                     f"({b['agreements_low']}-{b['agreements_high']}) | {s['list_before_on']}, {s['list_after_on']} "
                     f"| {figure} | {source} |")
    return "\n".join(parts) + "\n"
