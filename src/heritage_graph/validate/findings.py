"""SHACL results in the words of the report: each a :class:`Finding` naming the resource, its label,
the file and line it is defined at, the property, the offending value (cut if long) and the message;
and the finding the loader adds for a resource defined in two files (:data:`DEFINED_ONCE`).

>>> show_term(rdflib.Literal("1954", datatype=rdflib.XSD.gYear))
'"1954"^^xsd:gYear'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..rdf import labels
from ..rdf.lines import Locator
from ..rdf.load import Dataset
from ..rdf.vocab import SH, shorten

SEVERITIES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}

#: The rule a resource defined in two files breaks: the shapes see one merged graph, where a copy
#: adds nothing, so the loader, which knows the files, finds it.
DEFINED_ONCE = "hgsh:Resource-defined-once"

#: The characters of a literal a report shows.
LITERAL_SHOWN = 200


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


def findings(results: list, dataset: Dataset) -> list[Finding]:
    """The findings of SHACL results (:class:`~.fast.Result`) on the data of ``dataset``, in the
    order of the report, with the resources the loader found defined twice."""
    found = _from_results(results, dataset) + _defined_twice(dataset)
    found.sort(key=_order)
    return found


def _from_results(results: list, dataset: Dataset) -> list[Finding]:
    label_of = labeller(dataset.store.ox)
    locate = Locator(dataset)
    found = []
    for result in results:
        focus = result.focus
        file, line = (None, None)
        if isinstance(focus, rdflib.URIRef):
            path, line = locate(str(focus))
            file = display_path(path) if path else None
        messages = [str(m) for m in result.messages]
        found.append(
            Finding(
                severity=SEVERITIES.get(str(result.severity), "Violation"),
                focus=show_term(focus),
                label=label_of(focus),
                file=file,
                line=line,
                path=show_term(result.path) if result.path is not None else None,
                value=show_term(result.value) if result.value is not None else None,
                message=" ".join(sorted(set(messages))) or "does not satisfy the shape",
                shape=show_term(result.shape) if isinstance(result.shape, rdflib.URIRef) else "(anonymous shape)",
                component=show_term(result.component) if result.component is not None else "",
            )
        )
    return found


def _order(f: Finding) -> tuple:
    return (f.file or "~", f.line or 0, f.focus, f.severity != "Violation", f.shape,
            f.value or "", f.path or "", f.component, f.message)


def _defined_twice(dataset: Dataset) -> list[Finding]:
    """A violation for each file after the first that gives a resource a class."""
    label_of = labeller(dataset.store.ox)
    found = []
    for iri, places in dataset.duplicate_definitions():
        first, first_line = places[0]
        there = display_path(first) + (f":{first_line}" if first_line else "")
        for path, line in places[1:]:
            found.append(Finding(
                severity="Violation", focus=shorten(iri), label=label_of(rdflib.URIRef(iri)),
                file=display_path(path), line=line, path=None, value=None,
                message=f"This resource is also defined in {there}; define a resource in one file and add "
                        f"to it there, or give the other thing an IRI of its own.",
                shape=DEFINED_ONCE, component="",
            ))
    return found


def labeller(store: ox.Store):
    """The label a report shows for a resource (rdflib term), by the one rule of
    :mod:`heritage_graph.rdf.labels`: English, else without a language, else the least."""
    of = labels.labeller(store)

    def label_of(node) -> str | None:
        if not isinstance(node, (rdflib.URIRef, rdflib.BNode)):
            return None
        return of(ox.NamedNode(str(node)) if isinstance(node, rdflib.URIRef) else ox.BlankNode(str(node)))

    return label_of


def show_term(node) -> str:
    """A term as the report shows it: a short IRI, ``_:`` and a blank node, a literal quoted (cut
    after :data:`LITERAL_SHOWN` characters) with its language or datatype."""
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


def display_path(path: Path) -> str:
    """A path relative to the working folder where it lies below it, else as given."""
    return _relative(str(path), str(Path.cwd()))


@lru_cache(maxsize=1024)
def _relative(path: str, cwd: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(cwd).resolve()).as_posix()
    except ValueError:
        return path
