"""The ``build`` command."""

from __future__ import annotations

from pathlib import Path

import click

from ..publish.build import build as build_release
from ..util.terminal import echo


@click.command("build")
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
    echo(result.summary())


command = build
