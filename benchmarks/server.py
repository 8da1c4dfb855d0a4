"""Server benchmark: how long the public server takes for what the hostile tests check by behaviour.

    python benchmarks/server.py                    # prints the table
    python benchmarks/server.py --record           # and writes it as the "Server" section of benchmarks/RESULTS.md

``benchmarks/run.py`` writes RESULTS.md whole: run this one after it.

``tests/hostile/test_server.py`` and ``tests/hostile/test_faults.py`` check what the server answers
and in which order, never how long it took (a bound on time fails on a loaded machine without a
fault in the code). This script measures the times. It starts ``heritage-graph serve`` as the tests
do (a subprocess in a fresh folder on a loopback port, the bundled graph, ``--timeout 2 --max-rows
1000 --workers 2``; it builds the release first) and measures, each request from a fresh client:

- a page, a quick SPARQL query and a stored query on the API at rest (the fastest of five);
- a runaway query (a count over three unrelated triple patterns: 40 000³ rows): when its answer,
  the time-limit 503, came; the same three requests while it runs (the slowest of three rounds);
- every worker taken by a runaway query: a page meanwhile, and a query queued behind them;
- a huge result (a cartesian product) cut at the row cap;
- requests turned away: an over-long URL and over-long headers, a 20 MB body, declared and chunked;
- 1 000 requests from 50 clients at once: the rate and the latencies;
- ``query --endpoint`` against an endpoint that never answers, with ``--timeout 2``: when the
  command ended (its start-up included).

The load average before and after is recorded with the figures: other work on the machine shows
in them.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import QuietHandler, heritage_graph_command, heritage_graph_server, http_server  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Server"
KARLAG = "https://w3id.org/heritage-graph/id/camp/karlag"
SIMPLE = f"ASK {{ <{KARLAG}> ?p ?o }}"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LOAD = [
    ("/doc/camp/karlag.html", None), ("/id/camp/karlag", None), ("/doc/camp/karlag.ttl", None),
    ("/assets/site.css", None), ("/sparql", {"query": SIMPLE}), ("/api/queries/prisoner-shares", {"camp": "Karlag"}),
    ("/", None), ("/class/Camp.html", None), ("/queries/prisoner-shares.html", None), ("/api/queries", None),
]


cli = heritage_graph_command


def environment() -> dict[str, str]:
    """The environment of every command started here: this checkout's code first."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(ROOT / "src") + (os.pathsep + path if path else ""))


@contextmanager
def serving(folder: Path, *args):
    """``heritage-graph serve`` in ``folder`` with this checkout's code; yields its URL once it answers."""
    with heritage_graph_server(folder, *args, start_seconds=1800, env=environment()) as (url, _port, _log):
        yield url


def timed(request) -> tuple[float, object]:
    started = time.perf_counter()
    result = request()
    return time.perf_counter() - started, result


def seconds_of(request) -> float:
    return timed(request)[0]


def raw(port: int, data: bytes) -> tuple[int | None, float]:
    """Send bytes as they are, reading the answer while sending; (status, seconds to the whole answer)."""
    started = time.perf_counter()
    chunks: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=300) as connection:
        def send():
            try:
                connection.sendall(data)
            except OSError:
                pass  # the server answered and closed before taking it all

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        try:
            while chunk := connection.recv(65536):
                chunks.append(chunk)
                head, separator, body = b"".join(chunks).partition(b"\r\n\r\n")
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if separator and length and len(body) >= int(length.group(1)):
                    break
        except (ConnectionResetError, TimeoutError):
            pass
        seconds = time.perf_counter() - started
    sender.join(timeout=60)
    status = re.match(rb"HTTP/1\.[01] (\d{3})", b"".join(chunks))
    return (int(status.group(1)) if status else None), seconds


class Runaway(threading.Thread):
    """The explosive query from its own thread: ``status`` and ``seconds`` once it has its answer."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.status, self.seconds = None, float("nan")

    def run(self):
        self.seconds, answer = timed(lambda: httpx.get(f"{self.url}/sparql", params={"query": EXPLOSIVE}, timeout=600))
        self.status = answer.status_code


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def measure_server(url: str, timeout: int, workers: int, max_rows: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    probes = {
        "a page": lambda: httpx.get(f"{url}/doc/camp/karlag.html", timeout=300).raise_for_status(),
        "a quick SPARQL query": lambda: httpx.get(f"{url}/sparql", params={"query": SIMPLE},
                                                  timeout=300).raise_for_status(),
        "a stored query on the API": lambda: httpx.get(f"{url}/api/queries/prisoner-shares",
                                                       timeout=300).raise_for_status(),
    }
    at_rest = {name: min(seconds_of(probe) for _ in range(5)) for name, probe in probes.items()}

    runaway = Runaway(url)
    runaway.start()
    time.sleep(0.3)
    during = {name: max(seconds_of(probe) for _ in range(3)) for name, probe in probes.items()}
    runaway.join()
    rows.append((f"a runaway query answered {runaway.status} (time limit {timeout} s) after", f"{runaway.seconds:.2f} s"))
    for name in probes:
        rows.append((f"{name}: at rest → while a runaway query runs", f"{ms(at_rest[name])} → {ms(during[name])}"))

    runaways = [Runaway(url) for _ in range(workers)]
    for each in runaways:
        each.start()
    time.sleep(0.3)
    page_while_busy = max(seconds_of(probes["a page"]) for _ in range(3))
    queued_seconds, queued = timed(lambda: httpx.get(f"{url}/sparql", params={"query": SIMPLE}, timeout=600))
    for each in runaways:
        each.join()
    rows.append((f"a page while all {workers} workers run a runaway query", ms(page_while_busy)))
    rows.append(("a query queued behind them answered " + str(queued.status_code) + " after",
                 f"{queued_seconds:.2f} s"))
    rows.append(("the first query after them (fresh workers)",
                 ms(seconds_of(lambda: httpx.get(f"{url}/sparql", params={"query": SIMPLE}, timeout=600)))))

    capped_seconds, capped = timed(lambda: httpx.get(f"{url}/sparql", params={"query": CARTESIAN}, timeout=600,
                                                     headers={"Accept": "application/sparql-results+json"}))
    rows.append((f"a cartesian product cut at {capped.headers.get('x-sparql-maxrows', '?')} rows "
                 f"(cap {max_rows}), answered {capped.status_code} after", f"{capped_seconds:.2f} s"))

    port = int(url.rsplit(":", 1)[1])
    get = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n"
    refusals = [
        ("a 100 kB URL", get % (b"/sparql?query=" + b"A" * 100_000, b"")),
        ("a 100 kB header", get % (b"/", b"X-Big: " + b"a" * 100_000 + b"\r\n")),
        ("10 000 headers", get % (b"/", b"".join(b"X-H%d: %d\r\n" % (i, i) for i in range(10_000)))),
        ("a 20 MB body", b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 20000000\r\n\r\n" + b"x" * 20_000_000),
        ("a 20 MB chunked body", b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n"
                                 + b"".join(b"100000\r\n" + b"x" * 0x100000 + b"\r\n" for _ in range(20)) + b"0\r\n\r\n"),
    ]
    for name, data in refusals:
        answers = [raw(port, data) for _ in range(3)]
        rows.append((f"{name} turned away ({answers[0][0]}), the slowest of three", ms(max(s for _, s in answers))))

    rows.append(load(url, total=1000, clients=50))
    return rows


def load(url: str, total: int, clients: int) -> tuple[str, str]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    numbers = iter(range(total))

    def client():
        with httpx.Client(timeout=600, follow_redirects=False) as http:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                path, params = LOAD[number % len(LOAD)]
                started = time.perf_counter()
                try:
                    if http.get(url + path, params=params).status_code >= 400:
                        errors.append(path)
                except httpx.HTTPError:
                    errors.append(path)
                with lock:
                    latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    p50, p99 = ordered[len(ordered) // 2], ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return (f"{total:,} requests from {clients} clients at once ({len(errors)} errors)",
            f"{seconds:.1f} s, {len(ordered) / seconds:.0f}/s; latency p50 {ms(p50)}, p99 {ms(p99)}, max {ms(ordered[-1])}")


class Silent(QuietHandler):
    """An endpoint that takes a request and answers nothing until ``release`` is set."""

    release = threading.Event()

    def _hold(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        self.release.wait(timeout=900)

    do_GET = do_POST = _hold


def measure_command_timeout(folder: Path) -> tuple[str, str]:
    handler = type("Handler", (Silent,), {"release": threading.Event()})
    with http_server(handler) as url:
        try:
            seconds, done = timed(lambda: subprocess.run(
                cli("query", "prisoner-shares", "--endpoint", url + "/sparql", "--timeout", "2"), cwd=folder,
                env=environment(), capture_output=True, text=True, timeout=900, check=False))
        finally:
            handler.release.set()
    return (f"`query --endpoint --timeout 2` against an endpoint that never answers: status {done.returncode}, "
            "start-up included, after", f"{seconds:.2f} s")


def machine() -> str:
    return (f"{os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}"
            if sys.platform.startswith("linux") else f"{os.cpu_count()} cores, {platform.platform()}")


def table(rows: list[tuple[str, str]]) -> str:
    return "\n".join(["| figure | measured |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)])


def record(text: str, path: Path = RESULTS) -> None:
    """Write ``text`` as the "Server" section of ``path``, in place of the one there."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = before.split("\n" + SECTION + "\n", 1)[0].rstrip("\n")
    path.write_text((kept + "\n\n" if kept else "") + text + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=int, default=2, help="the server's query time limit, in seconds")
    parser.add_argument("--max-rows", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--record", action="store_true", help=f"write the figures to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="heritage-graph-server-bench-") as tmp:
        folder = Path(tmp)
        with serving(folder, "--timeout", args.timeout, "--max-rows", args.max_rows,
                     "--workers", args.workers) as url:
            rows = measure_server(url, args.timeout, args.workers, args.max_rows)
        rows.append(measure_command_timeout(folder))
    load_after = os.getloadavg()
    text = "\n".join([
        SECTION, "",
        f"Made with `python benchmarks/server.py --record` (see the file for what each figure measures): "
        f"`heritage-graph serve --timeout {args.timeout} --max-rows {args.max_rows} --workers {args.workers}` "
        f"on the bundled graph. The tests check these behaviours by their answers and their order; the times "
        f"are measured here.", "",
        f"Machine: {machine()}; load average {load_before[0]:.1f} before the run, {load_after[0]:.1f} after "
        f"(over {os.cpu_count()} cores: above that, other work was waiting for the processors).", "",
        table(rows),
    ])
    print(text)
    if args.record:
        record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
