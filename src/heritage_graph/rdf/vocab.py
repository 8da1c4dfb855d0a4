"""Namespaces and IRIs the package uses, and the configurable base.

The data files are written under :data:`DEFAULT_BASE`. A deployment under another base sets the
``HERITAGE_GRAPH_BASE`` environment variable (or passes ``base=`` to :func:`heritage_graph.rdf.load.load`)
and every IRI under the default base is rewritten as it loads.
"""

from __future__ import annotations

import os

DEFAULT_BASE = "https://w3id.org/heritage-graph/"

HG = DEFAULT_BASE + "ontology#"
HGID = DEFAULT_BASE + "id/"
HGSH = DEFAULT_BASE + "shapes#"
GRAPH = DEFAULT_BASE + "graph/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

PREFIXES = {
    "hg": HG,
    "hgid": HGID,
    "hgsh": HGSH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "sh": SH,
    "dcterms": DCTERMS,
    "geo": GEO,
}

#: The kinds of instance, each with its own IRI folder and Turtle prefix (``camp:karlag``).
KINDS = ("place", "camp", "site", "group", "community", "person", "organisation", "event", "claim", "source",
         "concept", "link", "linkset")
PREFIXES.update({kind: f"{HGID}{kind}/" for kind in KINDS})


def configured_base() -> str:
    """The base IRI in force: ``HERITAGE_GRAPH_BASE`` if set, else :data:`DEFAULT_BASE`."""
    base = os.environ.get("HERITAGE_GRAPH_BASE", "").strip() or DEFAULT_BASE
    return base if base.endswith(("/", "#")) else base + "/"


def shorten(iri: str) -> str:
    """The prefixed form of ``iri`` where a known prefix fits, else ``<iri>``.

    >>> shorten("https://w3id.org/heritage-graph/ontology#Claim")
    'hg:Claim'
    >>> shorten("http://example.org/x")
    '<http://example.org/x>'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    return f"<{iri}>"


def expand_name(name: str) -> str:
    """The IRI of a name :func:`shorten` gave; a name under no known prefix is returned as it is.

    >>> expand_name("hg:Claim")
    'https://w3id.org/heritage-graph/ontology#Claim'
    >>> expand_name("<http://example.org/x>")
    'http://example.org/x'
    """
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else name
