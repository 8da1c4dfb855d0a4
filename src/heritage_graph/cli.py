"""The command line: parses options and calls one function per command, nothing more.

Errors raised on purpose (:class:`~heritage_graph.errors.HeritageGraphError`) become one line on
standard error and exit status 2; no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import HeritageGraphError


class Group(click.Group):
    """A click group that turns the package's errors into one clear line and exit status 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HeritageGraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # a bug, not bad input: one line unless debugging
            if os.environ.get("HERITAGE_GRAPH_DEBUG"):
                raise
            click.echo(f"error: internal error ({type(exc).__name__}: {exc}); "
                       "set HERITAGE_GRAPH_DEBUG=1 for the traceback and please report it", err=True)
            sys.exit(3)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="heritage-graph")
def main():
    """heritage-graph: Lithuanian communities and heritage worldwide, as linked data."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people, json for programs, turtle for the SHACL report graph.")
@click.option("--shapes", "shapes", multiple=True, type=click.Path(path_type=Path),
              help="Shapes files or folders to use instead of the bundled shapes/.")
def validate(paths, fmt, shapes):
    """Check the data against the SHACL shapes and report what breaks which rule.

    PATHS are data files or folders (default: the bundled data); the bundled ontology is always
    loaded with them. Exit status: 0 when the data conforms (warnings are shown but pass),
    1 on violations, 2 when the input cannot be used.

    Example:

        heritage-graph validate

        heritage-graph validate data/kazakhstan/claims.ttl --format json
    """
    from .validate import validate as run

    report = run(list(paths) or None, shapes=list(shapes) or None)
    click.echo(report.render(fmt))
    sys.exit(report.exit_code)


def _store(endpoint, data, store_dir, timeout, user, password, auth):
    """The store a command reads: a remote endpoint, a saved Oxigraph store, or the data loaded now."""
    if endpoint:
        from .store import EndpointStore

        return EndpointStore(endpoint, timeout=timeout, user=user, password=password, auth=auth)
    if store_dir:
        from .load import open_store

        return open_store(store_dir)
    from .load import load

    return load(list(data) or None).store


def _params(pairs) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: write it as name=value", param_hint="--param")
        values[name.strip()] = value
    return values


@main.command(add_help_option=False)
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
@click.option("--catalogue", is_flag=True, help="Print the query catalogue as RDF (Turtle).")
@click.option("--help", "help_", is_flag=True, help="Show this message, or a stored query's own help.")
@click.pass_context
def query(ctx, name, list_, params, fmt, query_file, endpoint, user, password, auth, timeout, data, store_dir,
          catalogue, help_):
    """Run a stored SPARQL query by name, on the bundled graph or any SPARQL endpoint.

    Example:

        heritage-graph query --list

        heritage-graph query prisoner-shares

        heritage-graph query memorials --param group=Lithuanians --format csv

        heritage-graph query prisoner-shares --endpoint http://127.0.0.1:7878/query
    """
    from . import query as q

    if help_ and not name:
        click.echo(ctx.get_help())
        return
    if list_:
        click.echo(q.describe_catalogue())
        return
    if catalogue:
        click.echo(q.catalogue_turtle())
        return
    if query_file:
        stored = q.adhoc(query_file)
    elif name:
        stored = q.find(name)
    else:
        raise click.UsageError("name a stored query (see --list) or give --file")
    if help_:
        click.echo(q.describe(stored))
        return
    store = _store(endpoint, data, store_dir, timeout, user, password, auth)
    from .results import render

    result = q.run(stored, store, _params(params))
    click.echo(render(result, fmt).rstrip("\n"))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of the Oxigraph store to write; replaced whole, only once every file has loaded.")
def load(paths, store_dir):
    """Load the ontology and data into a saved Oxigraph store, one named graph per file.

    The store is written beside its final place and swapped in at the end, so a failed load
    leaves the previous store as it was.

    Example:

        heritage-graph load --store graph.oxigraph

        heritage-graph query prisoner-shares --store graph.oxigraph
    """
    from .load import save_store

    dataset = save_store(list(paths) or None, store_dir)
    click.echo(f"Loaded {len(dataset.files)} files, {dataset.store.triple_count()} triples into {store_dir}")


@main.group("import")
def import_():
    """Import an archive's export or a CSV register into the graph, validated before it is written.

    Each import maps the rows to the ontology, reports every row it skips or has to interpret
    (file, line, row id, what was done), validates the result with the shapes and only then
    writes it, atomically: a failure or a kill leaves the previous file as it was.

    Example:

        heritage-graph import gulag-map /path/to/shared/archives/gulag-map

        heritage-graph import csv examples/nationality-table.csv --mapping examples/nationality-table.yaml --out /tmp/table.ttl
    """


@import_.command("gulag-map")
@click.argument("source", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write gulag-map.ttl and gulag-map.report.tsv into (default: data/archives/gulag-map/).")
@click.option("--verbose", "-v", is_flag=True, help="Also print every reported row, one line each.")
def import_gulag_map(source, out_dir, verbose):
    """Import the GULAG map register (Memorial, gulagmap.ru): camps, locations, prisoner counts.

    SOURCE is the folder of the archive's PostgreSQL INSERT files (camps.sql, camp-locations.sql,
    camp-statistics.sql, camp-types.sql, camp-activities.sql, camp-regions.sql). Prints the rows
    read, imported and reported per table and the kinds of reported rows; every reported row is
    listed in gulag-map.report.tsv beside the output. Exit status 0 when written, 2 when the
    archive cannot be read or the result does not conform to the shapes (nothing is written).

    Example:

        heritage-graph import gulag-map ../shared/archives/gulag-map

        heritage-graph import gulag-map ../shared/archives/gulag-map --out /tmp/gulag-map -v
    """
    from .importer import import_archive

    result = import_archive("gulag-map", source, out_dir)
    if verbose and result.problems:
        click.echo(result.problems_text())
    click.echo(result.summary())


@import_.command("csv")
@click.argument("csv_file", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--mapping", "mapping", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The YAML mapping of the CSV's columns to the ontology (see docs/import.md).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Turtle file to write (default: FILE with the suffix .ttl).")
def import_csv(csv_file, mapping, out_file):
    """Map the rows of a CSV register to resources and claims with a YAML mapping.

    Every row is checked first (required cells, numbers, dates, IRIs); if any row fails, every
    error is listed as FILE:LINE: column 'NAME': what is wrong, and nothing is written. The
    result is then validated with the shapes (with what it points to in the bundled data) and
    written atomically. Exit status 0 when written, 2 otherwise.

    Example:

        heritage-graph import csv examples/nationality-table.csv --mapping examples/nationality-table.yaml --out /tmp/nationality-table.ttl
    """
    from .importer import import_csv as run

    result = run(csv_file, mapping, out_file)
    click.echo(result.summary())


if __name__ == "__main__":  # pragma: no cover
    main()
