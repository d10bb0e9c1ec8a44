"""English and Spanish: message catalogs (gettext, compiled from the ``.po`` files at start-up), the visitor's
language, and dates and numbers formatted per locale.

The language is, in order: ``?lang=`` in the URL (remembered in a cookie), the ``lang`` cookie, then the
browser's ``Accept-Language``; English otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from gettext import GNUTranslations, NullTranslations
from importlib import resources
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

LOCALES = ("en", "es")
DEFAULT_LOCALE = "en"
HERE = Path(str(resources.files("g287.web")))
LOCALE_DIR = HERE / "locale"
TEMPLATE_DIR = HERE / "templates"


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated when a page is rendered."""
    return message


EVENT_NAMES = {"listed": N_("listed"), "signed": N_("signed"), "renewed": N_("renewed"),
               "model_added": N_("model added"), "model_dropped": N_("model dropped"), "removed": N_("removed"),
               "re_listed": N_("re-listed"), "renamed": N_("renamed"), "signed_on_corrected": N_("signing date corrected"),
               "moa_posted": N_("MOA posted"), "pending_listed": N_("pending"), "pending_signed": N_("pending, then signed"),
               "pending_removed": N_("no longer pending")}
STATUS_NAMES = {"Active": N_("Active"), "Superseded": N_("Superseded"), "Removed": N_("Removed")}
KIND_NAMES = {"agency": N_("agency"), "county": N_("county"), "state": N_("state")}
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


# RFC 9110 section 12.5.4: language-range [ ";" "q=" qvalue ], qvalue 0 to 1 with at most three decimals.
_LANGUAGE_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*"
                             r"(?:;\s*[qQ]\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?\s*$")
# Browsers send a few ranges (under 100 bytes); a longer header is not a browser's.
MAX_ACCEPT_LANGUAGE = 512


def parse_accept_language(header: str) -> list[str] | None:
    """The language ranges of an ``Accept-Language`` header, most preferred first (``q=0`` left out); None
    when the header is malformed or longer than :data:`MAX_ACCEPT_LANGUAGE`.

    >>> parse_accept_language("en;q=0.4, es-MX, fr;q=0")
    ['es-MX', 'en']
    >>> parse_accept_language("es;q=abc") is None, parse_accept_language(";;;") is None
    (True, True)
    """
    if len(header) > MAX_ACCEPT_LANGUAGE:
        return None
    ranges = []
    for position, part in enumerate(header.split(",")):
        if not part.strip():
            continue  # empty list elements are allowed (RFC 9110 section 5.6.1)
        match = _LANGUAGE_RANGE.match(part)
        if match is None:
            return None
        weight = float(match.group(2)) if match.group(2) else 1.0
        if weight > 0:
            ranges.append((-weight, position, match.group(1)))
    return [language for _, _, language in sorted(ranges)]


def pick_locale(request: Request) -> str:
    """The visitor's language: ``?lang=``, then the ``lang`` cookie, then ``Accept-Language``."""
    for value in (request.query_params.get("lang"), request.cookies.get("lang")):
        if value in LOCALES:
            return value
    preferred = [r.replace("-", "_") for r in parse_accept_language(request.headers.get("accept-language", "")) or []
                 if r != "*"]
    chosen = Locale.negotiate(preferred, LOCALES, sep="_") if preferred else None
    return str(chosen.language) if chosen else DEFAULT_LOCALE


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@cache
def templates(locale: str) -> Jinja2Templates:
    """Jinja2 templates with ``locale``'s catalog and number and date filters."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             extensions=["jinja2.ext.i18n"])
    site = Jinja2Templates(env=env)
    catalog = translations(locale)
    env.install_gettext_translations(catalog, newstyle=True)
    for name, table in (("event_names", EVENT_NAMES), ("status_names", STATUS_NAMES), ("kind_names", KIND_NAMES),
                        ("note_fields", NOTE_FIELDS), ("precision_names", PRECISION_NAMES),
                        ("history_event_names", HISTORY_EVENT_NAMES), ("source_names", SOURCE_NAMES),
                        ("claim_names", CLAIM_NAMES), ("in_force_names", IN_FORCE_NAMES),
                        ("output_note_names", OUTPUT_NOTE_NAMES), ("moa_change_names", MOA_CHANGE_NAMES)):
        env.globals[name] = {key: catalog.gettext(text) for key, text in table.items()}
    env.filters["number"] = lambda n: "" if n is None else format_decimal(n, locale=locale)
    env.filters["percent"] = lambda n: "" if n is None else format_percent(n, "#,##0.0%", locale=locale)
    env.filters["date"] = lambda d, style="medium": (
        "" if _as_date(d) is None else babel_format_date(_as_date(d), style, locale=locale))
    env.globals["locale"] = locale
    return site


def render(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    """Page ``name`` in the visitor's language; a ``?lang=`` choice is remembered in a cookie."""
    locale = pick_locale(request)
    other = next(code for code in LOCALES if code != locale)
    response = templates(locale).TemplateResponse(
        request=request, name=name, status_code=status_code,
        context={**context, "locale": locale, "other_locale": other,
                 "switch_url": str(request.url.include_query_params(lang=other))})
    if request.query_params.get("lang") in LOCALES:
        response.set_cookie("lang", locale, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
