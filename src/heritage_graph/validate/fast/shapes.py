"""The shapes of a shapes graph as the fast engine holds them, found and read as pySHACL finds and
reads them: which nodes are shapes, their paths, severities, messages and targets, and the prefixes
their SPARQL declares. A shape builds its results (:meth:`Shape.result`) with pySHACL's messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import rdflib
from rdflib import BNode, Literal, URIRef

from ...errors import QueryError
from ...queries.sparql import inspect
from ...rdf.vocab import shorten
from .data import Data
from .report import Result
from .rewrite import lateral_paths, with_prefixes
from .terms import RDF_TYPE, RDFS_SUBCLASSOF, SH


@dataclass(eq=False)
class Shape:
    node: object
    is_property: bool
    path: URIRef | None
    severity: URIRef
    messages: tuple
    deactivated: bool
    constraints: list = field(default_factory=list)
    target_classes: list = field(default_factory=list)
    target_nodes: list = field(default_factory=list)
    target_subjects_of: list = field(default_factory=list)
    target_objects_of: list = field(default_factory=list)
    sparql_targets: list = field(default_factory=list)  # (query text with prefixes, made to run on the store)
    sparql_target_texts: list = field(default_factory=list)  # (the same as written, with prefixes)

    @property
    def has_targets(self) -> bool:
        return bool(self.target_classes or self.target_nodes or self.target_subjects_of
                    or self.target_objects_of or self.sparql_targets)

    def value_nodes(self, data: Data, focus) -> set:
        if not self.is_property:
            return {focus}
        return data.objects(focus, self.path)

    def result(self, focus, component, value=None, *, path=None, source_constraint=None,
               extra_messages=None, bound_vars=None, generic: Callable[[], list] | None = None) -> Result:
        """A result as pySHACL's ``make_v_result`` builds it (messages, path defaulting to the shape's)."""
        if path is None and self.is_property:
            path = self.path
        messages = list(self.messages)
        out = []
        if extra_messages:
            for m in extra_messages:
                if m in messages:
                    continue
                if isinstance(m, Literal) and bound_vars is not None:
                    m = Literal(format_message(str(m.value), bound_vars))
                out.append(m)
        elif not messages and generic is not None:
            messages = generic() or messages
        for m in messages:
            if isinstance(m, Literal) and bound_vars is not None:
                m = Literal(format_message(str(m.value), bound_vars))
            out.append(m)
        return Result(focus=focus, path=path, value=value, component=component, shape=self.node,
                      severity=self.severity, messages=tuple(out), source_constraint=source_constraint)


def format_message(msg: str, bound_vars) -> str:
    """pySHACL's substitution of ``{?var}`` and ``{$var}`` in a SPARQL constraint's message."""
    fdict = {}
    if isinstance(bound_vars, (tuple, list)):
        if len(bound_vars) == 4:
            fdict.update(bound_vars[3])
            bound_vars = bound_vars[:3]
        if len(bound_vars) == 3:
            if bound_vars[0] is not None:
                fdict["this"] = bound_vars[0]
            if bound_vars[1] is not None:
                fdict["path"] = bound_vars[1]
            if bound_vars[2] is not None:
                fdict["value"] = bound_vars[2]
    elif isinstance(bound_vars, dict):
        fdict.update(bound_vars)
    else:
        return msg
    for var, val in fdict.items():
        msg = re.sub(f"{{[?$]{var}}}", str(val), msg)
    return msg



def shape_name(sg, node) -> str:
    """A shape as a message names it: its short IRI, or "an anonymous shape"."""
    if isinstance(node, URIRef):
        return shorten(str(node))
    return "an anonymous shape" if isinstance(node, BNode) else str(node)


def find_shapes(sg, fail):
    """pySHACL's shape discovery: declared shapes, shapes by their parameters, shapes as values."""
    node_shapes: dict = {}
    property_shapes: dict = {}
    declared_node = set(sg.subjects(RDF_TYPE, SH.NodeShape))
    declared_property = set(sg.subjects(RDF_TYPE, SH.PropertyShape))
    for s in declared_node:
        if list(sg.objects(s, SH.path)):
            fail(s, "ill-formed", "sh:path on a node shape")
        node_shapes[s] = None
    for s in declared_property:
        paths = list(sg.objects(s, SH.path))
        if s in declared_node or len(paths) != 1:
            fail(s, "ill-formed", "sh:path")
            continue
        property_shapes[s] = paths[0]
    subjects = set()
    for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.property, SH.node):
        subjects.update(s for s, _o in sg.subject_objects(p))
    values = set()
    for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        values.update(o for _s, o in sg.subject_objects(p))
    for p in (SH["and"], SH["or"], SH.xone):
        for _s, lst in sg.subject_objects(p):
            items = list(sg.items(lst))
            if not items:
                fail(lst, "ill-formed", "an empty or broken list of shapes")
            values.update(items)
    for s in list(subjects) + list(values):
        if s in node_shapes or s in property_shapes:
            continue
        paths = list(sg.objects(s, SH.path))
        if not paths:
            node_shapes[s] = None
        elif len(paths) == 1:
            property_shapes[s] = paths[0]
        else:
            fail(s, "ill-formed", "sh:path")
    return node_shapes, property_shapes


def read_shape(sg, node, is_property, path, fail) -> Shape | None:
    if is_property and not isinstance(path, URIRef):
        fail(node, "path")
        return None
    deactivated = list(sg.objects(node, SH.deactivated))
    severities = list(sg.objects(node, SH.severity))
    if len(deactivated) > 1 or (deactivated and not isinstance(deactivated[0], Literal)):
        fail(node, "ill-formed", "sh:deactivated")
        return None
    if len(set(severities)) > 1:
        fail(node, "ill-formed", "sh:severity")
        return None
    return Shape(
        node=node,
        is_property=is_property,
        path=path if is_property else None,
        severity=severities[0] if severities else SH.Violation,
        messages=tuple(set(sg.objects(node, SH.message))),
        deactivated=bool(deactivated[0].value) if deactivated else False,
    )


def read_targets(sg, shape: Shape, fail) -> None:
    node = shape.node
    shape.target_classes = list(sg.objects(node, SH.targetClass))
    types = set(sg.objects(node, RDF_TYPE))
    class_types = set(sg.subjects(RDFS_SUBCLASSOF, rdflib.RDFS.Class)) | {rdflib.RDFS.Class}
    if types & class_types:
        shape.target_classes.append(node)  # an implicit class target
    shape.target_nodes = list(sg.objects(node, SH.targetNode))
    shape.target_subjects_of = list(sg.objects(node, SH.targetSubjectsOf))
    shape.target_objects_of = list(sg.objects(node, SH.targetObjectsOf))
    for c in shape.target_classes:
        if isinstance(c, Literal):
            fail(node, "ill-formed", "sh:targetClass")
    for p in shape.target_subjects_of + shape.target_objects_of:
        if not isinstance(p, URIRef):
            fail(node, "ill-formed", "sh:targetSubjectsOf, sh:targetObjectsOf")
    for target in set(sg.objects(node, SH.target)):
        selects = list(sg.objects(target, SH.select))
        if len(selects) != 1:
            fail(node, "target-type")
            continue
        prefixes = read_prefixes(sg, target, fail)
        endpoints = services_of(with_prefixes(prefixes, str(selects[0])))
        if endpoints is None or endpoints:
            fail(node, "service" if endpoints else "sparql-unreadable", "a SPARQL target")
            continue
        shape.sparql_targets.append(with_prefixes(prefixes, lateral_paths(str(selects[0]))))
        shape.sparql_target_texts.append(with_prefixes(prefixes, str(selects[0])))


def services_of(query: str) -> tuple[str, ...] | None:
    """The endpoints of the ``SERVICE`` clauses of ``query`` (prefixes declared), read by the one
    SPARQL inspection (:func:`heritage_graph.queries.sparql.inspect`); None when it cannot be read.

    A text without the word "service" in any case, and without a codepoint escape (``\\u``,
    ``\\U``) that might spell it, holds no ``SERVICE`` keyword: it is not parsed (parsing every
    query of the shapes would cost seconds a validation).

    >>> services_of("SELECT $this WHERE { $this ?p ?o }")
    ()
    >>> services_of("SELECT * WHERE { ?s ?p ?o.SERVICE <http://e/q> { ?o ?p ?q } }")
    ('http://e/q',)
    """
    upper = query.upper()  # as the parser compares keywords (so "ſervice" is among them)
    if "SERVICE" not in upper and "\\U" not in upper:
        return ()
    try:
        return inspect(query).endpoints
    except QueryError:
        return None


def sparql_texts(sg) -> Iterator[tuple[object, str]]:
    """Every SPARQL text of the shapes graph (``sh:select``, ``sh:ask``, ``sh:construct``,
    ``sh:update``) with the prefixes it declares, and the node that holds it."""
    for predicate in (SH.select, SH.ask, SH.construct, SH.update):
        for node, text in sg.subject_objects(predicate):
            yield node, with_prefixes(read_prefixes(sg, node, lambda *_: None), str(text))


def read_prefixes(sg, node, fail) -> dict:
    """The prefixes a SPARQL query declares, gathered as pySHACL gathers them."""
    prefixes: dict = {}
    values = set(sg.objects(node, SH.prefixes))
    if not values:
        return prefixes
    g_name = sg.identifier
    ng_declares = set(sg.objects(g_name, SH.declare)) if g_name else set()
    onts = set(sg.subjects(RDF_TYPE, rdflib.OWL.Ontology))
    ont_declares = set()
    for o in onts:
        ont_declares.update(sg.objects(o, SH.declare))
    global_declares = ng_declares | ont_declares
    for value in values:
        own = set()
        for imported in _imports_closure(sg, value):
            own.update(sg.objects(imported, SH.declare))
        declares = (own | ng_declares) if own and value in onts else (global_declares | own)
        for dec in declares:
            prefix_vals = list(sg.objects(dec, SH.prefix))
            namespace_vals = list(sg.objects(dec, SH.namespace))
            if isinstance(dec, Literal) or len(prefix_vals) != 1 or len(namespace_vals) != 1 \
                    or not isinstance(prefix_vals[0], Literal) or not isinstance(namespace_vals[0], Literal):
                fail(node, "ill-formed", "sh:declare")
                continue
            prefix = str(prefix_vals[0].value)
            namespace = str(namespace_vals[0].value)
            if prefixes.get(prefix, namespace) != namespace:
                fail(node, "ill-formed", f"sh:declare, {prefix}: with two namespaces")
            prefixes[prefix] = namespace
    return prefixes


def _imports_closure(sg, node) -> list:
    """``node`` and the nodes it imports (``owl:imports``), transitively, whose declarations
    ``sh:prefixes`` also brings in."""
    found = [node]
    seen = {node}
    for current in found:
        for imported in sg.objects(current, rdflib.OWL.imports):
            if imported not in seen:
                seen.add(imported)
                found.append(imported)
    return found
