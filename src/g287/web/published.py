"""Serving pages from a published site (``g287 publish``), so that a first visit costs what a repeat does.

A page of the published folder is the page the app would render for the same URL (the publisher renders it
with the app's own code), so when the folder was published from the store the app serves, the middleware
answers plain GETs of pages and their ``.json`` twins from the files and leaves everything else (queries,
``?lang=``, the API, feeds, briefs) to the app. A folder published from another ledger build is not used.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from g287.i18n import LOCALES
from g287.pages.urls import LOCALE_PREFIX, page_file
from g287.web.language import negotiate

logger = logging.getLogger(__name__)

# Pages live at /path (files path.html); JSON twins at /path.json. Other files (feeds, CSV, the API) stay with
# the app, which sets their download headers.
TYPES = {".html": b"text/html; charset=utf-8", ".json": b"application/json"}


def published_build(folder: Path) -> tuple[str | None, dict]:
    """The ledger build a published folder was made from, and its files (from its manifest)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        return manifest["build"], manifest["files"]
    except (OSError, ValueError, KeyError):
        return None, {}


class PublishedSite:
    """ASGI middleware answering GETs of published pages from ``folder`` while ``current_build()`` equals the
    build the folder was published from."""

    def __init__(self, app, folder: Path, current_build: Callable[[], str]) -> None:
        self.app, self.folder = app, Path(folder)
        self.build, self.files = published_build(self.folder)
        self.current_build = current_build
        self.languages: dict[bytes, str] = {}  # Accept-Language header -> locale, for the headers seen
        if self.build is None:
            logger.warning("%s has no manifest.json: run \"g287 publish %s\"; serving from the store.",
                           folder, folder)

    def locale(self, headers: list[tuple[bytes, bytes]]) -> str:
        """The visitor's language as the app picks it without ``?lang=``: the ``lang`` cookie, then
        ``Accept-Language``."""
        accept = b""
        for name, value in headers:
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _, chosen = part.strip().partition("=")
                    if key == "lang" and chosen in LOCALES:
                        return chosen
            elif name == b"accept-language":
                accept = value
        if accept not in self.languages:
            if len(self.languages) > 10_000:
                self.languages.clear()
            self.languages[accept] = negotiate(accept.decode("latin-1"))
        return self.languages[accept]

    def file_for(self, scope) -> str | None:
        """The published file answering this request, if any."""
        if scope["method"] not in ("GET", "HEAD") or scope.get("query_string") or scope.get("root_path"):
            return None
        path = scope["path"]
        if path.endswith(".json"):
            name = path.lstrip("/")
            for prefix in LOCALE_PREFIX.values():  # the twins are the same in every language
                if prefix and path.startswith(prefix + "/"):
                    name = path[len(prefix) + 1:]
            return name if name in self.files else None
        locale = None
        for code, prefix in LOCALE_PREFIX.items():
            if prefix and (path == prefix or path.startswith(prefix + "/")):
                locale, path = code, path[len(prefix):] or "/"
        name = page_file(locale or self.locale(scope.get("headers", [])), path)
        return name if name in self.files else None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.build is not None:
            name = self.file_for(scope)
            if name is not None and self.build == self.current_build():
                try:
                    body = (self.folder / name).read_bytes()
                except OSError:
                    body = None  # removed: the app answers
                # A publish rewrites files in place: a file of another size than the manifest's is being written
                # (or was edited), and the app answers.
                if body is not None and len(body) == self.files[name]["bytes"]:
                    await send({"type": "http.response.start", "status": 200, "headers": [
                        (b"content-type", TYPES[Path(name).suffix]), (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)
