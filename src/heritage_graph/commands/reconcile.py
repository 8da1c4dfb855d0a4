"""The ``reconcile`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..link.run import reconcile_command
from ..util.terminal import echo


@click.command("reconcile")
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
              help="The linkset Turtle file to write (default: data/links/{target}-links.ttl under the current folder).")
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
                      out=out, data=data, timeout=timeout, say=echo)


command = reconcile
