"""The ``import`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..ingest.importer import import_archive
from ..ingest.importer import import_csv as import_csv_file
from ..util.terminal import echo


@click.group("import")
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
              help="Folder to write gulag-map.ttl and gulag-map.report.tsv into (default: data/archives/gulag-map/ under the current folder).")
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
        echo(result.problems_text())
    echo(result.summary())


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
    echo(result.summary())


command = import_
