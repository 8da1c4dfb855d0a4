"""The Jinja environment of the site: the one source of its markup, compiled once.

Every page, map and chart is a template of ``templates/``: ``base.html`` is the layout,
``macros.html`` the markup that several pages share (a value, the tables of claims and
statements, the links to a description as data). The environment is made once per process and
loads every template at once, and nothing reloads them: a release renders hundreds of thousands
of pages from the same compiled code.

Everything shown is escaped (autoescape on for HTML, SVG and XML): a label ``<script>`` is shown
as text. Pages load nothing from the network: no web fonts, charts are inline SVG, and the
pages with scripts (the static search page, the maps) load the site's own files; a map loads
OpenStreetMap's tiles only when the visitor switches that layer on.

>>> print(render("classes.html", root="/", title="Browse by class", rows=[]).splitlines()[0])
<!DOCTYPE html>
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
import markupsafe

from .formats import format_number, format_share

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The Content Security Policy of every page, as a ``<meta>`` of the page (``base.html``, the ontology
#: documentation), as a header of ``serve`` and in a release's rules for Apache and nginx: only
#: script files of the site itself run (the static search page's), never a script written in a page
#: (no inline script, no ``on…`` attribute, no ``javascript:`` link) nor one from elsewhere;
#: WebAssembly may be compiled (``'wasm-unsafe-eval'``: Pagefind searches its index with it; it
#: allows no ``eval`` of text); no plugin; no ``<base>``. Styles are not restricted: the pages use
#: style sheets and SVG presentation attributes, and pyLODE's page its own ``<style>``.
CONTENT_SECURITY_POLICY = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'"

#: Static files every page refers to, by their path in the site (copied into a release as they are).
ASSETS = {
    "assets/site.css": TEMPLATES / "site.css",
    "assets/favicon.svg": TEMPLATES / "favicon.svg",
    "assets/map.js": TEMPLATES / "map.js",
    "assets/facets.js": TEMPLATES / "facets.js",
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment, with every template of ``templates/`` loaded and compiled."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "svg", "xml"), default_for_string=True,
                                            default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        cache_size=-1,
    )
    env.globals["content_security_policy"] = CONTENT_SECURITY_POLICY
    env.filters["number"] = format_number
    env.filters["share"] = format_share
    for name in env.list_templates(extensions=("html", "svg")):
        compiled = env.get_template(name)
        # What the compiled code calls on each ``{{ … }}`` it writes out: the same escaping,
        # without wrapping each piece in a Markup object only to join it into the page.
        namespace = compiled.root_render_func.__globals__
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = escape_text
    return env


#: markupsafe's own escaping of a ``str`` (what :func:`markupsafe.escape` runs), as a plain ``str``.
_escape_str = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(markupsafe.escape(text)))


def escape_text(value) -> str:
    """:func:`markupsafe.escape` as a plain ``str``: ``&<>'"`` replaced, ``__html__`` honoured.

    >>> escape_text("<script>"), escape_text(markupsafe.Markup("<b>"))
    ('&lt;script&gt;', '<b>')
    """
    if type(value) is str:
        return _escape_str(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        text = html()
        return text if type(text) is str else str(text)
    return _escape_str(str(value))


@lru_cache(maxsize=None)
def template(name: str) -> jinja2.Template:
    """The compiled template ``name`` of ``templates/``."""
    return environment().get_template(name)


def render(name: str, /, **context) -> str:
    """The template ``name`` rendered with ``context``."""
    return template(name).render(context)


@lru_cache(maxsize=None)
def macro(name: str):
    """The macro ``name`` of ``macros.html``, to call from Python: it returns markup."""
    return getattr(template("macros.html").module, name)
