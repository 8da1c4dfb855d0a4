"""The package as a user installs it: what it imports is what it declares, and every command runs
from the wheel alone.

:func:`test_every_imported_package_is_a_declared_dependency` reads every module of ``src/`` with
:mod:`ast` (nothing is imported) and checks that each top-level package it imports, outside the
standard library and the package itself, belongs to a distribution named in ``pyproject.toml``'s
``dependencies`` (not the test extras): the import name is mapped to its distribution by the
installed packages' own metadata (``yaml`` → PyYAML). A package needed at run time without an
import (rapidfuzz's ``cdist`` returns a numpy array) is named in :data:`NEEDED_WITHOUT_IMPORT`.

:func:`test_the_wheel_runs_every_command_without_extras` builds the wheel, installs it without
extras into a fresh virtual environment (from PyPI) and runs each command once, in an empty
folder, on the bundled data: the README's ``pip install .``, as a user has it.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from .servers import free_port, oxigraph_server, stop

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "heritage_graph"

#: Distributions needed at run time by a name the code uses, not by an import: (module, name) → distribution.
NEEDED_WITHOUT_IMPORT = {("rapidfuzz", "cdist"): "numpy"}


def normal(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {normal(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]) for requirement in project["dependencies"]}


def imported_packages(tree: ast.Module) -> set[str]:
    """The top-level names of the absolute imports in ``tree``, wherever they stand, and of
    ``importlib.import_module("name")`` calls."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and not node.args[0].value.startswith(".")):
            found.add(node.args[0].value.split(".")[0])
    return found


def used_names(tree: ast.Module) -> set[str]:
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} | \
        {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def test_every_imported_package_is_a_declared_dependency():
    distributions = importlib.metadata.packages_distributions()
    dependencies = declared()
    missing = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        packages = imported_packages(tree) - set(sys.stdlib_module_names) - {"heritage_graph", "__future__"}
        for package in sorted(packages):
            names = distributions.get(package)
            assert names, f"{path.relative_to(ROOT)} imports {package}, which no installed distribution provides"
            if not {normal(n) for n in names} & dependencies:
                missing.setdefault(names[0], []).append(str(path.relative_to(ROOT)))
        names = used_names(tree)
        for (module, name), distribution in NEEDED_WITHOUT_IMPORT.items():
            if module in imported_packages(tree) and name in names and normal(distribution) not in dependencies:
                missing.setdefault(distribution, []).append(f"{path.relative_to(ROOT)} ({module} {name})")
    assert missing == {}, f"imported but not in pyproject.toml's dependencies: {missing}"


def test_the_import_check_reads_imports_anywhere():
    tree = ast.parse("import a.b\nfrom c import d\nfrom . import e\ndef f():\n    import g  # lazy\n"
                     "importlib.import_module('h.i')\n")
    assert imported_packages(tree) == {"a", "c", "g", "h"}


# The wheel, installed without extras -----------------------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed, without extras; its ``bin`` folder."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
                            str(folder / "dist"), str(ROOT)], capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((folder / "dist").glob("heritage_graph-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=300)
    bin_ = folder / "venv" / "bin"
    pip = subprocess.run([str(bin_ / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          str(wheel)], capture_output=True, text=True, timeout=1800)
    assert pip.returncode == 0, pip.stderr[-3000:]
    return bin_


def test_the_wheel_runs_every_command_without_extras(installed, tmp_path):
    from heritage_graph.cli import COMMANDS

    tool = str(installed / "heritage-graph")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "HERITAGE_GRAPH_DEBUG")}
    work = tmp_path / "work"
    work.mkdir()
    ran: set[str] = set()

    def run(*args, status: int = 0):
        done = subprocess.run([tool, *map(str, args)], cwd=work, env=env, capture_output=True, text=True,
                              timeout=900)
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr, (args, done.stderr[-3000:])
        assert done.returncode == status, (args, done.returncode, done.stderr[-3000:])
        ran.add(args[0])
        return done

    assert run("--version").stdout.startswith("heritage-graph")
    run("validate")
    assert "Karlag" in run("query", "prisoner-shares", "--format", "csv").stdout
    run("load", "--store", "graph.oxigraph")
    run("build", "--out", "site", "--date", "2026-11-27")
    assert 'id="facets"' in (work / "site" / "class" / "Camp.html").read_text(encoding="utf-8")  # facets/ shipped
    run("export", "geojson", "--out", "places.geojson")
    run("generate", "--persons", "3", "register.nt")
    run("import", "csv", ROOT / "examples" / "nationality-table.csv", "--mapping",
        ROOT / "examples" / "nationality-table.yaml", "--out", "table.ttl")
    assert run("reconcile").stdout
    with oxigraph_server() as endpoint:
        run("push", "--endpoint", endpoint)
    port = free_port()
    server = subprocess.Popen([tool, "serve", "--release", "site", "--port", str(port), "--workers", "1"], cwd=work,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stderr.read()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/queries/prisoner-shares?format=csv",
                                            timeout=30) as answer:
                    assert answer.status == 200 and b"Karlag" in answer.read()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.5)
    finally:
        stop(server)
    log = server.stderr.read()
    assert "internal error" not in log and "Traceback" not in log, log[-3000:]
    ran.add("serve")
    assert ran >= set(COMMANDS), f"commands not run: {set(COMMANDS) - ran}"
