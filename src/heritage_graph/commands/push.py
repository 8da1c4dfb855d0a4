"""The ``push`` command."""

from __future__ import annotations

from pathlib import Path

import functools

import click

from ..push import push as push_release
from ..util.terminal import echo
from ..validate.run import require_valid


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The store: an Oxigraph server's root, Virtuoso's root, a Fuseki dataset, a GraphDB "
                   "repository, or (generic) a Graph Store Protocol URL.")
@click.option("--store-kind", type=click.Choice(["oxigraph", "virtuoso", "fuseki", "graphdb", "generic"]),
              default="oxigraph", show_default=True, help="Which store, for its URL layout (docs/push.md).")
@click.option("--graph", metavar="IRI", help="Put everything into this one named graph (default: one graph per file).")
@click.option("--user", help="User name for the store.")
@click.option("--password", envvar="HERITAGE_GRAPH_PASSWORD", help="Password (or $HERITAGE_GRAPH_PASSWORD).")
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP authentication; Virtuoso needs digest.")
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders to push instead of the bundled data (the ontology is always added).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds to wait for each request to the store.")
@click.option("--update-endpoint", metavar="URL", help="The SPARQL Update URL, where the layout does not give it.")
@click.option("--query-endpoint", metavar="URL", help="The SPARQL query URL, where the layout does not give it.")
@click.option("--check-query", metavar="NAME",
              help="The stored query run on the store afterwards and compared with the local rows "
                   "(default: prisoner-shares; burials on Virtuoso).")
@click.option("--no-validate", "no_validate", is_flag=True,
              help="Push the data even if it does not conform to the shapes (default: refuse it, exit status 1).")
def push(endpoint, store_kind, graph, user, password, auth, data, timeout, update_endpoint, query_endpoint,
         check_query, no_validate):
    """Upload the release into a SPARQL store, replacing the previous release there.

    The data is validated first, as ``build`` validates it: data that does not conform is refused
    with one line naming the first violation (exit status 1), and nothing is sent to the store,
    unless ``--no-validate`` is given.

    Every graph is uploaded under a staging name (Graph Store Protocol PUT), its triples counted,
    and then all are switched in with one SPARQL Update request (MOVE GRAPH), graphs of the
    previous release that are gone are dropped, and the counts and a stored query are checked on
    the store. A failure before the switch leaves the store as it was. Running it twice changes
    nothing. See docs/push.md for each store.

    Example:

        oxigraph serve --location store/ --union-default-graph &

        heritage-graph push --endpoint http://127.0.0.1:7878

        heritage-graph push --endpoint http://127.0.0.1:8890 --store-kind virtuoso --user dba --auth digest

        heritage-graph push --endpoint http://127.0.0.1:3030/ds --store-kind fuseki --graph https://example.org/hg
    """
    result = push_release(endpoint, graph=graph, user=user, password=password, auth=auth, data_paths=list(data) or None,
                      store_kind=store_kind, timeout=timeout, update_endpoint=update_endpoint,
                      query_endpoint=query_endpoint, check_query=check_query,
                      check=None if no_validate else functools.partial(require_valid, nothing="nothing was pushed"))
    echo(result.summary())


command = push
