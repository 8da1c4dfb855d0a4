"""Real servers for the tests: the PyPI ``oxigraph`` SPARQL server, and small HTTP fault injectors.

Every server binds to 127.0.0.1 on a free port and is stopped by the fixture that started it.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def heritage_graph_command(*args) -> list[str]:
    """The command line of ``heritage-graph`` with ``args``, run by this Python."""
    return [sys.executable, "-m", "heritage_graph", *map(str, args)]


@contextmanager
def heritage_graph_server(folder: Path, *args, start_seconds: float = 900, env: dict | None = None):
    """``heritage-graph serve`` with ``args`` as a subprocess in ``folder``, on a free loopback port,
    its standard error in ``folder/server.log``; yields ``(url, port, log)`` once it answers a query
    (it builds its release first: ``start_seconds`` only guards a hang).

    :raises RuntimeError: the server stopped, or did not answer within ``start_seconds``.
    """
    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(heritage_graph_command("serve", "--port", port, *args), cwd=folder,
                                   env=env or private_temp(folder), stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                with urllib.request.urlopen(f"{url}/sparql?query=ASK%20%7B%7D", timeout=60) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.1)
        yield url, port, log
    finally:
        stop(process)


def private_temp(folder: Path) -> dict[str, str]:
    """The environment with ``TMPDIR`` in ``folder/tmp``: what a server writes to its temporary
    folders stays in the test's own folder (a release built at start is gigabytes at a million
    triples), where the test can see that it is removed."""
    temp = folder / "tmp"
    temp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(temp)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    return found


@contextmanager
def oxigraph_server(location: Path | None = None, *, union_default_graph: bool = True, timeout_s: int | None = None):
    """Start ``oxigraph serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        command += ["--location", str(location)]
    if union_default_graph:
        command.append("--union-default-graph")
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read().decode()}")
                time.sleep(0.05)
        yield base
    finally:
        stop(process)


def put_graph(base: str, graph: str, ntriples: bytes) -> None:
    """Replace one named graph through the SPARQL 1.1 Graph Store Protocol."""
    from urllib.parse import quote

    request = urllib.request.Request(
        f"{base}/store?graph={quote(graph, safe='')}", data=ntriples, method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=60).read()


@contextmanager
def http_server(handler_class):
    """A threaded ``http.server`` on a free loopback port with ``handler_class``; yields its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def stop(process: subprocess.Popen, timeout: float = 180) -> None:
    """Stop a server started by a test: politely (it removes the release it built, which takes a
    while at a million triples), then by force."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
