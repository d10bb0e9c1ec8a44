"""Find ICE's workbook links on its 287(g) page, in every form ICE has used.

- ``https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05012025am.xlsx`` (the name carries
  the kind and the date);
- ``/file-download/download/public/<id>``: the real file name is only in the response's
  ``Content-Disposition`` header.

The kind of each file is decided later, by its content; here every candidate workbook link is kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

_WORKBOOK = re.compile(r"(participating|pending)agencies[^/]*\.xlsx(\?.*)?$", re.I)
_FILE_DOWNLOAD = re.compile(r"/file-download/download/public/\d+", re.I)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def find_publication_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the participating/pending workbook links on the page, in page order, without repeats.

    >>> find_publication_links('<a href="/doclib/x/participatingAgencies05012025am.xlsx">list</a>'
    ...                         '<a href="/file-download/download/public/12345">pending</a><a href="/news">n</a>',
    ...                         "https://www.ice.gov/identify-and-arrest/287g")
    ['https://www.ice.gov/doclib/x/participatingAgencies05012025am.xlsx', 'https://www.ice.gov/file-download/download/public/12345']
    """
    parser = _Links()
    parser.feed(html)
    found: list[str] = []
    for href in parser.hrefs:
        url = urljoin(base_url, href)
        path = url.split("#")[0]
        if (_WORKBOOK.search(path) or _FILE_DOWNLOAD.search(path)) and path not in found:
            found.append(path)
    return found
