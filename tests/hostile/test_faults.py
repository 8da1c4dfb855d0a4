"""Faults: commands killed with SIGKILL at random moments, and remote endpoints that fail.

A build, an archive import, a CSV import and a push, each killed at least 20 times at moments
drawn by a seeded random generator over the command's measured runtime, must leave the release,
the data files and the remote store exactly as they were before the command or exactly as it
would have left them, compared by the SHA-256 of every file and by the quads of the store; and a
normal run afterwards must succeed and leave nothing of the killed one behind.

``query --endpoint``, ``push`` and ``reconcile --endpoint`` against an endpoint that is down,
too slow, answers 500, answers garbage (HTML, truncated JSON) or hangs up mid-answer must say so
in one line and exit with status 2; a push through a proxy that fails any one of its requests
must leave a real Oxigraph store as it was, or, when the failure hid a switch the store made,
say so.
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest

from ..servers import QuietHandler, free_port, http_server, oxigraph_server, private_temp

pytestmark = pytest.mark.server

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
VALID = TESTS / "data" / "valid" / "claims.ttl"
MINI = TESTS / "fixtures" / "gulag-map-mini"
EXAMPLES = ROOT / "examples"
DATE = "2026-11-27"
#: Kills per command: every run is killed at a moment drawn from this seed.
RUNS = 20
SEED = 20261127
STAGING = "urn:x-heritage-graph:staging:"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "heritage_graph", *map(str, args)]


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with the SHA-256 of its bytes; folders as ``dir``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        found[relative] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def timed_run(command: list[str], cwd: Path) -> float:
    """Run a command to its end; returns its wall time (it must succeed)."""
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def killed_run(command: list[str], cwd: Path, delay: float) -> bool:
    """Start a command and SIGKILL it ``delay`` seconds later; True when it was killed (False when it
    had already ended, successfully). What a killed command leaves in its temporary folders stays
    in ``cwd`` (SIGKILL gives it no time to remove them)."""
    process = subprocess.Popen(command, cwd=cwd, env=private_temp(cwd), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        _, stderr = process.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        return True
    assert process.returncode == 0, stderr.decode()
    return False


def delays(runtime: float, count: int = RUNS, seed: int = SEED) -> list[float]:
    """``count`` kill moments spread over ``runtime`` (uniform, seeded)."""
    rng = random.Random(seed)
    return [rng.uniform(0.02, 1.0) * runtime for _ in range(count)]


def report(capsys, text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}")


# Build -----------------------------------------------------------------------------------------


def variant(source: Path, folder: Path, replacements: dict[str, str]) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / source.name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_killed_build_leaves_the_previous_release_or_the_new_one(tmp_path, capsys):
    from heritage_graph.publish import build as publish

    data = {"a": variant(VALID, tmp_path / "a", {}),
            "b": variant(VALID, tmp_path / "b", {"hg:value 7000 ;": "hg:value 7500 ;"})}
    site = tmp_path / "site"
    out = site / "out"

    def command(which):
        return cli("build", "--out", out, "--data", data[which], "--date", DATE)

    timed_run(command("a"), tmp_path)  # a first release, without a previous one
    runtime = timed_run(command("b"), tmp_path)
    releases = {"b": tree(out)}
    timed_run(command("a"), tmp_path)
    releases["a"] = tree(out)
    assert releases["a"] != releases["b"]
    current, seen = "a", Counter()
    for delay in delays(runtime):
        target = "b" if current == "a" else "a"
        before = tree(out)
        killed = killed_run(command(target), tmp_path, delay)
        now = tree(out)
        state = "before" if now == before else "after" if now == releases[target] else None
        assert state, f"killed after {delay:.2f} s: the release is neither the previous one nor the new one"
        leftovers = [p.name for p in site.iterdir() if p.name != "out"]
        assert all(name.startswith(".out.build-") for name in leftovers), leftovers
        seen[(state, bool(leftovers)) if killed else ("completed", False)] += 1
        # a normal run after the kill: succeeds, and leaves only the new release
        publish.build(out, data_paths=[data[target]], date=DATE, progress=lambda *a, **k: None)
        rebuilt = tree(out)
        if state == "after":  # built over itself: the same release, its manifest listing no change
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["diff"]["counts"] == {"added": 0, "removed": 0, "changed": 0}
            rebuilt["manifest.json"] = releases[target]["manifest.json"]
        assert rebuilt == releases[target]
        assert [p.name for p in site.iterdir()] == ["out"]
        current = target
    report(capsys, f"build killed {RUNS} times over {runtime:.1f} s: {dict(seen)} "
                   "((state, staging folder left), fixed by the next build)")
    assert seen[("before", True)] + seen[("before", False)] > 0  # the draw did hit the build at work


def test_a_build_stopped_with_sigterm_leaves_the_previous_release_and_nothing_else(tmp_path):
    """SIGTERM (what a service manager or a CI runner sends) unwinds a build as Ctrl-C does: the
    previous release stays as it was, no staging folder is left, exit status 143."""
    data = variant(VALID, tmp_path / "b", {"hg:value 7000 ;": "hg:value 7500 ;"})
    site = tmp_path / "site"
    out = site / "out"
    timed_run(cli("build", "--out", out, "--data", VALID, "--date", DATE), tmp_path)
    before = tree(out)
    process = subprocess.Popen(cli("build", "--out", out, "--data", data, "--date", DATE), cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120  # guards a hang only
    while not [p for p in site.iterdir() if p.name != "out"] and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before its staging folder was seen"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr.decode()
    assert stderr.decode().strip().splitlines()[-1] == "terminated"
    assert "Traceback" not in stderr.decode()
    assert tree(out) == before
    assert [p.name for p in site.iterdir()] == ["out"]


# Import ----------------------------------------------------------------------------------------


def test_a_killed_archive_import_leaves_both_files_as_before_or_as_after(tmp_path, capsys):
    from heritage_graph.ingest import importer

    archives = {"a": MINI, "b": tmp_path / "mini-b"}
    shutil.copytree(MINI, archives["b"])
    variant(MINI / "camps.sql", archives["b"], {'"en": "Second ITL"': '"en": "Second ITL (renamed)"',
                                                 '"en": "Whitespace  ITL \\r\\n"': '"en": "Whitespace ITL"'})
    out = tmp_path / "gulag-map"
    names = ("gulag-map.ttl", "gulag-map.report.tsv")

    def command(which):
        return cli("import", "gulag-map", archives[which], "--out", out)

    def files():
        return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names}

    runtime = timed_run(command("b"), tmp_path)
    states = {"b": files()}
    timed_run(command("a"), tmp_path)
    states["a"] = files()
    assert all(states["a"][name] != states["b"][name] for name in names), "the variant changes both files"
    current, seen = "a", Counter()
    for delay in delays(runtime, seed=SEED + 1):
        target = "b" if current == "a" else "a"
        killed = killed_run(command(target), tmp_path, delay)
        now = files()
        which = {name: "before" if now[name] == states[current][name] else
                 "after" if now[name] == states[target][name] else None for name in names}
        assert None not in which.values(), f"killed after {delay:.2f} s: a file is neither old nor new: {which}"
        if which["gulag-map.ttl"] == "after":  # the graph is renamed last: never beside the previous report
            assert which["gulag-map.report.tsv"] == "after"
        leftovers = sorted(set(os.listdir(out)) - set(names))
        assert all(n.startswith((".gulag-map.ttl.", ".gulag-map.report.tsv.")) and n.endswith(".tmp")
                   for n in leftovers), leftovers
        seen[tuple(which.values()) if killed else "completed"] += 1
        importer.import_archive("gulag-map", archives[target], out)
        assert files() == states[target]
        assert sorted(os.listdir(out)) == sorted(names), "the next import removes what the killed one left"
        current = target
    report(capsys, f"import gulag-map killed {RUNS} times over {runtime:.1f} s: (ttl, report) {dict(seen)}")


def test_a_kill_while_the_report_is_written_leaves_the_previous_graph_and_report(tmp_path):
    """The two files of an archive import are both written before either replaces the old one."""
    import textwrap

    from heritage_graph.ingest import importer

    out = tmp_path / "out"
    importer.import_archive("gulag-map", MINI, out)
    (out / "gulag-map.ttl").write_text("# previous graph\n", encoding="utf-8")
    (out / "gulag-map.report.tsv").write_text("previous report\n", encoding="utf-8")
    ready = tmp_path / "writing-the-report"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from heritage_graph.util import atomic
        from heritage_graph.ingest import importer

        real = atomic._write_all
        def slow(handle, data):
            if data.startswith(b"file\tline\ttable"):  # the report, written after the graph
                Path({str(ready)!r}).write_text("ready")
                time.sleep(60)
            real(handle, data)
        atomic._write_all = slow
        importer.import_archive("gulag-map", {str(MINI)!r}, {str(out)!r})
        """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, env=private_temp(tmp_path))
    try:
        deadline = time.monotonic() + 600  # guards a hang only
        while not ready.exists():
            assert process.poll() is None, "the import ended before it wrote the report"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert (out / "gulag-map.ttl").read_text(encoding="utf-8") == "# previous graph\n"
    assert (out / "gulag-map.report.tsv").read_text(encoding="utf-8") == "previous report\n"


def test_a_killed_csv_import_leaves_the_previous_file_or_the_new_one(tmp_path, capsys):
    from heritage_graph.ingest import importer

    mapping = EXAMPLES / "nationality-table.yaml"
    tables = {"a": EXAMPLES / "nationality-table.csv",
              "b": variant(EXAMPLES / "nationality-table.csv", tmp_path / "b",
                           {"1950,lithuanians,1000,exact,1000": "1950,lithuanians,1100,exact,1100"})}
    folder = tmp_path / "out"
    out = folder / "table.ttl"

    def command(which):
        return cli("import", "csv", tables[which], "--mapping", mapping, "--out", out)

    runtime = timed_run(command("b"), tmp_path)
    states = {"b": tree(folder)}
    timed_run(command("a"), tmp_path)
    states["a"] = tree(folder)
    assert states["a"] != states["b"]
    current, seen = "a", Counter()
    for delay in delays(runtime, seed=SEED + 2):
        target = "b" if current == "a" else "a"
        killed = killed_run(command(target), tmp_path, delay)
        now = {name: digest for name, digest in tree(folder).items() if not name.startswith(".table.ttl.")}
        state = "before" if now == states[current] else "after" if now == states[target] else None
        assert state, f"killed after {delay:.2f} s: {now} is neither the previous file nor the new one"
        seen[state if killed else "completed"] += 1
        importer.import_csv(tables[target], mapping, out)
        assert tree(folder) == states[target], "the next import leaves the new file and nothing else"
        current = target
    report(capsys, f"import csv killed {RUNS} times over {runtime:.1f} s: {dict(seen)}")


# Push ------------------------------------------------------------------------------------------


def store_quads(base: str) -> set[tuple[str, str, str, str]]:
    """Every quad of the store (graph, subject, predicate, object), as N-Triples terms."""
    import urllib.parse
    import urllib.request

    query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    request = urllib.request.Request(f"{base}/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        rows = json.loads(answer.read())["results"]["bindings"]

    def term(binding):
        return json.dumps([binding.get(k) for k in ("type", "value", "datatype", "xml:lang")])

    return {tuple(term(row[v]) for v in "gspo") for row in rows}


def release_part(quads):
    return {q for q in quads if STAGING not in q[0]}


def test_a_killed_push_leaves_the_store_as_before_or_as_after(tmp_path, capsys):
    from heritage_graph import push
    from heritage_graph.rdf.load import load

    data = {"a": [VALID], "b": [ROOT / "data" / "common", ROOT / "data" / "kazakhstan"]}
    datasets = {which: load(paths) for which, paths in data.items()}
    with oxigraph_server(tmp_path / "store") as base:
        def command(which):
            return cli("push", "--endpoint", base, *[arg for path in data[which] for arg in ("--data", path)])

        runtime = timed_run(command("b"), tmp_path)
        states = {"b": store_quads(base)}
        timed_run(command("a"), tmp_path)
        states["a"] = store_quads(base)
        assert states["a"] != states["b"] and not any(STAGING in q[0] for s in states.values() for q in s)
        current, seen = "a", Counter()
        for delay in delays(runtime, seed=SEED + 3):
            target = "b" if current == "a" else "a"
            killed = killed_run(command(target), tmp_path, delay)
            now = store_quads(base)
            release = release_part(now)
            state = "before" if release == states[current] else "after" if release == states[target] else None
            assert state, f"killed after {delay:.2f} s: the store holds neither release"
            staged = len(now) - len(release)
            seen[(state, staged > 0) if killed else ("completed", False)] += 1
            push.push(base, dataset=datasets[target])  # the next push drops what the killed one staged
            assert store_quads(base) == states[target]
            current = target
    report(capsys, f"push killed {RUNS} times over {runtime:.1f} s: {dict(seen)} ((release, staging graphs "
                   "left), dropped by the next push)")


# Remote endpoints that fail --------------------------------------------------------------------


class Faulty(QuietHandler):
    """An endpoint that fails one way for every request; ``slow`` answers nothing until ``release`` is
    set, which :func:`endpoint` does once the client is done."""

    mode = "500"
    protocol_version = "HTTP/1.1"
    release: ClassVar[threading.Event] = threading.Event()

    def _answer(self):
        length = int(self.headers.get("Content-Length", 0) or 0)
        self.rfile.read(length)
        if self.mode == "slow":
            self.release.wait(timeout=900)
            return
        if self.mode == "hangup":  # promises 2000 bytes, sends 40, closes
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: 2000\r\n\r\n" + b'{"head": {"vars": ["s"]}, "results": {"b')
            self.wfile.flush()
            self.close_connection = True
            return
        status, content_type, body = {
            "500": (500, "text/html", b"<html><body><h1>Internal Server Error</h1>\n<p>boom</p></body></html>"),
            "html": (200, "text/html", b"<!DOCTYPE html><html><body>Welcome to nginx!</body></html>"),
            "truncated": (200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": {"bind'),
            "anytime": (200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'),
            "capped": (200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'),
        }[self.mode]
        self.send_response(status)
        if self.mode == "anytime":  # Virtuoso's answer when a query meets its time limit: what it had so far
            self.send_header("X-SQL-State", "S1TAT")
            self.send_header("X-SQL-Message", "RC...: Returning incomplete results, query interrupted by result timeout.")
        if self.mode == "capped":
            self.send_header("X-SPARQL-MaxRows", "10")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer


@contextmanager
def endpoint(mode: str):
    if mode == "down":
        yield f"http://127.0.0.1:{free_port()}"
        return
    handler = type("Handler", (Faulty,), {"mode": mode, "release": threading.Event()})
    with http_server(handler) as url:
        try:
            yield url
        finally:
            handler.release.set()  # before the server is closed, which waits for its handlers


COMMANDS = {
    "query": lambda url: cli("query", "prisoner-shares", "--endpoint", url + "/sparql", "--timeout", "2"),
    "push": lambda url: cli("push", "--endpoint", url, "--timeout", "2", "--data", VALID),
    "reconcile": lambda url: cli("reconcile", "--endpoint", url + "/sparql", "--data", VALID, "--timeout", "2"),
}
MODES = ["down", "slow", "500", "html", "truncated", "hangup", "anytime", "capped"]
EXPECTED = {"down": "cannot reach", "slow": "did not answer within 2 s", "500": "HTTP 500",
            "html": "not SPARQL JSON results", "truncated": "not SPARQL JSON results", "hangup": "127.0.0.1",
            "anytime": "incomplete result (X-SQL-State S1TAT", "capped": "incomplete result (cut at X-SPARQL-MaxRows 10)"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("command", ["query", "push", "reconcile"])
def test_a_failing_endpoint_is_one_line_and_status_2(command, mode, tmp_path):
    with endpoint(mode) as url:
        done = subprocess.run(COMMANDS[command](url), cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              check=False)  # (the limit guards a hang only)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr and not done.stdout.strip().startswith("Traceback")
    assert EXPECTED[mode] in lines[0]  # "slow": the endpoint answers nothing until the command has ended


class Proxy(http.server.BaseHTTPRequestHandler):
    """Forwards every request to a real store, except request number ``fail_at``, which fails as ``mode``
    says: ``500``, ``html`` or ``hangup`` without forwarding it, ``slow`` by never answering in time, or
    ``lost``: forwarded to the store, its answer then lost (the connection closed)."""

    protocol_version = "HTTP/1.1"
    upstream = ""
    fail_at = -1
    mode = "500"
    seen: ClassVar[list] = []
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _forward(self, body: bytes):
        host, port = self.upstream.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        connection.request(self.command, self.path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        with self.lock:
            number = len(self.seen)
            self.seen.append(f"{self.command} {self.path.split('?')[0]}")
        failing = number == self.fail_at
        if failing and self.mode == "slow":
            time.sleep(3)
            self.close_connection = True
            return
        if failing and self.mode == "hangup":
            self.close_connection = True
            return
        if failing and self.mode in ("500", "html"):
            status, content = (500, b"<html><h1>500</h1>proxy error</html>") if self.mode == "500" else \
                (200, b"<html>a captive portal</html>")
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            return
        status, headers, content = self._forward(body)
        if failing and self.mode == "lost":
            self.close_connection = True
            return
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@pytest.fixture(scope="module")
def pushed_store(tmp_path_factory):
    from heritage_graph import push
    from heritage_graph.rdf.load import load

    folder = tmp_path_factory.mktemp("proxied")
    old = load([VALID])
    new = load([variant(VALID, folder / "new", {"hg:value 7000 ;": "hg:value 7500 ;"})])
    with oxigraph_server(folder / "store") as base:
        push.push(base, dataset=old)
        yield base, old, new


def test_a_push_through_a_proxy_that_fails_any_one_request(pushed_store, capsys):
    """Every request of a push fails once, each way: the store holds the previous release, or the
    new one when the failure hid a switch the store made, and the one-line message says which."""
    from heritage_graph import push
    from heritage_graph.errors import EndpointError

    base, old, new = pushed_store
    before = store_quads(base)
    handler = type("Handler", (Proxy,), {"upstream": base, "seen": []})
    with http_server(handler) as url:
        push.push(url, dataset=new)
        requests = list(handler.seen)
        after = store_quads(base)
        push.push(base, dataset=old)
        assert store_quads(base) == before
        switch = requests.index("POST /update")
        outcomes = Counter()
        for mode in ("500", "html", "hangup", "lost", "slow"):
            indices = range(len(requests)) if mode != "slow" else sorted({0, switch - 1, switch, len(requests) - 1})
            for index in indices:
                handler.seen = []
                handler.fail_at, handler.mode = index, mode
                try:
                    push.push(url, dataset=new, timeout=1)
                    message = None
                except EndpointError as exc:
                    message = str(exc)
                now = store_quads(base)
                state = "before" if now == before else "after" if now == after else None
                where = f"{mode} at request {index} ({requests[index]})"
                assert state, f"{where}: the store holds neither release"
                assert message is not None, f"{where}: the push did not notice"
                assert "\n" not in message, where
                if "left as it was" in message:
                    assert state == "before", f"{where}: says 'left as it was' but the store switched"
                if "applied the switch all the same" in message or "the release is in place" in message:
                    assert state == "after", where
                outcomes[(mode, state)] += 1
                handler.fail_at = -1
                if state == "after":
                    push.push(base, dataset=old)  # back to the previous release for the next fault
                    assert store_quads(base) == before
    report(capsys, f"push through a failing proxy, {len(requests)} requests each failed: {dict(outcomes)}")
