from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_graph.util import resources
from heritage_graph.cli import main

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def bundled_dataset():
    """The bundled ontology and data, loaded once."""
    from heritage_graph.rdf.load import load

    return load()


@pytest.fixture
def run_cli():
    """Run the command line in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path):
    """Write a text file under a temporary folder and return its path."""

    def write_file(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write_file


PREFIXES = """@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
@prefix source: <https://w3id.org/heritage-graph/id/source/> .
@prefix camp: <https://w3id.org/heritage-graph/id/camp/> .
@prefix claim: <https://w3id.org/heritage-graph/id/claim/> .
@prefix place: <https://w3id.org/heritage-graph/id/place/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

SOURCE = """source:test a hg:SourceDocument ; rdfs:label "Test source"@en ; hg:source source:test .
"""
