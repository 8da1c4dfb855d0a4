"""Where the bundled ontology, data, shapes, queries and facets are.

In a checkout they are the hand-edited folders at the project's root; in an installed wheel they
ship inside the package as ``heritage_graph/bundled/``. Both are found the same way, so the
command line works from anywhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FOLDERS = ("ontology", "data", "shapes", "queries", "facets")


@lru_cache(maxsize=1)
def root() -> Path:
    """The folder holding ``ontology/``, ``data/``, ``shapes/`` and ``queries/``."""
    here = Path(__file__).resolve().parent.parent  # the package folder
    bundled = here / "bundled"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = here.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(f"the bundled ontology is missing: looked in {bundled} and {checkout}")


def folder(name: str) -> Path:
    """One of the bundled folders, by name (``"ontology"``, ``"data"``, ``"shapes"``, ``"queries"``,
    ``"facets"``)."""
    if name not in FOLDERS:
        raise ValueError(f"unknown bundled folder {name!r}")
    return root() / name


def ontology_files() -> list[Path]:
    return sorted(folder("ontology").glob("*.ttl"))


def data_files() -> list[Path]:
    return sorted(folder("data").rglob("*.ttl"))


def shape_files() -> list[Path]:
    return sorted(folder("shapes").glob("*.ttl"))
