"""The layout of a release: which file answers which URL, with which media type.

One table for the build that writes a release, for the rules of a static host
(:mod:`heritage_graph.publish.hosting`) and for a server that serves a release folder.

- A resource ``{base}id/{kind}/{slug}`` has its page and its description beside it:
  ``doc/{kind}/{slug}.html`` and ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf`` (:func:`resource_files`).
- The dumps: ``dumps/heritage-graph.{ttl,nt,nq,trig,jsonld,rdf}`` and each gzipped
  (:func:`dump_files`), with ``dumps/SHA256SUMS``.
- The dataset ``{base}dataset`` is described in ``void.ttl`` and ``void.jsonld``
  (:data:`VOID_FILES`); every ``.jsonld`` file uses ``context.jsonld``; ``manifest.json``
  lists every file.

>>> media_type("heritage-graph.ttl")
'text/turtle'
>>> [(f.path, f.media_type) for f in resource_files("https://w3id.org/heritage-graph/id/camp/karlag")][:2]
[('doc/camp/karlag.html', 'text/html'), ('doc/camp/karlag.ttl', 'text/turtle')]
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .. import web

NAME = "heritage-graph"

#: The dumps: suffix → (format name, media type, W3C formats IRI, keeps named graphs).
DUMPS = {
    ".ttl": ("Turtle", "text/turtle", "Turtle", False),
    ".nt": ("N-Triples", "application/n-triples", "N-Triples", False),
    ".nq": ("N-Quads", "application/n-quads", "N-Quads", True),
    ".trig": ("TriG", "application/trig", "TriG", True),
    ".jsonld": ("JSON-LD", "application/ld+json", "JSON-LD", True),
    ".rdf": ("RDF/XML", "application/rdf+xml", "RDF_XML", False),
}

#: The suffixes of a resource's description beside its page.
RESOURCE_FORMATS = (".ttl", ".jsonld", ".nt", ".rdf")

#: What a resource's document is offered as, in the order preferred: (suffix, media type, the
#: other names clients ask for it by). ``serve`` negotiates with it (``serve.negotiation``) and the
#: static hosts' rules are written from it (``publish.hosting``): one table, read by both. N3 is a
#: superset of Turtle: a client asking for N3 reads Turtle (SPARQLWrapper's N3 asks so).
RESOURCE_OFFERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("html", "text/html", ("application/xhtml+xml",)),
    ("ttl", "text/turtle", ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3",
                            "application/n3", "application/rdf+n3")),
    ("jsonld", "application/ld+json", ("application/json", "application/x-json+ld")),
    ("nt", "application/n-triples", ("text/plain",)),
    ("rdf", "application/rdf+xml", ("application/xml", "text/xml")),
)

#: The media type of each kind of file of a release, by suffix.
MEDIA = {
    ".html": "text/html", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json",
    ".csv": "text/csv", ".gz": "application/gzip", ".conf": "text/plain", ".txt": "text/plain",
    ".js": "text/javascript", ".geojson": "application/geo+json", ".png": "image/png",
    **{suffix: spec[1] for suffix, spec in DUMPS.items()},
}
#: The suffixes of the text files, served with ``charset=utf-8`` (never a ``.gz``: it is bytes).
CHARSET_SUFFIXES = frozenset({".html", ".ttl", ".jsonld", ".rdf", ".nt", ".nq", ".trig", ".svg", ".css", ".csv",
                              ".json", ".txt", ".conf", ".js", ".geojson"})

#: The folder of the resource documents, and of the dumps.
DOC = "doc"
DUMPS_FOLDER = "dumps"
#: The JSON-LD context of every .jsonld file of a release.
CONTEXT = "context.jsonld"
#: The dataset's description (``{base}dataset``): suffix → file.
VOID_FILES = {".ttl": "void.ttl", ".jsonld": "void.jsonld"}
#: The path of the dataset's IRI under the base.
DATASET = "dataset"
#: The ontology's documentation page and its Turtle file (``{base}ontology``): suffix → file.
ONTOLOGY_FILES = {".html": "ontology/index.html", ".ttl": f"ontology/{NAME}.ttl"}
#: The list of every file of the release.
MANIFEST = "manifest.json"
#: The checksums of the dumps.
CHECKSUMS = f"{DUMPS_FOLDER}/SHA256SUMS"

class File(NamedTuple):
    """A file of a release: its path in the release folder and the media type it is served with."""

    path: str
    media_type: str


def media_type(name: str) -> str:
    """The media type a release file is served with."""
    return MEDIA.get(Path(name).suffix, "application/octet-stream")


def doc_stem(iri: str, base: str | None = None) -> str | None:
    """``doc/{kind}/{slug}`` for a resource IRI ``{base}id/{kind}/{slug}``, else None."""
    return web.doc_path(iri, base=base, suffix="")


def resource_files(iri: str, base: str | None = None) -> list[File]:
    """The page and the description files of a resource (none for an IRI that has no page)."""
    stem = doc_stem(iri, base)
    if stem is None:
        return []
    return [File(stem + suffix, media_type(stem + suffix)) for suffix in (".html",) + RESOURCE_FORMATS]


def dump_path(suffix: str, gz: bool = False) -> str:
    """``dumps/heritage-graph.ttl`` (or ``.ttl.gz``) for a dump's suffix."""
    return f"{DUMPS_FOLDER}/{NAME}{suffix}" + (".gz" if gz else "")


def dump_files() -> list[File]:
    """Every dump of a release and its gzipped copy, with their media types."""
    found = []
    for suffix, spec in DUMPS.items():
        found += [File(dump_path(suffix), spec[1]), File(dump_path(suffix, gz=True), MEDIA[".gz"])]
    return found
