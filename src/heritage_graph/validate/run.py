"""Validate the graph against the SHACL shapes, and report in words a curator can act on.

:func:`validate` loads the ontology and the data (the bundled data by default) into the store,
checks them against the shapes of ``shapes/`` and turns every SHACL result into a
:class:`Finding` that names the resource, its label, the file and line it is defined at, the
property, the offending value and the shape's message.

Two engines give the same findings:

- ``fast`` (the default), :mod:`heritage_graph.validate.fast`: the shapes run as SPARQL queries on the
  Oxigraph store the data were loaded into, each constraint once over all the data, and only the
  resources a query finds are then checked one by one, with pySHACL's own rules. A million
  triples validate in seconds.
- ``pyshacl``, the reference: pySHACL on an in-memory rdflib graph of the data as written in the
  files (ten times faster for pySHACL than an Oxigraph-backed graph). Data and shapes go through
  the same term conversion, so a literal compares equal in both (Oxigraph writes
  ``"x"^^xsd:string`` where rdflib keeps a plain ``"x"``).

Every literal is checked as it is written in its file. The store holds numbers, booleans and
dates in a canonical form (:mod:`.written`): the fast engine reads the values as written where
the store rewrote one, and leaves to pySHACL (on the data as written) the few cases where the
store's form could still show (:mod:`.fast.literals`).

Shapes using a SHACL feature the fast engine does not evaluate are validated with pySHACL, and
the report says so in :attr:`Report.notes`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError, NotConformingError
from ..rdf.convert import to_rdflib
from ..rdf.load import Dataset, expand, load, parse_file
from ..util import resources
from ..util.progress import progress
from . import fast as shacl
from .fast.shapes import services_of, shape_name, sparql_texts
from .findings import display_path, findings
from .pyshacl_engine import run_pyshacl
from .report import Report
from .written import WrittenData

ENGINES = ("fast", "pyshacl")


def load_shapes(paths: Iterable[Path | str] | None = None):
    """The shapes graph (rdflib) from ``paths``, by default the bundled ``shapes/`` folder."""
    files = expand(resources.shape_files() if paths is None else paths)
    quads = [quad for path in files for quad in parse_file(path)]
    return to_rdflib(quads)


def validate(
    paths: Iterable[Path | str] | None = None,
    *,
    shapes: Iterable[Path | str] | None = None,
    dataset: Dataset | None = None,
    base: str | None = None,
    engine: str = "fast",
) -> Report:
    """Validate the bundled data (or ``paths``, with the ontology) against the shapes.

    ``engine`` is ``"fast"`` (SPARQL on the store, :mod:`heritage_graph.validate.fast`) or ``"pyshacl"``
    (the reference); both give the same findings. Shapes the fast engine cannot evaluate are
    validated with pySHACL, with a note in :attr:`Report.notes`.

    :raises InputError: a file is missing or does not parse, or the shapes cannot be used.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    dataset = dataset if dataset is not None else load(paths, base=base)
    with _quiet_rdflib():
        return _validate(dataset, shapes, engine, WrittenData(dataset, base))


def require_valid(dataset: Dataset, *, nothing: str, option: str = "--no-validate",
                   base: str | None = None) -> Report:
    """Validate ``dataset`` (as :func:`validate` does, with the fast engine) and refuse it if it does
    not conform: the check ``push`` and ``load --store`` run before they send or save data (``build``
    refuses with the whole report, :func:`validate`'s too). ``nothing`` says what the refusal left undone ("nothing was pushed"), and
    ``option`` how to go on anyway.

    :raises NotConformingError: one line: the number of violations, where the first is and the rule
        it breaks.
    """
    report = validate(dataset=dataset, base=base)
    if not report.conforms:
        violations = report.violations
        first = violations[0]
        raise NotConformingError(
            f"the data does not conform to the shapes ({len(violations)} violation"
            f"{'' if len(violations) == 1 else 's'}; the first: {first.where}, {first.focus}, {first.shape}); "
            f"{nothing}. Run `heritage-graph validate` for the report, or give {option} to go on anyway")
    return report


@contextmanager
def _quiet_rdflib():
    """rdflib logs a warning, with a traceback, for a literal it cannot read as a value (a count of
    5,000 digits); the report names that literal as a violation, so the warning adds only noise."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def refuse_services(shapes_graph) -> None:
    """Refuse shapes whose SPARQL calls another endpoint (``SERVICE``), whichever engine runs them:
    the shapes check the local data only, and a validation sends nothing anywhere. The texts are
    read by the one SPARQL inspection (:func:`~heritage_graph.validate.fast.shapes.services_of`); a
    text it cannot read is left to the engines, which refuse it too.

    :raises InputError: a SPARQL text of the shapes names a ``SERVICE``.
    """
    for node, text in sparql_texts(shapes_graph):
        endpoints = services_of(text)
        if endpoints:
            holder = next(iter(shapes_graph.subjects(None, node)), node)
            raise InputError(f"the shapes cannot be used: the SPARQL of {shape_name(shapes_graph, holder)} "
                             f"calls SERVICE {', '.join(endpoints)}; shapes check the local data only")


def _validate(dataset: Dataset, shapes, engine: str, written: WrittenData) -> Report:
    shapes_graph = load_shapes(shapes)
    refuse_services(shapes_graph)
    notes: list[str] = []
    results_graph = None
    graph_factory = None
    if engine == "fast":
        try:
            checker = shacl.Engine(shapes_graph)
            with progress(len(checker.active_shapes), "validate", "shapes") as bar:
                results = checker.validate(dataset.store.ox, done=lambda: bar.update(1), overlay=written.overlay(),
                                           stored_forms=frozenset(written.rewritten().values()))
        except shacl.Unsupported as exc:
            notes.append(f"validated with pySHACL: the fast engine does not evaluate {exc}")
            engine = "pyshacl"
        except shacl.Fallback as exc:
            notes.append(f"validated with pySHACL: the fast engine met {exc}: {shacl.FALLBACKS[exc.keys[0]].why}")
            engine = "pyshacl"
    if engine == "pyshacl":
        results_graph = run_pyshacl(written.graph(), shapes_graph)
        results = shacl.results_from_graph(results_graph)
    found = findings(results, dataset)
    conforms = not any(f.severity == "Violation" for f in found)
    if results_graph is None:
        data = dataset.store.ox
        graph_factory = lambda: shacl.report_graph(results, conforms, shapes_graph, data)
    return Report(
        findings=found,
        files=[display_path(f.path) for f in dataset.files],
        triples=dataset.store.triple_count(),
        results_graph=results_graph,
        engine=engine,
        notes=notes,
        results=results,
        _graph_factory=graph_factory,
    )
