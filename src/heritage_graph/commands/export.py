"""The ``export`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..export import export as export_graph
from ..util.terminal import echo


@click.command("export")
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
        echo(result.text.rstrip("\n"), data=True)
    else:
        echo(result.summary(), err=out is None)



command = export
