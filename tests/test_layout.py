"""The package's layout, as docs/architecture.md draws it: one job a module, stages as packages.

Each module is read with :mod:`ast` (nothing is imported), and checked for:

- its size: no module over 600 lines;
- its imports: at the top of the module, not in function bodies; an import inside a function is
  allowed only for an optional heavy dependency and says why on the same line (``# lazy: …``);
- private names: no module imports a name starting with ``_`` from another module of the package;
- cycles: the graph of imports between the package's modules has none;
- stages: the stage packages import only the stages below them (``STAGES``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "heritage_graph"
MAX_LINES = 600

# Each stage may import the stages listed for it (and itself); the commands may import all.
STAGES = {
    "errors": set(),
    "util": {"errors"},
    "rdf": {"errors", "util"},
    "queries": {"errors", "util", "rdf"},
    "validate": {"errors", "util", "rdf", "queries"},
    "ingest": {"errors", "util", "rdf", "queries", "validate"},
    "web": {"errors", "util", "rdf", "queries", "export"},
    "publish": {"errors", "util", "rdf", "queries", "validate", "web", "export"},
    "serve": {"errors", "util", "rdf", "queries", "validate", "web", "publish", "export"},
    "link": {"errors", "util", "rdf", "queries", "validate", "ingest"},
    "export": {"errors", "util", "rdf", "queries", "validate", "ingest"},
    "generate": {"errors", "util", "rdf"},
    "push": {"errors", "util", "rdf", "queries", "publish"},
    "commands": {"errors", "util", "rdf", "queries", "validate", "ingest", "web", "publish", "serve", "link", "export",
                 "generate", "push"},
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def imported(path: Path, tree: ast.Module) -> list[tuple[ast.AST, str, list[str]]]:
    """(node, absolute module, names) for each import of the package's own modules."""
    here = dotted(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "heritage_graph":
                continue
            names = [alias.name for alias in node.names]
            found.append((node, target, names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "heritage_graph":
                    found.append((node, alias.name, []))
    return found


def module_names() -> set[str]:
    return {dotted(p) for p in modules()}


def edges() -> dict[str, set[str]]:
    known = module_names()
    graph: dict[str, set[str]] = {}
    for path in modules():
        tree = ast.parse(path.read_text(), str(path))
        source = dotted(path)
        targets = graph.setdefault(source, set())
        for node, target, names in imported(path, tree):
            if _inside_function(tree, node):
                continue
            for name in names or [""]:
                full = f"{target}.{name}" if name else target
                targets.add(full if full in known else target)
    return graph


def _inside_function(tree: ast.Module, wanted: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if inner is wanted:
                    return True
    return False


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_module_is_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{dotted(path)} has {lines} lines (at most {MAX_LINES}): split its jobs"


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_imports_are_at_the_top(path):
    text = path.read_text()
    lines = text.splitlines()
    tree = ast.parse(text, str(path))
    hidden = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)) and "# lazy:" not in lines[inner.lineno - 1]:
                    hidden.append(f"line {inner.lineno}: {lines[inner.lineno - 1].strip()}")
    assert not hidden, f"{dotted(path)} imports inside functions:\n" + "\n".join(hidden)


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_no_private_names_of_other_modules(path):
    tree = ast.parse(path.read_text(), str(path))
    private = [f"line {node.lineno}: {name} from {target}"
               for node, target, names in imported(path, tree)
               for name in names if name.startswith("_") and name != "__version__"]
    assert not private, f"{dotted(path)} imports private names:\n" + "\n".join(private)


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_stages_import_only_the_stages_below(path):
    source = dotted(path)
    mine = stage(source)
    if mine in (None, "cli", "__main__") or mine not in STAGES:
        return
    tree = ast.parse(path.read_text(), str(path))
    wrong = []
    for node, target, _ in imported(path, tree):
        theirs = stage(target)
        if theirs is None or theirs == mine:
            continue
        if theirs not in STAGES[mine]:
            wrong.append(f"line {node.lineno}: {target}")
    assert not wrong, f"{source} (stage {mine}) imports a later stage:\n" + "\n".join(wrong)


def test_no_import_cycle():
    graph = edges()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" → ".join(trail[trail.index(nxt):] + [nxt]) if nxt in trail else f"{node} → {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_every_stage_is_a_package_of_the_layout():
    found = {stage(dotted(p)) for p in modules()} - {None}
    assert found <= set(STAGES) | {"cli", "__main__"}, found - set(STAGES)
