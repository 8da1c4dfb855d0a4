"""Pushing a release to real SPARQL stores: the PyPI Oxigraph server and Virtuoso 7.

Both servers are started by the tests on loopback ports. After a push the store holds exactly the
release (graph by graph, triple by triple), the stored queries answer there as they do locally
(on Virtuoso, those its engine answers by SPARQL 1.1: see ``docs/push.md``), and a second push
changes nothing. Failures are one EndpointError line and leave the store as it was.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_graph import push as p
from heritage_graph.queries import catalogue as q
from heritage_graph.queries import run as qrun
from heritage_graph.errors import ConfigError, EndpointError
from heritage_graph.rdf.load import graph_iri
from heritage_graph.rdf.store import EndpointStore

from .servers import QuietHandler, free_port, http_server, oxigraph_server
from .virtuoso import missing_reason, virtuoso_server

pytestmark = pytest.mark.server

OURS = ("https://w3id.org/heritage-graph/", "urn:x-heritage-graph:", "http://example.org/")

#: The stored query Virtuoso 7.2 cannot run: for a SERVICE joined to local results it sends the
#: remote endpoint a query with the join variable replaced by UNDEF (docs/push.md).
VIRTUOSO_CANNOT = {"federated-example"}
#: Stored queries with parameters, run with these values too.
WITH_VALUES = [
    ("camp-population", {"camp": "Steplag"}),
    ("camp-population", {"camp": "Karagandinsky ITL"}),
    ("prisoner-shares", {"group": "Lithuanians", "camp": "Karlag"}),
    ("memorials", {"place": "Spassk"}),
    ("timeline", {"place": "Kazakhstan"}),
    ("timeline", {"participant": "Lithuanians"}),
    ("conflicts", {"about": "Karlag"}),
    ("names", {"language": "ru"}),
    ("names", {"resource": "Karlag"}),
    ("uprisings", {"group": "Lithuanians"}),
    ("burials", {"place": "Spassk"}),
    ("burials", {"place": "Kazakhstan"}),
    ("memorials", {"place": "Kazakhstan"}),
    ("communities", {"place": "Kazakhstan"}),
    ("places", {"within": "Kazakhstan"}),
    ("people-groups", {"kind": "social"}),
    ("camps-by-region", {"region": "Central Asia"}),
]


def snapshot(store: EndpointStore) -> tuple[dict[str, int], str, str]:
    """The graphs of ours with their sizes, a checksum of their quads, and one of CONSTRUCT of everything."""
    import urllib.parse
    import urllib.request

    filters = " || ".join(f'STRSTARTS(STR(?g), "{prefix}")' for prefix in OURS)
    select = f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({filters}) }}"
    request = urllib.request.Request(store.url, data=urllib.parse.urlencode({"query": select}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        document = json.loads(answer.read())
    sizes: dict[str, int] = {}
    lines = []
    for row in document["results"]["bindings"]:  # read as JSON: 40k rows as terms would take a second
        graph = row["g"]["value"]
        sizes[graph] = sizes.get(graph, 0) + 1
        lines.append(json.dumps([graph] + [[row[v].get(k) for k in ("type", "value", "datatype", "xml:lang")]
                                           for v in "spo"]))
    quads = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples
    construct = hashlib.sha256("\n".join(sorted(
        f"{_canonical(t.subject)} {t.predicate} {_canonical(t.object)}" for t in triples)).encode()).hexdigest()
    return sizes, quads, construct


def _canonical(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:b"  # blank node labels are the store's own; the release has none
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(("#integer", "#decimal")):
        from decimal import Decimal

        return f"{Decimal(term.value).normalize():f}^^{term.datatype.value}"
    return str(term)


def local_sizes(dataset, graph=None) -> dict[str, int]:
    sizes = {name: len(triples) for name, triples in p.release_graphs(dataset, graph).items()}
    return {name: n for name, n in sizes.items() if n}


# Oxigraph -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph_store():
    with oxigraph_server() as base:
        yield base


def test_push_to_oxigraph_is_exact_and_idempotent(oxigraph_store, bundled_dataset):
    result = p.push(oxigraph_store, dataset=bundled_dataset)
    assert result.graphs == {f.graph: f.triples for f in bundled_dataset.files}
    assert result.check_query == "prisoner-shares" and result.check_rows == 2
    remote = EndpointStore(oxigraph_store + "/query")
    sizes, quads, construct = snapshot(remote)
    assert {g: n for g, n in sizes.items() if g != p.MANIFEST} == local_sizes(bundled_dataset)
    assert not [g for g in sizes if g.startswith(p.STAGING)]

    again = p.push(oxigraph_store, dataset=bundled_dataset)
    assert again.graphs == result.graphs and again.removed == []
    assert snapshot(remote) == (sizes, quads, construct)


@pytest.mark.parametrize("name", sorted(q.catalogue()))
def test_every_stored_query_answers_the_same_on_oxigraph(name, oxigraph_store, bundled_dataset):
    if not qrun.run("prisoner-shares", EndpointStore(oxigraph_store + "/query")).rows:
        p.push(oxigraph_store, dataset=bundled_dataset)
    local = qrun.run(name, bundled_dataset.store)
    remote = qrun.run(name, EndpointStore(oxigraph_store + "/query", timeout=30))
    assert remote.variables == local.variables
    assert remote.rows == local.rows


def test_one_graph_release_replaces_the_per_file_release(oxigraph_store, bundled_dataset):
    p.push(oxigraph_store, dataset=bundled_dataset)
    remote = EndpointStore(oxigraph_store + "/query")
    one = p.push(oxigraph_store, dataset=bundled_dataset, graph="http://example.org/heritage")
    assert set(one.removed) == {f.graph for f in bundled_dataset.files}
    sizes, _, _ = snapshot(remote)
    assert set(sizes) == {"http://example.org/heritage", p.MANIFEST}
    assert sizes["http://example.org/heritage"] == bundled_dataset.store.triple_count()
    back = p.push(oxigraph_store, dataset=bundled_dataset)
    assert back.removed == ["http://example.org/heritage"]
    assert {g for g in snapshot(remote)[0] if g != p.MANIFEST} == {f.graph for f in bundled_dataset.files}


def test_failed_switch_leaves_the_store_as_it_was(oxigraph_store, bundled_dataset, monkeypatch):
    p.push(oxigraph_store, dataset=bundled_dataset)
    remote = EndpointStore(oxigraph_store + "/query")
    before = snapshot(remote)
    real = p.switch_request
    monkeypatch.setattr(p, "switch_request", lambda *args: real(*args) + " ;\nTHIS IS NOT SPARQL")
    with pytest.raises(EndpointError, match=r"/update answered HTTP 400.*left as it was") as caught:
        p.push(oxigraph_store, dataset=bundled_dataset, graph="http://example.org/other")
    assert "\n" not in str(caught.value)
    assert snapshot(remote) == before  # no staging graph left, the old release whole


def test_failed_upload_removes_what_was_staged(oxigraph_store, bundled_dataset, monkeypatch):
    p.push(oxigraph_store, dataset=bundled_dataset)
    remote = EndpointStore(oxigraph_store + "/query")
    before = snapshot(remote)
    real, calls = p._Client.put_graph, []

    def flaky(self, graph, data):
        calls.append(graph)
        if len(calls) == 4:
            raise EndpointError(f"{self.where.graph_store} answered HTTP 500 Internal Server Error")
        real(self, graph, data)

    monkeypatch.setattr(p._Client, "put_graph", flaky)
    with pytest.raises(EndpointError, match="HTTP 500.*left as it was"):
        p.push(oxigraph_store, dataset=bundled_dataset)
    assert len(calls) == 4
    assert snapshot(remote) == before


def test_leftover_staging_graphs_are_dropped(oxigraph_store, bundled_dataset):
    from .servers import put_graph

    put_graph(oxigraph_store, p.STAGING + "deadbeef:0", b"<http://e/a> <http://e/b> <http://e/c> .\n")
    p.push(oxigraph_store, dataset=bundled_dataset)
    assert not [g for g in snapshot(EndpointStore(oxigraph_store + "/query"))[0] if g.startswith(p.STAGING)]


# Validation: data that fails it is not pushed ---------------------------------------------------

INVALID = Path(__file__).resolve().parent / "data" / "invalid" / "Claim-source.ttl"


def test_push_refuses_data_that_fails_validation_and_sends_nothing(run_cli):
    with oxigraph_server() as base:
        remote = EndpointStore(base + "/query")
        assert run_cli("push", "--endpoint", base).exit_code == 0  # a release of valid data there first
        before = snapshot(remote)
        refused = run_cli("push", "--endpoint", base, "--data", INVALID)
        assert refused.exit_code == 1
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: the data does not conform to the shapes")
        assert "Claim-source.ttl:" in lines[0] and "hgsh:Claim-source" in lines[0]
        assert "nothing was pushed" in lines[0] and "--no-validate" in lines[0]
        assert "Traceback" not in refused.output and refused.stdout == ""
        assert snapshot(remote) == before


def test_push_with_no_validate_sends_data_that_fails_validation(run_cli):
    with oxigraph_server() as base:
        pushed = run_cli("push", "--endpoint", base, "--data", INVALID, "--no-validate")
        assert pushed.exit_code == 0, pushed.output
        sizes = snapshot(EndpointStore(base + "/query"))[0]
        assert sizes.get(graph_iri(INVALID), 0) > 0


# Failures: one line ---------------------------------------------------------------------------


def test_endpoint_down_is_one_line(bundled_dataset):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError, match=r"cannot reach .*connection refused") as caught:
        p.push(url, dataset=bundled_dataset, timeout=5)
    assert "\n" not in str(caught.value)


class _Always(QuietHandler):
    status = 401
    body = b""
    content_type = "text/plain"

    def _answer(self):
        length = int(self.headers.get("Content-Length", 0) or 0)
        self.rfile.read(length)
        self.send_response(self.status)
        if self.status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = do_PUT = _answer


@pytest.mark.parametrize("status, body, message", [
    (401, b"", r"answered HTTP 401: wrong or missing user and password"),
    (500, b"<html>\n<b>boom</b>\n</html>", r"answered HTTP 500 Internal Server Error: <html> <b>boom</b>"),
    (200, b"<html>not sparql</html>", r"not SPARQL JSON results"),
])
def test_store_errors_are_one_line(status, body, message, bundled_dataset):
    handler = type("Handler", (_Always,), {"status": status, "body": body})
    with http_server(handler) as url:
        with pytest.raises(EndpointError, match=message) as caught:
            p.push(url, dataset=bundled_dataset, user="curator", password="wrong", timeout=5)
    assert "\n" not in str(caught.value)


def test_unknown_store_kind_and_bad_graph_are_refused(bundled_dataset):
    with pytest.raises(ConfigError, match="unknown store kind 'blazegraph'"):
        p.push("http://127.0.0.1:1", store_kind="blazegraph", dataset=bundled_dataset)
    with pytest.raises(ConfigError, match="is not an"):
        p.push("http://127.0.0.1:1", graph="not an iri", dataset=bundled_dataset)
    with pytest.raises(ConfigError, match="generic store needs"):
        p.push("http://127.0.0.1:1/gsp", store_kind="generic", dataset=bundled_dataset)


@pytest.mark.parametrize("kind, endpoint, expected", [
    ("oxigraph", "http://h:7878", ("http://h:7878/store", "http://h:7878/update", "http://h:7878/query")),
    ("oxigraph", "http://h:7878/query", ("http://h:7878/store", "http://h:7878/update", "http://h:7878/query")),
    ("virtuoso", "http://h:8890/sparql", ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql-auth",
                                          "http://h:8890/sparql-auth")),
    ("fuseki", "http://h:3030/ds/", ("http://h:3030/ds/data", "http://h:3030/ds/update", "http://h:3030/ds/query")),
    ("graphdb", "http://h:7200/repositories/R", ("http://h:7200/repositories/R/rdf-graphs/service",
                                                 "http://h:7200/repositories/R/statements",
                                                 "http://h:7200/repositories/R")),
])
def test_store_layouts(kind, endpoint, expected):
    where = p.layout(endpoint, kind, authenticated=True)
    assert (where.graph_store, where.update, where.query) == expected


# Virtuoso ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso_pushed(virtuoso, bundled_dataset):
    """Virtuoso with the release pushed twice: (server, first result, snapshot after 1, snapshot after 2)."""
    import time

    started = time.monotonic()
    first = p.push(virtuoso.base, store_kind="virtuoso", user=virtuoso.user, password=virtuoso.password,
                   auth="digest", dataset=bundled_dataset)
    first.timings["total"] = time.monotonic() - started
    store = EndpointStore(virtuoso.sparql, timeout=60)
    after_first = snapshot(store)
    p.push(virtuoso.base, store_kind="virtuoso", user=virtuoso.user, password=virtuoso.password,
           auth="digest", dataset=bundled_dataset)
    yield virtuoso, first, after_first, snapshot(store)


def test_push_to_virtuoso_counts_match(virtuoso_pushed, bundled_dataset):
    server, first, after_first, _ = virtuoso_pushed
    print(f"\nVirtuoso started in {server.started_in:.1f} s; first push {first.timings['total']:.1f} s "
          + ", ".join(f"{k} {v:.2f}" for k, v in first.timings.items()))
    assert first.graphs == {f.graph: f.triples for f in bundled_dataset.files}
    assert first.check_query == "prisoner-shares" and first.check_rows > 0
    sizes = after_first[0]
    assert {g: n for g, n in sizes.items() if g != p.MANIFEST} == local_sizes(bundled_dataset)
    assert not [g for g in sizes if g.startswith(p.STAGING)]


def test_second_push_to_virtuoso_changes_nothing(virtuoso_pushed):
    _, _, after_first, after_second = virtuoso_pushed
    assert after_second == after_first


@pytest.mark.parametrize(("name", "values"), [(n, {}) for n in sorted(set(q.catalogue()) - VIRTUOSO_CANNOT)]
                         + WITH_VALUES)
def test_stored_queries_give_the_same_rows_on_virtuoso(name, values, virtuoso_pushed, bundled_dataset):
    """Rows, values and order as on the embedded store: the queries are written for both engines."""
    server = virtuoso_pushed[0]
    local = qrun.run(name, bundled_dataset.store, values)
    remote = qrun.run(name, EndpointStore(server.sparql, timeout=60), values)
    assert remote.variables == local.variables
    assert local.rows
    assert [tuple(map(_canonical, r)) for r in remote.rows] == [tuple(map(_canonical, r)) for r in local.rows]


@pytest.mark.parametrize(("name", "size"), [("names", 500), ("timeline", 4)])
def test_pages_are_the_same_on_virtuoso(name, size, virtuoso_pushed, bundled_dataset):
    """A paginated query's pages (LIMIT and OFFSET after its ORDER BY) hold the same rows on Virtuoso."""
    import dataclasses

    stored = dataclasses.replace(q.find(name), pagination=size)
    remote_store = EndpointStore(virtuoso_pushed[0].sparql, timeout=60)
    last = -(-len(qrun.run(stored, bundled_dataset.store).rows) // size)
    for number in (1, 2, last):
        local = qrun.run_page(stored, bundled_dataset.store, page=number)
        remote = qrun.run_page(stored, remote_store, page=number)
        assert remote.has_next == local.has_next == (number < last)
        assert [tuple(map(_canonical, r)) for r in remote.result.rows] == \
               [tuple(map(_canonical, r)) for r in local.result.rows]


def test_a_release_too_large_for_one_virtuoso_transaction_is_switched_in_parts(virtuoso_pushed, bundled_dataset,
                                                                                monkeypatch):
    """Virtuoso aborts a MOVE of a million triples (SR325): graphs over the limit are staged in parts
    and added part by part, the others moved in several requests. Here the limit is made small
    enough that the bundled release takes both paths; the store ends as a push in one request
    leaves it."""
    server = virtuoso_pushed[0]
    sizes = sorted(f.triples for f in bundled_dataset.files)
    limit = sizes[len(sizes) // 2]  # half the graphs are put in place, the others moved in parts
    monkeypatch.setattr(p, "VIRTUOSO_MOVE_LIMIT", limit)
    sent = []
    real_update, real_put = p._Client.update, p._Client.put_graph
    monkeypatch.setattr(p._Client, "update", lambda self, text: (sent.append(("update", text)), real_update(self, text))[1])
    monkeypatch.setattr(p._Client, "put_graph", lambda self, g, body: (sent.append(("put", g)), real_put(self, g, body))[1])
    result = p.push(server.base, store_kind="virtuoso", user=server.user, password=server.password, auth="digest",
                    dataset=bundled_dataset)
    import re

    added = {re.search(r"TO GRAPH <([^>]+)>", text).group(1) for kind, text in sent
             if kind == "update" and text.startswith("ADD GRAPH")}
    moves = [text for kind, text in sent if kind == "update" and "MOVE GRAPH" in text]
    assert added and len(moves) > 1
    assert not [g for kind, g in sent if kind == "put" and not g.startswith(p.STAGING)]
    assert added == {f.graph for f in bundled_dataset.files if 2 * f.triples > limit}
    assert result.graphs == {f.graph: f.triples for f in bundled_dataset.files}
    assert snapshot(EndpointStore(server.sparql, timeout=60)) == virtuoso_pushed[3]


def test_parts_keep_what_shares_a_blank_node_together():
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    s, p_, o = (ox.NamedNode(f"http://example.org/{x}") for x in "spo")
    chain = [ox.Triple(s, p_, a), ox.Triple(a, p_, b), ox.Triple(b, p_, o)]
    other = [ox.Triple(s, p_, o), ox.Triple(o, p_, c), ox.Triple(c, p_, ox.Literal("x"))]
    named = [ox.Triple(ox.NamedNode(f"http://example.org/n{i}"), p_, o) for i in range(5)]
    parts = p.split_triples(named[:2] + chain + other + named[2:], 3)
    assert sorted(map(str, (t for part in parts for t in part))) == sorted(map(str, chain + other + named))
    for group in (chain, other[1:]):
        assert sum(1 for part in parts if set(map(str, group)) <= set(map(str, part))) == 1
    assert all(len(part) <= 3 for part in parts)


def test_virtuoso_needs_the_right_password(virtuoso_pushed, bundled_dataset):
    server = virtuoso_pushed[0]
    with pytest.raises(EndpointError, match="HTTP 401: wrong or missing user and password") as caught:
        p.push(server.base, store_kind="virtuoso", user="dba", password="wrong", auth="digest",
               dataset=bundled_dataset)
    assert "\n" not in str(caught.value)
    assert snapshot(EndpointStore(server.sparql, timeout=60)) == virtuoso_pushed[3]
