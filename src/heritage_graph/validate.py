"""Validate the graph against the SHACL shapes, and report in words a curator can act on.

:func:`validate` loads the ontology and the data (the bundled data by default) into the store,
hands pyshacl an in-memory rdflib copy of it with the shapes of ``shapes/``, and turns the SHACL
report into :class:`Finding` objects that name the resource, its label, the file and line it is
defined at, the property, the offending value and the shape's message.

pyshacl sees rdflib's memory graph rather than an Oxigraph-backed one: on this workload it is ten
times faster there. Data and shapes go through the same term conversion, so a literal compares
equal in both (Oxigraph writes ``"x"^^xsd:string`` where rdflib keeps a plain ``"x"``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from . import resources
from .errors import InputError
from .load import Dataset, expand, load, parse_file
from .vocab import RDFS, SH, XSD, shorten

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
        return self.results_graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        return {"text": self.to_text, "json": self.to_json, "turtle": self.to_turtle}[fmt]()


def to_rdflib(quads: Iterable[ox.Quad], graph=None):
    """Copy quads into one rdflib ``Graph`` (graph names dropped), ``xsd:string`` literals made plain."""
    import rdflib

    graph = graph if graph is not None else rdflib.Graph()
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is not None:
            return found
        if isinstance(term, ox.NamedNode):
            made = rdflib.URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            made = rdflib.BNode(term.value)
        elif term.language:
            made = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == XSD + "string":
            made = rdflib.Literal(term.value)
        else:
            made = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        cache[term] = made
        return made

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
) -> Report:
    """Validate the bundled data (or ``paths``, with the ontology) against the shapes.

    :raises InputError: a file is missing or does not parse, or the shapes cannot be used.
    """
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError, ShapeLoadError

    dataset = dataset if dataset is not None else load(paths, base=base)
    data_graph = to_rdflib(dataset.store.quads())
    shapes_graph = load_shapes(shapes)
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
    findings = _findings(results_graph, data_graph, dataset)
    return Report(
        findings=findings,
        files=[_display_path(f.path) for f in dataset.files],
        triples=dataset.store.triple_count(),
        results_graph=results_graph,
    )


def _findings(results_graph, data_graph, dataset: Dataset) -> list[Finding]:
    import rdflib

    sh = rdflib.Namespace(SH)
    label_of = _labeller(data_graph)
    findings = []
    # Only the report's own results: those nested under sh:detail explain another result.
    for result in results_graph.objects(None, sh.result):
        focus = results_graph.value(result, sh.focusNode)
        path = results_graph.value(result, sh.resultPath)
        value = results_graph.value(result, sh.value)
        messages = [str(m) for m in results_graph.objects(result, sh.resultMessage)]
        shape = results_graph.value(result, sh.sourceShape)
        component = results_graph.value(result, sh.sourceConstraintComponent)
        severity = SEVERITIES.get(str(results_graph.value(result, sh.resultSeverity)), "Violation")
        file, line = (None, None)
        if isinstance(focus, rdflib.URIRef):
            found, line = dataset.where_defined(str(focus))
            file = _display_path(found) if found else None
        findings.append(
            Finding(
                severity=severity,
                focus=_term(focus),
                label=label_of(focus),
                file=file,
                line=line,
                path=_term(path) if path is not None else None,
                value=_term(value) if value is not None else None,
                message=" ".join(sorted(set(messages))) or "does not satisfy the shape",
                shape=_term(shape) if isinstance(shape, rdflib.URIRef) else "(anonymous shape)",
                component=_term(component) if component is not None else "",
            )
        )
    findings.sort(key=lambda f: (f.file or "~", f.line or 0, f.focus, f.severity != "Violation", f.shape, f.value or ""))
    return findings


def _labeller(graph):
    import rdflib

    label = rdflib.URIRef(RDFS + "label")

    def label_of(node) -> str | None:
        labels = list(graph.objects(node, label))
        for wanted in ("en", None):
            for lit in labels:
                if getattr(lit, "language", None) == wanted:
                    return str(lit)
        return str(labels[0]) if labels else None

    return label_of


def _term(node) -> str:
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return shorten(str(node))
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    if isinstance(node, rdflib.Literal):
        text = json.dumps(str(node), ensure_ascii=False)
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{shorten(str(node.datatype))}"
        return text
    return str(node)


def _display_path(path: Path) -> str:
    """A path relative to the working folder where it lies below it, else as given."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
