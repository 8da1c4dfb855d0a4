"""The docs cannot drift: every command, stored query and module is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from heritage_graph.util import resources
import click

from heritage_graph.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_module_is_listed():
    """Each module of heritage_graph.commands is a command of the command line, and each command loads."""
    modules = {p.stem for p in (ROOT / "src" / "heritage_graph" / "commands").glob("*.py")} - {"__init__"}
    assert set(COMMANDS.values()) == modules
    with click.Context(main) as ctx:
        assert all(main.get_command(ctx, name).name == name for name in COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_in_the_readme(command):
    assert f"heritage-graph {command}" in README


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_an_example(command):
    with click.Context(main) as ctx:
        assert "Example:" in (main.get_command(ctx, command).help or "")


@pytest.mark.parametrize("path", sorted(resources.folder("queries").glob("*.rq")), ids=lambda p: p.stem)
def test_every_stored_query_is_in_the_docs(path):
    assert f"`{path.stem}`" in (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ", 1)[0]
    assert "heritage-graph validate && .venv/bin/heritage-graph query prisoner-shares" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in head and ".venv/bin/python -m pytest" in ci
