"""The ontology in a release: its documentation by pyLODE, the compact reference, and its Turtle files.

pyLODE's page is not written as pyLODE writes it: its body is parsed and cleaned
(:func:`heritage_graph.web.clean_fragment`), since pyLODE passes HTML in the ontology's
descriptions through, and its head is the project's own (the Content Security Policy, pyLODE's
style sheet; not pyLODE's JSON-LD block, whose text pyLODE does not escape).
"""

from __future__ import annotations

import importlib
import importlib.resources
import logging
import sys
import types
from importlib.metadata import version

import markupsafe
import pyoxigraph as ox

from ..rdf.load import graph_iri
from ..rdf.vocab import DEFAULT_BASE, OWL, RDF
from ..util import resources
from ..rdf.convert import to_rdflib
from .. import web
from ..web import templating
from .layout import ONTOLOGY_FILES
from .release import Release


def _import_pylode():
    """pyLODE, imported so that it leaves the logging configuration as it was.

    pyLODE 3.4 reads its own ``pyproject.toml`` at import, which its wheel does not ship; its
    version is then taken from the installed package's metadata instead.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        try:
            return importlib.import_module("pylode")
        except FileNotFoundError:
            for name in [n for n in sys.modules if n == "pylode" or n.startswith("pylode.")]:
                del sys.modules[name]
            shim = types.ModuleType("pylode.version")
            shim.__version__ = version("pylode")
            sys.modules["pylode.version"] = shim
            return importlib.import_module("pylode")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _ontology_graph(ctx: Release):
    """The ontology and its alignments as one rdflib graph for pyLODE (one owl:Ontology header)."""
    files = resources.ontology_files()
    main = [f for f in files if f.stem == "heritage-graph"] or files[:1]
    graph = None
    for path in files:
        quads = list(ctx.store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(path))))
        if path not in main:
            headers = {q.subject for q in quads if q.predicate.value == RDF + "type" and q.object.value == OWL + "Ontology"}
            quads = [q for q in quads if q.subject not in headers]
        graph = to_rdflib(quads, graph)
    return graph


def write_ontology(ctx: Release) -> None:
    """ontology/index.html (pyLODE), ontology/reference.html (every term with its alignments), the .ttl files."""
    for path in resources.ontology_files():
        if ctx.base == DEFAULT_BASE:
            ctx.write(f"ontology/{path.name}", path.read_bytes())
        else:
            quads = ctx.store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(path)))
            ctx.write(f"ontology/{path.name}", ox.serialize([q.triple for q in quads], format=ox.RdfFormat.TURTLE,
                                                            prefixes=ctx.prefixes))
    ctx.write("ontology/reference.html", web.render_ontology_reference(ctx.store, root="../", data=ctx.data))
    page = None
    try:
        pylode = _import_pylode()
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.WARNING)
        try:
            ontpub = pylode.OntPub(_ontology_graph(ctx))
            ontpub.make_html()
            page = pylode_page(ontpub.doc.body.render(), _pylode_css())
        finally:
            root.setLevel(level)
    except Exception as exc:  # noqa: BLE001 - pyLODE is a third-party renderer: any failure falls back
        ctx.warnings.append(f"pyLODE could not document the ontology ({type(exc).__name__}: {exc}); "
                            "ontology/index.html is the project's own reference page instead")
        notice = ("pyLODE, which writes the full ontology documentation, failed on this build "
                  f"({type(exc).__name__}); this is the project's own reference page instead.")
        ctx.write(ONTOLOGY_FILES[".html"], web.render_ontology_reference(ctx.store, root="../", data=ctx.data,
                                                                        notice=notice))
        return
    ctx.write(ONTOLOGY_FILES[".html"], page)


def _pylode_css() -> str:
    return (importlib.resources.files("pylode") / "pylode.css").read_text(encoding="utf-8")


def pylode_page(body: str, css: str, title: str = "Ontology") -> str:
    """The ontology's documentation page around pyLODE's ``body`` (``templates/pylode.html``):
    that body cleaned, a link back to the site, pyLODE's style sheet ``css`` with the site's
    additions, the site's icon, viewport and Content Security Policy.

    >>> page = pylode_page('<body><p>Camp <img src=x onerror="alert(1)"></p></body>', "p {margin: 0}")
    >>> "onerror" in page, "<p>Camp </p>" in page, 'http-equiv="Content-Security-Policy"' in page
    (False, True, True)
    """
    overrides = (templating.TEMPLATES / "pylode-overrides.css").read_text(encoding="utf-8")
    return templating.render("pylode.html", title=title, css=markupsafe.Markup(css),
                             overrides=markupsafe.Markup(overrides), body=markupsafe.Markup(web.clean_fragment(body)))
