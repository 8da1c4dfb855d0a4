"""The ``load`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..queries.saved import save_store
from ..util.terminal import echo


@click.command("load")
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
    echo(f"Loaded {len(dataset.files)} files, {dataset.store.triple_count()} triples into {store_dir}")


command = load
