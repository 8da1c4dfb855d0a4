"""Resource IRIs and the paths of their pages: which document and which class page stands for what.

Resource IRIs and their documents (the HTTP-range-14 split, see ``docs/publish.md``)::

    https://w3id.org/heritage-graph/id/{kind}/{slug}   the thing (a camp, a claim)
    doc/{kind}/{slug}.html  (.ttl .jsonld .nt .rdf)    the documents about it
    class/{Class}.html                                 the browse page of a class

>>> doc_path("https://w3id.org/heritage-graph/id/camp/karlag", base="https://w3id.org/heritage-graph/")
'doc/camp/karlag.html'
>>> iri_for_doc("/doc/camp/karlag.ttl", base="https://w3id.org/heritage-graph/")
'https://w3id.org/heritage-graph/id/camp/karlag'
>>> class_path("http://www.w3.org/2004/02/skos/core#Concept")
'class/skos-Concept.html'
"""

from __future__ import annotations

import re

from ..rdf.vocab import DCTERMS, GEO, OWL, RDF, RDFS, SKOS, XSD, configured_base

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

_KIND = re.compile(r"[a-z][a-z0-9-]*")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_DOC_SUFFIXES = (".html", ".ttl", ".jsonld", ".nt", ".rdf")

#: The prefixes of the vocabularies the site names terms of (``skos:Concept``, class page ``skos-Concept``).
LINK_PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "skos": SKOS, "xsd": XSD, "dcterms": DCTERMS, "geo": GEO,
    "foaf": "http://xmlns.com/foaf/0.1/", "schema": "https://schema.org/",
}


def site_base(base: str | None) -> str:
    """``base`` (else the configured base) ending in ``/`` or ``#``."""
    base = base or configured_base()
    return base if base.endswith(("/", "#")) else base + "/"


def split_iri(iri: str, *, base: str | None = None) -> tuple[str, str] | None:
    """``(kind, slug)`` of a resource IRI ``{base}id/{kind}/{slug}``, or None for any other IRI."""
    space = site_base(base) + "id/"
    if not iri.startswith(space):
        return None
    kind, sep, slug = iri[len(space):].partition("/")
    if not sep or not _KIND.fullmatch(kind) or not _SLUG.fullmatch(slug):
        return None
    return kind, slug


def doc_path(iri: str, *, base: str | None = None, suffix: str = ".html") -> str | None:
    """The path (relative to the site's root) of the document about ``iri``, or None.

    Only resource IRIs ``{base}id/{kind}/{slug}`` have documents; ``suffix`` picks the format
    (``.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``).
    """
    parts = split_iri(iri, base=base)
    if parts is None:
        return None
    return f"doc/{parts[0]}/{parts[1]}{suffix}"


def iri_for_doc(path: str, *, base: str | None = None) -> str:
    """The resource IRI a document path stands for: ``doc/camp/karlag.html`` → ``…/id/camp/karlag``.

    Takes the path with or without a leading ``/`` or a known suffix.

    :raises ValueError: the path is not that of a resource document.
    """
    text = path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    for suffix in _DOC_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    parts = text.split("/")
    if len(parts) != 3 or parts[0] != "doc" or not _KIND.fullmatch(parts[1]) or not _SLUG.fullmatch(parts[2]):
        raise ValueError(f"{path!r} is not the path of a resource document (doc/KIND/SLUG.html)")
    return f"{site_base(base)}id/{parts[1]}/{parts[2]}"


def class_name(class_iri: str, *, base: str | None = None) -> str:
    """The file name (without ``.html``) of a class's browse page: ``Camp``, ``skos-Concept``."""
    hg = site_base(base) + "ontology#"
    if class_iri.startswith(hg):
        local = class_iri[len(hg):]
        if _SLUG.fullmatch(local):
            return local
    for prefix, namespace in LINK_PREFIXES.items():
        if class_iri.startswith(namespace) and _SLUG.fullmatch(class_iri[len(namespace):]):
            return f"{prefix}-{class_iri[len(namespace):]}"
    return "class-" + re.sub(r"[^A-Za-z0-9]+", "-", class_iri).strip("-")


def class_path(class_iri: str, *, base: str | None = None) -> str:
    """The path of a class's browse page: ``class/Camp.html``."""
    return f"class/{class_name(class_iri, base=base)}.html"


def iri_for_class_page(path: str, *, base: str | None = None) -> str | None:
    """The class IRI a browse page stands for (``class/Camp.html`` → ``hg:Camp``), or None."""
    match = re.fullmatch(r"/?class/([A-Za-z0-9._~-]+?)(?:\.html)?", path)
    if not match:
        return None
    name = match.group(1)
    prefix, sep, local = name.partition("-")
    if sep and prefix in LINK_PREFIXES:
        return LINK_PREFIXES[prefix] + local
    if name.startswith("class-"):
        return None
    return site_base(base) + "ontology#" + name
