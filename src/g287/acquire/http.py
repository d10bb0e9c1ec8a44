"""Polite, fault-tolerant HTTP for acquisition: timeouts, retries with backoff, conditional requests.

Every request names g287 and a contact in its User-Agent, waits ``delay`` seconds after the previous one, and is
retried with exponential backoff on timeouts, dropped or short connections and 5xx answers. A body shorter than
its ``Content-Length`` is an error, never a file.
"""

from __future__ import annotations

import email.message
import os
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from urllib.parse import unquote, urlsplit

import httpx

from g287.errors import FetchError

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        raise FetchError(f"{name}={os.environ[name]!r} is not a number.") from None


@dataclass
class FetchPolicy:
    """How g287 talks to a web server. Defaults can be set with ``G287_CONTACT``, ``G287_HTTP_TIMEOUT``,
    ``G287_HTTP_RETRIES``, ``G287_HTTP_BACKOFF`` and ``G287_HTTP_DELAY``."""

    contact: str = field(default_factory=lambda: os.environ.get("G287_CONTACT", "https://github.com/g287"))
    timeout: float = field(default_factory=lambda: _env_number("G287_HTTP_TIMEOUT", 30.0))
    retries: int = field(default_factory=lambda: int(_env_number("G287_HTTP_RETRIES", 3)))
    # seconds before the first retry, doubled each time; and seconds between consecutive requests
    backoff: float = field(default_factory=lambda: _env_number("G287_HTTP_BACKOFF", 2.0))
    delay: float = field(default_factory=lambda: _env_number("G287_HTTP_DELAY", 1.0))

    @property
    def user_agent(self) -> str:
        return f"g287/{version('g287')} (287(g) public-records tracker; {self.contact})"


@dataclass
class Fetched:
    """One HTTP answer: status, the headers worth keeping, the body (None for 304), and when."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None
    retrieved_at: str
    attempts: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        """The file name from ``Content-Disposition`` if the server gives one, else the URL's last segment."""
        disposition = self.headers.get("content-disposition")
        if disposition:
            message = email.message.Message()
            message["content-disposition"] = disposition
            name = message.get_filename()
            if name:
                return name.strip().replace("/", "_")
        return unquote(urlsplit(self.url).path.rsplit("/", 1)[-1]) or "download"


KEPT_HEADERS = ("content-type", "content-length", "content-disposition", "etag", "last-modified", "date")


class Fetcher:
    """An HTTP client applying a :class:`FetchPolicy`."""

    def __init__(self, policy: FetchPolicy | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.client = httpx.Client(timeout=self.policy.timeout, follow_redirects=True, transport=transport,
                                   headers={"User-Agent": self.policy.user_agent})
        self._last_request = 0.0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url`` (conditionally when ``etag``/``last_modified`` are known), retrying transient faults.

        Raises FetchError, naming the URL and the last fault, when every attempt fails.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        notes: list[str] = []
        for attempt in range(1, self.policy.retries + 2):
            wait = self.policy.delay - (time.monotonic() - self._last_request)
            if wait > 0:
                time.sleep(wait)
            self._last_request = time.monotonic()
            try:
                response = self.client.get(url, headers=headers)
                body = response.content
                expected = response.headers.get("content-length")
                if expected is not None and "content-encoding" not in response.headers and int(expected) != len(body):
                    raise httpx.RemoteProtocolError(f"body of {len(body)} bytes, Content-Length {expected}")
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                notes.append(f"attempt {attempt}: {type(exc).__name__}: {exc}")
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    kept = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
                    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    return Fetched(url=str(response.url), status=response.status_code, headers=kept,
                                   body=None if response.status_code == 304 else body, retrieved_at=stamp,
                                   attempts=attempt, notes=notes)
                notes.append(f"attempt {attempt}: HTTP {response.status_code}")
            if attempt <= self.policy.retries:
                time.sleep(self.policy.backoff * 2 ** (attempt - 1))
        raise FetchError(f"{url}: failed after {self.policy.retries + 1} attempts ({notes[-1]}); the server may be down, "
                         "try again later.")
