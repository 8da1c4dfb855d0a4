"""The public server under hostile clients: ``heritage-graph serve`` run for real, as a subprocess on a
loopback port, with the bundled graph (some 40 000 triples).

It must stay read-only (updates and ``LOAD`` answer 403), call no other server unless told to
(``SERVICE`` only to what ``--allow-service`` lists: not 127.0.0.1, localhost, [::1] or
169.254.169.254, whatever the spelling), read no file a query names, stop a runaway query at its
timeout and cut a huge result at its row cap while it keeps answering others, never read outside
what it serves whatever the path, turn away over-long URLs, headers and bodies at once, answer any
``Accept`` header sanely, escape everything the data puts into its pages, and take 1 000 requests
from 50 clients at once without an error. A small HTTP server records every request that reaches
it, so that "the server made no request" is checked, not assumed.

The tests check what the server answers and in which order, never how long it took: a runaway query
is answered with the time-limit status, and the other clients' answers arrive before it. How long
each of these takes is measured by ``benchmarks/server.py``.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import httpx
import pyoxigraph as ox
import pytest

from heritage_graph.serve.policy import Refused, check_query
from heritage_graph.web import ASSETS

from ..servers import (QuietHandler, heritage_graph_command, heritage_graph_server, http_server, oxigraph_server,
                       put_graph)

pytestmark = pytest.mark.server

TESTS = Path(__file__).resolve().parents[1]
SECRET = "SECRET-7f3a9c-never-served"
KARLAG = "https://w3id.org/heritage-graph/id/camp/karlag"
#: The query time limit: the margin by which the other clients' answers must come before the runaway's.
TIMEOUT = 4
WORKERS = 2
MAX_ROWS = 1000
#: Three and four unrelated triple patterns over the whole graph: 40 000³ and 40 000⁴ rows.
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TYPED_CARTESIAN = "SELECT * WHERE { ?a a ?c . ?d a ?f . ?g a ?i }"
SIMPLE = f"ASK {{ <{KARLAG}> ?p ?o }}"


cli = heritage_graph_command


# Servers ---------------------------------------------------------------------------------------


class _Recorder(QuietHandler):
    """Answers every request with empty SPARQL results, and records it."""

    hits: ClassVar[list] = []

    def _answer(self):
        type(self).hits.append(f"{self.command} {self.path}")
        body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer


@pytest.fixture(scope="module")
def canary():
    """A server nothing may call: yields (url, port, the list of requests it received)."""
    handler = type("Canary", (_Recorder,), {"hits": []})
    with http_server(handler) as url:
        yield url, int(url.rsplit(":", 1)[1]), handler.hits


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """A real Oxigraph server: the one SERVICE endpoint the server is told to allow."""
    with oxigraph_server(tmp_path_factory.mktemp("upstream")) as base:
        put_graph(base, "http://example.org/g",
                  b'<http://example.org/s> <http://example.org/p> "from the allowed endpoint" .\n')
        yield base + "/query"


@dataclass
class Served:
    url: str
    port: int
    log: Path
    folder: Path


@contextmanager
def serving(folder: Path, *args, start_seconds: float = 900) -> Served:
    """``heritage-graph serve`` as a subprocess in ``folder`` (which also holds a secret file);
    waits until it answers (it builds the release first; ``start_seconds`` only guards a hang)."""
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    with heritage_graph_server(folder, *args, start_seconds=start_seconds) as (url, port, log):
        yield Served(url, port, log, folder)


@pytest.fixture(scope="module")
def server(tmp_path_factory, upstream):
    with serving(tmp_path_factory.mktemp("serve"), "--timeout", TIMEOUT, "--max-rows", MAX_ROWS,
                 "--workers", WORKERS, "--allow-service", upstream) as served:
        yield served


def raw(port: int, data: bytes, timeout: float = 120) -> tuple[int | None, bytes]:
    """Send bytes as they are (no client normalising the path), reading the answer while sending;
    returns (status, answer)."""
    chunks: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        def send():
            try:
                connection.sendall(data)
            except OSError:
                pass  # the server answers and closes before taking a body it refuses

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        try:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                head, separator, body = b"".join(chunks).partition(b"\r\n\r\n")
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if separator and length and len(body) >= int(length.group(1)):
                    break
        except (ConnectionResetError, TimeoutError):
            pass
    sender.join(timeout=60)
    answer = b"".join(chunks)
    status = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return (int(status.group(1)) if status else None), answer


def get(port: int, target: bytes, headers: bytes = b"") -> tuple[int | None, bytes]:
    return raw(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + b"\r\n")


def sparql(server: Served, query: str, **params) -> httpx.Response:
    return httpx.get(f"{server.url}/sparql", params={"query": query, **params}, timeout=60)


def triples(server: Served) -> int:
    answer = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# Read-only --------------------------------------------------------------------------------------

UPDATES = [
    ("get", {"query": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}),
    ("get", {"query": "  # a comment\n  insert data { <http://e/a> <http://e/b> <http://e/c> }"}),
    ("get", {"query": "\\u0049NSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}),
    ("get", {"update": "DELETE WHERE { ?s ?p ?o }"}),
    ("form", {"update": "CLEAR ALL"}),
    ("form", {"query": "PREFIX e: <http://e/>\nDROP GRAPH e:g"}),
    ("form", {"query": "WITH <http://e/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"}),
    ("body-update", "DELETE DATA { <http://e/a> <http://e/b> <http://e/c> }"),
    ("get", {"query": "LOAD <{canary}/data.ttl>"}),
    ("get", {"query": "LOAD SILENT <{canary}/data.ttl> INTO GRAPH <http://e/g>"}),
    ("form", {"query": "load <{canary}/data.ttl>"}),
]


@pytest.mark.parametrize("how, payload", UPDATES)
def test_updates_and_load_are_refused(server, canary, how, payload):
    url, _, hits = canary
    before, calls = triples(server), len(hits)
    if isinstance(payload, dict):
        payload = {k: v.replace("{canary}", url) for k, v in payload.items()}
    if how == "get":
        answer = httpx.get(f"{server.url}/sparql", params=payload, timeout=30)
    elif how == "form":
        answer = httpx.post(f"{server.url}/sparql", data=payload, timeout=30)
    else:
        answer = httpx.post(f"{server.url}/sparql", content=payload.encode(), timeout=30,
                            headers={"Content-Type": "application/sparql-update"})
    assert answer.status_code == 403, answer.text
    assert "read-only" in answer.text
    assert triples(server) == before
    assert len(hits) == calls, "the server fetched a URL"


# SERVICE: only to what is allowed -------------------------------------------------------------

BLOCK = "{ ?s ?p ?o }"


def service_attempts(canary_url: str, port: int, allowed: str) -> list[str]:
    local = f"127.0.0.1:{port}"
    allowed_host = urllib.parse.urlsplit(allowed).netloc
    return [
        f"SELECT * WHERE {{ SERVICE <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://[::1]:{port}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://169.254.169.254/latest/meta-data/> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://0x7f.0.0.1:{port}/> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://2130706433:{port}/> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <HTTP://{local}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://{allowed_host}@{local}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <{allowed.rsplit('/', 1)[0]}/update> {BLOCK} }}",  # the allowed host, not its endpoint
        f"SELECT * WHERE {{ SERVICE <{allowed.replace('127.0.0.1', 'localhost')}> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE ?endpoint {BLOCK} VALUES ?endpoint {{ <{canary_url}/sparql> }} }}",
        f"PREFIX x: <http://{local}/> SELECT * WHERE {{ SERVICE x:sparql {BLOCK} }}",
        f"BASE <http://{local}/> SELECT * WHERE {{ SERVICE <sparql> {BLOCK} }}",
        f"BASE <{allowed}> SELECT * WHERE {{ SERVICE <http:{local}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{canary_url}/sparql> {BLOCK} }} }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{canary_url}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ SERVICE <http://{local}\\u002Fsparql> {BLOCK} }}",
        # what hid a SERVICE from an earlier reading of the query: a '#' escaped in a prefixed name,
        # and a quote written as \u0022 inside a string, each then taken for a comment
        f"PREFIX x: <{allowed}> SELECT * WHERE {{ BIND(x:a\\#b AS ?z) SERVICE <{canary_url}/sparql> {BLOCK} }}",
        f'SELECT * WHERE {{ BIND("\\u0022 # " AS ?z) SERVICE <{canary_url}/sparql> {BLOCK} }}',
        f"SELECT * WHERE {{ BIND('\\u0027 # ' AS ?z) SERVICE <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ BIND(<http://e/\\u0041#x> AS ?a) BIND(\"\\u0022 # \" AS ?b) SERVICE <{canary_url}/sparql> {BLOCK} }}",
        # a SERVICE right after a term and a dot, which a token regex read as one word
        f"SELECT ?s WHERE {{ <{KARLAG}> a ?o.SERVICE <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT ?s WHERE {{ <{KARLAG}> a $o.SERVICE <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT ?s WHERE {{ <{KARLAG}> ?p 1.SERVICE <{canary_url}/sparql> {BLOCK} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ service <{canary_url}/sparql> {BLOCK} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{canary_url}/sparql> {BLOCK} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ SERVICE <{canary_url}/sparql> {BLOCK} }} }} }}",
        # a carriage return ends a comment
        f"SELECT * WHERE {{ ?s ?p ?o # a comment\rSERVICE <{canary_url}/sparql> {BLOCK}\n}}",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <FILE:///etc/passwd> { ?s ?p ?o } }",
    ]


def test_service_to_anything_not_allowed_is_refused_and_nothing_is_called(server, canary, upstream):
    url, port, hits = canary
    calls = len(hits)
    for query in service_attempts(url, port, upstream):
        for how in ("get", "form", "body"):
            if how == "get":
                answer = sparql(server, query)
            elif how == "form":
                answer = httpx.post(f"{server.url}/sparql", data={"query": query}, timeout=30)
            else:
                answer = httpx.post(f"{server.url}/sparql", content=query.encode(), timeout=30,
                                    headers={"Content-Type": "application/sparql-query"})
            assert answer.status_code == 403, f"{query!r}: {answer.status_code} {answer.text[:200]}"
            assert "refused" in answer.text
            assert "root:" not in answer.text
    assert hits[calls:] == [], "the server called a host it does not allow"


def test_service_to_the_allowed_endpoint_works(server, upstream):
    answer = sparql(server, f"SELECT ?o WHERE {{ SERVICE <{upstream}> {{ ?s ?p ?o }} }}")
    assert answer.status_code == 200, answer.text
    values = [b["o"]["value"] for b in answer.json()["results"]["bindings"]]
    assert values == ["from the allowed endpoint"]


def test_the_query_check_finds_every_service_oxigraph_would_call(canary):
    """Differential: queries built from every way found to hide a clause from a reader of SPARQL,
    each followed by a SERVICE. Oxigraph, running them unchecked, calls the server behind the
    SERVICE for most of them; whenever it would, the check must have refused the query."""
    url, _, hits = canary
    target = f"<{url}/q>"
    hiders = [
        "", "# SERVICE <http://allowed/>\n", "BIND('''x''' AS ?h0) ", 'BIND("x\\"" AS ?h1) ', "BIND(x:a\\#b AS ?h2) ",
        'BIND("\\u0022 # " AS ?h3) ', "BIND('\\u0027 # ' AS ?h4) ", "BIND(<http://e/\\u0041#x> AS ?h5) ",
        "BIND(x:a\\'b AS ?h6) ", 'BIND(x:a\\"b AS ?h7) ', "BIND(x:a%23b AS ?h8) ", "BIND(_:b#x\n AS ?h9) ",
        "FILTER(1 <2) ", "BIND(<http://e/'#> AS ?h10) ", "BIND(x:a\\. AS ?h11) ", "BIND('a\\\\' AS ?h12) ",
        "BIND(\"\"\"a\"\"b\"\"\" AS ?h13) ", "BIND('''a''b''' AS ?h14) ", "BIND(\"\\t#\" AS ?h15) ",
    ]
    forms = [f"SERVICE {target} {BLOCK}", f"SERVICE SILENT {target} {BLOCK}", f"SERVICE y:q {BLOCK}",
             f"service\n{target}\n{BLOCK}"]
    prefixes = f"PREFIX x: <http://allowed.example/> PREFIX y: <{url}/> "
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    called, refused = 0, 0
    for first in hiders:
        for second in hiders[:6]:
            for form in forms:
                query = f"{prefixes}SELECT * WHERE {{ {first}{second}{form} }}"
                try:
                    check_query(query, ["allowed.example"])
                    allowed = True
                except Refused:
                    allowed, refused = False, refused + 1
                before = len(hits)
                try:
                    result = store.query(query)
                    list(result) if isinstance(result, ox.QuerySolutions) else None
                except (SyntaxError, OSError):
                    pass
                if len(hits) > before:
                    called += 1
                    assert not allowed, f"allowed, and Oxigraph called {url}: {query!r}"
    assert called > 300, "the queries do reach the recording server when run unchecked"
    assert refused >= called


# Files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
    {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"},
    {"query": "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }"},
    {"query": "SELECT * FROM <FiLe:secret.txt> WHERE { ?s ?p ?o }"},
    {"query": "ASK {}", "default-graph-uri": "file:///etc/passwd"},
    {"query": "ASK {}", "named-graph-uri": "file:secret.txt"},
])
def test_file_iris_are_refused(server, params):
    answer = httpx.get(f"{server.url}/sparql", params=params, timeout=30)
    assert answer.status_code == 403, answer.text
    assert "reads no files" in answer.text
    assert "root:" not in answer.text and SECRET not in answer.text


def worker_stops(served: Served) -> int:
    """How many times the server has logged a query worker that stopped (and was replaced)."""
    return served.log.read_text(encoding="utf-8", errors="replace").count("a query worker stopped")


@pytest.mark.parametrize("params", [{"default-graph-uri": "not an IRI"}, {"named-graph-uri": "<x>"}])
def test_a_graph_that_is_no_iri_is_a_400_and_costs_no_worker(server, params):
    from heritage_graph.serve.job import execute

    stops = worker_stops(server)
    answer = httpx.get(f"{server.url}/sparql", params={"query": SIMPLE, **params}, timeout=30)
    assert answer.status_code == 400 and "not an IRI" in answer.text
    for _ in range(WORKERS):  # every worker in turn (an idle worker is taken first in, first out)
        after = sparql(server, SIMPLE)
        assert after.status_code == 200 and after.json()["boolean"] is True, after.text
    assert worker_stops(server) == stops, "a query worker stopped and had to be started again"
    job = {"sparql": "ASK {}", "default_graphs": [params.get("default-graph-uri", "http://e/g")],
           "named_graphs": [params.get("named-graph-uri", "http://e/g")]}
    assert execute(ox.Store(), job)["code"] == 400  # the worker answers it too, rather than ending


# Runaway queries --------------------------------------------------------------------------------


class Runaway(threading.Thread):
    """A query sent from its own thread; once it ends, ``answer`` and ``done``, the moment its answer
    was complete (to be compared with other such moments, never with a number)."""

    def __init__(self, url: str, query: str = EXPLOSIVE):
        super().__init__(daemon=True)
        self.url, self.query = url, query
        self.answer: httpx.Response | None = None
        self.done = float("inf")

    def run(self):
        self.answer = httpx.get(f"{self.url}/sparql", params={"query": self.query}, timeout=600)
        self.done = time.monotonic()

    def finish(self) -> httpx.Response:
        self.join(timeout=900)  # guards a hang only
        assert self.answer is not None, "the runaway query got no answer"
        return self.answer


def probes_of(url: str, page: str) -> dict:
    """A page, a quick SPARQL query and a stored query on the API: what other clients ask meanwhile."""
    return {
        "page": lambda: httpx.get(f"{url}{page}", timeout=300).raise_for_status(),
        "sparql": lambda: httpx.get(f"{url}/sparql", params={"query": SIMPLE}, timeout=300).raise_for_status(),
        "api": lambda: httpx.get(f"{url}/api/queries/prisoner-shares", timeout=300).raise_for_status(),
    }


def answered_at(probes: dict) -> dict[str, float]:
    """Send every probe at once, each from its own thread; returns the moment each answer was complete."""
    done: dict[str, float] = {}
    failed: dict[str, str] = {}

    def run(name, probe):
        try:
            probe()
        except httpx.HTTPError as exc:
            failed[name] = f"{type(exc).__name__}: {exc}"
        else:
            done[name] = time.monotonic()

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in probes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)  # guards a hang only
    assert not failed and set(done) == set(probes), failed
    return done


def assert_stopped_by_the_time_limit(answer: httpx.Response) -> None:
    assert answer.status_code == 503 and f"ran longer than {TIMEOUT} s" in answer.text, answer.text


def assert_answered_while_a_query_runs_away(url: str, probes: dict) -> None:
    """A runaway query is sent first, then the probes: each is answered before the runaway query,
    which the time limit stops."""
    runaway = Runaway(url)
    runaway.start()
    time.sleep(0.3)  # (only so that the runaway query is sent first)
    answered = answered_at(probes)
    assert_stopped_by_the_time_limit(runaway.finish())
    for name, moment in answered.items():
        assert moment < runaway.done, f"{name} was answered only after the runaway query"


def assert_every_worker_answers(served: Served) -> None:
    """Every worker in turn answers a query (a fresh one in the place of any that was stopped)."""
    for _ in range(WORKERS):
        answer = sparql(served, SIMPLE)
        assert answer.status_code == 200 and answer.json()["boolean"] is True, answer.text


def test_a_runaway_query_is_stopped_while_others_are_answered(server):
    probes = probes_of(server.url, "/doc/camp/karlag.html")
    assert_answered_while_a_query_runs_away(server.url, probes)
    assert_every_worker_answers(server)
    # every worker taken by a runaway query: pages are still answered, queries wait their turn
    runaways = [Runaway(server.url) for _ in range(WORKERS)]
    for each in runaways:
        each.start()
    time.sleep(0.3)
    page = answered_at({"page": probes["page"]})["page"]
    queued = sparql(server, SIMPLE)
    for each in runaways:
        assert_stopped_by_the_time_limit(each.finish())
    assert page < min(each.done for each in runaways), "the page waited for the runaway queries"
    if queued.status_code == 503:  # waited for a worker longer than the server waits
        assert "busy" in queued.text, queued.text
    else:
        assert queued.status_code == 200 and queued.json()["boolean"] is True, queued.text
    assert_every_worker_answers(server)  # fresh workers took their places


@pytest.mark.parametrize("query, accept", [
    (CARTESIAN, "application/sparql-results+json"),
    (CARTESIAN, "text/csv"),
    ("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", "application/n-triples"),
])
def test_a_huge_result_is_cut_at_the_row_cap(server, query, accept):
    answer = httpx.get(f"{server.url}/sparql", params={"query": query}, headers={"Accept": accept}, timeout=300)
    assert answer.status_code == 200, answer.text  # cut at the cap, not stopped by the time limit (503)
    assert answer.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    if accept.endswith("json"):
        assert len(answer.json()["results"]["bindings"]) == MAX_ROWS
    elif accept == "text/csv":  # records, not lines: a literal may hold a line break
        assert len(list(csv.reader(io.StringIO(answer.text)))) == MAX_ROWS + 1
    else:
        assert len(answer.text.strip().splitlines()) == MAX_ROWS


def test_a_result_that_must_be_sorted_whole_is_stopped(server):
    answer = sparql(server, CARTESIAN + " ORDER BY ?i ?f ?c LIMIT 1")
    assert answer.status_code == 503
    assert sparql(server, SIMPLE).status_code == 200


@pytest.fixture(scope="module")
def register_server(tmp_path_factory):
    """The server over the camps and events a register points to and a generated register of a
    million triples (45,200 persons)."""
    from heritage_graph import generate

    folder = tmp_path_factory.mktemp("serve-register")
    register = folder / "register.ttl"
    generate.generate(45_200, 1954, 0.0, register, show_progress=False)
    data = [arg for path in [*generate.context_paths(), register] for arg in ("--data", path)]
    with serving(folder, "--timeout", TIMEOUT, "--max-rows", MAX_ROWS, "--workers", WORKERS, *data,
                 start_seconds=1800) as served:
        yield served


def test_on_a_million_triples_an_explosive_query_is_stopped_and_capped_while_others_are_answered(
        register_server):
    served = register_server
    count = sparql(served, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    triples = int(count.json()["results"]["bindings"][0]["n"]["value"])
    assert triples >= 1_000_000
    assert_answered_while_a_query_runs_away(served.url, probes_of(served.url, "/doc/camp/peschanlag.html"))
    # a cartesian product's rows are cut at the cap; one that must be sorted whole is stopped
    # (over the typed resources, 135,000³ rows: over every triple the store would first take 1.7 s
    # to hash a million of them, too near the time limit)
    capped = httpx.get(f"{served.url}/sparql", params={"query": TYPED_CARTESIAN},
                       headers={"Accept": "application/sparql-results+json"}, timeout=300)
    assert capped.status_code == 200 and capped.headers["x-sparql-maxrows"] == str(MAX_ROWS), \
        f"{capped.status_code}: {capped.text}"
    assert len(capped.json()["results"]["bindings"]) == MAX_ROWS
    assert sparql(served, CARTESIAN + " ORDER BY ?i ?f ?c LIMIT 1").status_code == 503
    assert_every_worker_answers(served)


# Paths ------------------------------------------------------------------------------------------

TRAVERSALS = [
    "../../../../../../etc/passwd", "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "..%252f..%252fsecret.txt", "..\\..\\..\\etc\\passwd", "..%5c..%5c..%5cetc%5cpasswd", "....//....//secret.txt",
    "..;/..;/secret.txt", ".%2e/.%2e/secret.txt", "%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt", "secret.txt",
    "../secret.txt", "..", "%2e%2e", "/etc/passwd", "%2fetc%2fpasswd", "secret.txt%00.ttl", "..%00/secret.txt",
    "karlag/../../../secret.txt", "~/secret.txt", "%7e/secret.txt",
]
ROUTES = ["/doc/camp/", "/id/camp/", "/doc/", "/assets/", "/class/", "/queries/", "/api/queries/", "/sparql/",
          "/ontology/", "/ontology.", "/data.", "/", "//", "/static/", "/api/queries/prisoner-shares/"]
LEAKS = [SECRET, "root:x:0:0", "[build-system]", "def create_app(", "import pyoxigraph"]


def test_no_path_reads_outside_what_is_served(server):
    checked = 0
    for route in ROUTES:
        for attack in TRAVERSALS:
            target = (route + attack).encode()
            status, answer = get(server.port, target)
            assert status is not None and status < 500, f"{target!r}: {answer[:200]!r}"
            for leak in LEAKS:
                assert leak.encode() not in answer, f"{target!r} gave {leak!r}"
            checked += 1
    for target in [b"http://127.0.0.1/../../secret.txt", b"//secret.txt", b"/assets/site.css/../../../secret.txt",
                   b"/api/queries/prisoner-shares?format=../../../../etc/passwd",
                   b"/sparql?query=ASK%7B%7D&format=../../etc/passwd",
                   b"/queries/prisoner-shares.html?camp=../../../../etc/passwd",
                   b"/doc/camp/karlag?format=../../secret.txt"]:
        status, answer = get(server.port, target)
        assert status is not None and status < 500, target
        assert not any(leak.encode() in answer for leak in LEAKS), target
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("target", [
    b"/doc/camp/karlag%0d%0aX-Injected:%201", b"/doc/camp/karlag%00.ttl", b"/doc/camp/%D0%B0%D0%BB", b"/id/camp/%0a",
    b"/doc/camp/%22%3E%3Cscript%3E", b"/id/camp/karlag%0d%0aLocation:%20http://evil/",
])
def test_odd_characters_in_a_path_get_an_answer_and_inject_no_header(server, target):
    status, answer = get(server.port, target)
    assert status == 404, answer[:300]
    head = answer.partition(b"\r\n\r\n")[0].lower()
    assert b"\r\nx-injected" not in head and b"evil" not in head


# Sizes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [b"/sparql?query=" + b"A" * 100_000, b"/doc/camp/" + b"a" * 100_000,
                                    b"/api/queries/prisoner-shares?camp=" + b"x" * 100_000,
                                    b"/assets/" + b"../" * 33_000])
def test_an_overlong_url_is_turned_away_at_once(server, target):
    status, answer = get(server.port, target)
    assert status in (400, 414), answer[:200]
    assert len(answer) < 2000  # a short refusal, not a page or a query run on what was read


def test_overlong_headers_are_turned_away(server):
    status, answer = get(server.port, b"/", b"X-Big: " + b"a" * 100_000 + b"\r\n")
    assert status in (400, 431) and len(answer) < 2000, answer[:200]
    many = b"".join(b"X-H%d: %d\r\n" % (i, i) for i in range(10_000))
    status, answer = get(server.port, b"/", many)
    assert status in (400, 431) and len(answer) < 2000, answer[:200]


@pytest.mark.parametrize("path, status", [(b"/sparql", 413), (b"/", 405), (b"/api/queries/prisoner-shares", 405)])
def test_a_20mb_body_is_turned_away_at_once(server, path, status):
    size = 20_000_000
    head = (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: %d\r\n\r\n" % size)
    got, answer = raw(server.port, head + b"x" * size)
    assert got == status and len(answer) < 2000, answer[:200]
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + b"".join(b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
                                                             for _ in range(20)) + b"0\r\n\r\n")
    if path == b"/sparql":
        got, answer = raw(server.port, chunked)
        assert got == 413 and len(answer) < 2000, answer[:200]


# Content negotiation -----------------------------------------------------------------------------

ACCEPTS = ["", "*/*", "text/html;q=", "*/*;q=NaN", ";", ",,,", "text/turtle;q=1e999", "text/turtle;q=inf",
           "a" * 20_000, "text/*;q=0.5;q=0.7", "application/json;q=-1", "*/html", "text/", "/turtle",
           "text/turtle; q=0.9999999999999999999", "text/turtle;charset=\"unclosed", "text/turtle,," * 500,
           "\u00e9/\u00e8", "*/*;q=0", "image/png"]
PAGES = ["/doc/camp/karlag", "/id/camp/karlag", "/sparql?query=ASK%7B%7D", "/sparql",
         "/sparql?query=CONSTRUCT%20WHERE%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%201", "/api/queries/prisoner-shares",
         "/data", "/ontology", "/", "/nowhere", "/void.ttl"]


def test_any_accept_header_gets_a_sane_answer(server):
    with httpx.Client(timeout=30, follow_redirects=False) as client:
        for accept in ACCEPTS:
            for page in PAGES:
                answer = client.get(server.url + page, headers={"Accept": accept.encode("latin-1", "replace")})
                assert answer.status_code in (200, 303, 404, 406), (accept[:40], page, answer.status_code)
                assert answer.headers.get("x-content-type-options") == "nosniff"
                if answer.status_code == 200:
                    assert answer.headers["content-type"]
    status, answer = get(server.port, b"/doc/camp/karlag", b"Accept: \xff\xfe\x80/\x81\r\n")
    assert status == 200


# Load ---------------------------------------------------------------------------------------------

LOAD = [
    ("/doc/camp/karlag.html", None, 200), ("/id/camp/karlag", None, 303), ("/doc/camp/karlag.ttl", None, 200),
    ("/assets/site.css", None, 200), ("/sparql", {"query": SIMPLE}, 200),
    ("/api/queries/prisoner-shares", {"camp": "Karlag"}, 200), ("/", None, 200), ("/class/Camp.html", None, 200),
    ("/queries/prisoner-shares.html", None, 200), ("/api/queries", None, 200),
]


def test_a_thousand_requests_from_fifty_clients(server):
    total, clients = 1000, 50
    answered: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    numbers = iter(range(total))

    def client():
        with httpx.Client(timeout=300, follow_redirects=False) as http:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                path, params, expected = LOAD[number % len(LOAD)]
                try:
                    answer = http.get(server.url + path, params=params)
                    if answer.status_code != expected:
                        errors.append(f"{path}: {answer.status_code} {answer.text[:100]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {type(exc).__name__} {exc}")
                with lock:
                    answered.append(number)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)  # guards a hang only
    assert not errors, errors[:5]
    assert sorted(answered) == list(range(total))


# Stored queries: parameters stay values ----------------------------------------------------------

ATTACKS = [
    'Lithuanians" } UNION { ?s ?p ?o } #', "x' } ?s ?p ?o #", "}}}} SELECT * WHERE { ?s ?p ?o }",
    "a\n} UNION { ?s ?p ?o }\n#", "# comment", '\\" ) } ?s ?p ?o . #', "http://e/x> } ?s ?p ?o #",
    "<http://e/x> } ?s ?p ?o #", "?s", "$s", "camp:karlag> . ?s ?p ?o #", "\\u003E } ?s ?p ?o #",
    "\u0000", "'; DROP GRAPH <x>; #",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_query_parameters_stay_values_on_the_api(server, attack):
    iri = httpx.get(f"{server.url}/api/queries/prisoner-shares", params={"camp": attack}, timeout=30)
    assert iri.status_code == 400 and "parameter camp" in iri.json()["error"]
    text = httpx.get(f"{server.url}/api/queries/names", params={"language": attack}, timeout=30)
    assert text.status_code == 200, text.text
    assert text.json()["results"]["bindings"] == []  # a language no name has: no row, not every row
    page = httpx.get(f"{server.url}/queries/prisoner-shares.html", params={"camp": attack}, timeout=30)
    assert page.status_code == 200
    assert "could not be run" in page.text and "<script" not in page.text.split("</head>", 1)[1]


def test_a_stored_query_that_calls_a_service_is_not_run(server, canary):
    _, _, hits = canary
    calls = len(hits)
    for path in ("/api/queries/federated-example", "/queries/federated-example.html?limit=1"):
        answer = httpx.get(server.url + path, timeout=30)
        assert answer.status_code == 403 and "SERVICE" in answer.text
    assert httpx.get(server.url + "/queries/federated-example.html", timeout=30).status_code == 200  # the release's
    assert hits[calls:] == []


# Escaping ----------------------------------------------------------------------------------------

NASTY = """@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
@prefix camp: <https://w3id.org/heritage-graph/id/camp/> .
@prefix place: <https://w3id.org/heritage-graph/id/place/> .
@prefix source: <https://w3id.org/heritage-graph/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
camp:evil a hg:Camp ; rdfs:label "<script>alert(1)</script>"@en ;
  skos:altLabel "\\" onmouseover=\\"alert(2)"@en , "x' onmouseover='alert(3)"@en ;
  owl:sameAs <javascript:alert(4)> , <JavaScript:alert(5)> , <http://e/x'onmouseover='alert(6)'&a=<b>> ;
  rdfs:seeAlso <javascript:alert(7)> , <vbscript:msgbox(8)> , <data:text/html;base64,PHNjcmlwdD4=> ;
  rdfs:comment "</textarea><script>alert(9)</script><img src=x onerror=alert(10)>"@en ;
  hg:headquarters camp:evil ; hg:location place:evil-land ; hg:source source:evil .
place:evil-land a hg:Country ; rdfs:label "Evil land"@en ; hg:source source:evil .
source:evil a hg:SourceDocument ; rdfs:label "An evil source"@en ; <http://purl.org/dc/terms/title> "T"@en ; <http://purl.org/dc/terms/publisher> "heritage-graph tests" ; <http://purl.org/dc/terms/language> "en" ; hg:undated true ;
  <http://purl.org/dc/terms/bibliographicCitation> "An evil source, page 1."@en .
<javascript:alert(11)> rdfs:label "<b>a javascript: subject</b>" ; owl:sameAs camp:evil .
hg:Camp skos:closeMatch <javascript:alert(12)> ; rdfs:subClassOf <javascript:alert(13)> .
""".replace("&a=<b>", "&a=b")


@pytest.fixture(scope="module")
def nasty_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nasty")
    (folder / "nasty.ttl").write_text(NASTY, encoding="utf-8")
    with serving(folder, "--data", folder / "nasty.ttl", "--workers", 1) as served:
        yield served


class _Elements(HTMLParser):
    """Every element of a page with its attributes, as a browser's parser reads them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _scheme(url: str) -> str:
    """The scheme a browser would see: control characters and spaces dropped, lower-cased."""
    return re.sub(r"[\x00-\x20]", "", url).lower().partition(":")[0] if ":" in url else ""


#: pyLODE's ontology documentation (the release's /ontology page) carries its own JSON-LD data block and
#: a data: icon; neither comes from the data, and a data block does not run.
PYLODE_OWN = {("script", "type", "application/ld+json"), ("link", "href", "data:image/png;base64,")}
#: The site's own script files (a browse page's facets, a map), which a page may load by their address.
OWN_SCRIPTS = {path for path in ASSETS if path.endswith(".js")} | {
    "assets/leaflet/leaflet.js", "assets/leaflet-markercluster/leaflet.markercluster.js"}


@pytest.mark.parametrize("path", ["/doc/camp/evil.html", "/doc/camp/evil", "/class/Camp", "/class/Camp.html",
                                  "/ontology", "/ontology/index.html", "/ontology/reference.html", "/",
                                  "/queries/names.html", "/queries/names.html?language=en"])
def test_what_the_data_says_is_shown_as_text(nasty_server, path):
    answer = httpx.get(nasty_server.url + path, headers={"Accept": "text/html"}, timeout=30, follow_redirects=True)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    pylode = answer.url.path == "/ontology/index.html"
    for tag, attributes in _Elements(page).elements:
        if pylode and any(tag == t and attributes.get(a, "").startswith(v) for t, a, v in PYLODE_OWN):
            continue
        if tag == "script" and set(attributes) <= {"src", "defer", "data-root"} \
                and urllib.parse.urlsplit(urllib.parse.urljoin(str(answer.url), attributes.get("src", ""))
                                          ).path.lstrip("/") in OWN_SCRIPTS:
            continue  # a file of the site, named by the template, not by the data
        assert tag not in ("script", "img", "iframe", "object", "embed"), f"{path}: a <{tag}> element"
        assert not [name for name in attributes if name.startswith("on")], f"{path}: <{tag} {attributes}>"
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if name in attributes:
                assert _scheme(attributes[name]) not in ("javascript", "vbscript", "data"), \
                    f"{path}: <{tag} {name}={attributes[name]!r}>"
    if path.startswith("/doc/"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;/textarea&gt;&lt;script&gt;alert(9)&lt;/script&gt;&lt;img" in page
        assert "x&#39; onmouseover=&#39;alert(3)" in page and "&#34; onmouseover=&#34;alert(2)" in page
        assert "javascript:alert(4)" in page  # shown, as text
    if path == "/ontology/reference.html":
        assert "javascript:alert(12)" in page and "javascript:alert(13)" in page


# The server's own account ------------------------------------------------------------------------


def test_every_answer_is_marked_nosniff(server):
    for path in ("/", "/doc/camp/karlag.ttl", "/nowhere/<script>", "/sparql?query=SELECT", "/api/queries"):
        assert httpx.get(server.url + path, timeout=30).headers.get("x-content-type-options") == "nosniff"


def test_the_server_logged_no_internal_error(server):
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "internal error" not in log, log[-3000:]
    assert " 500 " not in log
