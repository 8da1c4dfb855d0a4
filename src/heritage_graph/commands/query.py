"""The ``query`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..queries import catalogue as q
from ..queries.answer import answer, stored_query
from ..queries.saved import open_source
from ..util.terminal import echo


@click.command("query", add_help_option=False)
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the stored queries with their summaries and parameters.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value: a label (Lithuanians), a prefixed name or an IRI, a number. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md"]), default="table",
              show_default=True, help="table/md for people; csv, tsv, json in the W3C SPARQL results formats.")
@click.option("--file", "query_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Run an ad-hoc .rq file instead of a stored query.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the bundled graph.")
@click.option("--user", help="User name for the endpoint.")
@click.option("--password", envvar="HERITAGE_GRAPH_PASSWORD", help="Password for the endpoint (or $HERITAGE_GRAPH_PASSWORD).")
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="basic", show_default=True)
@click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for the endpoint.")
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders to query instead of the bundled data.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path, file_okay=False),
              help="A saved Oxigraph store (see 'heritage-graph load --store').")
@click.option("--page", type=click.IntRange(min=1), metavar="N",
              help="For a query that answers in pages (see its --help): the page to show.  [default: 1]")
@click.option("--all-pages", is_flag=True, help="For a query that answers in pages: every row at once.")
@click.option("--catalogue", is_flag=True, help="Print the query catalogue as RDF (Turtle).")
@click.option("--help", "help_", is_flag=True, help="Show this message, or a stored query's own help.")
@click.pass_context
def query(ctx, name, list_, params, fmt, query_file, endpoint, user, password, auth, timeout, data, store_dir,
          page, all_pages, catalogue, help_):
    """Run a stored SPARQL query by name, on the bundled graph or any SPARQL endpoint.

    Example:

        heritage-graph query --list

        heritage-graph query prisoner-shares

        heritage-graph query memorials --param group=Lithuanians --format csv

        heritage-graph query prisoner-shares --endpoint http://127.0.0.1:7878/query

        heritage-graph query timeline --page 2

        heritage-graph query names --all-pages --format csv > names.csv
    """
    if help_ and not name:
        click.echo(ctx.get_help())
        return
    if list_:
        echo(q.describe_catalogue())
        return
    if catalogue:
        echo(q.catalogue_turtle(), data=True)
        return
    if not query_file and not name:
        raise click.UsageError("name a stored query (see --list) or give --file")
    stored = stored_query(name, query_file)
    if help_:
        echo(q.describe(stored))
        return
    if (page is not None or all_pages) and stored.pagination is None:
        raise click.UsageError(f"query {stored.name!r} answers in one piece: it has no pages", ctx)
    if page is not None and all_pages:
        raise click.UsageError("give --page or --all-pages, not both", ctx)
    store = open_source(endpoint, data, store_dir, timeout=timeout, user=user, password=password, auth=auth)
    found = answer(stored, store, _params(params), fmt, page=page, all_pages=all_pages)
    echo(found.text, data=fmt not in ("table", "md"))
    if found.note:
        echo(found.note, err=True)


def _params(pairs) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: write it as name=value", param_hint="--param")
        values[name.strip()] = value
    return values


command = query
