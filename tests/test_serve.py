"""The live server: content negotiation, resources, the SPARQL endpoint, the query API, and a real
linked-data client against the app served by uvicorn."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager

import pyoxigraph as ox
import pytest
import rdflib

from heritage_graph.serve import negotiation as neg
from heritage_graph.queries import catalogue as q
from heritage_graph.queries import run as qrun
from heritage_graph.queries.results import to_csv
from heritage_graph.queries.sparql import inspect
from heritage_graph.publish.build import build
from heritage_graph.serve.app import create_app
from heritage_graph.serve.policy import Refused, check_query
from heritage_graph.rdf.store import parse_json_results

from . import release_rdf
from .servers import free_port

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

BASE = "https://w3id.org/heritage-graph/"
KARLAG = BASE + "id/camp/karlag"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDFLIB = ("application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
          "application/n-quads, application/trix, application/trig")
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: What a camp needs besides its label to pass the shapes (a release is built only from data that does).
CAMP_NEEDS = """@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
@prefix place: <https://w3id.org/heritage-graph/id/place/> .
@prefix source: <https://w3id.org/heritage-graph/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
{camp} hg:location place:somewhere ; hg:source source:a-source .
place:somewhere a hg:Country ; rdfs:label "Somewhere"@en ; hg:source source:a-source .
source:a-source a hg:SourceDocument ; rdfs:label "A source"@en ; <http://purl.org/dc/terms/title> "T"@en ; <http://purl.org/dc/terms/publisher> "heritage-graph tests" ; <http://purl.org/dc/terms/language> "en" ; hg:undated true ;
  <http://purl.org/dc/terms/bibliographicCitation> "A source, page 1."@en .
"""


# Content negotiation, as a table -----------------------------------------------------------------

RESOURCE_CASES = [
    (None, "text/html"),
    ("", "text/html"),
    ("*/*", "text/html"),
    (BROWSER, "text/html"),
    (RDFLIB, "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("TEXT/Turtle", "text/turtle"),
    ("application/x-turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "application/ld+json"),
    ('application/ld+json;profile="a,b", text/turtle;q=0.1', "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/plain", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/xml", "application/rdf+xml"),
    ("text/*", "text/html"),
    ("text/html;q=0, */*", "text/turtle"),
    ("text/html;q=0, text/*", "text/turtle"),
    ("text/*;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("application/rdf+xml, text/turtle", "text/turtle"),  # a tie: the server's order
    ("text/turtle;q=0.5, application/rdf+xml;q=0.5", "text/turtle"),
    ("application/rdf+xml;q=1.0, text/turtle;q=0.9", "application/rdf+xml"),
    ("text/*;q=0, text/turtle", "text/turtle"),  # the more specific range wins
    ("text/turtle;q=0, text/*", "text/html"),
    ("*/*;q=0, text/turtle", "text/turtle"),
    ("text/html;q=0.9, application/xhtml+xml", "text/html"),
    ("text/turtle;q=abc, application/ld+json;q=0.1", "application/ld+json"),  # a malformed range is dropped
    ("text/turtle;q=7", "text/turtle"),
    ("garbage", "text/html"),  # nothing usable: as if absent
    (";;;,,,", "text/html"),
    ("image/png", None),
    ("text/turtle;q=0", None),
    ("*/*;q=0", None),
    ("application/ld+json;q=0, application/json", None),
]


@pytest.mark.parametrize("accept, expected", RESOURCE_CASES)
def test_negotiate_resource(accept, expected):
    assert neg.negotiate(accept, neg.RESOURCE_TYPES) == expected


RESULTS_CASES = [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/*", "text/csv"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.3", "application/sparql-results+xml"),
    ("text/turtle", None),
]


@pytest.mark.parametrize("accept, expected", RESULTS_CASES)
def test_negotiate_results(accept, expected):
    assert neg.negotiate(accept, neg.RESULTS_TYPES) == expected


def test_negotiation_never_raises():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.text())
    def check(header):
        for offers in (neg.RESOURCE_TYPES, neg.RESULTS_TYPES, neg.GRAPH_TYPES):
            assert neg.negotiate(header, offers) in {o.media_type for o in offers} | {None}

    check()


# Reading queries without running them ------------------------------------------------------------


@pytest.mark.parametrize("text, form, services", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", []),
    ("PREFIX e: <http://e/>\nASK { e:a e:b ?o }", "ASK", []),
    ("BASE <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <sparql> { ?s ?p ?o } }", "CONSTRUCT",
     ["http://e/sparql"]),
    ("select * { service silent <http://x.example/q> { ?s ?p ?o } }", "SELECT", ["http://x.example/q"]),
    ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "SELECT", ["?endpoint"]),
    ("SELECT * { ?s ?p 'SERVICE <http://x/>' } # SERVICE <http://y/>", "SELECT", []),
    ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", "SELECT", ["http://x/"]),
    ("#+ summary: copy\nLOAD <http://example.org/data.ttl>", "LOAD", []),
    ("PREFIX x: <http://e/> DELETE WHERE { ?s ?p ?o }", "DELETE", []),
])
def test_inspect_query(text, form, services):
    info = inspect(text)
    keyword = info.operations[0].split()[0] if info.operations else info.form  # an update's first keyword
    assert (keyword, list(info.endpoints)) == (form, services)


def test_service_only_to_allowed_hosts():
    check_query("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", ["query.wikidata.org"])
    with pytest.raises(Refused, match=r"SERVICE <https://evil.example/sparql> is refused"):
        check_query("SELECT * { SERVICE <https://evil.example/sparql> { ?s ?p ?o } }", ["query.wikidata.org"])
    with pytest.raises(Refused, match="variable endpoint"):
        check_query("SELECT * { SERVICE ?x { ?s ?p ?o } }", ["query.wikidata.org"])


# The app, in-process ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A release of the bundled data, as 'heritage-graph build' writes it."""
    folder = tmp_path_factory.mktemp("release") / "site"
    build(folder, date="2026-01-01", progress=lambda *a, **k: None)
    return folder


@pytest.fixture(scope="module")
def app(bundled_dataset, release):
    """The server as it starts by default (10 s per query): every stored query must answer within that."""
    return create_app(bundled_dataset.store, release=release, workers=2)


@pytest.fixture(scope="module")
def client(app):
    from starlette.testclient import TestClient

    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client


@pytest.mark.parametrize("accept, status, suffix", [
    (None, 303, "html"),
    (BROWSER, 303, "html"),
    (RDFLIB, 303, "ttl"),
    ("text/turtle", 303, "ttl"),
    ("application/ld+json", 303, "jsonld"),
    ("application/n-triples", 303, "nt"),
    ("application/rdf+xml", 303, "rdf"),
    ("text/html;q=0, */*;q=0.1", 303, "ttl"),
    ("image/png", 406, None),
    ("text/turtle;q=0", 406, None),
])
def test_resource_iri_redirects_by_accept(client, accept, status, suffix):
    headers = {"Accept": accept} if accept is not None else {}
    answer = client.get("/id/camp/karlag", headers=headers, follow_redirects=False)
    assert answer.status_code == status
    assert "Accept" in answer.headers["vary"]
    if status == 303:
        assert answer.headers["location"] == f"/doc/camp/karlag.{suffix}"
    else:
        assert "text/turtle" in answer.text and "application/ld+json" in answer.text


@pytest.mark.parametrize("accept, status, content_type", [
    (None, 200, "text/html"),
    (BROWSER, 200, "text/html"),
    (RDFLIB, 200, "text/turtle"),
    ("application/ld+json", 200, "application/ld+json"),
    ("application/json", 200, "application/ld+json"),
    ("text/plain", 200, "application/n-triples"),
    ("application/rdf+xml", 200, "application/rdf+xml"),
    ("*/*;q=0", 406, "text/plain"),
])
def test_document_negotiates(client, accept, status, content_type):
    headers = {"Accept": accept} if accept is not None else {}
    answer = client.get("/doc/camp/karlag", headers=headers)
    assert answer.status_code == status
    assert answer.headers["content-type"].split(";")[0] == content_type
    if status == 200:
        suffix = neg.choose(accept, neg.RESOURCE_TYPES).suffix
        assert answer.headers["content-location"] == f"/doc/camp/karlag.{suffix}"
        assert "Accept" in answer.headers["vary"]


@pytest.mark.parametrize("suffix, content_type, rdf_format", [
    ("ttl", "text/turtle", ox.RdfFormat.TURTLE),
    ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("html", "text/html", None),
])
def test_document_by_suffix(client, release, suffix, content_type, rdf_format):
    answer = client.get(f"/doc/camp/karlag.{suffix}", headers={"Accept": "image/png"})  # the suffix decides
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == content_type
    if rdf_format is None:
        assert "Karlag" in answer.text
        return
    triples = release_rdf.triples(answer.content, "." + suffix, release, str(answer.url))
    assert (rdflib.URIRef(KARLAG), rdflib.RDFS.label, rdflib.Literal("Karlag", lang="en")) in triples
    assert answer.content == (release / f"doc/camp/karlag.{suffix}").read_bytes()


def test_document_holds_outgoing_incoming_and_claims(client):
    answer = client.get("/doc/camp/karlag.ttl")
    triples = [quad.triple for quad in ox.parse(answer.content, format=ox.RdfFormat.TURTLE)]
    karlag = ox.NamedNode(KARLAG)
    about = ox.NamedNode(BASE + "ontology#about")
    claims = {t.subject for t in triples if t.predicate == about and t.object == karlag}
    assert claims, "Karlag has claims about it"
    assert any(t.subject == karlag for t in triples)
    assert any(t.object == karlag and t.predicate != about for t in triples)
    claim_values = {t.subject for t in triples if t.predicate == ox.NamedNode(BASE + "ontology#value")}
    assert claims & claim_values, "the claims' own triples come with them"


@pytest.mark.parametrize("path", ["/id/camp/nowhere", "/doc/camp/nowhere", "/doc/camp/nowhere.ttl",
                                  "/doc/camp/karlag.exe", "/nothing/here"])
def test_unknown_is_404_without_traceback(client, path):
    answer = client.get(path, headers={"Accept": "text/turtle"})
    assert answer.status_code == 404
    assert "Traceback" not in answer.text and answer.text.strip()


def test_cors_on_every_answer_and_preflight(client):
    for path in ("/doc/camp/karlag.ttl", "/sparql?query=ASK%7B%7D", "/api/queries", "/id/camp/nowhere"):
        assert client.get(path, follow_redirects=False).headers["access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                    "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]


@pytest.mark.parametrize("path", ["/", "/index.html", "/class/Camp.html", "/class/Camp", "/queries", "/queries/",
                                  "/queries/prisoner-shares.html", "/queries/prisoner-shares?camp=Karlag"])
def test_pages(client, path):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")


def test_data_and_ontology_dumps(client, bundled_dataset):
    answer = client.get("/data.nq")
    assert answer.url.path == "/dumps/heritage-graph.nq"
    assert answer.headers["content-type"].startswith("application/n-quads")
    assert len(list(ox.parse(answer.content, format=ox.RdfFormat.N_QUADS))) == bundled_dataset.store.triple_count()
    answer = client.get("/data", headers={"Accept": "application/trig"})
    assert answer.url.path == "/dumps/heritage-graph.trig"
    assert answer.headers["content-type"].startswith("application/trig")
    answer = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and "Claim" in answer.text


# SPARQL ------------------------------------------------------------------------------------------

SELECT = f"SELECT ?label WHERE {{ <{KARLAG}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?label"
ASK = f"ASK {{ <{KARLAG}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{KARLAG}> ?p ?o }} WHERE {{ <{KARLAG}> ?p ?o }}"


def _send(client, how, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        return client.get("/sparql", params={"query": query, **params}, headers=headers)
    if how == "form":
        return client.post("/sparql", data={"query": query, **params}, headers=headers)
    return client.post("/sparql", params=params, content=query.encode(),
                       headers={**headers, "Content-Type": "application/sparql-query"})


def _labels(answer, fmt):
    if fmt == "json":
        return [r[0].value for r in parse_json_results(answer.content, "test").rows]
    if fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return [b.find(f"{ns}literal").text for b in ET.fromstring(answer.content).iter(f"{ns}binding")]
    if fmt == "csv":
        return [row["label"] for row in csv.DictReader(io.StringIO(answer.text))]
    lines = answer.text.splitlines()
    assert lines[0] == "?label"
    return [ox.Literal(line.split('"')[1]).value for line in lines[1:]]


@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("fmt, media", [("json", "application/sparql-results+json"),
                                        ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                        ("tsv", "text/tab-separated-values")])
def test_sparql_select(client, bundled_dataset, how, fmt, media):
    expected = sorted(str(r[0].value) for r in bundled_dataset.store.query(SELECT).rows)
    by_accept = _send(client, how, SELECT, accept=media)
    by_param = _send(client, how, SELECT, format=fmt)
    for answer in (by_accept, by_param):
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == media
        assert sorted(_labels(answer, fmt)) == expected
    assert "Karlag" in expected


@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_sparql_ask(client, how, fmt):
    answer = _send(client, how, ASK, format=fmt)
    assert answer.status_code == 200
    if fmt == "json":
        assert answer.json()["boolean"] is True
    else:
        assert ET.fromstring(answer.content).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("media, rdf_format", [("text/turtle", ox.RdfFormat.TURTLE),
                                               ("application/ld+json", ox.RdfFormat.JSON_LD),
                                               ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                               ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_sparql_construct(client, bundled_dataset, how, media, rdf_format):
    answer = _send(client, how, CONSTRUCT, accept=media)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media
    got = {quad.triple for quad in ox.parse(answer.content, format=rdf_format)}
    assert got == set(bundled_dataset.store.query(CONSTRUCT).triples)


def test_sparql_construct_refuses_a_results_format(client):
    answer = _send(client, "get", CONSTRUCT, accept="text/csv")
    assert answer.status_code == 406 and "text/turtle" in answer.text


@pytest.mark.parametrize("request_kwargs", [
    {"params": {"query": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}},
    {"params": {"update": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}},
    {"data": {"update": "DELETE WHERE { ?s ?p ?o }"}, "method": "post"},
    {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}, "method": "post"},
    {"data": {"query": "PREFIX e: <http://e/>\nDROP GRAPH e:g"}, "method": "post"},
])
def test_sparql_update_is_refused(client, bundled_dataset, request_kwargs):
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method", "get")
    before = bundled_dataset.store.triple_count()
    answer = getattr(client, method)("/sparql", **kwargs)
    assert answer.status_code == 403
    assert "read-only" in answer.text
    assert bundled_dataset.store.triple_count() == before


def test_sparql_load_is_refused(client):
    answer = client.get("/sparql", params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"})
    assert answer.status_code == 403
    assert "LOAD" in answer.text


def test_sparql_service_to_other_hosts_is_refused(client):
    answer = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://evil.example/sparql> "
                                                    "{ ?s ?p ?o } }"})
    assert answer.status_code == 403
    assert "SERVICE <http://evil.example/sparql> is refused" in answer.text


@pytest.mark.parametrize("query, status, words", [
    ("SELECT ?s WHERE { ?s ?p }", 400, "does not parse"),
    ("", 400, "no query"),
])
def test_sparql_bad_query_is_a_clear_400(client, query, status, words):
    answer = client.post("/sparql", data={"query": query})
    assert answer.status_code == status
    assert words in answer.text and "Traceback" not in answer.text


def test_sparql_errors_as_json_when_asked(client):
    answer = client.get("/sparql", params={"query": "SELECT"}, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["status"] == 400 and "does not parse" in answer.json()["error"]


def test_sparql_without_query_describes_the_service(client):
    assert "<form" in client.get("/sparql", headers={"Accept": "text/html"}).text
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert "sparql-service-description" in description.text


def test_sparql_result_cap(bundled_dataset):
    from starlette.testclient import TestClient

    with TestClient(create_app(bundled_dataset.store, max_rows=5, workers=1)) as capped:
        answer = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert answer.status_code == 200
        assert len(answer.json()["results"]["bindings"]) == 5
        assert answer.headers["x-sparql-maxrows"] == "5"
        answer = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert len(answer.json()["results"]["bindings"]) == 3
        assert "x-sparql-maxrows" not in answer.headers
        answer = capped.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                            headers={"Accept": "application/n-triples"})
        assert len(answer.text.strip().splitlines()) == 5 and answer.headers["x-sparql-maxrows"] == "5"


# The stored queries as a web API -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(q.catalogue()))
def test_api_query_returns_the_rows_of_query_run(client, bundled_dataset, name):
    answer = client.get(f"/api/queries/{name}")
    if inspect(q.find(name).text).services:  # the server calls no endpoint it was not told to allow
        assert answer.status_code == 403 and "SERVICE" in answer.json()["error"]
        return
    assert answer.status_code == 200, answer.text
    local = qrun.run(name, bundled_dataset.store)
    remote = parse_json_results(answer.content, "api")
    assert remote.variables == local.variables
    assert remote.rows == local.rows


def test_api_query_parameters_and_formats(client, bundled_dataset):
    local = qrun.run("prisoner-shares", bundled_dataset.store, {"camp": "Karlag"})
    answer = client.get("/api/queries/prisoner-shares", params={"camp": "Karlag", "format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.text == to_csv(local)
    by_accept = client.get("/api/queries/prisoner-shares?camp=camp:karlag", headers={"Accept": "text/csv"})
    assert by_accept.text == to_csv(local)


@pytest.mark.parametrize("path, status, words", [
    ("/api/queries/prisoner-share", 404, "did you mean prisoner-shares"),
    ("/api/queries/prisoner-shares?nation=x", 400, "has no parameter 'nation'"),
    ("/api/queries/prisoner-shares?year=1954%20||%20true", 400, "not a valid integer"),
    ('/api/queries/prisoner-shares?camp=x%22%7D%20UNION', 400, "parameter camp"),
    ("/api/queries/prisoner-shares?format=yaml", 400, "format 'yaml' is not available"),
])
def test_api_errors_are_clear_json(client, path, status, words):
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    assert words in answer.json()["error"]


def test_api_catalogue_lists_every_query(client):
    listing = client.get("/api/queries").json()["queries"]
    assert [entry["name"] for entry in listing] == list(q.catalogue())
    shares = next(entry for entry in listing if entry["name"] == "prisoner-shares")
    assert {p["name"] for p in shares["parameters"]} == {"group", "camp", "year"}


def test_openapi_document_is_valid(client):
    validator = pytest.importorskip("openapi_spec_validator")
    document = client.get("/api/openapi.json").json()
    validator.validate(document)
    for name, stored in q.catalogue().items():
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        assert operation["summary"] == stored.summary
        params = {p["name"]: p for p in operation["parameters"]}
        assert set(params) == {p.name for p in stored.parameters} | {"format"} | ({"page"} if stored.pagination else set())
        for p in stored.parameters:
            assert params[p.name]["required"] == (not p.optional and p.default is None)
    year = {p["name"]: p for p in document["paths"]["/api/queries/prisoner-shares"]["get"]["parameters"]}["year"]
    assert year["schema"]["type"] == "integer" and "year" in year["description"]


# Escaping, and another base --------------------------------------------------------------------


def test_html_escapes_labels(write, tmp_path):
    from starlette.testclient import TestClient

    from heritage_graph.rdf.load import load

    evil = write("evil.ttl", '@prefix camp: <https://w3id.org/heritage-graph/id/camp/> .\n'
                 '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                 'camp:evil a <https://w3id.org/heritage-graph/ontology#Camp> ;\n'
                 '  rdfs:label "Evil <script>alert(1)</script> & co"@en .\n'
                 + CAMP_NEEDS.format(camp="<https://w3id.org/heritage-graph/id/camp/evil>"))
    build(tmp_path / "site", data_paths=[evil], progress=lambda *a, **k: None)
    with TestClient(create_app(load([evil]).store, release=tmp_path / "site", workers=1)) as local:
        answer = local.get("/doc/camp/evil.html")
    assert answer.status_code == 200
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text


def test_another_base_maps_to_the_server_root(write, tmp_path):
    from starlette.testclient import TestClient

    data = write("one.ttl", '@prefix camp: <https://w3id.org/heritage-graph/id/camp/> .\n'
                 '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                 'camp:one a <https://w3id.org/heritage-graph/ontology#Camp> ; rdfs:label "One"@en .\n'
                 + CAMP_NEEDS.format(camp="<https://w3id.org/heritage-graph/id/camp/one>"))
    base = "http://example.org/hg/"
    build(tmp_path / "site", data_paths=[data], base=base, progress=lambda *a, **k: None)
    with TestClient(create_app(release=tmp_path / "site", data_paths=[data], workers=1)) as local:
        answer = local.get("/doc/camp/one.nt")
        redirect = local.get("/id/camp/one", follow_redirects=False)
    assert answer.status_code == 200
    assert f"<{base}id/camp/one>" in answer.text
    assert redirect.status_code == 303 and redirect.headers["location"] == "/doc/camp/one.html"


# A real server and a real linked-data client ---------------------------------------------------


@contextmanager
def served(app):
    """The app served by uvicorn in a background thread on a free loopback port; yields its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def live(bundled_dataset, release):
    with served(create_app(bundled_dataset.store, release=release, query_timeout=2, workers=2)) as url:
        yield url


def test_rdflib_follows_the_303_and_negotiates(live, release):
    graph = rdflib.Graph().parse(f"{live}/id/camp/karlag")
    karlag = rdflib.URIRef(KARLAG)
    assert (karlag, rdflib.RDFS.label, rdflib.Literal("Karlag", lang="en")) in graph
    assert len(graph) == len(rdflib.Graph().parse(release / "doc/camp/karlag.ttl"))


def test_a_runaway_query_is_stopped_while_others_are_answered(live):
    import httpx

    outcome = {}

    def explode():
        started = time.monotonic()
        answer = httpx.get(f"{live}/sparql", params={"query": EXPLOSIVE}, timeout=60)
        outcome["explosive"] = (answer.status_code, answer.text, time.monotonic() - started)
        outcome["explosive_done"] = time.monotonic()

    thread = threading.Thread(target=explode)
    thread.start()
    time.sleep(0.3)
    quick = httpx.get(f"{live}/sparql", params={"query": SELECT}, timeout=30)
    page = httpx.get(f"{live}/doc/camp/karlag.ttl", timeout=30)
    quick_done = time.monotonic()
    thread.join(timeout=30)
    assert quick.status_code == 200 and "Karlag" in quick.text
    assert page.status_code == 200
    assert quick_done < outcome["explosive_done"], "the other query waited for the runaway one"
    status, text, _ = outcome["explosive"]
    assert status == 503 and "ran longer than 2 s" in text  # stopped by the time limit, not left to run
    after = httpx.get(f"{live}/sparql", params={"query": ASK}, timeout=30)  # a fresh worker took its place
    assert after.status_code == 200 and json.loads(after.text)["boolean"] is True
