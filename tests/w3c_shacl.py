"""The W3C SHACL test suite (``tests/w3c-shacl/``) read and run: its manifests, each test case,
and the comparison of a validation's results with the case's expected report.

A case passes when the validation gives exactly the expected results (as a multiset of focus
node, result path, value, source shape, constraint component and severity), or fails to start
when the case expects a failure (``sht:Failure``). Terms are compared exactly: a literal by its
lexical form, datatype and language as written in the file. A blank node (an anonymous shape, a
blank-node focus node) is compared by its description, a result path by its structure.

Run as a script, it prints the pass counts of each engine::

    PYTHONPATH=src python tests/w3c_shacl.py
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from heritage_graph.errors import InputError
from heritage_graph.rdf.convert import to_rdflib
from heritage_graph.rdf.load import load
from heritage_graph.validate.run import validate

SUITE = Path(__file__).resolve().parent / "w3c-shacl"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
#: The fields of a result that are compared (messages are not: the suite leaves them free).
FIELDS = {"focus": SH.focusNode, "path": SH.resultPath, "value": SH.value, "shape": SH.sourceShape,
          "component": SH.sourceConstraintComponent, "severity": SH.resultSeverity}


@dataclass
class Case:
    """One test case of a manifest."""

    name: str  # the path of its manifest under the suite, and its local name: "core/node/xone-001"
    data: Path
    shapes: Path
    failure: bool  # the case expects the validation not to start
    expected: list  # the expected results' keys
    conforms: bool | None


def read_graph(path: Path) -> rdflib.Graph:
    """A file parsed as the project parses data (Oxigraph's parser), its literals as written."""
    return to_rdflib(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))


def manifests(path: Path = SUITE / "manifest.ttl"):
    """Every manifest reached from ``path`` through ``mf:include``, with its graph."""
    graph = read_graph(path)
    yield path, graph
    for included in sorted(graph.objects(None, MF.include), key=str):
        yield from manifests(Path(ox.NamedNode(str(included)).value.removeprefix("file://")))


def cases() -> list[Case]:
    """Every test case of the suite, in the manifests' order."""
    found = []
    for path, graph in manifests():
        for entries in graph.objects(None, MF.entries):
            for entry in graph.items(entries):
                found.append(read_case(path, graph, entry))
    return found


def read_case(path: Path, graph: rdflib.Graph, entry) -> Case:
    action = graph.value(entry, MF.action)
    data = _file(graph.value(action, SHT.dataGraph))
    shapes = _file(graph.value(action, SHT.shapesGraph))
    result = graph.value(entry, MF.result)
    name = f"{path.parent.relative_to(SUITE).as_posix()}/{str(entry).rsplit('/', 1)[-1]}"
    if result == SHT.Failure:
        return Case(name, data, shapes, True, [], None)
    conforms = graph.value(result, SH.conforms)
    expected = [result_key(graph, graph, r, FIELDS) for r in graph.objects(result, SH.result)]
    return Case(name, data, shapes, False, expected, bool(conforms.toPython()) if conforms is not None else None)


def _file(iri) -> Path:
    return Path(str(iri).removeprefix("file://"))


def result_key(graph, paths_graph, node, fields) -> tuple:
    """A result as a comparable tuple: (focus, path, value, shape, component, severity)."""
    values = {k: graph.value(node, p) for k, p in fields.items()}
    return (describe(graph, values["focus"]), path_of(paths_graph, values["path"]),
            describe(graph, values["value"]), describe(graph, values["shape"]),
            values["component"], values["severity"])


def describe(graph, term, depth: int = 3):
    """A term as compared: itself, or for a blank node its properties (to ``depth`` levels)."""
    if not isinstance(term, BNode):
        return term
    if depth == 0:
        return "_:"
    return ("_:", tuple(sorted((str(p), str(describe(graph, o, depth - 1)))
                               for p, o in graph.predicate_objects(term)
                               if p not in (SH.result, MF.action, MF.result))))


def path_of(graph, path):
    """A SHACL property path written out (``(p1 / p2)``, ``^p``, ``p*``...), None when absent."""
    if path is None or isinstance(path, URIRef):
        return path
    if isinstance(path, Literal):
        return path
    if graph.value(path, rdflib.RDF.first) is not None:
        return "(" + " / ".join(str(path_of(graph, p)) for p in graph.items(path)) + ")"
    for predicate, form in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                            (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return form.format(path_of(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(str(path_of(graph, p)) for p in graph.items(alternatives)) + ")"
    return describe(graph, path)


@dataclass
class Outcome:
    """What an engine made of a case: the engine that ran, the notes, the keys of its results,
    or the error it stopped with."""

    engine: str | None
    notes: list
    found: list
    error: str | None
    internal: bool = False


def run(case: Case, engine: str) -> Outcome:
    """Validate the case's data graph against its shapes graph with ``engine``."""
    try:
        dataset = load([case.data], with_ontology=False)
        report = validate(dataset=dataset, shapes=[case.shapes], engine=engine)
    except InputError as exc:
        return Outcome(None, [], [], str(exc))
    except Exception as exc:  # noqa: BLE001 - an internal error is a failed case, named as such
        return Outcome(None, [], [], f"internal error ({type(exc).__name__}: {exc})", internal=True)
    report.to_turtle()  # the report graph, with the blank nodes it names described
    graph = report.results_graph
    found = [result_key(graph, graph, node, FIELDS) for node in graph.objects(None, SH.result)]
    return Outcome(report.engine, report.notes, found, None)


def passes(case: Case, outcome: Outcome) -> bool:
    if case.failure:
        return outcome.error is not None and not outcome.internal
    if outcome.error is not None:
        return False
    if case.conforms is not None and case.conforms != (not outcome.found):
        return False
    return Counter(map(repr, outcome.found)) == Counter(map(repr, case.expected))


def summary(engines=("fast", "pyshacl")) -> dict:
    """For each engine: how many cases pass, how many there are, and how many the fast engine
    handed over to pySHACL."""
    every = cases()
    counts = {}
    for engine in engines:
        outcomes = [(case, run(case, engine)) for case in every]
        counts[engine] = {
            "passed": sum(passes(c, o) for c, o in outcomes),
            "cases": len(every),
            "handed to pySHACL": sum(o.engine == "pyshacl" for _c, o in outcomes) if engine == "fast" else None,
            "failing": [c.name for c, o in outcomes if not passes(c, o)],
        }
    return counts


if __name__ == "__main__":
    for engine, figures in summary(sys.argv[1:] or ("fast", "pyshacl")).items():
        handed = figures["handed to pySHACL"]
        print(f"{engine}: {figures['passed']} of {figures['cases']} W3C SHACL tests pass"
              + (f", {handed} handed to pySHACL" if handed is not None else ""))
        for name in figures["failing"]:
            print(f"  fails: {name}")
