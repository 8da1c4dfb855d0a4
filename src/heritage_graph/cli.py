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
from .errors import ConfigError, HeritageGraphError
from .export import export as export_graph
from .generate import generate as generate_register
from .generate import parse_arguments
from .ingest.importer import import_archive
from .ingest.importer import import_csv as import_csv_file
from .link.run import reconcile_command
from .publish.build import build as build_release
from .push import push as push_release
from .queries import catalogue as q
from .queries.answer import answer, stored_query
from .queries.saved import open_source, open_store, save_store
from .serve import app as server
from .validate.run import validate as validate_data


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
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the shapes as SPARQL queries on the store; pyshacl: the reference engine. "
                   "Both give the same findings.")
def validate(paths, fmt, shapes, engine):
    """Check the data against the SHACL shapes and report what breaks which rule.

    PATHS are data files or folders (default: the bundled data); the bundled ontology is always
    loaded with them. Exit status: 0 when the data conforms (warnings are shown but pass),
    1 on violations, 2 when the input cannot be used. Shapes that use a SHACL feature the fast
    engine does not evaluate are validated with pySHACL, with a note on standard error.

    Example:

        heritage-graph validate

        heritage-graph validate data/kazakhstan/claims.ttl --format json
    """
    report = validate_data(list(paths) or None, shapes=list(shapes) or None, engine=engine)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(report.render(fmt))
    sys.exit(report.exit_code)


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
        click.echo(q.describe_catalogue())
        return
    if catalogue:
        click.echo(q.catalogue_turtle())
        return
    if not query_file and not name:
        raise click.UsageError("name a stored query (see --list) or give --file")
    stored = stored_query(name, query_file)
    if help_:
        click.echo(q.describe(stored))
        return
    if (page is not None or all_pages) and stored.pagination is None:
        raise click.UsageError(f"query {stored.name!r} answers in one piece: it has no pages", ctx)
    if page is not None and all_pages:
        raise click.UsageError("give --page or --all-pages, not both", ctx)
    store = open_source(endpoint, data, store_dir, timeout=timeout, user=user, password=password, auth=auth)
    found = answer(stored, store, _params(params), fmt, page=page, all_pages=all_pages)
    click.echo(found.text)
    if found.note:
        click.echo(found.note, err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of the Oxigraph store to write; replaced whole, only once every file has loaded.")
def load(paths, store_dir):
    """Load the ontology and data into a saved Oxigraph store, one named graph per file.

    The store keeps the pages of the queries that list a whole register (names, timeline) worked
    out, so that reading one is quick (see docs/queries.md, "Listings"). The store is written
    beside its final place and swapped in at the end, so a failed load
    leaves the previous store as it was.

    Example:

        heritage-graph load --store graph.oxigraph

        heritage-graph query prisoner-shares --store graph.oxigraph
    """
    dataset = save_store(list(paths) or None, store_dir)
    click.echo(f"Loaded {len(dataset.files)} files, {dataset.store.triple_count()} triples into {store_dir}")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--persons", required=True, metavar="N", help="How many persons the register lists (0 or more).")
@click.option("--seed", default="0", show_default=True, metavar="S",
              help="The random seed: the same N, S and R give the same file, byte for byte.")
@click.option("--invalid-rate", default="0", show_default=True, metavar="R",
              help="The share of records (0 to 1) broken on purpose, each against a rule of the shapes.")
def generate(out, persons, seed, invalid_rate):
    """Write a synthetic prisoner register of invented persons, for tests and benchmarks.

    OUT is an N-Triples (.nt) or Turtle (.ttl) file, replaced atomically. Each person has a name
    in Lithuanian and Russian, a birth year, a people group, an arrest, a camp and a release or
    death, each cited to the register's own (synthetic) source; about 22 triples per person.
    R of the records break a rule of the shapes in a varied way. Validate the register with the
    bundled data it points to. See docs/generate.md.

    Example:

        heritage-graph generate --persons 45000 --seed 1 /tmp/register.ttl

        heritage-graph generate --persons 200 --invalid-rate 0.1 /tmp/register.nt

        heritage-graph validate data/common data/kazakhstan /tmp/register.nt
    """
    summary = generate_register(*parse_arguments(persons, seed, invalid_rate), out)
    click.echo(summary.text())


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
    result = import_csv_file(csv_file, mapping, out_file)
    click.echo(result.summary())


@main.command()
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
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="SPARQL queries that run at once (one process each).")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="A host (or endpoint IRI) that SPARQL SERVICE clauses may call. Repeatable; default: none.")
def serve(host, port, data, release_dir, store_dir, base, timeout, max_rows, workers, allow_service):
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
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)"
               + ("" if release_dir else "; building the release first"), err=True)
    server.run(host, port, store=store, release=release_dir, base=base, data_paths=list(data) or None,
               query_timeout=timeout, max_rows=max_rows, allow_service=allow_service, workers=workers)


@main.command()
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
def push(endpoint, store_kind, graph, user, password, auth, data, timeout, update_endpoint, query_endpoint,
         check_query):
    """Upload the release into a SPARQL store, replacing the previous release there.

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
                      query_endpoint=query_endpoint, check_query=check_query)
    click.echo(result.summary())


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build/site"),
              show_default=True,
              help="Folder of the release; replaced whole, and only once the new release is complete.")
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders to publish instead of the bundled data (the ontology is always added). "
                   "Repeatable.")
@click.option("--date", "date", metavar="YYYY-MM-DD",
              help="The release date written into the release (default: today); fix it to rebuild byte for byte.")
def build(out_dir, data, date):
    """Publish a release: dumps, VoID description, ontology documentation and a static site.

    Validates the data first and publishes nothing if it does not conform (exit status 1). The
    release is written beside OUT and swapped in at the end, so a failed or killed build leaves the
    previous release as it was; its manifest lists the claims added, removed and changed since that
    release. Serve OUT from any static host; OUT/.htaccess and OUT/nginx.conf make /id/ IRIs answer
    303 See Other to their pages or data (see docs/publish.md).

    Example:

        heritage-graph build --out build/site

        heritage-graph build --date 2026-11-27 --data data/kazakhstan
    """
    result = build_release(out_dir, data_paths=list(data) or None, date=date)
    click.echo(result.summary())


@main.command()
@click.option("--endpoint", metavar="URL",
              help="A Wikidata-shaped SPARQL endpoint to find candidates in (default: the imported registers in data/archives/).")
@click.option("--type", "type_", default="Camp", show_default=True, metavar="CLASS",
              help="The class of the local resources to reconcile: Camp, Place, City, Group, Person, ... or an IRI.")
@click.option("--review", "review", type=click.Path(path_type=Path, dir_okay=False),
              help="Write every candidate with its scores to this CSV, for a curator to mark 'accept' = yes.")
@click.option("--accept", "threshold", type=float, metavar="THRESHOLD",
              help="Link each local resource to its best candidate scoring at least THRESHOLD (0-1), e.g. 0.8.")
@click.option("--from-review", "from_review", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Link the rows of a review CSV whose 'accept' column is yes (instead of --accept).")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="The linkset Turtle file to write (default: data/links/{target}-links.ttl).")
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders to read instead of the bundled data.")
@click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for the endpoint.")
def reconcile(endpoint, type_, review, threshold, from_review, out, data, timeout):
    """Find the register camps or Wikidata entities that the hand-curated resources are.

    For every local resource of the class (from the hand-edited data, not the imported archives),
    score the candidates in the imported register (default) or a Wikidata-shaped endpoint by
    name similarity across scripts, type agreement and distance, and print the best of each.
    --review writes every candidate to a CSV; --accept THRESHOLD links the best candidate at or
    above the threshold; --from-review FILE links the rows a curator marked accept = yes. Links
    are written, validated first and atomically, to a linkset with how each was made. See
    docs/link.md.

    Example:

        heritage-graph reconcile --review /tmp/camps-review.csv

        heritage-graph reconcile --accept 0.8

        heritage-graph reconcile --from-review /tmp/camps-review.csv --out /tmp/camps-links.ttl

        heritage-graph reconcile --type Place --endpoint http://127.0.0.1:7878/query --accept 0.8 --out /tmp/wikidata-links.ttl
    """
    reconcile_command(type_=type_, endpoint=endpoint, review=review, threshold=threshold, from_review=from_review,
                      out=out, data=data, timeout=timeout, say=click.echo)


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["schema-org", "linked-art", "geojson", "csv"]))
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="The file to write (a folder for csv); default: standard output (csv: ./export-csv/).")
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders to export instead of the bundled data.")
def export(fmt, out, data):
    """Export the graph for other tools: schema.org JSON-LD, Linked Art, GeoJSON or CSV.

    schema-org is JSON-LD for search engines and dataset search (a schema:Dataset and its places,
    events, memorials, people and organisations); linked-art is a CIDOC-CRM / Linked Art view in
    Turtle, made by the CONSTRUCT queries of src/heritage_graph/mappings/; geojson is a
    FeatureCollection of every place, camp and memorial with coordinates; csv writes one CSV file
    per class into a folder. Files are written atomically. See docs/export.md.

    Example:

        heritage-graph export schema-org --out site/dataset.jsonld

        heritage-graph export linked-art --out /tmp/heritage-graph.crm.ttl

        heritage-graph export geojson --out /tmp/places.geojson

        heritage-graph export csv --out /tmp/heritage-graph-csv
    """
    result = export_graph(fmt, out, paths=list(data) or None)
    if out is None and fmt != "csv":
        click.echo(result.text.rstrip("\n"))
    else:
        click.echo(result.summary(), err=out is None)


if __name__ == "__main__":  # pragma: no cover
    main()
