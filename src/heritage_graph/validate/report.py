"""The outcome of a validation, :class:`Report`: whether the data conforms, every finding, and
the report in each of its formats: text for a curator, JSON, and the SHACL validation report
graph in Turtle."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import rdflib

from ..rdf.vocab import SH, expand_name
from .findings import DEFINED_ONCE, Finding


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


def _add_to_report(graph, findings: list[Finding]) -> None:
    """Add the findings of the loader (:data:`DEFINED_ONCE`) to a SHACL report graph."""
    if not findings:
        return
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
