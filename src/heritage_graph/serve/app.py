"""The live server: resources as linked data, a read-only SPARQL endpoint, and the stored queries as a web API.

:func:`create_app` builds a Starlette (ASGI) application over an Oxigraph store; :func:`run` serves
it with uvicorn. Routes (see ``docs/serve.md``):

==================================  ===============================================================
``/id/{kind}/{slug}``               a resource's IRI: ``303 See Other`` to its document, by ``Accept``
``/doc/{kind}/{slug}[.ext]``        the resource's document: HTML, Turtle, JSON-LD, N-Triples, RDF/XML
``/sparql``                         SPARQL 1.1 Protocol, queries only (updates answer 403)
``/api/queries[/{name}]``           every stored query as a web API; ``/api/openapi.json`` describes it
``/``, ``/class/{Name}``, ``/queries``  the pages of :mod:`heritage_graph.site`, rendered live
``/ontology``, ``/data``            the ontology, the whole dataset (TriG, N-Quads)
==================================  ===============================================================

SPARQL queries run in worker processes (:class:`QueryPool`), each with the data loaded, because a
pyoxigraph query cannot be interrupted from Python: a query that runs past its time is stopped by
ending its process, and a fresh worker takes its place. Solutions are pulled one by one with a
deadline check and a row cap, so most long queries end on their own before that.
"""

from __future__ import annotations

import html
import json
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import parse_qsl

import pyoxigraph as ox

from . import negotiation as neg
from ..queries import results
from .policy import Refused, check_graphs, check_query, load_parser
from ..errors import ConfigError, QueryError
from ..rdf.store import OxigraphStore, QueryResult
from ..rdf.vocab import DEFAULT_BASE, GRAPH, PREFIXES, RDFS, configured_base

log = logging.getLogger("heritage_graph.serve")

#: Largest SPARQL request body accepted (bytes).
MAX_QUERY_BYTES = 1_000_000
#: Longest URL (path and query string, bytes) accepted; longer answers 414 (send long queries by POST).
MAX_URL_BYTES = 16_384
#: Largest request headers (all names and values, bytes) accepted; larger answers 431.
MAX_HEADER_BYTES = 65_536
#: Extra seconds a worker is given to answer "timed out" itself before it is stopped.
GRACE = 0.5
#: Seconds a query waits for a free worker (at least; the query timeout if longer) before the
#: server answers 503 busy: a burst of quick queries queues rather than fails.
WORKER_WAIT = 10
#: The header that says a result was cut at the row cap (the name Virtuoso uses for the same).
TRUNCATED_HEADER = "X-SPARQL-MaxRows"


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
        code = "import sys; from heritage_graph.serve.app import worker_main; worker_main(sys.argv[1:])"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code, str(child.fileno()), self.source[0], self.source[1],
                 str(self.max_memory_mb or 0)],
                pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=dict(os.environ, RUST_BACKTRACE="0"),  # a query stopped for memory: one line, no trace
            )
        finally:
            child.close()
        from multiprocessing.connection import Connection

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
    from multiprocessing.connection import Connection

    fd, kind, location, max_memory_mb = int(argv[0]), argv[1], argv[2], int(argv[3])
    conn = Connection(fd)
    try:
        if kind == "path":
            store = ox.Store.read_only(location)
        else:
            store = ox.Store()
            store.load(path=location, format=ox.RdfFormat.N_QUADS)
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
            answer = {"status": "error", "code": 500, "message": f"the query failed: {_one_line(exc)}"}
        conn.send(answer)


def _limit_memory(max_memory_mb: int) -> None:
    if max_memory_mb <= 0:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        now = pages * os.sysconf("SC_PAGE_SIZE")
        limit = now + max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass


def execute(store: ox.Store, job: Mapping) -> dict:
    """Run one query job on ``store`` and serialise its result; never raises for a bad query.

    ``job`` holds ``sparql``, ``format`` (an offer suffix), ``max_rows``, ``timeout`` and optionally
    ``default_graphs``/``named_graphs``. The answer holds ``status`` (``ok``, ``timeout``, ``error``),
    and with ``ok`` the ``body`` bytes, ``truncated`` and ``count``.
    """
    deadline = time.monotonic() + float(job.get("timeout", 10))
    max_rows = int(job.get("max_rows", 10000))
    options: dict = {}
    try:
        if job.get("default_graphs"):
            options["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
        else:
            options["use_default_graph_as_union"] = True
        if job.get("named_graphs"):
            options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    except ValueError as exc:
        return {"status": "error", "code": 400, "message": f"a graph named in the request is not an IRI: {_one_line(exc)}"}
    try:
        result = store.query(job["sparql"], **options)
        truncated = False
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(solution[v] for v in variables))
                if len(rows) % 64 == 0 and time.monotonic() > deadline:
                    return {"status": "timeout"}
            answer = QueryResult("select", variables, rows)
        elif isinstance(result, ox.QueryBoolean):
            answer = QueryResult("ask", boolean=bool(result))
        else:
            triples = []
            for triple in result:
                if len(triples) >= max_rows:
                    truncated = True
                    break
                triples.append(triple)
                if len(triples) % 64 == 0 and time.monotonic() > deadline:
                    return {"status": "timeout"}
            answer = QueryResult("graph", triples=triples)
        if time.monotonic() > deadline:
            return {"status": "timeout"}
        body = serialize_result(answer, job.get("format", "json"), job.get("prefixes"))
    except SyntaxError as exc:
        return {"status": "error", "code": 400, "message": f"the query does not parse: {_one_line(exc)}"}
    except (OSError, RuntimeError, ValueError, TypeError, AttributeError) as exc:
        return {"status": "error", "code": 500, "message": f"the query failed: {_one_line(exc)}"}
    return {"status": "ok", "body": body, "truncated": truncated, "count": len(answer), "kind": answer.kind}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


def serialize_result(result: QueryResult, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """A query result in one of the negotiated formats (an offer suffix: ``json``, ``xml``, ``csv``,
    ``tsv`` for solutions and booleans; ``ttl``, ``jsonld``, ``nt``, ``rdf`` for graphs)."""
    if result.kind == "graph":
        offer = neg.by_suffix(fmt, neg.GRAPH_TYPES)
        if offer is None:
            raise ValueError(f"no graph format {fmt!r}")
        return ox.serialize(result.triples, format=offer.rdf_format, prefixes=dict(prefixes or {}))
    return results.serialize(result, fmt)


# Describing a resource ------------------------------------------------------------------------


def describe(store: OxigraphStore, iri: str, base: str = DEFAULT_BASE) -> list[ox.Triple]:
    """The RDF of a resource: its own triples, the triples that point at it, and the claims about it.

    Each triple once, whichever graphs hold it.
    """
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return []
    about = ox.NamedNode(base + "ontology#about")
    seen: dict[ox.Triple, None] = {}
    for quad in store.ox.quads_for_pattern(node, None, None, None):
        seen.setdefault(quad.triple)
    for quad in store.ox.quads_for_pattern(None, None, node, None):
        seen.setdefault(quad.triple)
    for quad in store.ox.quads_for_pattern(None, about, node, None):
        for claim_quad in store.ox.quads_for_pattern(quad.subject, None, None, None):
            seen.setdefault(claim_quad.triple)
    return list(seen)


def prefixes_for(base: str) -> dict[str, str]:
    """The Turtle prefixes, with the project's namespaces moved under ``base``."""
    return {name: (base + ns[len(DEFAULT_BASE):] if ns.startswith(DEFAULT_BASE) else ns)
            for name, ns in PREFIXES.items()}


def _site():
    """:mod:`heritage_graph.site` if it is there (it renders the pages), else None."""
    try:
        from ..web import site
    except ModuleNotFoundError as exc:
        if exc.name == "heritage_graph.web.site":
            return None
        raise
    return site


def _english_label(store: OxigraphStore, iri: str) -> str | None:
    labels = [q.object for q in store.ox.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), None, None)]
    for label in labels:
        if isinstance(label, ox.Literal) and label.language == "en":
            return label.value
    return labels[0].value if labels else None


def fallback_resource_html(store: OxigraphStore, iri: str, triples: list[ox.Triple]) -> str:
    """A plain, escaped page of a resource's own triples (used when :mod:`heritage_graph.site` is absent)."""
    from ..queries.results import display

    label = _english_label(store, iri) or iri
    rows = "".join(
        f"<tr><td>{html.escape(display(t.predicate))}</td><td>{html.escape(display(t.object))}</td></tr>"
        for t in triples if t.subject == ox.NamedNode(iri))
    return _page(label, f"<p><code>{html.escape(iri)}</code></p><table>{rows}</table>")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n")


# The application ------------------------------------------------------------------------------


@dataclass
class Config:
    """What one server instance serves, and its limits."""

    store: OxigraphStore
    base: str
    pool: QueryPool
    query_timeout: float
    max_rows: int
    allow_service: tuple[str, ...]
    prefixes: dict[str, str]
    site_data: object = None
    #: The listings of the paginated stored queries (:mod:`.listing`), or None.
    listings: object = None


def create_app(store=None, *, base: str | None = None, data_paths=None, query_timeout: float = 10,
               max_rows: int = 10000, allow_service: Iterable[str] = (), workers: int = 2,
               max_memory_mb: int | None = 2048):
    """The Starlette application serving ``store`` (an :class:`OxigraphStore` or a loaded dataset).

    Without ``store`` it loads ``data_paths`` (default: the bundled data) with the ontology.
    ``base`` is the IRI base the data uses (default: ``HERITAGE_GRAPH_BASE`` or
    ``https://w3id.org/heritage-graph/``); ``/id/…`` on this server stands for ``{base}id/…``.
    ``query_timeout`` (seconds) and ``max_rows`` bound each SPARQL query; ``allow_service`` lists
    the hosts (or endpoint IRIs) a ``SERVICE`` clause may call; ``workers`` query processes run at
    once.

    :raises ConfigError: a limit that cannot be used, or a store that is not an Oxigraph store.
    :raises InputError: the data cannot be loaded.
    """
    from starlette.applications import Starlette
    from starlette.routing import Route

    if query_timeout <= 0:
        raise ConfigError(f"the query timeout must be more than 0 seconds, not {query_timeout}")
    if max_rows < 1:
        raise ConfigError(f"the row cap must be at least 1, not {max_rows}")
    base = base or configured_base()
    if not base.endswith(("/", "#")):
        base += "/"
    if store is None:
        from ..rdf.load import load

        store = load(data_paths, base=base).store
    store = getattr(store, "store", store)  # a load.Dataset
    if not isinstance(store, OxigraphStore):
        raise ConfigError("the server serves an Oxigraph store (heritage_graph.store.OxigraphStore); "
                          f"got {type(store).__name__}")
    pool, listings = _pool_for(store, workers, max_memory_mb)
    config = Config(store, base, pool, float(query_timeout), int(max_rows), tuple(allow_service), prefixes_for(base),
                    listings=listings)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        threading.Thread(target=pool.start, daemon=True).start()
        threading.Thread(target=load_parser, daemon=True).start()
        try:
            yield
        finally:
            pool.stop()

    routes = [
        Route("/", home),
        Route("/index.html", home),
        Route("/assets/{name}", asset),
        Route("/class/", classes_page),
        Route("/class/index.html", classes_page),
        Route("/class/{name}", class_page),
        Route("/queries", queries_page),
        Route("/queries/", queries_page),
        Route("/queries.html", queries_page),
        Route("/queries/{name}", query_page),
        Route("/id/{kind}/{slug}", resource_id),
        Route("/doc/{kind}/{slug}", resource_doc),
        Route("/ontology/", ontology_page),
        Route("/ontology/index.html", ontology_page),
        Route("/ontology", ontology),
        Route("/ontology.{ext}", ontology),
        Route("/void.ttl", void),
        Route("/data", dataset),
        Route("/data.{ext}", dataset),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/api/queries", api_list),
        Route("/api/queries/{name}", api_query),
        Route("/api/openapi.json", openapi),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: _not_found, 405: _not_allowed, Exception: _internal_error})
    app.state.config = config
    weakref.finalize(app, pool.close)
    return CORS(app)


def _pool_for(store: OxigraphStore, workers: int, max_memory_mb: int | None):
    """The query workers, and the listings of the paginated stored queries (:mod:`.listing`).

    Over a saved store the workers open it, and its listings are its own; over a store in memory
    they load a dump of it, beside which the listings are worked out first."""
    if store.path is not None:
        return QueryPool(("path", str(store.path)), size=workers, max_memory_mb=max_memory_mb), store.listings
    from ..queries import listing

    folder = tempfile.mkdtemp(prefix="heritage-graph-serve-")
    try:
        listings = store.listings
        if listings is None:
            try:
                listing.build(store, Path(folder) / listing.FOLDER)
                listings = listing.Listings(Path(folder) / listing.FOLDER)
            except QueryError as exc:  # the workers answer every page then
                log.warning("serving without listings: %s", exc)
        dump = Path(folder) / "data.nq"
        store.ox.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return QueryPool(("nquads", str(dump)), size=workers, max_memory_mb=max_memory_mb, cleanup=folder), listings


class CORS:
    """Adds ``Access-Control-Allow-Origin: *`` to every answer and answers CORS preflights.

    The data is public and read-only, so any web page may query it (see enable-cors.org). It also
    turns away, before any route runs, a URL longer than :data:`MAX_URL_BYTES` (414) and request
    headers larger than :data:`MAX_HEADER_BYTES` (431), and marks every answer ``nosniff`` so that
    no browser takes a plain-text error for a page.
    """

    EXPOSE = "Content-Location, Location, Link, Vary, " + TRUNCATED_HEADER

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):  # app.state, app.routes … stay reachable
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        url_bytes = len(scope.get("raw_path") or scope["path"].encode("utf-8")) + len(scope.get("query_string") or b"")
        if url_bytes > MAX_URL_BYTES:
            return await _plain(send, 414, f"the URL is longer than {MAX_URL_BYTES} bytes; send a long query by "
                                           "POST (application/sparql-query)")
        if sum(len(k) + len(v) for k, v in scope.get("headers") or []) > MAX_HEADER_BYTES:
            return await _plain(send, 431, f"the request headers are larger than {MAX_HEADER_BYTES} bytes")
        headers = dict(scope.get("headers") or [])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
                (b"access-control-allow-headers", headers.get(b"access-control-request-headers", b"*")),
                (b"access-control-max-age", b"86400"),
            ]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers") or []) + [
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-expose-headers", self.EXPOSE.encode()),
                    (b"x-content-type-options", b"nosniff"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _plain(send, status: int, message: str) -> None:
    """Answer ``status`` with one line of text, straight from the ASGI layer."""
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"), (b"x-content-type-options", b"nosniff"), (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


def _config(request) -> Config:
    return request.app.state.config


def _root(request) -> str:
    return request.scope.get("root_path", "").rstrip("/") + "/"


def error(request, status: int, message: str, headers: Mapping[str, str] | None = None, *, json_default: bool = False):
    """An error answer: one clear line, as text or JSON by ``Accept`` (never a traceback)."""
    from starlette.responses import Response

    offers = neg.MESSAGE_TYPES[::-1] if json_default else neg.MESSAGE_TYPES
    accept = request.headers.get("accept") if request is not None else None
    offer = neg.choose(accept, offers) or offers[0]
    if offer.media_type == "application/json":
        body = json.dumps({"status": status, "error": message}, ensure_ascii=False) + "\n"
    else:
        body = message.rstrip("\n") + "\n"
    media = offer.media_type + ("; charset=utf-8" if offer.media_type.startswith("text/") else "")
    return Response(body, status_code=status, media_type=media, headers=dict(headers or {}))


async def _not_found(request, exc):
    detail = getattr(exc, "detail", None)
    message = detail if detail and detail != "Not Found" else f"nothing here: {request.url.path}"
    return error(request, 404, message, json_default=request.url.path.startswith("/api/"))


async def _not_allowed(request, exc):
    return error(request, 405, f"{request.method} is not allowed on {request.url.path}",
                 json_default=request.url.path.startswith("/api/"))


async def _internal_error(request, exc):
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error(request, 500, "internal error; the server's log has the details",
                 json_default=request.url.path.startswith("/api/"))


def _not_acceptable(request, offers):
    from starlette.responses import Response

    return Response(neg.offered(offers), status_code=406, media_type="text/plain; charset=utf-8",
                    headers={"Vary": "Accept"})


def _html(text: str, status: int = 200, headers: Mapping[str, str] | None = None):
    from starlette.responses import Response

    return Response(text, status_code=status, media_type="text/html; charset=utf-8", headers=dict(headers or {}))


# Pages ------------------------------------------------------------------------------------------
# The HTML is that of heritage_graph.site (the same pages as the static release), rendered live;
# a minimal escaped rendering stands in where the site module is not there.


def _site_data(config: Config):
    """One cached :class:`heritage_graph.site.SiteData` per server (the data does not change)."""
    site = _site()
    if site is None or not hasattr(site, "SiteData"):
        return None
    if config.site_data is None:
        config.site_data = site.SiteData(config.store, base=config.base)
    return config.site_data


def _render(request, name: str, *args, **kwargs) -> str | None:
    """``heritage_graph.site.<name>(store, *args, root=…, base=…, data=…)``; LookupError without it."""
    config, site = _config(request), _site()
    if site is None or not hasattr(site, name):
        raise LookupError(name)
    return getattr(site, name)(config.store, *args, root=_root(request), base=config.base,
                               data=_site_data(config), **kwargs)


def home(request):
    try:
        return _html(_render(request, "render_home"))
    except LookupError:
        root = _root(request)
        links = [("queries/", "Stored queries"), ("api/queries", "The queries as a web API"),
                 ("sparql", "SPARQL endpoint"), ("data", "All the data")]
        items = "".join(f'<li><a href="{html.escape(root + href)}">{html.escape(text)}</a></li>'
                        for href, text in links)
        return _html(_page("heritage-graph", f"<ul>{items}</ul>"))


def asset(request):
    """``/assets/{name}``: one of the site's few fixed files (a name looked up, never a path joined)."""
    import mimetypes

    from starlette.responses import Response

    site = _site()
    path = getattr(site, "ASSETS", {}).get("assets/" + request.path_params["name"]) if site else None
    if path is None or not Path(path).is_file():
        return error(request, 404, f"nothing here: {request.url.path}")
    content = _ASSET_BYTES.get(path)
    if content is None:
        content = _ASSET_BYTES.setdefault(path, Path(path).read_bytes())  # small, and they do not change
    media = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return Response(content, media_type=media + ("; charset=utf-8" if media.startswith("text/") else ""),
                    headers={"Cache-Control": "public, max-age=3600"})


_ASSET_BYTES: dict = {}


def classes_page(request):
    try:
        return _html(_render(request, "render_classes"))
    except LookupError:
        return error(request, 404, "no class index on this server")


def class_page(request):
    config, site = _config(request), _site()
    name = request.path_params["name"]
    if site is not None and hasattr(site, "iri_for_class_page"):
        class_iri = site.iri_for_class_page("class/" + name, base=config.base)
    else:
        class_iri = config.base + "ontology#" + name.removesuffix(".html")
    try:
        page = _render(request, "render_class", class_iri) if class_iri else None
    except LookupError:
        page = _fallback_class(request, class_iri)
    if page is None:
        return error(request, 404, f"no class page {name!r}")
    return _html(page)


def _fallback_class(request, class_iri: str) -> str | None:
    config = _config(request)
    try:
        members = config.store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?s a/<{RDFS}subClassOf>* <{class_iri}> }} ORDER BY ?s LIMIT 1000").rows
    except QueryError:
        return None
    if not members:
        return None
    items = "".join(f"<li>{html.escape(_english_label(config.store, r[0].value) or r[0].value)}</li>" for r in members)
    return _page(_english_label(config.store, class_iri) or class_iri, f"<ul>{items}</ul>")


def queries_page(request):
    from ..queries import catalogue as q

    site = _site()
    if site is not None and hasattr(site, "render_queries"):
        return _html(site.render_queries(_config(request).store, root=_root(request)))
    root = _root(request)
    items = "".join(f'<li><a href="{html.escape(root)}queries/{html.escape(name)}.html">{html.escape(name)}</a>: '
                    f"{html.escape(stored.summary)}</li>" for name, stored in q.catalogue().items())
    return _html(_page("Stored queries", f"<ul>{items}</ul>"))


def query_page(request):
    """``/queries/{name}.html?param=value``: a stored query's page with its result, run live."""
    from ..queries import catalogue as q

    name = request.path_params["name"].removesuffix(".html")
    if name == "index":
        return queries_page(request)
    try:
        stored = q.find(name)
    except QueryError as exc:
        return error(request, 404, str(exc))
    refused = _stored_refused(stored, _config(request))
    if refused is not None:
        return error(request, refused.status, refused.message)
    values = {k: v for k, v in request.query_params.items() if v != ""}
    try:
        page = _render(request, "render_query", name, values=values, downloads=False)
    except LookupError:
        page = _page(name, f"<pre>{html.escape(q.describe(stored))}</pre>")
    return _html(page) if page is not None else error(request, 404, f"no stored query named {name!r}")


def ontology_page(request):
    try:
        return _html(_render(request, "render_ontology_reference"))
    except LookupError:
        return error(request, 404, "no ontology page on this server")


def void(request):
    """``/void.ttl``: a VoID description of the dataset: size, endpoint, dumps, IRI space."""
    from starlette.responses import Response

    config = _config(request)
    here = str(request.base_url).rstrip("/") + _root(request)
    voidns, dcterms, xsd = "http://rdfs.org/ns/void#", "http://purl.org/dc/terms/", PREFIXES["xsd"]
    triples = [
        (PREFIXES["rdf"] + "type", ox.NamedNode(voidns + "Dataset")),
        (dcterms + "title", ox.Literal("Heritage graph", language="en")),
        (dcterms + "license", ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
        (voidns + "triples", ox.Literal(str(config.store.triple_count()), datatype=ox.NamedNode(xsd + "integer"))),
        (voidns + "sparqlEndpoint", ox.NamedNode(here + "sparql")),
        (voidns + "dataDump", ox.NamedNode(here + "data.trig")),
        (voidns + "dataDump", ox.NamedNode(here + "data.nq")),
        (voidns + "uriSpace", ox.Literal(config.base + "id/")),
        (voidns + "exampleResource", ox.NamedNode(config.base + "id/camp/karlag")),
    ]
    node = ox.NamedNode(config.base + "void")
    body = ox.serialize([ox.Triple(node, ox.NamedNode(p), o) for p, o in triples], format=ox.RdfFormat.TURTLE,
                        prefixes={"void": voidns, "dcterms": dcterms, "xsd": xsd})
    return Response(body, media_type="text/turtle; charset=utf-8")


# Resource documents ----------------------------------------------------------------------------


def resource_id(request):
    """``/id/{kind}/{slug}``: 303 See Other to the document in the negotiated format."""
    from starlette.responses import Response

    config = _config(request)
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    iri = f"{config.base}id/{kind}/{slug}"
    if not describe(config.store, iri, config.base):
        return error(request, 404, f"no resource {iri}", {"Vary": "Accept"})
    offer = neg.choose(request.headers.get("accept"), neg.RESOURCE_TYPES)
    if offer is None:
        return _not_acceptable(request, neg.RESOURCE_TYPES)
    location = f"{_root(request)}doc/{_uri(kind)}/{_uri(slug)}.{offer.suffix}"
    return Response(status_code=303, headers={"Location": location, "Vary": "Accept"})


def resource_doc(request):
    """``/doc/{kind}/{slug}[.ext]``: the resource's document; without a suffix, negotiated."""
    from starlette.responses import Response

    config = _config(request)
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    stem, dot, ext = slug.rpartition(".")
    headers = {}
    if dot and neg.by_suffix(ext, neg.RESOURCE_TYPES):
        slug, offer = stem, neg.by_suffix(ext, neg.RESOURCE_TYPES)
    else:
        offer = neg.choose(request.headers.get("accept"), neg.RESOURCE_TYPES)
        headers["Vary"] = "Accept"
        if offer is None:
            return _not_acceptable(request, neg.RESOURCE_TYPES)
        headers["Content-Location"] = f"{_root(request)}doc/{_uri(kind)}/{_uri(slug)}.{offer.suffix}"
    iri = f"{config.base}id/{kind}/{slug}"
    triples = describe(config.store, iri, config.base)
    if not triples:
        return error(request, 404, f"no resource {iri}", headers)
    headers["Link"] = f'<{_uri(iri, iri=True)}>; rel="describes"'
    if offer.rdf_format is None:
        site = _site()
        if site is not None and hasattr(site, "render_resource"):
            page = site.render_resource(config.store, iri, root=_root(request), base=config.base,
                                        data=_site_data(config))
            if page is None:
                return error(request, 404, f"no resource {iri}", headers)
        else:
            page = fallback_resource_html(config.store, iri, triples)
        return _html(page, headers=headers)
    body = ox.serialize(triples, format=offer.rdf_format, prefixes=config.prefixes)
    return Response(body, media_type=_media(offer), headers=headers)


def _uri(text: str, *, iri: bool = False) -> str:
    r"""``text`` fit for a header: a path segment (or with ``iri``, an IRI, its delimiters kept) with
    every character a URI may not hold unescaped (controls, spaces, quotes, angle brackets,
    non-ASCII) percent-encoded as UTF-8.

    >>> _uri("karlag")
    'karlag'
    >>> _uri("a\r\nSet-Cookie: x")
    'a%0D%0ASet-Cookie:%20x'
    >>> _uri("https://e/алматы?a=b#c", iri=True)
    'https://e/%D0%B0%D0%BB%D0%BC%D0%B0%D1%82%D1%8B?a=b#c'
    """
    from urllib.parse import quote

    return quote(text, safe=":/?#[]@!$&'()*+,;=-._~%" if iri else "!$&'()*+,;=:@-._~")


def _media(offer: neg.Offer) -> str:
    text = offer.media_type.startswith("text/") or offer.media_type in ("application/n-triples", "application/n-quads")
    return offer.media_type + ("; charset=utf-8" if text else "")


def _rdf_answer(request, triples_or_quads, offers, dataset: bool = False, name: str = ""):
    from starlette.responses import Response

    ext = request.path_params.get("ext")
    headers = {}
    if ext is not None:
        offer = neg.by_suffix(ext, offers)
        if offer is None:
            return error(request, 404, f"no format .{ext} here (available: "
                                       + ", ".join("." + o.suffix for o in offers) + ")")
    else:
        offer = neg.choose(request.headers.get("accept"), offers)
        headers["Vary"] = "Accept"
        if offer is None:
            return _not_acceptable(request, offers)
        headers["Content-Location"] = f"{_root(request)}{name}.{offer.suffix}"
    body = ox.serialize(triples_or_quads, format=offer.rdf_format, prefixes=_config(request).prefixes)
    return Response(body, media_type=_media(offer), headers=headers)


def ontology(request):
    """``/ontology``: the ontology's graphs (its terms ``{base}ontology#Term`` resolve here); HTML is
    the ontology reference page."""
    config = _config(request)
    if request.path_params.get("ext") is None:
        offer = neg.choose(request.headers.get("accept"), neg.RESOURCE_TYPES)
        if offer is not None and offer.rdf_format is None:
            try:
                return _html(_render(request, "render_ontology_reference"),
                             headers={"Vary": "Accept", "Content-Location": f"{_root(request)}ontology/index.html"})
            except LookupError:
                pass
    graphs = [g for g in config.store.ox.named_graphs() if isinstance(g, ox.NamedNode)
              and g.value.startswith(GRAPH + "ontology/")]
    triples = {q.triple: None for g in graphs for q in config.store.ox.quads_for_pattern(None, None, None, g)}
    if not triples:
        return error(request, 404, "no ontology is loaded")
    return _rdf_answer(request, list(triples), neg.GRAPH_TYPES, name="ontology")


def dataset(request):
    """``/data``: every graph, kept apart (TriG, N-Quads)."""
    config = _config(request)
    return _rdf_answer(request, list(config.store.ox.quads_for_pattern(None, None, None, None)),
                       neg.DATASET_TYPES, dataset=True, name="data")


# SPARQL -----------------------------------------------------------------------------------------


async def sparql(request):
    """The SPARQL 1.1 Protocol, for queries: GET ``?query=``, POST form or ``application/sparql-query``."""
    from starlette.concurrency import run_in_threadpool

    config = _config(request)
    try:
        params = await _sparql_params(request)
    except Refused as exc:
        return error(request, exc.status, exc.message)
    if params.get("update"):
        return error(request, 403, "this endpoint is read-only: SPARQL Update is refused")
    queries = params.get("query") or []
    if not queries:
        if request.method == "GET":
            return _service_description(request)
        return error(request, 400, "no query: send query=… (form) or a body of type application/sparql-query")
    if len(queries) > 1:
        return error(request, 400, "send one query, not several")
    text = queries[0]
    if not text.strip():
        return error(request, 400, "no query: the query is empty")
    try:
        info = await run_in_threadpool(check_query, text, config.allow_service)
        check_graphs(params.get("default-graph-uri") or [], "default-graph-uri")
        check_graphs(params.get("named-graph-uri") or [], "named-graph-uri")
    except Refused as exc:
        return error(request, exc.status, exc.message)
    offers = neg.GRAPH_TYPES if info.form in ("CONSTRUCT", "DESCRIBE") else neg.RESULTS_TYPES
    wanted = (params.get("format") or params.get("output") or [None])[0]
    if wanted:
        offer = neg.by_name(wanted, offers)
        if offer is None:
            return error(request, 406, f"format {wanted!r} is not available for this query; available: "
                                       + ", ".join(o.suffix for o in offers))
    else:
        offer = neg.choose(request.headers.get("accept"), offers)
        if offer is None:
            return _not_acceptable(request, offers)
    job = {"sparql": text, "format": offer.suffix, "max_rows": config.max_rows, "prefixes": config.prefixes,
           "default_graphs": params.get("default-graph-uri") or [], "named_graphs": params.get("named-graph-uri") or []}
    return await run_in_threadpool(_run_job, request, job, offer)


def _run_job(request, job: dict, offer: neg.Offer):
    """Send a job to the query workers and turn the answer into a response."""
    config = _config(request)
    started = time.monotonic()
    try:
        answer = config.pool.run(job, config.query_timeout, wait=max(config.query_timeout, WORKER_WAIT))
    except PoolBusy:
        return error(request, 503, f"the server is busy: all {config.pool.size} query workers were taken for "
                                   f"{max(config.query_timeout, WORKER_WAIT):g} s; try again shortly",
                     {"Retry-After": "5"})
    if answer.get("status") == "died":
        log.warning("a query worker stopped after %.1f s: %s", time.monotonic() - started, job["sparql"][:200])
    return _answer_response(request, answer, offer)


def _answer_response(request, answer: dict, offer: neg.Offer):
    """A worker's answer (or one read from a listing) as a response."""
    from starlette.responses import Response

    config = _config(request)
    status = answer.get("status")
    if status == "timeout":
        return error(request, 503, f"the query ran longer than {config.query_timeout:g} s and was stopped; "
                                   "narrow it down or add a LIMIT", {"Retry-After": "5"})
    if status == "died":
        return error(request, 503, answer.get("message") or "the query stopped its worker; most likely it "
                                                             "needed more memory than the server allows")
    if status != "ok":
        return error(request, int(answer.get("code", 500)), answer.get("message", "the query failed"))
    headers = {"Vary": "Accept"}
    if answer.get("truncated"):
        headers[TRUNCATED_HEADER] = str(config.max_rows)
    return Response(answer["body"], media_type=_media(offer), headers=headers)


async def _sparql_params(request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_QUERY_BYTES:
        raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
    body = await _body(request)
    if content_type == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    if content_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the form is not UTF-8") from None
        for name, value in parse_qsl(text, keep_blank_values=True):
            params.setdefault(name, []).append(value)
    elif content_type == "application/sparql-query":
        try:
            params.setdefault("query", []).append(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise Refused(400, "the query is not UTF-8") from None
    else:
        raise Refused(415, "send the query as application/x-www-form-urlencoded (query=…) or "
                           "application/sparql-query" + (f", not {content_type}" if content_type
                                                         else "; the request has no Content-Type"))
    return params


async def _body(request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_QUERY_BYTES:
            raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _service_description(request):
    from starlette.responses import Response

    offers = (neg.RESOURCE_TYPES[0],) + neg.GRAPH_TYPES
    offer = neg.choose(request.headers.get("accept"), offers)
    if offer is None:
        return _not_acceptable(request, offers)
    endpoint = str(request.url.replace(query=""))
    if offer.rdf_format is None:
        form = ('<form method="post" action=""><textarea name="query" rows="12" cols="80">'
                "SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea><br><button>Run</button></form>")
        return _html(_page("SPARQL endpoint", form), headers={"Vary": "Accept"})
    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    node = ox.BlankNode("service")
    triples = [
        ox.Triple(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Service")),
        ox.Triple(node, ox.NamedNode(sd + "endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(node, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(node, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        triples.append(ox.Triple(node, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(formats + name)))
    body = ox.serialize(triples, format=offer.rdf_format, prefixes={"sd": sd})
    return Response(body, media_type=_media(offer), headers={"Vary": "Accept"})


# The stored queries as a web API ----------------------------------------------------------------

API_FORMATS = neg.RESULTS_TYPES


def api_list(request):
    """``/api/queries``: every stored query with its parameters, columns and URL."""
    from starlette.responses import JSONResponse

    from ..queries import catalogue as q

    root = _root(request)
    listing = []
    for name, stored in q.catalogue().items():
        listing.append({
            "name": name, "summary": stored.summary, "description": stored.description, "tags": stored.tags,
            "url": f"{root}api/queries/{name}",
            "parameters": [{"name": p.name, "type": p.type, "required": _required(p), "default": p.default,
                            "description": p.description} for p in stored.parameters],
            "columns": stored.columns,
            "pagination": stored.pagination,
        })
    return JSONResponse({"queries": listing})


def _required(p) -> bool:
    return not p.optional and p.default is None


def api_query(request):
    """``/api/queries/{name}?param=value&format=json|xml|csv|tsv``: one stored query's rows.

    A paginated query (``#+ pagination: N``) answers one page of N rows, ``page=1`` unless asked
    otherwise, with a ``Link`` header to the first, previous and next pages, as grlc does.
    """
    from ..queries import catalogue as q
    from ..queries import params, run as qrun

    config = _config(request)
    name = request.path_params["name"]
    try:
        stored = q.find(name)
    except QueryError as exc:
        return error(request, 404, str(exc), json_default=True)
    refused = _stored_refused(stored, config)
    if refused is not None:
        return error(request, refused.status, refused.message, json_default=True)
    values = {}
    for key, value in request.query_params.multi_items():
        if key == "format" or (key == "page" and stored.pagination):
            continue
        if key in values:
            return error(request, 400, f"parameter {key} is given twice", json_default=True)
        values[key] = value
    page = None
    if stored.pagination:
        pages = request.query_params.getlist("page")
        if len(pages) > 1:
            return error(request, 400, "parameter page is given twice", json_default=True)
        try:
            page = qrun.check_page(pages[0]) if pages else 1
        except QueryError as exc:
            return error(request, 400, str(exc), json_default=True)
    wanted = request.query_params.get("format")
    if wanted:
        offer = neg.by_name(wanted, API_FORMATS)
        if offer is None:
            return error(request, 400, f"format {wanted!r} is not available; available: "
                                       + ", ".join(o.suffix for o in API_FORMATS), json_default=True)
    else:
        offer = neg.choose(request.headers.get("accept"), API_FORMATS)
        if offer is None:
            return _not_acceptable(request, API_FORMATS)
    try:
        bindings = params.bind(stored, values, config.store)
        text = params.with_values(stored.text, bindings)
    except QueryError as exc:
        return error(request, 400, str(exc), json_default=True)
    if page is None:
        job = {"sparql": text, "format": offer.suffix, "max_rows": config.max_rows}
        return _run_job(request, job, offer)
    size = stored.pagination
    listed = config.listings.page(stored, page) if not bindings and config.listings else None
    if listed is not None:
        # Read from the store's listing, and cut as a worker cuts a page (below).
        rows, cap = listed.result.rows, min(size, config.max_rows)
        truncated = len(rows) > cap or listed.has_next
        listed.result.rows = rows[:cap]
        response = _answer_response(request, {
            "status": "ok", "body": serialize_result(listed.result, offer.suffix), "truncated": truncated}, offer)
    else:
        # One row more than the page holds: the worker stops at the page and says whether it was cut.
        job = {"sparql": qrun.paginate(text, size, page, extra=1), "format": offer.suffix,
               "max_rows": min(size, config.max_rows)}
        response = _run_job(request, job, offer)
    if response.status_code != 200:
        return response
    links = [(1, "first")] + ([(page - 1, "prev")] if page > 1 else [])
    if TRUNCATED_HEADER in response.headers and size <= config.max_rows:
        del response.headers[TRUNCATED_HEADER]  # cut at the page, not at the server's row cap
        links.append((page + 1, "next"))
    from urllib.parse import urlencode

    others = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    response.headers["Link"] = ", ".join(
        f'<{_root(request)}api/queries/{name}?{urlencode(others + [("page", n)])}>; rel="{rel}"' for n, rel in links)
    return response


def _stored_refused(stored, config: Config) -> Refused | None:
    """Why the server does not run a stored query (one that calls a SERVICE it was not told to
    allow: the server makes no request of its own unless started with ``--allow-service``), or None."""
    try:
        check_query(stored.text, config.allow_service)
    except Refused as exc:
        return Refused(exc.status, f"the stored query {stored.name} is not run here: {exc.message}")
    return None


def openapi(request):
    """``/api/openapi.json``: an OpenAPI 3 document of every stored query endpoint."""
    from starlette.responses import JSONResponse

    return JSONResponse(openapi_document(_root(request)))


_SCHEMAS = {
    "iri": {"type": "string"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
}


def _typed_default(kind: str, raw: str):
    try:
        if kind == "integer":
            return int(raw)
        if kind == "decimal":
            return float(raw)
        if kind == "boolean":
            return raw.strip().lower() in ("true", "1")
    except ValueError:
        return raw
    return raw


def openapi_document(root: str = "/") -> dict:
    """The OpenAPI 3.0 description of ``/api/queries/{name}`` for every stored query."""
    from .. import __version__
    from ..queries import catalogue as q

    error_response = {"description": "", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
        "text/plain": {"schema": {"type": "string"}}}}

    def failure(text):
        return dict(error_response, description=text)

    paths = {
        "/api/queries": {"get": {
            "operationId": "listQueries", "summary": "Every stored query, with its parameters and columns",
            "tags": ["catalogue"],
            "responses": {"200": {"description": "The catalogue", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"queries": {"type": "array", "items": {"type": "object"}}}}}}}},
        }},
    }
    format_parameter = {
        "name": "format", "in": "query", "required": False,
        "description": "The results format (else chosen by the Accept header): the W3C SPARQL 1.1 results formats.",
        "schema": {"type": "string", "enum": [o.suffix for o in API_FORMATS], "default": "json"},
    }
    for name, stored in q.catalogue().items():
        parameters = []
        for p in stored.parameters:
            schema = dict(_SCHEMAS[p.type])
            if p.default is not None:
                schema["default"] = _typed_default(p.type, p.default)
            description = p.description or p.name
            if p.type == "iri":
                description += " (a label, a prefixed name such as camp:karlag, or a full IRI)"
            parameters.append({"name": p.name, "in": "query", "required": _required(p),
                               "description": description, "schema": schema})
        columns = "".join(f"\n- `{c}`: {d}" for c, d in stored.columns.items())
        paths[f"/api/queries/{name}"] = {"get": {
            "operationId": "query_" + name.replace("-", "_"),
            "summary": stored.summary,
            "description": (stored.description + "\n\nColumns:" + columns) if columns else stored.description,
            "tags": stored.tags or ["queries"],
            "parameters": parameters + [format_parameter] + ([{
                "name": "page", "in": "query", "required": False,
                "description": f"The page of {stored.pagination} rows to answer; the Link header gives the "
                               "first, previous and next pages.",
                "schema": {"type": "integer", "minimum": 1, "default": 1}}] if stored.pagination else []),
            "responses": {
                "200": {"description": "The rows, in the SPARQL 1.1 results format asked for. Cut at the server's "
                                       f"row cap, in which case the {TRUNCATED_HEADER} header gives the cap.",
                        "headers": {TRUNCATED_HEADER: {"description": "present when the rows were cut at this cap",
                                                       "schema": {"type": "integer"}},
                                    **({"Link": {"description": "the first, previous and next pages (RFC 8288)",
                                                 "schema": {"type": "string"}}} if stored.pagination else {})},
                        "content": {
                            "application/sparql-results+json": {
                                "schema": {"$ref": "#/components/schemas/SparqlResults"}},
                            "application/sparql-results+xml": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}}}},
                "400": failure("A parameter that cannot be used (unknown, not of its type, or naming nothing)"),
                "406": {"description": "None of the accepted media types can be served",
                        "content": {"text/plain": {"schema": {"type": "string"}}}},
                "503": failure("The query ran out of time, or the server is busy"),
            },
        }}
    term = {"type": "object", "required": ["type", "value"], "properties": {
        "type": {"type": "string", "enum": ["uri", "literal", "bnode", "typed-literal"]},
        "value": {"type": "string"}, "datatype": {"type": "string"}, "xml:lang": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "heritage-graph stored queries", "version": __version__,
                 "description": "Every stored SPARQL query of heritage-graph as a web API. Parameters are bound "
                                "as RDF terms, never pasted into the query text.",
                 "license": {"name": "Code MIT; data CC BY 4.0"}},
        "servers": [{"url": root.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": {
            "SparqlResults": {"type": "object", "required": ["head"], "properties": {
                "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
                "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {
                    "type": "object", "additionalProperties": term}}}},
                "boolean": {"type": "boolean"}}},
            "Error": {"type": "object", "required": ["status", "error"], "properties": {
                "status": {"type": "integer"}, "error": {"type": "string"}}},
        }},
    }


# Running ----------------------------------------------------------------------------------------


def run(host: str = "127.0.0.1", port: int = 8080, *, store=None, base: str | None = None, data_paths=None,
        query_timeout: float = 10, max_rows: int = 10000, allow_service: Iterable[str] = (), workers: int = 2,
        log_level: str = "info") -> None:
    """Serve the graph with uvicorn until interrupted.

    :raises ConfigError: the port cannot be bound, or a limit cannot be used.
    :raises InputError: the data cannot be loaded.
    """
    import uvicorn

    if not 0 < int(port) < 65536:
        raise ConfigError(f"port {port} is not a TCP port (1–65535)")
    app = create_app(store, base=base, data_paths=data_paths, query_timeout=query_timeout, max_rows=max_rows,
                     allow_service=allow_service, workers=workers)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, int(port)))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    uvicorn.run(app, host=host, port=int(port), log_level=log_level)

