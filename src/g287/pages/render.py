"""A page rendered from its template in a language, without a request: the live site (:func:`g287.web.language.render`)
and the static site (``g287 publish``) both render through here, so a page is the same bytes in both.

The templates are in ``g287/web/templates``, beside the catalog they are translated with (``g287/web/locale``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2

from g287.i18n import make_environment
from g287.pages.urls import page_links

TEMPLATE_DIR = Path(str(resources.files("g287.web") / "templates"))


@cache
def environment(locale: str) -> jinja2.Environment:
    """The templates with ``locale``'s catalog and number and date filters (one environment per language)."""
    return make_environment([TEMPLATE_DIR], locale)


def render_page(locale: str, name: str, context: dict, path: str, query: str = "", root: str = "") -> str:
    """Page ``name`` in ``locale`` for the URL ``path`` (without the language prefix) and its ``query``, on a site
    served under ``root``.

    >>> "<h1>Glosario</h1>" in render_page("es", "glossary.html", {}, "/glossary")
    True
    """
    return environment(locale).get_template(name).render({**context, **page_links(locale, path, query, root)})
