"""The ``serve`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from ..queries.saved import open_store
from ..serve import app as server
from ..util.terminal import echo


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface, behind a proxy).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port.")
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders to build the release from instead of the bundled data (the ontology is "
                   "always added).")
@click.option("--release", "release_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Serve a release built already ('heritage-graph build --out DIR'); nothing is rebuilt.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Answer SPARQL and the query API from a saved Oxigraph store (see 'heritage-graph load --store') "
                   "instead of the release's data.")
@click.option("--base", metavar="IRI", envvar="HERITAGE_GRAPH_BASE",
              help="The IRI base the data uses; /id/... on this server stands for BASE/id/... "
                   "(default: https://w3id.org/heritage-graph/ or $HERITAGE_GRAPH_BASE).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10, show_default=True,
              help="Seconds a SPARQL query may run before it is stopped (503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Rows (or triples) a query answers at most; a cut result carries X-SPARQL-MaxRows.")
@click.option("--max-bytes", type=click.IntRange(min=1024), default=server.MAX_BYTES, show_default=True,
              help="Bytes a query result takes at most; a result cut there carries X-SPARQL-MaxBytes, one whose "
                   "first row is larger answers 507.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="SPARQL queries that run at once (one process each).")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="A host (or endpoint IRI) that SPARQL SERVICE clauses may call. Repeatable; default: none.")
def serve(host, port, data, release_dir, store_dir, base, timeout, max_rows, max_bytes, workers, allow_service):
    """Serve the release that 'build' writes, with a read-only SPARQL endpoint and the stored queries as a web API.

    The release is built at start into a temporary folder (removed at exit), or taken as it is
    with --release. Every URL of it answers as on a static host: resource IRIs answer 303 See
    Other to their documents (HTML, Turtle, JSON-LD, N-Triples, RDF/XML, by the Accept header).
    Only the live parts are added: /sparql is SPARQL 1.1 Protocol for queries only;
    /api/queries/NAME runs a stored query and /api/openapi.json describes them all;
    /queries/NAME.html?param=value runs a query's page with those values. See docs/serve.md.
    Stop with Ctrl-C.

    Example:

        heritage-graph serve

        curl -L -H 'Accept: text/turtle' http://127.0.0.1:8080/id/camp/karlag

        curl 'http://127.0.0.1:8080/api/queries/prisoner-shares?camp=Karlag&format=csv'

        heritage-graph serve --store graph.oxigraph --port 8000 --timeout 5

        heritage-graph build --out build/site && heritage-graph serve --release build/site
    """
    if store_dir and data:
        raise ConfigError("give --store or --data, not both")
    store = None
    if store_dir:
        store = open_store(store_dir)
    echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)"
               + ("" if release_dir else "; building the release first"), err=True)
    server.run(host, port, store=store, release=release_dir, base=base, data_paths=list(data) or None,
               query_timeout=timeout, max_rows=max_rows, allow_service=allow_service, workers=workers,
               max_bytes=max_bytes)


command = serve
