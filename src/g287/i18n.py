"""English and Spanish for everything g287 writes for people (the site, county briefs): the message catalogs
(gettext, compiled from the ``.po`` files when first used), the names of ledger values, and dates and numbers
formatted per locale. The catalog lives in ``g287/web/locale`` (one catalog for the site and the briefs).
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache, lru_cache
from gettext import GNUTranslations, NullTranslations
from importlib import resources
from pathlib import Path

import jinja2
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

LOCALES = ("en", "es")
DEFAULT_LOCALE = "en"
LOCALE_DIR = Path(str(resources.files("g287.web") / "locale"))


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated when a page is rendered."""
    return message


EVENT_NAMES = {"listed": N_("listed"), "signed": N_("signed"), "renewed": N_("renewed"),
               "model_added": N_("model added"), "model_dropped": N_("model dropped"), "removed": N_("removed"),
               "re_listed": N_("re-listed"), "renamed": N_("renamed"), "signed_on_corrected": N_("signing date corrected"),
               "moa_posted": N_("MOA posted"), "moa_changed": N_("MOA text changed"),
               "pending_listed": N_("pending"), "pending_signed": N_("pending, then signed"),
               "pending_removed": N_("no longer pending")}
STATUS_NAMES = {"Active": N_("Active"), "Superseded": N_("Superseded"), "Removed": N_("Removed")}
KIND_NAMES = {"agency": N_("agency"), "county": N_("county"), "state": N_("state")}
# How an agency covers its counties (jurisdictions.coverage_kind).
COVERAGE_KIND_NAMES = {"own sheriff": N_("county sheriff"), "municipal police": N_("municipal police"),
                       "state agency": N_("state agency"), "other": N_("other agency")}
NOTE_FIELDS = {"agency_type": N_("type (TYPE)"), "county": N_("county (COUNTY)")}
# Precision of a date before 2021 (g287.ledger.history) and the events of those years.
PRECISION_NAMES = {"day": N_("exact day"), "listed_later": N_("signed that day, listed later"),
                   "between": N_("between two lists"), "before": N_("by this date"),
                   "continues": N_("continues")}
SOURCE_NAMES = {"historical_csv": N_("ICE's partner rosters"), "oig_report_csv": N_("DHS Inspector General, OIG-10-63"),
                "foia_chart_csv": N_("Chart of ICE FOIA documents"),
                "kostandini_csv": N_("Kostandini, Mykerezi and Escalante (2014), table A1"),
                "ice_factsheet_csv": N_("ICE's 287(g) fact sheet (web archive captures)"),
                "ice_moa_index_tsv": N_("ICE's archive of MOAs")}
IN_FORCE_NAMES = {"sure": N_("yes, all year"), "best": N_("yes, by best-known dates"), "none": N_("no")}
OUTPUT_NOTE_NAMES = {
    "output but no agreement in force in this period: evidence about the agreement's dates":
        N_("output but no agreement in force in this period: evidence about the agreement's dates"),
    "an agreement was in force all period but the source gives no figure (unknown, not zero)":
        N_("an agreement was in force all period but the source gives no figure (unknown, not zero)")}
MOA_CHANGE_NAMES = {"added": N_("clause added"), "removed": N_("clause removed"), "changed": N_("clause changed"),
                    "section added": N_("section added"), "section removed": N_("section removed")}
CLAIM_NAMES = {"in_force": N_("agreements in force on the list's date"), "signing_dates": N_("signing dates only")}
HISTORY_EVENT_NAMES = {"signed": N_("signed"), "first_listed": N_("first listed"), "renewed": N_("renewed"),
                       "ended": N_("ended")}


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of ``locale`` (read from its ``.po`` file; English is the source language)."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return GNUTranslations(buffer)


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


NAME_TABLES = {"event_names": EVENT_NAMES, "status_names": STATUS_NAMES, "kind_names": KIND_NAMES,
               "coverage_kind_names": COVERAGE_KIND_NAMES,
               "note_fields": NOTE_FIELDS, "precision_names": PRECISION_NAMES,
               "history_event_names": HISTORY_EVENT_NAMES, "source_names": SOURCE_NAMES, "claim_names": CLAIM_NAMES,
               "in_force_names": IN_FORCE_NAMES, "output_note_names": OUTPUT_NOTE_NAMES,
               "moa_change_names": MOA_CHANGE_NAMES}


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja2's cache of compiled templates in its per-user temporary folder (keyed by each template's source):
    a new process, such as the publisher's second one or a new server, does not compile them again."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a full or read-only disk: the template is compiled again next time, nothing more
            pass


def _compiled_templates() -> jinja2.FileSystemBytecodeCache | None:
    """The cache of compiled templates; None where its folder cannot be made (each process compiles them)."""
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):
        return None


def _kept_gettext(catalog: GNUTranslations | NullTranslations):
    """Jinja2's newstyle ``gettext`` (what ``_()`` and ``{% trans %}`` call) for ``catalog``, which keeps the
    translation of each message given without variables: a page shows the same labels many times, and
    Jinja2 translates and formats (``Markup(text) % {}``) every one of them again."""
    kept: dict[tuple[str, bool], str] = {}

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, **variables) -> str:
        autoescape = context.eval_ctx.autoescape
        if variables:
            text = catalog.gettext(message)
            return (Markup(text) if autoescape else text) % variables
        key = (message, autoescape)
        if key not in kept:
            text = catalog.gettext(message)
            kept[key] = (Markup(text) if autoescape else text) % {}  # as Jinja2 does: "%%" becomes "%"
        return kept[key]

    return gettext


def make_environment(template_dirs: list[Path], locale: str, names: dict[str, dict] | None = None) -> jinja2.Environment:
    """A Jinja2 environment over ``template_dirs`` with ``locale``'s catalog, the names of ledger values
    (``event_names`` ...) and any further ``names`` tables, translated, and the ``number``, ``percent`` and
    ``date`` filters."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]), autoescape=True,
                             extensions=["jinja2.ext.i18n"], bytecode_cache=_compiled_templates())
    catalog = translations(locale)
    env.install_gettext_translations(catalog, newstyle=True)
    env.globals["gettext"] = _kept_gettext(catalog)
    for name, table in {**NAME_TABLES, **(names or {})}.items():
        env.globals[name] = {key: catalog.gettext(text) for key, text in table.items()}
    # Pages repeat the same dates and numbers thousands of times (a site publish formats about a million):
    # each is formatted once per environment.
    env.filters["number"] = lru_cache(maxsize=65_536)(
        lambda n: "" if n is None else format_decimal(n, locale=locale))
    env.filters["percent"] = lambda n: "" if n is None else format_percent(n, "#,##0.0%", locale=locale)
    env.filters["date"] = lru_cache(maxsize=65_536)(lambda d, style="medium": (
        "" if _as_date(d) is None else babel_format_date(_as_date(d), style, locale=locale)))
    env.globals["locale"] = locale
    return env
