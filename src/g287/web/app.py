"""The site's application factory: routes, security headers, error pages and the read-only ledger."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from g287.errors import G287Error, NoLedgerError, NotFoundError, QueryError
from g287.store.connect import build_id
from g287.web import language
from g287.web.deps import LiveLedger
from g287.web.published import PublishedSite
from g287.web.routes import agencies, api, counties, feeds, pages, search, states
from g287.web.settings import WebSettings, get_settings

STATIC = Path(str(resources.files("g287.web") / "static"))

CSP = (b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       b"frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware: only GET and HEAD are served, and every response carries the security headers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            response = JSONResponse({"ok": False, "error": f"{scope['method']} is not allowed; the site is read-only.",
                                     "status": 405}, status_code=405, headers={"Allow": "GET, HEAD"})
            return await response(scope, receive, send)

        head = scope["method"] == "HEAD"

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in SECURITY_HEADERS if h[0] not in names]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A HEAD request is answered as its GET, without the body.
        await self.app({**scope, "method": "GET"} if head else scope, receive, send_with_headers)


# Longest query string and path the site accepts; its own links stay far below (search text is at most 200).
MAX_QUERY_BYTES = 8192
MAX_PATH_BYTES = 2048


class RequestGuard:
    """ASGI middleware: refuses requests no page of the site can answer, before any work is done.

    A query string over :data:`MAX_QUERY_BYTES` gets 414, a path over :data:`MAX_PATH_BYTES` or with a ``..``
    segment 400 (no route reads files by path, but nothing should try), a malformed ``Accept-Language`` 400.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            problem = self.problem(scope)
            if problem is not None:
                status, message = problem
                response = JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)

    @staticmethod
    def problem(scope) -> tuple[int, str] | None:
        query = scope.get("query_string", b"")
        if len(query) > MAX_QUERY_BYTES:
            return 414, f"The query string is {len(query):,} bytes; the site accepts at most {MAX_QUERY_BYTES:,}."
        path = scope.get("raw_path") or scope["path"].encode()
        if len(path) > MAX_PATH_BYTES:
            return 400, f"The path is {len(path):,} bytes; the site accepts at most {MAX_PATH_BYTES:,}."
        if ".." in unquote(path.decode("latin-1")).replace("\\", "/").split("/"):
            return 400, "The path has a '..' segment; use the site's own links."
        for name, value in scope.get("headers", []):
            if name == b"accept-language" and language.parse_accept_language(value.decode("latin-1")) is None:
                return 400, ("The Accept-Language header is malformed (expected e.g. 'es-MX, es;q=0.9, en;q=0.5', "
                             f"at most {language.MAX_ACCEPT_LANGUAGE} bytes); use ?lang=en or ?lang=es.")
        return None


class ResponseCache:
    """ASGI middleware: keeps successful GET responses in memory, keyed by URL and the visitor's language.

    The app's ledger is read-only, so an answer stays right until a rebuild swaps a new store in: the
    store's ``generation()`` is part of the key. ``size`` bounds the number of answers kept.
    """

    def __init__(self, app, size: int = 4096, largest: int = 2_000_000, generation: Callable[[], int] = lambda: 0):
        self.app, self.size, self.largest, self.generation = app, size, largest, generation
        self.answers: OrderedDict[tuple, tuple[dict, list[bytes]]] = OrderedDict()

    def key(self, scope) -> tuple:
        headers = dict(scope.get("headers", []))
        return (self.generation(), scope["method"], scope.get(language.SCOPE_LOCALE), scope["path"],
                scope.get("query_string", b""),
                headers.get(b"cookie", b""), headers.get(b"accept-language", b""))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        key = self.key(scope)
        answer = self.answers.get(key)
        if answer is not None:
            self.answers.move_to_end(key)
            start, bodies = answer
            await send(start)
            for number, body in enumerate(bodies, 1):
                await send({"type": "http.response.body", "body": body, "more_body": number < len(bodies)})
            return
        parts: list = []

        async def keep(message):
            parts.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if not parts or parts[0]["type"] != "http.response.start" or parts[0]["status"] != 200:
            return
        bodies = [m.get("body", b"") for m in parts[1:] if m["type"] == "http.response.body"]
        if sum(len(b) for b in bodies) <= self.largest and not any(m.get("more_body") for m in parts[-1:]):
            self.answers[key] = (parts[0], bodies)
            if len(self.answers) > self.size:
                self.answers.popitem(last=False)


def wants_json(request: Request) -> bool:
    """Whether an error on this request is answered as JSON (the API, ``.json`` and ``.csv`` twins, feeds)."""
    path = request.url.path
    return path.startswith("/api/") or path.endswith((".json", ".csv", ".xml"))


def error_response(request: Request, status: int, message: str) -> Response:
    """``{ok, error, status}`` JSON for the API, or the HTML error page in the visitor's language."""
    if wants_json(request):
        return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)
    return language.render(request, "error.html", {"status": status, "message": message}, status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"][1:]) or str(error["loc"][0])
        parts.append(f"{name}: {error['msg']}")
    return "; ".join(parts)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The g287 site over the store in ``settings.home``, or over the bundled snapshot when none is built.

    >>> from fastapi.testclient import TestClient
    >>> TestClient(create_app()).get("/api/v1/counts", params={"as_of": "2025-02-21"}).json()["agreements"]
    151
    """
    settings = settings or get_settings()

    app = FastAPI(title="g287", version=version("g287"),
                  description="The U.S. 287(g) program: agreements, agencies, events with evidence, and the "
                              "counties and residents they cover. Public, agency-level data only.",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.ledger = ledger = LiveLedger(settings.store_path)
    app.state.cache = {}
    app.add_middleware(ResponseCache, generation=ledger.current_generation)
    app.add_middleware(language.LanguagePrefix)
    if settings.site_dir is not None:
        builds: dict[int, str] = {}

        def current_build() -> str:  # the served store's build, looked up once per store generation
            generation = ledger.current_generation()
            if generation not in builds:
                builds.clear()
                builds[generation] = build_id(ledger.connection)
            return builds[generation]

        app.add_middleware(PublishedSite, folder=settings.site_dir, current_build=current_build)
    app.add_middleware(RequestGuard)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (api, feeds, agencies, states, counties, search, pages):
        app.include_router(module.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(G287Error)
    async def library_error(request: Request, exc: G287Error) -> Response:
        status = (404 if isinstance(exc, NotFoundError) else 422 if isinstance(exc, QueryError)
                  else 503 if isinstance(exc, NoLedgerError) else 500)
        return error_response(request, status, str(exc))

    return app
