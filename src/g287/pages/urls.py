"""Where the site's pages are: the path prefix of each language, the links a page needs within the site, and
the file a page is published as (``g287 publish``)."""

from __future__ import annotations

from g287.i18n import LOCALES

# The path prefix of each language's pages ("" for the default).
LOCALE_PREFIX = {"en": "", "es": "/es"}


def page_file(locale: str, path: str) -> str:
    """The file of page ``path`` in ``locale`` in a published site (g287 publish): ``/`` is ``index.html``,
    ``/a/b`` is ``a/b.html``, Spanish pages under ``es/``.

    >>> page_file("en", "/"), page_file("es", "/states/FL")
    ('index.html', 'es/states/FL.html')
    """
    prefix = LOCALE_PREFIX[locale].strip("/")
    name = "index.html" if path == "/" else path.strip("/") + ".html"
    return f"{prefix}/{name}" if prefix else name


def page_links(locale: str, path: str, query: str = "", root: str = "") -> dict:
    """What a page needs to link within the site: ``root`` (the site's base path, for files and the API),
    ``home`` (the base of this language's pages) and ``switch_url`` (this page in the other language; back to
    the default language with ``?lang=`` so that a remembered choice gives way)."""
    other = next(code for code in LOCALES if code != locale)
    query = "&".join(part for part in query.split("&") if part and not part.startswith("lang="))
    if LOCALE_PREFIX[other]:
        switch = f"{root}{LOCALE_PREFIX[other]}{path}" + (f"?{query}" if query else "")
    else:
        switch = f"{root}{path}?" + (f"{query}&" if query else "") + f"lang={other}"
    return {"locale": locale, "other_locale": other, "root": root, "home": root + LOCALE_PREFIX[locale],
            "switch_url": switch}
