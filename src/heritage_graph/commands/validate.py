"""The ``validate`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..validate.run import validate as validate_data
from ..util.terminal import echo


@click.command("validate")
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
        echo(f"note: {note}", err=True)
    echo(report.render(fmt), data=fmt != "text")
    sys.exit(report.exit_code)


command = validate
