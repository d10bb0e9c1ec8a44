"""The visitor's language, and pages rendered in it (:func:`g287.pages.render.render_page` with the request's
language, path and query).

The language is, in order: the ``/es/`` path prefix, ``?lang=`` in the URL (remembered in a cookie), the
``lang`` cookie, then the browser's ``Accept-Language``; English otherwise. Spanish pages link to Spanish pages
by the path prefix, so the same pages work as static files (``g287 publish``), where no cookie or header can
choose the language.
"""

from __future__ import annotations

import re

from babel import Locale
from fastapi import Request
from starlette.responses import HTMLResponse, Response

from g287.i18n import DEFAULT_LOCALE, LOCALES
from g287.pages.render import render_page
from g287.pages.urls import LOCALE_PREFIX

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


# The ASGI scope key the language's path prefix (g287.pages.urls.LOCALE_PREFIX) sets.
SCOPE_LOCALE = "g287.locale"


class LanguagePrefix:
    """ASGI middleware: ``/es/...`` is the page ``/...`` in Spanish (the prefix is taken off the path)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            root, path = scope.get("root_path", ""), scope["path"]
            relative = path[len(root):] if root and path.startswith(root) else path
            for locale, prefix in LOCALE_PREFIX.items():
                if prefix and (relative == prefix or relative.startswith(prefix + "/")):
                    path = (root if path.startswith(root) else "") + (relative[len(prefix):] or "/")
                    scope = {**scope, "path": path, "raw_path": path.encode(), SCOPE_LOCALE: locale}
                    break
        return await self.app(scope, receive, send)


def pick_locale(request: Request) -> str:
    """The visitor's language: the path prefix, ``?lang=``, then the ``lang`` cookie, then ``Accept-Language``."""
    if SCOPE_LOCALE in request.scope:
        return request.scope[SCOPE_LOCALE]
    for value in (request.query_params.get("lang"), request.cookies.get("lang")):
        if value in LOCALES:
            return value
    return negotiate(request.headers.get("accept-language", ""))


def negotiate(accept_language: str) -> str:
    """The site's language that best answers an ``Accept-Language`` header; English otherwise."""
    preferred = [r.replace("-", "_") for r in parse_accept_language(accept_language) or [] if r != "*"]
    chosen = Locale.negotiate(preferred, LOCALES, sep="_") if preferred else None
    return str(chosen.language) if chosen else DEFAULT_LOCALE


def render(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    """Page ``name`` in the visitor's language; a ``?lang=`` choice is remembered in a cookie."""
    locale, root, path = pick_locale(request), request.scope.get("root_path", ""), request.scope["path"]
    body = render_page(locale, name, context, path[len(root):] if root and path.startswith(root) else path,
                       request.url.query, root)
    response = HTMLResponse(body, status_code=status_code)
    if request.query_params.get("lang") in LOCALES:
        response.set_cookie("lang", locale, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
