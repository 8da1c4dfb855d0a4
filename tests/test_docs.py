"""The docs cannot drift: every command, stored query and module is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from heritage_graph.util import resources
from heritage_graph.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command):
    assert f"heritage-graph {command}" in README


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_an_example(command):
    assert "Example:" in (main.commands[command].help or "")


@pytest.mark.parametrize("path", sorted(resources.folder("queries").glob("*.rq")), ids=lambda p: p.stem)
def test_every_stored_query_is_in_the_docs(path):
    assert f"`{path.stem}`" in (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ", 1)[0]
    assert "heritage-graph validate && .venv/bin/heritage-graph query prisoner-shares" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in head and ".venv/bin/python -m pytest" in ci
