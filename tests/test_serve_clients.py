"""The endpoint as the common SPARQL clients read it: SPARQLWrapper and rdflib's SPARQLStore against a
real ``heritage-graph serve`` (a subprocess on a loopback port) with a small row cap.

A result cut at the cap says so where the client can see it (SPARQL JSON ``head.link``, the XML
``<link>``, the ``X-SPARQL-MaxRows`` header), and the link resolves to the page that explains the cap;
an uncut result says nothing. Every format SPARQLWrapper asks for (its ``format=`` parameters and its
``Accept`` headers) is answered and parsed, never 406. The service description describes the default
dataset and links the VoID; ``HEAD /sparql`` answers as GET does. The release's files carry the
validators an HTTP cache uses (``ETag``, ``Last-Modified``, ``304``) and list their other formats
(``Link: rel="alternate"``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .servers import heritage_graph_server
from .test_publish import bundled_release

pytestmark = pytest.mark.server

BASE = "https://w3id.org/heritage-graph/"
ROWS = 5
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
FEW = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3"
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


@pytest.fixture(scope="module")
def release(request, tmp_path_factory) -> Path:
    """The release of the bundled data (built once per session)."""
    return bundled_release(request, tmp_path_factory)[0]


@pytest.fixture(scope="module")
def endpoint(release, tmp_path_factory):
    """``heritage-graph serve --release … --max-rows 5``; yields its SPARQL endpoint's URL."""
    folder = tmp_path_factory.mktemp("serve")
    with heritage_graph_server(folder, "--release", release, "--workers", 1, "--max-rows", ROWS) as (url, _, log):
        yield url + "/sparql"
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and " 500 " not in text, text[-3000:]


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def served(endpoint: str, iri: str) -> str:
    """The page an IRI under the base names, fetched from the server (the base maps to its root)."""
    assert iri.startswith(BASE), iri
    answer = httpx.get(endpoint.removesuffix("sparql") + iri[len(BASE):].partition("#")[0], timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    return answer.text


# 1. A cut result says so ---------------------------------------------------------------------------


def test_sparqlwrapper_json_sees_the_cut_in_head_link_and_the_link_resolves(endpoint):
    answer = wrapper(endpoint, ALL, JSON).query()
    results = answer.convert()
    assert len(results["results"]["bindings"]) == ROWS
    assert answer.info()["x-sparql-maxrows"] == str(ROWS)
    (link,) = results["head"]["link"]
    assert link == BASE + "sparql/limits#max-rows"
    page = served(endpoint, link)
    assert 'id="max-rows"' in page and f"at most {ROWS}" in page
    uncut = wrapper(endpoint, FEW, JSON).query()
    assert "link" not in uncut.convert()["head"] and "x-sparql-maxrows" not in uncut.info()


def test_sparqlwrapper_xml_sees_the_cut_in_a_head_link(endpoint):
    document = wrapper(endpoint, ALL, XML).query().convert()
    head = document.getElementsByTagNameNS(RESULTS_NS, "head")[0]
    links = [node.getAttribute("href") for node in head.getElementsByTagNameNS(RESULTS_NS, "link")]
    assert links == [BASE + "sparql/limits#max-rows"]
    assert len(document.getElementsByTagNameNS(RESULTS_NS, "result")) == ROWS
    uncut = wrapper(endpoint, FEW, XML).query().convert()
    assert not uncut.getElementsByTagNameNS(RESULTS_NS, "link")


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_csv_and_tsv_say_it_in_the_header_only(endpoint, fmt):
    answer = wrapper(endpoint, ALL, fmt).query()
    assert len(answer.convert().decode().strip().splitlines()) == ROWS + 1
    assert answer.info()["x-sparql-maxrows"] == str(ROWS)
    assert "x-sparql-maxrows" not in wrapper(endpoint, FEW, fmt).query().info()


def test_a_cut_construct_says_it_in_the_header(endpoint):
    answer = wrapper(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", TURTLE).query()
    graph = rdflib.Graph().parse(data=answer.convert(), format="turtle")
    assert len(graph) == ROWS and answer.info()["x-sparql-maxrows"] == str(ROWS)


def test_rdflib_sparqlstore_reads_the_cut_result(endpoint):
    """rdflib's SPARQLStore keeps neither the head's links nor the headers: it gets the first
    ``max_rows`` rows, as the page at the link says."""
    for fmt in ("xml", "json"):
        store = SPARQLStore(endpoint, returnFormat=fmt)
        assert len(list(store.query(ALL))) == ROWS
        assert len(list(store.query(FEW))) == 3


# 2. The formats clients ask for --------------------------------------------------------------------


@pytest.mark.parametrize("query, fmt, check", [
    (FEW, JSON, lambda r: len(r["results"]["bindings"]) == 3),
    (FEW, XML, lambda r: len(r.getElementsByTagNameNS(RESULTS_NS, "result")) == 3),
    (FEW, CSV, lambda r: len(r.decode().strip().splitlines()) == 4),
    (FEW, TSV, lambda r: len(r.decode().strip().splitlines()) == 4),
    (GRAPH, N3, lambda r: len(rdflib.Graph().parse(data=r, format="n3")) == 3),
    (GRAPH, TURTLE, lambda r: len(rdflib.Graph().parse(data=r, format="turtle")) == 3),
    (GRAPH, JSONLD, lambda r: len(r) == 3),
    (GRAPH, RDFXML, lambda r: len(r) == 3),
    (GRAPH, XML, lambda r: len(r) == 3),
    (GRAPH, JSON, lambda r: len(r) == 3),
])
def test_sparqlwrapper_gets_a_parsed_answer_in_every_format(endpoint, query, fmt, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns that it sends */* for JSON
        assert check(wrapper(endpoint, query, fmt).query().convert())


@pytest.mark.parametrize("fmt, media", [
    ("n3", "text/turtle"), ("turtle", "text/turtle"), ("ttl", "text/turtle"), ("xml", "application/rdf+xml"),
    ("rdf+xml", "application/rdf+xml"), ("json", "application/ld+json"), ("json-ld", "application/ld+json"),
    ("ntriples", "application/n-triples"), ("application/ld+json,application/x-json+ld", "application/ld+json"),
])
@pytest.mark.parametrize("parameter", ["format", "output", "results"])
def test_format_aliases_for_graphs(endpoint, fmt, media, parameter):
    answer = httpx.get(endpoint, params={"query": GRAPH, parameter: fmt}, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize("fmt, media", [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_format_aliases_for_results(endpoint, fmt, media):
    answer = httpx.get(endpoint, params={"query": FEW, "format": fmt}, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize("accept", ["application/x-turtle", "text/rdf+n3", "application/n3", "application/turtle",
                                    "application/x-json+ld"])
def test_older_rdf_media_types_are_accepted(endpoint, accept):
    answer = httpx.get(endpoint, params={"query": GRAPH}, headers={"Accept": accept}, timeout=30)
    assert answer.status_code == 200
    assert rdflib.Graph().parse(data=answer.content, format=answer.headers["content-type"].split(";")[0])


def test_a_format_the_query_form_has_not_is_still_406(endpoint):
    assert httpx.get(endpoint, params={"query": GRAPH, "format": "csv"}, timeout=30).status_code == 406
    assert httpx.get(endpoint, params={"query": FEW, "format": "n3"}, timeout=30).status_code == 406


def test_rdflib_sparqlstore_select_and_construct(endpoint):
    store = SPARQLStore(endpoint)
    assert len(list(store.query(FEW))) == 3
    graph = store.query(GRAPH).graph
    assert len(graph) == 3


# 3. The service description -----------------------------------------------------------------------


SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/rdf+xml", "xml"), ("application/n-triples", "nt")])
def test_the_service_description_gives_the_default_dataset_and_links_the_void(endpoint, release, accept, fmt):
    answer = httpx.get(endpoint, headers={"Accept": accept}, timeout=30)
    assert answer.status_code == 200
    graph = rdflib.Graph().parse(data=answer.content, format=fmt)
    sd, void = rdflib.Namespace(SD), rdflib.Namespace(VOID)
    (service,) = graph.subjects(rdflib.RDF.type, sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(BASE + "sparql")
    dataset = graph.value(service, sd.defaultDataset)
    assert (dataset, rdflib.RDFS.seeAlso, rdflib.URIRef(BASE + "dataset")) in graph
    default_graph = graph.value(dataset, sd.defaultGraph)
    published = rdflib.Graph().parse(release / "void.ttl")
    triples = published.value(rdflib.URIRef(BASE + "dataset"), void.triples)
    assert graph.value(default_graph, void.triples).toPython() == triples.toPython() > 1000
    assert len(list(graph.objects(dataset, sd.namedGraph))) > 1
    formats = {str(f).rpartition("/")[2] for f in graph.objects(service, sd.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "Turtle", "JSON-LD"} <= formats
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph


@pytest.mark.parametrize("accept", ["text/turtle", "text/html", "application/ld+json", "image/png"])
def test_head_sparql_answers_as_get_without_a_body(endpoint, accept):
    got = httpx.get(endpoint, headers={"Accept": accept}, timeout=30)
    head = httpx.head(endpoint, headers={"Accept": accept}, timeout=30)
    assert head.status_code == got.status_code and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


# 4. Validators and alternates ------------------------------------------------------------------------


RESOURCE_ALTERNATES = {"text/html": "html", "text/turtle": "ttl", "application/ld+json": "jsonld",
                       "application/n-triples": "nt", "application/rdf+xml": "rdf"}


def alternates(answer: httpx.Response) -> dict[str, str]:
    """The ``rel="alternate"`` links of an answer: media type → URL."""
    found = {}
    for link in answer.headers.get_list("link", split_commas=True):
        target, *params = [part.strip() for part in link.split(";")]
        values = dict(p.split("=", 1) for p in params)
        if values.get("rel") == '"alternate"':
            found[values["type"].strip('"')] = target.strip("<>")
    return found


@pytest.mark.parametrize("path", ["/doc/camp/karlag.html", "/doc/camp/karlag.ttl", "/doc/camp/karlag.jsonld",
                                  "/doc/camp/karlag", "/class/Camp.html", "/void.ttl", "/void.jsonld",
                                  "/dumps/heritage-graph.nq", "/index.html", "/ontology/heritage-graph.ttl"])
def test_release_files_carry_validators_and_answer_304(endpoint, path):
    server = endpoint.removesuffix("/sparql")
    first = httpx.get(server + path, timeout=30)
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}):
        again = httpx.get(server + path, headers=headers, timeout=30)
        assert again.status_code == 304 and again.content == b"", headers
        assert again.headers["etag"] == etag
    for headers in ({"If-None-Match": '"other"'}, {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
                    {"If-Modified-Since": "not a date"},
                    {"If-None-Match": '"other"', "If-Modified-Since": modified}):  # If-None-Match decides
        assert httpx.get(server + path, headers=headers, timeout=30).status_code == 200, headers
    head = httpx.head(server + path, headers={"If-None-Match": etag}, timeout=30)
    assert head.status_code == 304


@pytest.mark.parametrize("path", ["/doc/camp/karlag.html", "/doc/camp/karlag.nt", "/doc/camp/karlag"])
def test_a_document_lists_each_of_its_formats(endpoint, release, path):
    server = endpoint.removesuffix("/sparql")
    answer = httpx.get(server + path, timeout=30)
    found = alternates(answer)
    assert found == {media: f"/doc/camp/karlag.{suffix}" for media, suffix in RESOURCE_ALTERNATES.items()}
    for media, target in found.items():
        fetched = httpx.get(server + target, timeout=30)
        assert fetched.status_code == 200 and fetched.headers["content-type"].split(";")[0] == media
        assert fetched.content == (release / target.lstrip("/")).read_bytes()
    assert f'<{BASE}id/camp/karlag>; rel="describes"' in answer.headers["link"]


def test_the_303_of_a_resource_lists_its_documents(endpoint):
    answer = httpx.get(endpoint.removesuffix("/sparql") + "/id/camp/karlag",
                       headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 303 and answer.headers["location"] == "/doc/camp/karlag.ttl"
    assert set(alternates(answer)) == set(RESOURCE_ALTERNATES)


def test_the_dataset_description_and_the_dumps_list_their_formats(endpoint):
    server = endpoint.removesuffix("/sparql")
    assert alternates(httpx.get(server + "/void.ttl", timeout=30)) == {
        "text/turtle": "/void.ttl", "application/ld+json": "/void.jsonld"}
    dumps = alternates(httpx.get(server + "/dumps/heritage-graph.trig", timeout=30))
    assert {"application/trig", "application/n-quads", "text/turtle", "application/n-triples"} <= set(dumps)
    assert not alternates(httpx.get(server + "/class/Camp.html", timeout=30))  # a page alone in its format
