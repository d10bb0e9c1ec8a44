"""Repair the MOA and addendum link targets ICE puts in its cells into plain ice.gov URLs."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/[^/]+/(.+)$")
_CHROME_VIEWER = re.compile(r"^chrome-extension://[a-z]+/(.+)$")
_ONE_SLASH = re.compile(r"^(https?):/(?!/)")


def repair_url(target: str | None) -> str | None:
    """The plain URL behind an ICE link target, or None when there is none.

    - Outlook "safe links" (from 2025-06-12): the real URL is the ``url`` query parameter.
    - A browser PDF-viewer address (from 2025-08-01): ``chrome-extension://<id>/https:/www.ice.gov/...``.
    - A single slash after the scheme (from 2026-03-02): ``https:/www.ice.gov/...``.
    - ``http://www.ice.gov`` (from 2025-04-28): ice.gov serves only https.
    - Wayback copies in the HTML-era tables: the archived original URL.

    >>> repair_url("https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2Fa.pdf&data=x")
    'https://www.ice.gov/doclib/287gMOA/a.pdf'
    >>> repair_url("chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https:/www.ice.gov/doclib/287gMOA/b.pdf")
    'https://www.ice.gov/doclib/287gMOA/b.pdf'
    >>> repair_url("http://www.ice.gov/doclib/287gMOA/c.pdf")
    'https://www.ice.gov/doclib/287gMOA/c.pdf'
    """
    if target is None:
        return None
    url = target.strip()
    if not url:
        return None
    for _ in range(3):  # wrappers can nest (a safe link around a viewer address)
        before = url
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("safelinks.protection.outlook.com"):
            inner = parse_qs(parts.query).get("url")
            if inner:
                url = unquote(inner[0]) if "%" in inner[0] else inner[0]
        viewer = _CHROME_VIEWER.match(url)
        if viewer:
            url = viewer.group(1)
        archived = _WAYBACK.match(url)
        if archived:
            url = archived.group(1)
        url = _ONE_SLASH.sub(r"\1://", url)
        if url == before:
            break
    if re.match(r"^http://(www\.)?ice\.gov/", url, flags=re.I):
        url = "https://" + url[len("http://"):]
    return url if re.match(r"^https?://", url) else None
