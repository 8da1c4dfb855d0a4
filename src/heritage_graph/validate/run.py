"""Validate the graph against the SHACL shapes, and report in words a curator can act on.

:func:`validate` loads the ontology and the data (the bundled data by default) into the store,
checks them against the shapes of ``shapes/`` and turns every SHACL result into a
:class:`Finding` that names the resource, its label, the file and line it is defined at, the
property, the offending value and the shape's message.

Two engines give the same findings:

- ``fast`` (the default), :mod:`heritage_graph.shacl`: the shapes run as SPARQL queries on the
  Oxigraph store the data were loaded into, each constraint once over all the data, and only the
  resources a query finds are then checked one by one, with pySHACL's own rules. A million
  triples validate in seconds.
- ``pyshacl``, the reference: pySHACL on an in-memory rdflib copy of the store (ten times faster
  for pySHACL than an Oxigraph-backed graph). Data and shapes go through the same term
  conversion, so a literal compares equal in both (Oxigraph writes ``"x"^^xsd:string`` where
  rdflib keeps a plain ``"x"``).

Shapes using a SHACL feature the fast engine does not evaluate are validated with pySHACL, and
the report says so in :attr:`Report.notes`.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..util import resources
from . import fast as shacl
from ..errors import InputError
from ..rdf.labels import labeller
from ..rdf.load import Dataset, expand, load, parse_file
from ..util.progress import progress
from ..rdf.vocab import RDF, SH, expand_name, shorten

ENGINES = ("fast", "pyshacl")

SEVERITIES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}


@dataclass
class Finding:
    """One SHACL result, in the words of the report."""

    severity: str
    focus: str
    label: str | None
    file: str | None
    line: int | None
    path: str | None
    value: str | None
    message: str
    shape: str
    component: str

    @property
    def where(self) -> str:
        if self.file is None:
            return "(not in any file)"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Report:
    """The outcome of a validation: whether the data conforms, and every finding."""

    findings: list[Finding]
    files: list[str]
    triples: int
    results_graph: object = field(repr=False, default=None)
    #: The engine that produced the findings ("fast" or "pyshacl").
    engine: str = "pyshacl"
    #: Remarks on how the validation ran (a fall-back from the fast engine to pySHACL, and why).
    notes: list[str] = field(default_factory=list)
    results: list = field(repr=False, default_factory=list)
    _graph_factory: object = field(repr=False, default=None)
    _extra_added: bool = field(repr=False, default=False)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation (warnings are reported but do not fail)."""
        return not self.violations

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def to_text(self) -> str:
        lines = [
            f"Validated {len(self.files)} files, {self.triples} triples: "
            f"{len(self.violations)} violations, {len(self.warnings)} warnings."
        ]
        by_focus: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_focus.setdefault(finding.focus, []).append(finding)
        for focus, findings in by_focus.items():
            first = findings[0]
            title = f'{focus}  "{first.label}"' if first.label else focus
            lines.append("")
            lines.append(f"{title}  ({first.where})")
            for f in findings:
                mark = "violation" if f.severity == "Violation" else f.severity.lower()
                subject = f.path or "(the resource)"
                if f.value is not None:
                    subject += f" = {f.value}"
                lines.append(f"  {mark}: {subject}: {f.message}  [{f.shape}]")
        lines.append("")
        lines.append("The data conforms to the shapes." if self.conforms else "The data does not conform to the shapes.")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "files": self.files,
                "triples": self.triples,
                "violations": len(self.violations),
                "warnings": len(self.warnings),
                "results": [asdict(f) for f in self.findings],
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_turtle(self) -> str:
        """The SHACL validation report (an ``sh:ValidationReport`` graph) in Turtle."""
        if self.results_graph is None and self._graph_factory is not None:
            self.results_graph = self._graph_factory()
        if not self._extra_added:
            _add_to_report(self.results_graph, [f for f in self.findings if f.shape == DEFINED_ONCE])
            self._extra_added = True
        return self.results_graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        return {"text": self.to_text, "json": self.to_json, "turtle": self.to_turtle}[fmt]()


def to_rdflib(quads: Iterable[ox.Quad], graph=None):
    """Copy quads into one rdflib ``Graph`` (graph names dropped), ``xsd:string`` literals made plain."""
    import rdflib

    graph = graph if graph is not None else rdflib.Graph()
    convert = shacl.Terms().rdf
    add = graph.add
    for quad in quads:
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph


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

    ``engine`` is ``"fast"`` (SPARQL on the store, :mod:`heritage_graph.shacl`) or ``"pyshacl"``
    (the reference); both give the same findings. Shapes the fast engine cannot evaluate are
    validated with pySHACL, with a note in :attr:`Report.notes`.

    :raises InputError: a file is missing or does not parse, or the shapes cannot be used.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    dataset = dataset if dataset is not None else load(paths, base=base)
    with _quiet_rdflib():
        return _validate(dataset, shapes, engine)


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


def _validate(dataset: Dataset, shapes, engine: str) -> Report:
    shapes_graph = load_shapes(shapes)
    notes: list[str] = []
    results_graph = None
    graph_factory = None
    if engine == "fast":
        try:
            checker = shacl.Engine(shapes_graph)
            with progress(len(checker.active_shapes), "validate", "shapes") as bar:
                results = checker.validate(dataset.store.ox, done=lambda: bar.update(1))
        except shacl.Unsupported as exc:
            notes.append(f"validated with pySHACL: the fast engine does not evaluate {exc}")
            engine = "pyshacl"
        except shacl.Fallback as exc:
            notes.append(f"validated with pySHACL: the fast engine met {exc}")
            engine = "pyshacl"
    if engine == "pyshacl":
        results_graph = _run_pyshacl(dataset, shapes_graph)
        results = shacl.results_from_graph(results_graph)
    findings = _findings(results, dataset) + _defined_twice(dataset)
    findings.sort(key=_order)
    conforms = not any(f.severity == "Violation" for f in findings)
    if results_graph is None:
        data = dataset.store.ox
        graph_factory = lambda: shacl.report_graph(results, conforms, shapes_graph, data)
    return Report(
        findings=findings,
        files=[_display_path(f.path) for f in dataset.files],
        triples=dataset.store.triple_count(),
        results_graph=results_graph,
        engine=engine,
        notes=notes,
        results=results,
        _graph_factory=graph_factory,
    )


def _run_pyshacl(dataset: Dataset, shapes_graph):
    """pySHACL's report graph for the data of ``dataset`` (copied into an rdflib graph)."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError, ShapeLoadError

    data_graph = to_rdflib(dataset.store.quads())
    try:
        _conforms, results_graph, _text = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    except (ShapeLoadError, ReportableRuntimeError) as exc:
        raise InputError(f"the shapes cannot be used: {exc}") from exc
    if not hasattr(results_graph, "subjects"):
        raise InputError(f"the shapes cannot be used: {_text or results_graph}")
    return results_graph


def _findings(results: list, dataset: Dataset) -> list[Finding]:
    import rdflib

    label_of = _labeller(dataset.store.ox)
    locate = _Locator(dataset)
    findings = []
    for result in results:
        focus = result.focus
        file, line = (None, None)
        if isinstance(focus, rdflib.URIRef):
            found, line = locate(str(focus))
            file = _display_path(found) if found else None
        messages = [str(m) for m in result.messages]
        findings.append(
            Finding(
                severity=SEVERITIES.get(str(result.severity), "Violation"),
                focus=_term(focus),
                label=label_of(focus),
                file=file,
                line=line,
                path=_term(result.path) if result.path is not None else None,
                value=_term(result.value) if result.value is not None else None,
                message=" ".join(sorted(set(messages))) or "does not satisfy the shape",
                shape=_term(result.shape) if isinstance(result.shape, rdflib.URIRef) else "(anonymous shape)",
                component=_term(result.component) if result.component is not None else "",
            )
        )
    return findings


def _order(f: Finding) -> tuple:
    return (f.file or "~", f.line or 0, f.focus, f.severity != "Violation", f.shape,
            f.value or "", f.path or "", f.component, f.message)


#: The rule a resource defined in two files breaks: the shapes see one merged graph, where a copy
#: adds nothing, so the loader, which knows the files, finds it.
DEFINED_ONCE = "hgsh:Resource-defined-once"


def _defined_twice(dataset: Dataset) -> list[Finding]:
    """A violation for each file after the first that gives a resource a class."""
    label_of = _labeller(dataset.store.ox)
    findings = []
    for iri, places in dataset.duplicate_definitions():
        first, first_line = places[0]
        there = _display_path(first) + (f":{first_line}" if first_line else "")
        for path, line in places[1:]:
            findings.append(Finding(
                severity="Violation", focus=shorten(iri), label=label_of(_rdflib_iri(iri)),
                file=_display_path(path), line=line, path=None, value=None,
                message=f"This resource is also defined in {there}; define a resource in one file and add "
                        f"to it there, or give the other thing an IRI of its own.",
                shape=DEFINED_ONCE, component="",
            ))
    return findings


def _add_to_report(graph, findings: list[Finding]) -> None:
    """Add the findings of the loader (:data:`DEFINED_ONCE`) to a SHACL report graph."""
    if not findings:
        return
    import rdflib

    sh = rdflib.Namespace(SH)
    report = next(graph.subjects(rdflib.RDF.type, sh.ValidationReport))
    graph.set((report, sh.conforms, rdflib.Literal(False)))
    shape = rdflib.URIRef(expand_name(DEFINED_ONCE))
    for f in findings:
        node = rdflib.BNode()
        graph.add((report, sh.result, node))
        graph.add((node, rdflib.RDF.type, sh.ValidationResult))
        graph.add((node, sh.focusNode, rdflib.URIRef(expand_name(f.focus))))
        graph.add((node, sh.resultSeverity, sh.Violation))
        graph.add((node, sh.sourceShape, shape))
        graph.add((node, sh.sourceConstraintComponent, rdflib.URIRef(expand_name("hgsh:DefinedOnceConstraintComponent"))))
        graph.add((node, sh.resultMessage, rdflib.Literal(f.message)))


def _rdflib_iri(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def _labeller(store: ox.Store):
    """The label a report shows for a resource: English, else without a language, else any (the least)."""
    import rdflib

    of = labeller(store)

    def label_of(node) -> str | None:
        if not isinstance(node, (rdflib.URIRef, rdflib.BNode)):
            return None
        return of(ox.NamedNode(str(node)) if isinstance(node, rdflib.URIRef) else ox.BlankNode(str(node)))

    return label_of


class _Locator:
    """:meth:`Dataset.where_defined` for many resources: each file is indexed once by the first
    term of its lines, instead of searched from the top once per resource."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.order = {f.graph: k for k, f in enumerate(dataset.files)}
        self.paths = {f.graph: f.path for f in dataset.files}
        self.indexes: dict = {}
        self.cache: dict = {}

    def __call__(self, iri: str):
        found = self.cache.get(iri)
        if found is None:
            found = self.cache[iri] = self._where(iri)
        return found

    def _where(self, iri: str):
        store = self.dataset.store.ox
        node = ox.NamedNode(iri)
        graphs = {getattr(q.graph_name, "value", "") for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None, None)}
        if not graphs:
            graphs = {getattr(q.graph_name, "value", "") for q in store.quads_for_pattern(node, None, None, None)}
        known = sorted(graphs & self.order.keys(), key=self.order.__getitem__)
        if not known:
            return None, None
        path = self.paths[known[0]]
        return path, self._indexed_line(path, iri)

    def _indexed_line(self, path: Path, iri: str):
        from ..rdf.load import subject_line

        try:
            from ..rdf.load import _ends_term

            index = self.indexes.get(path)
            if index is None:
                lines, prefixes = _lines_and_prefixes(path)
                index = self.indexes[path] = _LineIndex(lines, prefixes)
        except (ImportError, OSError, UnicodeDecodeError):
            return subject_line(path, iri)
        line = index.subject_line(iri, _ends_term)
        return line if line is not None else subject_line(path, iri)


_PREFIX = re.compile(r"prefix\s+([\w.-]*):\s*<([^>]*)>", flags=re.IGNORECASE)


def _lines_and_prefixes(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """A file's lines and prefix declarations, as :func:`heritage_graph.load.subject_line` reads them.

    The declarations are searched only in a file that has the word "prefix" at all: the search
    itself takes a second on a file of a million triples.
    """
    raw = path.read_bytes()
    # (a dotted or dotless i may match "i" when the case is ignored)
    declares = b"prefix" in raw.lower() or "\u0130".encode() in raw or "\u0131".encode() in raw
    text = raw.decode("utf-8")
    del raw
    prefixes = _PREFIX.findall(text) if declares else []
    return text.splitlines(), prefixes


class _LineIndex:
    """The lines of a file by their first term (up to the first space), sorted for prefix search."""

    def __init__(self, lines: list[str], prefixes: list[tuple[str, str]]):
        from bisect import bisect_left

        try:
            from ..rdf.load import _LOCAL_ESCAPE
        except ImportError:
            _LOCAL_ESCAPE = None
        self.prefixes = prefixes
        self.bisect_left = bisect_left
        first: dict[str, int] = {}
        self.stripped: dict[int, str] = {}
        for number, line in enumerate(lines, start=1):
            if _LOCAL_ESCAPE is not None and "\\" in line:
                line = _LOCAL_ESCAPE.sub(r"\1", line)
            stripped = line.lstrip()
            if not stripped or stripped[0] in "#@":
                continue
            head = stripped.split(None, 1)[0]
            if head not in first:
                first[head] = number
                self.stripped[number] = stripped
        self.keys = sorted(first)
        self.lines = [first[k] for k in self.keys]

    def subject_line(self, iri: str, ends_term) -> int | None:
        forms = [f"<{iri}>"]
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                forms.append(f"{prefix}:{iri[len(namespace):]}")
        best = None
        for form in forms:
            k = self.bisect_left(self.keys, form)
            while k < len(self.keys) and self.keys[k].startswith(form):
                number = self.lines[k]
                if (best is None or number < best) and ends_term(self.stripped[number], len(form)):
                    best = number
                k += 1
        return best


#: The characters of a literal a report shows.
LITERAL_SHOWN = 200


def _term(node) -> str:
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return shorten(str(node))
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    if isinstance(node, rdflib.Literal):
        value = str(node)
        if len(value) > LITERAL_SHOWN:  # a report line names a value, it does not copy a 50 MB one
            value = f"{value[:LITERAL_SHOWN]}… ({len(value):,} characters)"
        text = json.dumps(value, ensure_ascii=False)
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{shorten(str(node.datatype))}"
        return text
    return str(node)


def _display_path(path: Path) -> str:
    """A path relative to the working folder where it lies below it, else as given."""
    return _relative(str(path), str(Path.cwd()))


@lru_cache(maxsize=1024)
def _relative(path: str, cwd: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(cwd).resolve()).as_posix()
    except ValueError:
        return path
