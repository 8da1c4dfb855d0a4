"""The live server: the release that ``build`` writes, plus what only a live process can do.

:func:`create_app` builds a Starlette (ASGI) application over a release folder and an Oxigraph
store holding the same data; :func:`run` builds the release (or takes one built already) and
serves it with uvicorn. Routes (see ``docs/serve.md``):

====================================  ==========================================================
``/sparql``                           SPARQL 1.1 Protocol, queries only (:mod:`.sparql`)
``/sparql/limits``                    the row and byte caps, linked from a cut result
                                      (:mod:`.description`)
``/api/queries[/{name}]``             every stored query as a web API (:mod:`.api`);
                                      ``/api/openapi.json`` describes it (:mod:`.openapi`)
``/queries/{name}.html?param=value``  a stored query's page run live (:mod:`.querypages`)
``/search?q=…`` (``/search.html``)    the names searched live, a page or JSON (:mod:`.search`)
every other URL                       the release's file (:mod:`.static`): ``/id/…`` 303 to
                                      ``/doc/…``, ``/dataset``, ``/ontology``, ``/dumps/…`` …
====================================  ==========================================================
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import tempfile
import threading
import weakref
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.routing import Route

from ..errors import ConfigError, QueryError
from ..publish.build import build
from ..queries import listing
from ..rdf.load import Dataset, load
from ..rdf.store import OxigraphStore
from ..rdf.vocab import configured_base
from .. import web
from ..web.search import SearchIndex
from . import static
from .api import api_list, api_query
from .config import Config, prefixes_for
from .description import limits
from .openapi import openapi
from .policy import load_parser
from .pool import QueryPool
from .querypages import query_page
from .search import search_page
from .responses import CORS, internal_error, not_allowed, not_found
from .sparql import sparql

log = logging.getLogger("heritage_graph.serve")

#: The most bytes a query result takes by default (``--max-bytes``): 32 MiB.
MAX_BYTES = 32 * 1024 * 1024
#: Seconds the server gives the requests under way to end once told to stop (SIGTERM, Ctrl-C);
#: then it ends them and its query workers.
STOP_SECONDS = 3

#: What marks a folder as a release (``build`` writes them).
RELEASE_MARKS = ("index.html", "manifest.json", "dumps/heritage-graph.nq")


def routes() -> list[Route]:
    """The routes, the live ones first; every other path is the release's."""
    return [
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/sparql/limits", limits),
        Route("/api/queries", api_list),
        Route("/api/queries/{name}", api_query),
        Route("/api/openapi.json", openapi),
        Route("/queries/{name}", query_page),
        Route("/search", search_page),
        Route("/search.html", search_page),
        Route("/id/{kind}/{slug}", static.resource_id),
        Route("/doc/{kind}/{slug}", static.document),
        Route("/ontology", static.ontology),
        Route("/ontology/", static.ontology),
        Route("/ontology/{name}", static.ontology_file),
        Route("/dataset", static.dataset),
        Route("/data", static.old_dataset),
        Route("/data.{ext}", static.old_dataset),
        Route("/class/{name}", static.old_class),
        Route("/{path:path}", static.release_file),
    ]


def create_app(store=None, *, release: Path | str | None = None, base: str | None = None, data_paths=None,
               query_timeout: float = 10, max_rows: int = 10000, allow_service: Iterable[str] = (),
               workers: int = 2, max_memory_mb: int | None = 2048, max_bytes: int | None = MAX_BYTES):
    """The Starlette application serving ``release`` (a folder ``build`` wrote) and, for the SPARQL
    endpoint, the query API and the live query pages, ``store`` (an :class:`OxigraphStore` or a
    loaded dataset) holding the same data.

    Without ``store`` it loads ``data_paths`` (default: the bundled data) with the ontology. Without
    ``release`` only the live parts answer (:func:`run` builds one). ``base`` is the IRI base the
    data uses (default: ``HERITAGE_GRAPH_BASE`` or ``https://w3id.org/heritage-graph/``); ``/id/…``
    on this server stands for ``{base}id/…``. ``query_timeout`` (seconds) and ``max_rows`` bound
    each SPARQL query, ``max_bytes`` the size of its result; ``allow_service`` lists the hosts (or endpoint IRIs) a ``SERVICE`` clause may
    call; ``workers`` query processes run at once.

    :raises ConfigError: a limit that cannot be used, a store that is not an Oxigraph store, or a
        folder that is not a release.
    :raises InputError: the data cannot be loaded.
    """
    if query_timeout <= 0:
        raise ConfigError(f"the query timeout must be more than 0 seconds, not {query_timeout}")
    if max_rows < 1:
        raise ConfigError(f"the row cap must be at least 1, not {max_rows}")
    if max_bytes is not None and max_bytes < 1024:
        raise ConfigError(f"the byte cap must be at least 1024 bytes, not {max_bytes}")
    folder = check_release(release) if release is not None else None
    base = normal_base(base or (release_base(folder) if folder is not None else None))
    if store is None:
        store = load(data_paths, base=base).store
    store = getattr(store, "store", store)  # a load.Dataset
    if not isinstance(store, OxigraphStore):
        raise ConfigError("the server serves an Oxigraph store (heritage_graph.rdf.store.OxigraphStore); "
                          f"got {type(store).__name__}")
    pool, listings = _pool_for(store, workers, max_memory_mb)
    config = Config(store, base, pool, float(query_timeout), int(max_rows), tuple(allow_service), prefixes_for(base),
                    release=folder, listings=listings, max_bytes=max_bytes)

    @asynccontextmanager
    async def lifespan(app):
        threading.Thread(target=pool.start, daemon=True).start()
        threading.Thread(target=load_parser, daemon=True).start()
        try:
            yield
        finally:
            pool.stop()

    # the search index, built once from the data the pages show (a few seconds at a million triples)
    config.search = SearchIndex.of(web.SiteData(store, base=base))
    app = Starlette(routes=routes(), lifespan=lifespan,
                    exception_handlers={404: not_found, 405: not_allowed, Exception: internal_error})
    app.state.config = config
    weakref.finalize(app, pool.close)
    return CORS(app)


def normal_base(base: str | None) -> str:
    """``base`` (default: the configured one) ending in ``/`` or ``#``."""
    base = base or configured_base()
    return base if base.endswith(("/", "#")) else base + "/"


def check_release(folder: Path | str) -> Path:
    """``folder`` if it holds a release, resolved.

    :raises ConfigError: it holds none (``heritage-graph build --out FOLDER`` writes one).
    """
    folder = Path(folder).resolve()
    missing = [mark for mark in RELEASE_MARKS if not (folder / mark).is_file()]
    if missing:
        raise ConfigError(f"{folder} is not a release (no {missing[0]}); "
                          f"write one with 'heritage-graph build --out {folder}'")
    return folder


def release_base(folder: Path) -> str | None:
    """The IRI base a release was built for (its ``manifest.json`` says), or None."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("base")
    except (OSError, ValueError, AttributeError):
        return None


def _pool_for(store: OxigraphStore, workers: int, max_memory_mb: int | None):
    """The query workers, and the listings of the paginated stored queries (:mod:`.listing`).

    Over a saved store the workers open it, and its listings are its own; over a store in memory
    they load a dump of it, beside which the listings are worked out first."""
    if store.path is not None:
        return QueryPool(("path", str(store.path)), size=workers, max_memory_mb=max_memory_mb), store.listings
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


@contextmanager
def prepared_release(release: Path | str | None = None, *, dataset: Dataset | None = None, base: str | None = None,
                     progress=None) -> Iterator[Path]:
    """The release folder to serve: ``release`` as it is (nothing is rebuilt), or one that
    :func:`heritage_graph.publish.build.build` writes now from ``dataset`` (the graph the endpoint
    answers from, so that the two hold the same) into a temporary folder, removed on leaving.

    :raises ConfigError: ``release`` is not a release.
    :raises InvalidDataError: the data does not conform to the shapes (as for ``build``).
    """
    if release is not None:
        yield check_release(release)
        return
    folder = Path(tempfile.mkdtemp(prefix="heritage-graph-release-"))
    try:
        build(folder / "release", dataset=dataset, base=base, progress=progress)
        yield folder / "release"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def release_store(release: Path, base: str | None = None) -> OxigraphStore:
    """A store holding the release's data, read from its N-Quads dump."""
    return load([release / f"{static.DUMP_STEM}.nq"], base=normal_base(base), with_ontology=False).store


def run(host: str = "127.0.0.1", port: int = 8080, *, store=None, release: Path | str | None = None,
        base: str | None = None, data_paths=None, query_timeout: float = 10, max_rows: int = 10000,
        allow_service: Iterable[str] = (), workers: int = 2, max_bytes: int | None = MAX_BYTES, log_level: str = "info",
        progress=None) -> None:
    """Serve a release with uvicorn until interrupted.

    ``release`` is a folder ``heritage-graph build`` wrote; without it the release is built now from
    ``data_paths`` (default: the bundled data), or from ``store``, into a temporary folder, removed
    at exit. The same graph, loaded once, answers the SPARQL endpoint and the query API (with
    ``release``: ``store``, or the release's N-Quads dump).

    :raises ConfigError: the port cannot be bound, a limit cannot be used, or ``release`` is not a
        release.
    :raises InputError: the data cannot be loaded.
    :raises InvalidDataError: the data does not conform to the shapes.
    """
    import uvicorn  # lazy: only a running server needs it

    if not 0 < int(port) < 65536:
        raise ConfigError(f"port {port} is not a TCP port (1–65535)")
    if release is not None and data_paths:
        raise ConfigError("give --release or --data, not both: a release is served as it was built")
    _check_port(host, port)
    dataset = None
    if release is None:  # the graph is loaded once: the release is built from it, the endpoint answers from it
        dataset = Dataset(store) if store is not None else load(data_paths, base=normal_base(base))
        store = dataset.store
    with prepared_release(release, dataset=dataset, base=base, progress=progress) as folder:
        base = base or release_base(folder)
        if store is None:
            store = release_store(folder, base)
        app = create_app(store, release=folder, base=base, query_timeout=query_timeout, max_rows=max_rows,
                         allow_service=allow_service, workers=workers, max_bytes=max_bytes)
        uvicorn.run(app, host=host, port=int(port), log_level=log_level, timeout_graceful_shutdown=STOP_SECONDS)


def _check_port(host: str, port: int) -> None:
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, int(port)))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
