"""The query workers: processes that each hold the data and run one SPARQL query at a time.

A pyoxigraph query cannot be interrupted from Python, so a query that runs past its time is stopped
by ending its process, and a fresh worker takes its place (:class:`QueryPool`). In the worker,
:func:`heritage_graph.serve.job.execute` reads the query, then pulls the solutions one by one with a
deadline check and the row and byte caps, so most long queries end on their own before that; a
worker's memory may be bounded (Linux). A worker ends when the server's process does.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

try:
    import resource
except ImportError:  # not on Windows: no memory limit there
    resource = None

import pyoxigraph as ox

from ..errors import ConfigError
from ..rdf.store import OxigraphStore
from .job import execute, one_line
from .policy import load_parser

#: Extra seconds a worker is given to answer "timed out" itself before it is stopped.
GRACE = 0.5


# Query workers ----------------------------------------------------------------------------------


class PoolBusy(Exception):
    """Every query worker is taken."""


class QueryPool:
    """Worker processes that run SPARQL queries on their own copy of the store.

    ``source`` is ``("path", DIR)`` for an on-disk Oxigraph store (opened read-only by each worker)
    or ``("nquads", FILE)`` for a dump each worker loads into memory. :meth:`run` waits for an idle
    worker (at most ``wait`` seconds), sends the job and waits ``timeout`` seconds for the answer;
    a worker that does not answer in time is killed and replaced. ``max_memory_mb`` bounds how much
    more memory a worker may take for a query than it holds with the data loaded (Linux only).
    """

    def __init__(self, source: tuple[str, str], *, size: int = 2, max_memory_mb: int | None = 2048,
                 start_timeout: float = 300, cleanup: str | None = None):
        if size < 1:
            raise ConfigError(f"the server needs at least one query worker, not {size}")
        self.source = source
        self.size = size
        self.max_memory_mb = max_memory_mb
        self.start_timeout = start_timeout
        self._cleanup = cleanup
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._started = False
        self._closed = False

    def start(self) -> None:
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
            for _ in range(self.size):
                self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        code = "import sys; from heritage_graph.serve.pool import worker_main; worker_main(sys.argv[1:])"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code, str(child.fileno()), self.source[0], self.source[1],
                 str(self.max_memory_mb or 0)],
                pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=dict(os.environ, RUST_BACKTRACE="0"),  # a query stopped for memory: one line, no trace
            )
        finally:
            child.close()
        worker = _Worker(process, Connection(parent.detach()))
        self._workers.add(worker)
        return worker

    def run(self, job: dict, timeout: float, wait: float | None = None) -> dict:
        """Run one job; returns the worker's answer, ``{"status": "timeout"}`` or ``{"status": "died"}``.

        :raises PoolBusy: no worker became free within ``wait`` seconds.
        """
        self.start()
        try:
            worker = self._idle.get(timeout=timeout if wait is None else wait)
        except queue.Empty:
            raise PoolBusy() from None
        try:
            if not worker.ready:
                if not worker.conn.poll(self.start_timeout):
                    self._replace(worker)
                    worker = None
                    return {"status": "died", "message": "the query worker did not start"}
                hello = worker.conn.recv()
                if hello.get("status") != "ready":
                    self._replace(worker)
                    worker = None
                    return {"status": "died", "message": hello.get("message", "the query worker did not start")}
                worker.ready = True
            worker.conn.send(dict(job, timeout=timeout))
            if worker.conn.poll(timeout + GRACE):
                return worker.conn.recv()
            self._replace(worker)
            worker = None
            return {"status": "timeout"}
        except (EOFError, OSError):
            self._replace(worker)
            worker = None
            return {"status": "died"}
        finally:
            if worker is not None and worker in self._workers:
                self._idle.put(worker)

    def _replace(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.stop()
            self._workers.discard(worker)
        with self._lock:
            if self._started and not self._closed:
                self._idle.put(self._spawn())

    def stop(self) -> None:
        """Stop every worker; the next :meth:`run` starts new ones."""
        with self._lock:
            self._started = False
            workers, self._workers = list(self._workers), set()
            while not self._idle.empty():
                self._idle.get_nowait()
        for worker in workers:
            worker.stop()

    def close(self) -> None:
        """Stop every worker for good and remove the dump they loaded."""
        with self._lock:
            self._closed = True
        self.stop()
        if self._cleanup:
            shutil.rmtree(self._cleanup, ignore_errors=True)


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: object
    ready: bool = False

    def stop(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()
        threading.Thread(target=self.process.wait, daemon=True).start()


def worker_main(argv: list[str]) -> None:
    """A query worker's main loop (started by :class:`QueryPool`; not for direct use)."""
    fd, kind, location, max_memory_mb = int(argv[0]), argv[1], argv[2], int(argv[3])
    _end_with_parent()
    conn = Connection(fd)
    try:
        if kind == "path":
            store = OxigraphStore(location, read_only=True)
        else:
            store = OxigraphStore()
            store.ox.load(path=location, format=ox.RdfFormat.N_QUADS)
        load_parser()  # every query sent to the endpoint is read here first
        _limit_memory(max_memory_mb)
    except (OSError, ValueError, SyntaxError) as exc:
        conn.send({"status": "failed", "message": f"the query worker cannot open the data: {exc}"})
        return
    conn.send({"status": "ready"})
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = execute(store, job)
        except MemoryError:
            answer = {"status": "error", "code": 503, "message": "the query needed more memory than the server allows"}
        except Exception as exc:  # noqa: BLE001  (a fault of the server, not the query: answer, keep the worker)
            answer = {"status": "error", "code": 500, "message": f"the query failed: {one_line(exc)}"}
        conn.send(answer)


def _end_with_parent(every: float = 0.5) -> None:
    """End this worker soon after the server's process ends, however it ends (killed too): a
    thread looks every ``every`` seconds whether the worker has another parent now. (A query runs
    without the interpreter's lock, and the parser lets it go at short intervals.)"""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _limit_memory(max_memory_mb: int) -> None:
    if max_memory_mb <= 0 or resource is None:
        return
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        now = pages * os.sysconf("SC_PAGE_SIZE")
        limit = now + max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError, AttributeError):
        pass



