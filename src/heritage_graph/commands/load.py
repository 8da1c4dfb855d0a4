"""The ``load`` command."""

from __future__ import annotations

from pathlib import Path

import functools

import click

from ..queries.saved import save_store
from ..util.terminal import echo
from ..validate.run import require_valid


@click.command("load")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of the Oxigraph store to write; replaced whole, only once every file has loaded.")
@click.option("--no-validate", "no_validate", is_flag=True,
              help="Save the data even if it does not conform to the shapes (default: refuse it, exit status 1).")
def load(paths, store_dir, no_validate):
    """Load the ontology and data into a saved Oxigraph store, one named graph per file.

    The data is validated first, as ``build`` validates it: data that does not conform is refused
    with one line naming the first violation (exit status 1), and nothing is written, unless
    ``--no-validate`` is given.

    The store keeps the pages of the queries that list a whole register (names, timeline) worked
    out, so that reading one is quick (see docs/queries.md, "Listings"). The store is written
    beside its final place and swapped in at the end, so a failed load
    leaves the previous store as it was.

    Example:

        heritage-graph load --store graph.oxigraph

        heritage-graph query prisoner-shares --store graph.oxigraph
    """
    check = None if no_validate else functools.partial(require_valid, nothing=f"nothing was written to {store_dir}")
    dataset = save_store(list(paths) or None, store_dir, check=check)
    echo(f"Loaded {len(dataset.files)} files, {dataset.store.triple_count()} triples into {store_dir}")


command = load
