"""Reading the RDF of a release's files for the tests, in every format a release writes; the
JSON-LD documents with pyld and no network (each carries its context inline)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyld import jsonld

#: A release's RDF suffixes and their pyoxigraph formats (JSON-LD is read with pyld).
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}


def graph(content: bytes, suffix: str, release: Path, url: str) -> rdflib.Graph:
    """The triples of ``content`` (a release file's bytes, or a server's answer for it at ``url``),
    as an rdflib graph, blank nodes kept for an isomorphism check."""
    if suffix == ".jsonld":
        def loader(_url, options=None):
            raise AssertionError(f"{url}: pyld was asked to load {_url}")

        expanded = jsonld.expand(json.loads(content), {"base": url, "documentLoader": loader})
        nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
        content, suffix = nquads.encode("utf-8"), ".nq"
    found = rdflib.Graph()
    blanks: dict[str, rdflib.BNode] = {}

    def term(t):
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return blanks.setdefault(t.value, rdflib.BNode())
        return rdflib.Literal(t.value, lang=t.language, datatype=None if t.language else rdflib.URIRef(t.datatype.value))

    for quad in ox.parse(content, format=FORMATS[suffix], base_iri=url):
        found.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return found


def triples(content: bytes, suffix: str, release: Path, url: str) -> set:
    """The triples of ``content`` as a set (for files without blank nodes)."""
    return set(graph(content, suffix, release, url))
