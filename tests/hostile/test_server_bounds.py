"""The public server's bounds: what one request may cost it, and what it may take from the request.

``heritage-graph serve`` runs for real, as a subprocess on a loopback port, with the bundled graph.
No request-dependent work runs in the server's own process beyond reading the request: a query is
read (a slow job: rdflib's parser takes many seconds on some 64 KB texts), checked and run in a
worker within the timeout, so that a query that is slow to read is stopped like one that is slow
to run while every other client is answered. A result is cut at a byte cap as well as the row cap
(the live query pages too). SIGTERM stops the server and its workers within seconds, a query
running or not. The published base comes from the release, never from the request's ``Host``.

As in ``test_server.py``, the tests check statuses and the order of answers, never durations.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ..servers import free_port, heritage_graph_command, private_temp
from .test_server import EXPLOSIVE, SIMPLE, answered_at, serving

pytestmark = pytest.mark.server

TIMEOUT = 5
MAX_ROWS = 1000
MAX_BYTES = 100_000
BASE = "https://w3id.org/heritage-graph/"
EVIL = "evil.example"


@pytest.fixture(scope="module")
def bounded(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("bounded"), "--timeout", TIMEOUT, "--max-rows", MAX_ROWS,
                 "--max-bytes", MAX_BYTES, "--workers", 2) as served:
        yield served


def post_query(url: str, text: str, accept: str = "application/sparql-results+json") -> httpx.Response:
    return httpx.post(f"{url}/sparql", content=text.encode("utf-8"), timeout=600,
                      headers={"Content-Type": "application/sparql-query", "Accept": accept})


class Sent(threading.Thread):
    """A query POSTed from its own thread; ``done`` is the moment its answer was complete."""

    def __init__(self, url: str, text: str):
        super().__init__(daemon=True)
        self.url, self.text = url, text
        self.answer: httpx.Response | None = None
        self.done = float("inf")

    def run(self):
        try:
            self.answer = post_query(self.url, self.text)
        except httpx.HTTPError:  # the server ended while the query ran
            return
        self.done = time.monotonic()

    def finish(self) -> httpx.Response:
        self.join(timeout=900)  # guards a hang only
        assert self.answer is not None, "no answer"
        return self.answer


# Reading a query: bounded in time, never on the event loop ------------------------------------

#: 64 KB (the longest text read) of shapes rdflib's parser reads slowly: a sum of 32 000 terms
#: (some 25 s on a 2-core machine), FILTER after FILTER (some 14 s).
SLOW_TO_READ = {
    "a long sum": "SELECT * { FILTER(" + "1+" * 32_600 + "1) }",
    "many filters": "SELECT * { ?s ?p ?o " + "FILTER(?o) " * 5_900 + "}",
}
#: Texts answered at once: over the length read (a 1 MB body of runs of '"\'), failing early, or quick to read.
AT_ONCE = {
    "1 MB of runs of \"\\": ('SELECT * { BIND("' + '"\\' * 499_900 + '" AS ?x) }', 413),
    "64 KB of runs of \"\\": ('SELECT * { BIND("' + '"\\' * 32_000 + '" AS ?x) }', 400),
    "{ nested 30 000 deep": ("SELECT * " + "{" * 30_000 + "}" * 30_000, 400),
    "( nested 30 000 deep": ("SELECT * { FILTER(" + "(" * 30_000 + "1" + ")" * 30_000 + ") }", 400),
    "a string of 64 000 characters (read at once, and answered)": ('SELECT * { BIND("' + "a" * 64_000 + '" AS ?x) }', 200),
}


def test_queries_slow_to_read_are_stopped_at_the_timeout_while_other_clients_are_answered(bounded):
    slow = [Sent(bounded.url, text) for text in SLOW_TO_READ.values() for _ in range(2)]
    for each in slow:
        each.start()
    time.sleep(0.5)  # (only so that the slow queries are sent first)
    answered = answered_at({
        "asset": lambda: httpx.get(f"{bounded.url}/assets/site.css", timeout=300).raise_for_status(),
        "page": lambda: httpx.get(f"{bounded.url}/doc/camp/karlag.html", timeout=300).raise_for_status(),
        "dump": lambda: httpx.get(f"{bounded.url}/dumps/heritage-graph.nt", timeout=300).raise_for_status(),
        "1 MB body": lambda: post_query(bounded.url, AT_ONCE["1 MB of runs of \"\\"][0]),
    })
    for each in slow:
        answer = each.finish()
        assert answer.status_code == 503 and f"ran longer than {TIMEOUT} s" in answer.text, answer.text[:300]
    refused = {name: post_query(bounded.url, text) for name, (text, _) in AT_ONCE.items()}
    for name, moment in answered.items():
        assert moment < min(each.done for each in slow), f"{name} waited for a query that is slow to read"
    for name, answer in refused.items():
        status = AT_ONCE[name][1]
        assert answer.status_code == status, f"{name}: {answer.status_code} {answer.text[:200]}"
    assert post_query(bounded.url, SIMPLE).json()["boolean"] is True


# Result size --------------------------------------------------------------------------------------

#: One row of one value of 167 MB (10 characters doubled 24 times).
DOUBLING = ('SELECT ?x WHERE { BIND("aaaaaaaaaa" AS ?a0) '
            + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(24)) + " BIND(?a24 AS ?x) }")


def test_a_one_row_result_of_167_mb_is_refused(bounded):
    answer = post_query(bounded.url, DOUBLING)
    assert answer.status_code == 507, answer.text[:300]
    assert f"({MAX_BYTES:,} bytes)" in answer.text and len(answer.content) < 1000
    assert post_query(bounded.url, SIMPLE).json()["boolean"] is True


@pytest.mark.parametrize("query, accept", [
    ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+xml"),
    ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
])
def test_a_result_is_cut_at_the_byte_cap(bounded, query, accept):
    answer = post_query(bounded.url, query, accept)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["x-sparql-maxbytes"] == str(MAX_BYTES)
    assert "x-sparql-maxrows" not in answer.headers  # fewer rows than the row cap
    assert 0 < len(answer.content) <= MAX_BYTES
    if accept != "text/turtle":  # the others write every term whole, as the cap counts them
        assert len(answer.content) > MAX_BYTES / 2
    if accept.endswith("json"):
        assert 0 < len(answer.json()["results"]["bindings"]) < MAX_ROWS


def test_a_small_result_is_not_marked(bounded):
    answer = post_query(bounded.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 3
    assert "x-sparql-maxbytes" not in answer.headers and "x-sparql-maxrows" not in answer.headers


def test_live_query_pages_and_the_api_are_held_to_the_byte_cap(bounded):
    """``names`` in English has some 2 000 rows (1.2 MB as JSON): the live page shows the rows that
    fit in the cap, fewer than the 500 a page shows at most; the API cuts them and says so."""
    page = httpx.get(f"{bounded.url}/queries/names.html", params={"language": "en"}, timeout=300)
    assert page.status_code == 200, page.text[:300]
    rows = len(re.findall(r"<tr[ >]", page.text.split("<tbody", 1)[1])) if "<tbody" in page.text else 0
    assert 0 < rows < 500, rows
    api = httpx.get(f"{bounded.url}/api/queries/names", params={"language": "en"}, timeout=300)
    assert api.status_code == 200 and api.headers["x-sparql-maxbytes"] == str(MAX_BYTES)
    assert len(api.content) <= MAX_BYTES


# Host -------------------------------------------------------------------------------------------

RDF_ROUTES = [
    ("/sparql", "text/turtle"), ("/sparql", "application/ld+json"), ("/sparql", "application/n-triples"),
    ("/sparql", "application/rdf+xml"), ("/void.ttl", None), ("/void.jsonld", None), ("/dataset", "text/turtle"),
    ("/dataset", "application/ld+json"), ("/id/camp/karlag", "text/turtle"), ("/id/camp/karlag", "application/ld+json"),
    ("/doc/camp/karlag", "application/n-triples"), ("/doc/camp/karlag.rdf", None), ("/ontology", "text/turtle"),
    ("/data", "application/n-quads"), ("/data.trig", None), ("/dumps/heritage-graph.ttl", None),
    ("/id/camp/karlag", "text/html"), ("/", None), ("/queries/names.html?language=en", None),
    ("/sparql?query=CONSTRUCT%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%205", "text/turtle"),
    ("/api/queries", None), ("/api/openapi.json", None),
]


@pytest.mark.parametrize("path, accept", RDF_ROUTES)
def test_the_host_header_never_reaches_an_answer(bounded, path, accept):
    headers = {"Host": EVIL, **({"Accept": accept} if accept else {})}
    with httpx.Client(timeout=120, follow_redirects=False) as client:
        for _ in range(5):  # follow the server's redirects, with the same Host
            answer = client.get(bounded.url + path, headers=headers)
            assert EVIL not in str(answer.headers).lower(), answer.headers
            if answer.status_code not in (301, 303):
                break
            path = answer.headers["location"]
            assert path.startswith("/"), path
    assert answer.status_code == 200, (path, answer.status_code)
    assert EVIL.encode() not in answer.content.lower()
    if path == "/sparql":
        assert (BASE + "sparql").encode() in answer.content  # the endpoint the release publishes


# Stopping -----------------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def own_server(folder: Path, *args):
    """``heritage-graph serve`` as a subprocess this test stops itself; yields (process, url) once
    it answers a query with its workers started."""
    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(heritage_graph_command("serve", "--port", port, *args), cwd=folder,
                                   env=private_temp(folder), stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 900  # guards a hang only
        while True:
            try:
                if httpx.get(f"{url}/sparql", params={"query": SIMPLE}, timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def assert_ended(workers: set[int]) -> None:
    for _ in range(100):  # a worker looks for its server twice a second
        if not any(alive(pid) for pid in workers):
            return
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "a query worker outlived the server"


ON_LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def running_a_runaway(process, url):
    """The server's two worker processes, once one of them runs a query that would take minutes."""
    workers = children(process.pid)
    assert len(workers) == 2, workers
    runaway = Sent(url, EXPLOSIVE)
    runaway.start()
    time.sleep(1)  # (only so that the query is running)
    return workers, runaway


@ON_LINUX
def test_sigterm_stops_the_server_and_its_workers_while_a_query_runs(tmp_path):
    """With a query that would run for 300 s, SIGTERM ends the server (the query's client sees
    the connection end, not a timeout answer) and every worker process, long before that query's
    time limit."""
    with own_server(tmp_path, "--timeout", 300, "--workers", 2) as (process, url):
        workers, runaway = running_a_runaway(process, url)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)  # a fifth of the query's time limit: guards a hang, and says the server did not wait for it
        runaway.join(timeout=60)
        assert runaway.answer is None or runaway.answer.status_code != 503
        assert_ended(workers)
        assert list((tmp_path / "tmp").iterdir()) == []  # the release it built at start, removed


@ON_LINUX
def test_sigterm_while_the_release_is_built_stops_the_server_and_removes_it(tmp_path):
    """Told to stop before it serves, while it builds its release, the server unwinds: exit
    status 143, one line, and nothing left in the temporary folder."""
    temp = private_temp(tmp_path)
    process = subprocess.Popen(heritage_graph_command("serve", "--port", free_port()), cwd=tmp_path, env=temp,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    folder = Path(temp["TMPDIR"])
    deadline = time.monotonic() + 300  # guards a hang only
    while not any(path.name.startswith("heritage-graph-release-") and any(path.iterdir())
                  for path in folder.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "the server did not start its build"
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr.decode()
    assert stderr.decode().strip().splitlines()[-1] == "terminated"
    assert list(folder.iterdir()) == []


@ON_LINUX
def test_the_workers_end_when_their_server_is_killed(tmp_path):
    """SIGKILL leaves the server no time to stop its workers, one of them running a query: they
    end on their own."""
    with own_server(tmp_path, "--timeout", 300, "--workers", 2) as (process, url):
        workers, _runaway = running_a_runaway(process, url)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert_ended(workers)
