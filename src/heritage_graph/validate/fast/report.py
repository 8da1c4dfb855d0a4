"""The results of a validation: :class:`Result` (pySHACL's fields, rdflib terms), read from
pySHACL's report graph or written into one (``sh:ValidationReport``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from .data import Data
from .terms import RDF_TYPE, SH


@dataclass(frozen=True)
class Result:
    """One validation result, in pySHACL's terms (rdflib terms throughout)."""

    focus: object
    path: object | None
    value: object | None
    component: URIRef
    shape: object
    severity: URIRef
    messages: tuple = ()
    source_constraint: object | None = None


def results_from_graph(results_graph) -> list[Result]:
    """pySHACL's report graph as :class:`Result` objects (only the report's own results)."""
    g = results_graph
    out = []
    for node in g.objects(None, SH.result):
        out.append(Result(
            focus=g.value(node, SH.focusNode),
            path=g.value(node, SH.resultPath),
            value=g.value(node, SH.value),
            component=g.value(node, SH.sourceConstraintComponent),
            shape=g.value(node, SH.sourceShape),
            severity=g.value(node, SH.resultSeverity),
            messages=tuple(g.objects(node, SH.resultMessage)),
            source_constraint=g.value(node, SH.sourceConstraint),
        ))
    return out


def report_graph(results: Iterable[Result], conforms: bool, shapes_graph: rdflib.Graph | None = None,
                 store: ox.Store | None = None) -> rdflib.Graph:
    """An ``sh:ValidationReport`` graph of ``results``, as pySHACL writes one.

    Blank nodes (an anonymous shape, a blank-node focus node or value) are copied into the report
    with their descriptions, from the shapes graph or the data.
    """
    g = rdflib.Graph(bind_namespaces="core")
    if shapes_graph is not None:
        for prefix, namespace in shapes_graph.namespace_manager.namespaces():
            g.namespace_manager.bind(prefix, namespace)
    data = Data(store) if store is not None else None
    copied: set = set()
    described: set = set()  # the data's blank nodes whose descriptions are in the report

    def copy(node, source):
        below = [node]  # a list, not recursion: blank nodes may nest thousands deep
        while below:
            node = below.pop()
            if not isinstance(node, BNode) or (source, node) in copied:
                continue
            copied.add((source, node))
            if source == "shapes" and shapes_graph is not None:
                triples = list(shapes_graph.triples((node, None, None)))
            elif source == "data" and data is not None:
                triples = list(data.describe(node, described))  # the nodes below it included
            else:
                triples = []
            for s, p, o in triples:
                g.add((s, p, o))
                if source == "shapes":
                    below.append(o)

    report = BNode()
    g.add((report, RDF_TYPE, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    for r in results:
        node = BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF_TYPE, SH.ValidationResult))
        g.add((node, SH.sourceConstraintComponent, r.component))
        g.add((node, SH.sourceShape, r.shape))
        copy(r.shape, "shapes")
        g.add((node, SH.resultSeverity, r.severity))
        g.add((node, SH.focusNode, r.focus))
        copy(r.focus, "data")
        if r.value is not None:
            g.add((node, SH.value, r.value))
            copy(r.value, "data")
        if r.path is not None:
            g.add((node, SH.resultPath, r.path))
            copy(r.path, "shapes")
        if r.source_constraint is not None:
            g.add((node, SH.sourceConstraint, r.source_constraint))
            copy(r.source_constraint, "shapes")
        for m in r.messages:
            g.add((node, SH.resultMessage, m))
    return g
