"""What the endpoint says about itself: the SPARQL Service Description at ``GET /sparql`` (or the
query form, for a browser) and the page at ``/sparql/limits`` that a cut result links to.

The service description names the endpoint (``{base}sparql``, as the release's VoID says, never
the request's ``Host``), the query language, the features and the result formats, and describes
the default dataset: its default graph (the union of all graphs) with its number of triples, the
named graphs, and the VoID description (``{base}dataset``) it is the dataset of.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from starlette.responses import HTMLResponse, Response

from . import negotiation as neg
from ..publish.layout import DATASET, VOID_FILES
from ..publish.release import VOID
from ..rdf.vocab import DCTERMS, RDF, RDFS, XSD
from ..web.templating import render as render_template
from .config import config_of
from .responses import media, not_acceptable, root

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
#: The W3C format IRI (``http://www.w3.org/ns/formats/…``) of each result format, by offer suffix.
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples",
               "rdf": "RDF_XML"}
#: The address, under the base, of the page that explains the caps (a cut result links it).
LIMITS_PATH = "sparql/limits"


def limits_iri(base: str) -> str:
    """The IRI a cut result links (with ``#max-rows`` or ``#max-bytes``).

    >>> limits_iri("https://e/")
    'https://e/sparql/limits'
    """
    return base + LIMITS_PATH


def service_description(request) -> Response:
    """``GET /sparql`` without a query: a form (HTML), or a SPARQL Service Description (RDF)."""
    offers = (neg.RESOURCE_TYPES[0],) + neg.GRAPH_TYPES
    offer = neg.choose(request.headers.get("accept"), offers)
    if offer is None:
        return not_acceptable(request, offers)
    if offer.rdf_format is None:
        page = render_template("sparql.html", root=root(request), title="SPARQL endpoint",
                               example="SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        return HTMLResponse(page, headers={"Vary": "Accept"})
    body = ox.serialize(description_triples(config_of(request)), format=offer.rdf_format,
                        prefixes={"sd": SD, "void": VOID, "rdfs": RDFS, "dcterms": DCTERMS})
    return Response(body, media_type=media(offer), headers={"Vary": "Accept"})


def description_triples(config) -> list[ox.Triple]:
    """The service description of the endpoint ``config`` serves."""
    base = config.base
    service, dataset, graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples: list[ox.Triple] = []

    def add(subject, predicate: str, obj) -> None:
        triples.append(ox.Triple(subject, ox.NamedNode(predicate), obj))

    add(service, RDF + "type", ox.NamedNode(SD + "Service"))
    add(service, SD + "endpoint", ox.NamedNode(base + "sparql"))
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    if config.allow_service:
        add(service, SD + "feature", ox.NamedNode(SD + "BasicFederatedQuery"))
    for offer in neg.RESULTS_TYPES + neg.GRAPH_TYPES:
        add(service, SD + "resultFormat", ox.NamedNode(FORMATS + FORMAT_IRIS[offer.suffix]))
    add(service, RDFS + "comment", ox.Literal(
        f"Read-only. A query runs for at most {config.query_timeout:g} s; a result is cut at "
        f"{config.max_rows} rows" + (f" or {config.max_bytes} bytes" if config.max_bytes else "")
        + f", and then says so: see {limits_iri(base)}.", language="en"))
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF + "type", ox.NamedNode(SD + "Dataset"))
    add(service, RDFS + "seeAlso", ox.NamedNode(base + DATASET))  # the VoID and DCAT description
    add(dataset, RDFS + "seeAlso", ox.NamedNode(base + DATASET))
    add(dataset, SD + "defaultGraph", graph)
    add(graph, RDF + "type", ox.NamedNode(SD + "Graph"))
    add(graph, VOID + "triples", ox.Literal(str(dataset_triples(config)), datatype=ox.NamedNode(XSD + "integer")))
    names = sorted(g.value for g in config.store.ox.named_graphs() if isinstance(g, ox.NamedNode))
    for number, name in enumerate(names, 1):
        named = ox.BlankNode(f"graph{number}")  # stable names: the same description every time
        add(dataset, SD + "namedGraph", named)
        add(named, RDF + "type", ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(name))
    return triples


def dataset_triples(config) -> int:
    """The triples of the default graph (the distinct triples of all graphs): the release's VoID
    says (``void:triples``); without a release, counted once in the store."""
    if config.dataset_triples is None:
        counted = _void_triples(config.release, config.base) if config.release is not None else None
        if counted is None:
            result = config.store.ox.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                                           "WHERE { ?s ?p ?o } }", use_default_graph_as_union=True)
            counted = int(next(iter(result))["n"].value)
        config.dataset_triples = counted
    return config.dataset_triples


def _void_triples(release: Path, base: str) -> int | None:
    try:
        found = ox.parse(path=str(release / VOID_FILES[".ttl"]), format=ox.RdfFormat.TURTLE)
        for triple in found:
            if (triple.subject == ox.NamedNode(base + DATASET) and triple.predicate.value == VOID + "triples"
                    and isinstance(triple.object, ox.Literal)):
                return int(triple.object.value)
    except (OSError, SyntaxError, ValueError):
        return None
    return None


def limits(request) -> Response:
    """``/sparql/limits``: what the caps are and what a cut result looks like (a page)."""
    config = config_of(request)
    page = render_template("limits.html", root=root(request), title="SPARQL endpoint: limits",
                           max_rows=config.max_rows, max_bytes=config.max_bytes,
                           query_timeout=f"{config.query_timeout:g}")
    return HTMLResponse(page)
