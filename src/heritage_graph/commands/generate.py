"""The ``generate`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..generate import generate as generate_register
from ..generate import parse_arguments
from ..util.terminal import echo


@click.command("generate")
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
    echo(summary.text())


command = generate
