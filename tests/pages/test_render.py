"""Compiled templates are shared between processes through Jinja2's bytecode cache, and a cache that cannot be
written never breaks a page."""

from __future__ import annotations

import jinja2

from g287.i18n import _CompiledTemplates, make_environment
from g287.pages.render import TEMPLATE_DIR


def test_a_new_environment_loads_the_compiled_template(tmp_path):
    cache = _CompiledTemplates(str(tmp_path))
    first = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), bytecode_cache=cache,
                               extensions=["jinja2.ext.i18n"])
    first.get_template("error.html")
    assert len(list(tmp_path.iterdir())) == 1  # the compiled code of error.html
    loads = []
    original = cache.load_bytecode
    cache.load_bytecode = lambda bucket: (original(bucket), loads.append(bucket.code is not None))
    second = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), bytecode_cache=cache,
                                extensions=["jinja2.ext.i18n"])
    second.get_template("error.html")
    assert loads == [True]


def test_an_unwritable_cache_still_renders(tmp_path):
    env = make_environment([TEMPLATE_DIR], "es")
    env.bytecode_cache = _CompiledTemplates(str(tmp_path / "not-made"))  # writing into it fails
    page = env.get_template("error.html").render(status=404, message="No.", root="", path="/",
                                                 request_path="/", alternates={})
    assert "404" in page


def test_pages_are_built_and_rendered_without_the_web_framework():
    """g287.pages builds and renders pages with neither FastAPI nor Starlette imported."""
    import subprocess
    import sys

    script = ("import sys\n"
              "from g287.pages import agencies, counties, program, search, states\n"
              "from g287.pages.render import render_page\n"
              "from g287.store.connect import open_ledger\n"
              "with open_ledger(None) as con:\n"
              "    page = states.build_state(con, 'MD')\n"
              "    html = render_page('es', 'state.html', states.state_context(con, page), '/states/MD')\n"
              "assert '<h1>Maryland</h1>' in html, html[:500]\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
