"""A SHACL engine that runs on the embedded Oxigraph store and reports exactly what pySHACL reports.

pySHACL, the reference, needs the data in an rdflib graph and checks one resource at a time in
Python: some 20 s for the bundled 40,000 triples, minutes for a million. This engine checks the
same shapes where the data already are, in two steps for every constraint of every shape:

1. **Find the candidates** with one SPARQL query over the whole store: the focus nodes whose
   values are not *certainly* fine (for ``sh:datatype xsd:integer``, every value that is not a
   valid ``xsd:integer``; for ``sh:minCount 1``, every focus node without the property). The
   query may let through nodes that are fine, never hold back one that is not.
2. **Decide** for each candidate the way pySHACL does, in Python on rdflib terms (datatypes,
   comparisons, regular expressions, language tags, counts, shapes within shapes, severities),
   and build the same result: focus node, path, value, source shape, constraint component,
   severity and messages.

Data in the thousands therefore cost one query per constraint, not one Python check per value.
SHACL-SPARQL targets and constraints (``sh:target``/``sh:sparql`` with ``$this``) run as they are
written, once for all their focus nodes, with one rewrite that gives the same answers faster
(:func:`lateral_paths`). Two things can make their answers differ from rdflib's SPARQL, and
both are handled:

- the store lists a triple once per file that holds it, rdflib once: every query of the engine
  asks for DISTINCT values, pySHACL drops repeated rows of a SPARQL constraint, and a SPARQL
  constraint that counts (aggregates, LIMIT) is left to pySHACL;
- rdflib takes a number that is not valid for its datatype (``"abc"^^xsd:integer``) for a number,
  Oxigraph does not: data holding one are left to pySHACL (:class:`Fallback`).

The engine knows the subset of SHACL the project's shapes use (and a little more, listed in
:data:`SUPPORTED`): targets ``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, SPARQL targets; property shapes whose ``sh:path`` is an IRI; the
constraint components below. A shapes graph using anything else raises :class:`Unsupported`
before any data are read, naming the shape and the feature; the caller then validates with
pySHACL instead. Never a silently different answer.

Literals are compared as rdflib compares them: every term leaving the store is converted once,
the same way the pySHACL path converts the data (``"x"^^xsd:string`` becomes a plain ``"x"``),
so a value equals a shape's ``sh:in`` member exactly when it does under pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = rdflib.RDF.type
RDFS_SUBCLASSOF = rdflib.RDFS.subClassOf
XSD = rdflib.XSD
XSD_STRING = XSD.string
RDF_LANGSTRING = rdflib.RDF.langString
#: Severities that do not make a shape fail (pySHACL's ``allow_warnings=True``).
ALLOWED = frozenset({SH.Warning, SH.Info})

#: The constraint parameters this engine evaluates; any other SHACL constraint parameter in a
#: shape makes the shapes graph unsupported.
SUPPORTED = (
    "sh:class", "sh:datatype", "sh:nodeKind", "sh:in", "sh:pattern (with sh:flags)", "sh:languageIn",
    "sh:uniqueLang", "sh:minInclusive", "sh:maxInclusive", "sh:minExclusive", "sh:maxExclusive",
    "sh:minLength", "sh:maxLength", "sh:minCount", "sh:maxCount", "sh:lessThanOrEquals",
    "sh:and", "sh:or", "sh:not", "sh:xone", "sh:property", "sh:qualifiedValueShape",
    "sh:sparql (SELECT, $this, $PATH)",
)


class Unsupported(Exception):
    """The shapes use a feature this engine does not evaluate (or use it in a way pySHACL rejects)."""


class Fallback(Exception):
    """The data raised a case this engine leaves to pySHACL (for example a query Oxigraph rejects)."""


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


# ------------------------------------------------------------------------------------------------
# Terms: Oxigraph <-> rdflib, converted as the pySHACL path converts the data
# ------------------------------------------------------------------------------------------------


class Terms:
    """Converts Oxigraph terms to rdflib terms (cached) and back."""

    def __init__(self):
        self._rdf: dict = {}
        self._ox: dict = {}

    def rdf(self, term):
        if term is None:
            return None
        found = self._rdf.get(term)
        if found is not None:
            return found
        made = to_rdflib_term(term)
        self._rdf[term] = made
        self._ox.setdefault(made, term)
        return made

    def ox(self, term):
        found = self._ox.get(term)
        if found is not None:
            return found
        return to_ox_term(term)


def to_rdflib_term(term):
    """An Oxigraph term as rdflib term; ``xsd:string`` literals become plain literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD_STRING):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_ox_term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def sparql_term(term) -> str:
    """An rdflib or Oxigraph term written for a SPARQL query (N-Triples syntax)."""
    if not isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        term = to_ox_term(term)
    return str(term)


# ------------------------------------------------------------------------------------------------
# The data: the Oxigraph store, read through rdflib terms
# ------------------------------------------------------------------------------------------------


class Data:
    """The data graph: the union of the store's graphs, each triple counted once."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.terms = Terms()
        self._objects: dict = {}
        self._classes: dict = {}
        self.queries = 0

    def select(self, sparql: str) -> tuple[list[str], list[tuple]]:
        """Run a SELECT on the union of the graphs; rows of Oxigraph terms (``None`` when unbound)."""
        self.queries += 1
        try:
            solutions = self.store.query(sparql, use_default_graph_as_union=True)
        except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
            raise Fallback(f"the query cannot run on the store ({exc})") from exc
        names = [v.value for v in solutions.variables]
        return names, [tuple(solution[n] for n in names) for solution in solutions]

    def column(self, sparql: str) -> list:
        """The first column of a SELECT's rows, as rdflib terms."""
        _names, rows = self.select(sparql)
        rdf = self.terms.rdf
        return [rdf(row[0]) for row in rows if row[0] is not None]

    def objects(self, subject, predicate) -> set:
        """The values of ``predicate`` on ``subject`` (rdflib terms), as a set like rdflib's graph."""
        key = (subject, predicate)
        found = self._objects.get(key)
        if found is not None:
            return found
        if isinstance(subject, Literal):
            found = set()
        else:
            rdf = self.terms.rdf
            found = {rdf(q.object) for q in self.store.quads_for_pattern(
                self.terms.ox(subject), ox.NamedNode(str(predicate)), None, None)}
        if len(self._objects) > 200_000:
            self._objects.clear()
        self._objects[key] = found
        return found

    def subclasses(self, cls) -> frozenset:
        """Every class that is ``cls`` or a subclass of it (``rdfs:subClassOf*``)."""
        found = self._classes.get(cls)
        if found is None:
            subclass_of = ox.NamedNode(str(RDFS_SUBCLASSOF))
            seen = {cls}
            todo = [cls]
            while todo:
                current = todo.pop()
                if isinstance(current, Literal):
                    continue
                for q in self.store.quads_for_pattern(None, subclass_of, self.terms.ox(current), None):
                    sub = self.terms.rdf(q.subject)
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            found = self._classes[cls] = frozenset(seen)
        return found

    def is_instance(self, node, cls) -> bool:
        if isinstance(node, Literal):
            return False
        closure = self.subclasses(cls)
        return any(t in closure for t in self.objects(node, RDF_TYPE))


# ------------------------------------------------------------------------------------------------
# Focus nodes: a SPARQL pattern binding ?this, or a list of nodes
# ------------------------------------------------------------------------------------------------


@dataclass
class Focus:
    """The focus nodes a shape is checked on: ``pattern`` binds ``?this`` once per node; or ``nodes``."""

    pattern: str | None = None
    nodes: list | None = None
    #: With ``pattern``: a group that holds when a bound ``?this`` is a focus node.
    member: str | None = None

    def group(self, data: Data) -> str | None:
        """A SPARQL group binding ``?this`` to every focus node once; None if it cannot be written."""
        if self.pattern is not None:
            return self.pattern
        unique = list(dict.fromkeys(self.nodes))
        if any(isinstance(n, BNode) for n in unique):
            return None  # blank nodes cannot be named in a query
        return "VALUES ?this { " + " ".join(sparql_term(data.terms.ox(n)) for n in unique) + " }"


#: The datatypes rdflib's SPARQL takes for numbers whatever their lexical form.
_RDFLIB_NUMERIC = ("float", "double", "decimal", "integer", "nonPositiveInteger", "negativeInteger",
                   "nonNegativeInteger", "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                   "unsignedByte", "long", "int", "short", "byte")


def _term_text(term) -> str:
    from ..rdf.vocab import shorten

    if isinstance(term, Literal) and term.datatype is not None:
        text = str(term)
        if len(text) > 60:  # a note names the value, it does not copy a huge one
            text = f"{text[:40]}…({len(text):,} characters)"
        return f'"{text}"^^{shorten(str(term.datatype))}'
    return term.n3()


@dataclass
class ValueProbe:
    """The values of a property (``path``) that are not certainly fine (``ok`` false)."""

    path: str
    ok: str

    def fragment(self) -> str:
        return f"?this {self.path} ?v . FILTER (!{_safe(self.ok)})"


def _member_test(focus: Focus, fragment: str) -> str:
    """A filter keeping the rows whose ``?this`` is a focus node (none when the fragment says so)."""
    for part in focus.member.split(" UNION "):
        # a target sh:targetSubjectsOf p: a row of "?this p ?v" is a focus node already
        match = re.fullmatch(r"\{ \?this (\S+) \?targetObject \}", part.strip())
        if match and fragment.startswith(f"?this {match.group(1)} "):
            return ""
    return f"FILTER EXISTS {{ {focus.member} }}"


#: Up to this many distinct values of a property are tested one by one (see Engine._probe_values).
PROBE_VALUES = 5000

#: Below this many explicit focus nodes, every node is checked in Python without a query.
SMALL = 32


# ------------------------------------------------------------------------------------------------
# Shapes
# ------------------------------------------------------------------------------------------------


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
    sparql_targets: list = field(default_factory=list)  # (query text with prefixes)

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


# ------------------------------------------------------------------------------------------------
# The engine
# ------------------------------------------------------------------------------------------------


class Engine:
    """The shapes of one shapes graph, ready to validate any store.

    :raises Unsupported: the shapes use a feature this engine does not evaluate.
    """

    def __init__(self, shapes_graph: rdflib.Graph):
        self.sg = shapes_graph
        self.shapes: dict = {}
        self._generic_sg = None
        _compile(self)

    # -- running --------------------------------------------------------------------------------

    @property
    def active_shapes(self) -> list[Shape]:
        """The shapes that apply to data: not deactivated, with targets."""
        return [shape for shape in self.shapes.values() if not shape.deactivated and shape.has_targets]

    def validate(self, store: ox.Store, done: Callable[[], object] | None = None) -> list[Result]:
        """Every result of every shape on the data in ``store`` (all its graphs as one); ``done`` is
        called after each of the :attr:`active_shapes`."""
        self.data = Data(store)
        if self.uses_sparql:
            self._check_sparql_literals()
        results: list[Result] = []
        for shape in self.active_shapes:
            focus = self.targets(shape)
            results.extend(self.evaluate(shape, focus))
            if done is not None:
                done()
        return results

    @property
    def uses_sparql(self) -> bool:
        return any(shape.sparql_targets or any(isinstance(c, _Several) for c in shape.constraints)
                   for shape in self.shapes.values())

    def _check_sparql_literals(self) -> None:
        """Leave to pySHACL the data holding a number that is not valid for its datatype.

        rdflib's SPARQL takes ``"abc"^^xsd:integer`` for a number (``isNumeric`` is true, and it
        compares with other numbers), where Oxigraph, like the SPARQL standard, does not; the
        SHACL-SPARQL rules would then find different things.
        """
        numeric = {URIRef(f"{XSD}{t}") for t in _RDFLIB_NUMERIC}
        # the datatypes of the literals the store does not hold as numbers (a short list)
        datatypes = self.data.column(
            "SELECT DISTINCT ?d WHERE { ?s ?p ?o . FILTER (isLiteral(?o) && !isNumeric(?o)) BIND (DATATYPE(?o) AS ?d) }")
        invalid = sorted(numeric.intersection(datatypes))
        if invalid:
            found = self.data.column(
                f"SELECT ?o WHERE {{ ?s ?p ?o . FILTER (isLiteral(?o) && DATATYPE(?o) = <{invalid[0]}> "
                f"&& !isNumeric(?o)) }} LIMIT 1")
            raise Fallback(f"a number that is not valid for its datatype ({_term_text(found[0])}), "
                           "which the SPARQL rules of pySHACL and of the store read differently")

    def targets(self, shape: Shape) -> Focus:
        data = self.data
        parts = []
        classes = set()
        for cls in shape.target_classes:
            classes.update(data.subclasses(cls))
        if any(isinstance(c, BNode) for c in classes):
            raise Fallback("a target class has a blank-node subclass")
        if classes:
            listed = " ".join(sparql_term(c) for c in sorted(classes, key=str))
            parts.append(f"{{ VALUES ?targetClass {{ {listed} }} ?this a ?targetClass }}")
        for p in shape.target_subjects_of:
            parts.append(f"{{ ?this {sparql_term(p)} ?targetObject }}")
        for p in shape.target_objects_of:
            parts.append(f"{{ ?targetSubject {sparql_term(p)} ?this }}")
        explicit = list(shape.target_nodes)
        for query in shape.sparql_targets:
            names, rows = data.select(query)
            if "this" in names:
                k = names.index("this")
                explicit.extend(data.terms.rdf(row[k]) for row in rows if row[k] is not None)
        if not parts:
            return Focus(nodes=list(dict.fromkeys(explicit)))
        if explicit:
            if any(isinstance(n, BNode) for n in explicit):
                nodes = set(explicit)
                for part in parts:
                    nodes.update(data.column(f"SELECT DISTINCT ?this WHERE {part}"))
                return Focus(nodes=list(nodes))
            parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in dict.fromkeys(explicit)) + " } }")
        return Focus(pattern="{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }",
                     member=" UNION ".join(parts))

    def evaluate(self, shape: Shape, focus: Focus) -> list[Result]:
        """The results of ``shape`` on ``focus`` (pySHACL's ``Shape.validate`` with those focus nodes)."""
        if shape.deactivated:
            return []
        results = []
        for constraint in shape.constraints:
            results.extend(constraint.evaluate(self, shape, focus))
        return results

    def conforms(self, shape: Shape, node) -> bool:
        """Whether ``node`` conforms to ``shape`` as a shape within a shape (sh:and, sh:or, ...)."""
        if shape.deactivated or shape.severity in ALLOWED:
            return True
        return not any(r.severity not in ALLOWED for r in self.evaluate(shape, Focus(nodes=[node])))

    def candidates(self, focus: Focus, where: str | None) -> list | None:
        """The focus nodes kept by the filter ``where`` (SPARQL after the focus group), or None if all."""
        if where is None:
            return None
        if focus.nodes is not None and len(focus.nodes) <= SMALL:
            return None
        group = focus.group(self.data)
        if group is None:
            return None
        if isinstance(where, ValueProbe):
            if focus.member is not None:
                found = self._probe_values(focus, where)
                if found is not None:
                    return sorted(found, key=_sort_key)
            where = where.fragment()
        if callable(where):
            query = where(group)
        elif focus.member is not None and where.startswith("?this "):
            # the constraint's own pattern binds ?this: find the few rows it keeps, then ask
            # whether each is a focus node, instead of listing every focus node first
            query = f"SELECT DISTINCT ?this WHERE {{ {{ {where} }} {_member_test(focus, where)} }}"
        else:
            query = f"SELECT DISTINCT ?this WHERE {{ {group} {where} }}"
        found = set(self.data.column(query))
        if focus.nodes is not None:
            return [n for n in focus.nodes if n in found]
        return sorted(found, key=_sort_key)

    def _probe_values(self, focus: Focus, probe: ValueProbe) -> set | None:
        """The focus nodes with a value that may fail, found through the property's distinct values.

        A property often takes few distinct values (a camp, a source, a year): each is tested once,
        then the focus nodes holding a failing one are looked up. None when the values are too many
        (or include blank nodes, which a query cannot name).
        """
        data = self.data
        _names, rows = data.select(f"SELECT DISTINCT ?v WHERE {{ ?s {probe.path} ?v }} LIMIT {PROBE_VALUES + 1}")
        values = [row[0] for row in rows]
        if len(values) > PROBE_VALUES or any(isinstance(v, ox.BlankNode) for v in values):
            return None
        if not values:
            return set()
        listed = " ".join(str(v) for v in values)
        _names, bad = data.select(f"SELECT ?v WHERE {{ VALUES ?v {{ {listed} }} FILTER (!{_safe(probe.ok)}) }}")
        if not bad:
            return set()
        fragment = f"?this {probe.path} ?v ."
        listed = " ".join(str(row[0]) for row in bad)
        return set(data.column(f"SELECT DISTINCT ?this WHERE {{ {{ VALUES ?v {{ {listed} }} {fragment} }} "
                               f"{_member_test(focus, fragment)} }}"))

    def all_nodes(self, focus: Focus) -> list:
        if focus.nodes is not None:
            return focus.nodes
        return self.data.column(f"SELECT ?this WHERE {{ {focus.pattern} }}")

    # -- generic messages, for shapes without sh:message ------------------------------------------

    def generic_messages(self, shape: Shape, component_class, focus, value) -> list:
        """pySHACL's own default message for a component, for a shape that gives none."""
        from pyshacl.shapes_graph import ShapesGraph

        if self._generic_sg is None:
            self._generic_sg = ShapesGraph(self.sg)
            self._generic_sg.shapes  # noqa: B018 - builds pySHACL's shape cache
        pshape = self._generic_sg.lookup_shape_from_node(shape.node)
        datagraph = rdflib.Graph()
        seen: set = set()
        for node in (focus, value):
            if isinstance(node, BNode):
                for s, p, o in _cbd(self.data, node, seen):
                    datagraph.add((s, p, o))
        return component_class(pshape).make_generic_messages(datagraph, focus, value)


def _cbd(data: Data, node, seen=None):
    seen = seen if seen is not None else set()
    if node in seen:
        return
    seen.add(node)
    for q in data.store.quads_for_pattern(data.terms.ox(node), None, None, None):
        o = data.terms.rdf(q.object)
        yield node, data.terms.rdf(q.predicate), o
        if isinstance(o, BNode):
            yield from _cbd(data, o, seen)


def _sort_key(term):
    return (type(term).__name__, str(term))


# ------------------------------------------------------------------------------------------------
# SPARQL expressions used by the candidate queries
# ------------------------------------------------------------------------------------------------


def _safe(expr: str | None) -> str | None:
    return None if expr is None else f"COALESCE(({expr}), false)"


def _and(exprs: list) -> str | None:
    if any(e is None for e in exprs):
        return None
    return "(" + " && ".join(exprs) + ")" if exprs else "true"


def _or(exprs: list) -> str | None:
    known = [e for e in exprs if e is not None]
    return "(" + " || ".join(known) + ")" if known else None


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


_XSD = str(XSD)
#: A value of one of these datatypes that Oxigraph holds as valid is also valid for rdflib, with
#: a Python value of the type pySHACL checks for.
_DATE = ("^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")


def _datatype_ok(datatype, v: str) -> str | None:
    d = str(datatype)
    if datatype == XSD_STRING:
        return f'(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) = <{d}>)'
    if datatype == RDF_LANGSTRING:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if d in (_XSD + "integer", _XSD + "decimal"):
        return f"(isLiteral({v}) && DATATYPE({v}) = <{d}> && isNumeric({v}))"
    if d == _XSD + "boolean":
        return f'(isLiteral({v}) && DATATYPE({v}) = <{d}> && STR({v}) IN ("true", "false"))'
    if d == _XSD + "date":
        return (f"(isLiteral({v}) && DATATYPE({v}) = <{d}> && REGEX(STR({v}), {_string(_DATE)}) "
                f"&& <{d}>(STR({v})) = {v})")
    return None


def _datatype_fails(datatype, v: str) -> str | None:
    if datatype in (rdflib.RDFS.Literal, rdflib.RDFS.Datatype):
        return None
    return f"(!isLiteral({v}) || DATATYPE({v}) != <{datatype}>)"


#: Python and the regular expressions of Oxigraph (Rust) agree on patterns made of these parts,
#: on strings without control characters (and, for the parts marked ASCII, on ASCII strings).
_PATTERN_TOKEN = re.compile(
    r"\\[.\\/\-^$|?*+()\[\]{}]"      # escaped punctuation
    r"|\\[sSdD]"                       # whitespace and digit classes
    r"|(?P<ascii>\\[wW])"              # word classes: ASCII only
    r"|\(\?:|[()|^$.*+?]"              # groups, alternation, anchors, any, quantifiers
    r"|\{[0-9]+(,[0-9]*)?\}"           # counted repetition
    r"|[ -#%-'\-/-Z\]_-z~,:;<=>@`!\"]"  # ordinary printable characters
)
_CLASS_TOKEN = re.compile(r"\\[.\\/\-^$|?*+()\[\]{}sSdD]|(?P<ascii>\\[wW])|[ -Z^-~]")


def _pattern_support(pattern: str) -> str | None:
    """``None`` when Python and Oxigraph may disagree on ``pattern``; else "any" or "ascii"."""
    kind = "any"
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            end = i + 1
            if end < len(pattern) and pattern[end] == "^":
                end += 1
            if end < len(pattern) and pattern[end] == "]":
                end += 1
            body_start = end
            while end < len(pattern) and pattern[end] != "]":
                token = _CLASS_TOKEN.match(pattern, end)
                if not token:
                    return None
                if token.group("ascii"):
                    kind = "ascii"
                end = token.end()
            if end >= len(pattern):
                return None
            body = pattern[body_start:end]
            if "[" in body or "&&" in body or "--" in body or "~~" in body:
                return None
            i = end + 1
            continue
        token = _PATTERN_TOKEN.match(pattern, i)
        if not token:
            return None
        if token.group("ascii"):
            kind = "ascii"
        i = token.end()
    return kind


# ------------------------------------------------------------------------------------------------
# Constraint components
# ------------------------------------------------------------------------------------------------


class Constraint:
    """One constraint component of a shape, evaluated as pySHACL evaluates it."""

    component: URIRef = SH.ConstraintComponent
    pyshacl_class = None

    def evaluate(self, engine: Engine, shape: Shape, focus: Focus) -> list[Result]:
        candidates = engine.candidates(focus, self.where(engine, shape))
        nodes = engine.all_nodes(focus) if candidates is None else candidates
        results = []
        for f in nodes:
            results.extend(self.check(engine, shape, f))
        return results

    def where(self, engine: Engine, shape: Shape) -> str | None:
        """SPARQL (after the focus group) keeping every focus node that may fail; None: keep all."""
        return None

    def check(self, engine: Engine, shape: Shape, f) -> list[Result]:
        raise NotImplementedError

    def generic(self, engine: Engine, shape: Shape, f, v):
        return lambda: engine.generic_messages(shape, self.pyshacl_class, f, v)


class ValueConstraint(Constraint):
    """A constraint on each value node alone; one result per failing value (and per rule)."""

    def where(self, engine, shape):
        ok = self.ok(engine, "?v")
        if ok is None:
            return None
        if shape.is_property:
            return ValueProbe(sparql_term(shape.path), ok)
        return f"BIND (?this AS ?v) FILTER (!{_safe(ok)})"

    def ok(self, engine: Engine, v: str) -> str | None:
        """A SPARQL expression true only for values that certainly pass."""
        return None

    def fails(self, engine: Engine, v: str) -> str | None:
        """A SPARQL expression true only for values that certainly fail."""
        return None

    def check(self, engine, shape, f):
        results = []
        for v in shape.value_nodes(engine.data, f):
            for _ in range(self.failures(engine, v)):
                results.append(shape.result(f, self.component, v, generic=self.generic(engine, shape, f, v)))
        return results

    def failures(self, engine: Engine, v) -> int:
        """How many results the value gives (0 when it passes)."""
        raise NotImplementedError


class ClassConstraint(ValueConstraint):
    component = SH.ClassConstraintComponent

    def __init__(self, classes):
        self.classes = classes

    def ok(self, engine, v):
        return _and([self._has(engine, c, v) for c in self.classes])

    def fails(self, engine, v):
        return _or([f"!{self._has(engine, c, v)}" for c in self.classes])

    def _has(self, engine, cls, v):
        classes = engine.data.subclasses(cls)
        if any(isinstance(c, BNode) for c in classes):
            return f"EXISTS {{ {v} a/<{RDFS_SUBCLASSOF}>* {sparql_term(cls)} }}" if not isinstance(cls, BNode) else "false"
        listed = " ".join(sparql_term(c) for c in sorted(classes, key=str))
        return f"EXISTS {{ {v} a ?class_{id(self)} . VALUES ?class_{id(self)} {{ {listed} }} }}"

    def failures(self, engine, v):
        return sum(1 for c in self.classes if not engine.data.is_instance(v, c))


class DatatypeConstraint(ValueConstraint):
    component = SH.DatatypeConstraintComponent

    def __init__(self, datatype):
        self.datatype = datatype

    def ok(self, engine, v):
        return _datatype_ok(self.datatype, v)

    def fails(self, engine, v):
        return _datatype_fails(self.datatype, v)

    def failures(self, engine, v):
        return 0 if _datatype_matches(v, self.datatype) else 1


def _datatype_matches(v, dtype_rule) -> bool:
    """pySHACL's DatatypeConstraintComponent test."""
    if not isinstance(v, Literal):
        return False
    datatype = v.datatype
    lang = v.language
    if datatype == dtype_rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v, dtype_rule)
    if dtype_rule == rdflib.RDFS.Literal:
        return True
    if dtype_rule == rdflib.RDFS.Datatype and datatype:
        return True
    if datatype is None and lang is None and dtype_rule == XSD_STRING:
        return _actual_datatype(v, dtype_rule)
    if dtype_rule == RDF_LANGSTRING and lang:
        return _actual_datatype(v, dtype_rule)
    return False


def _actual_datatype(value_node, datatype_rule) -> bool:
    value = value_node.value
    if datatype_rule in (XSD_STRING, RDF_LANGSTRING):
        return isinstance(value, (str, bytes))
    if datatype_rule == XSD.integer:
        return isinstance(value, int)
    if datatype_rule == XSD.float:
        return isinstance(value, float)
    if datatype_rule == XSD.decimal:
        return isinstance(value, Decimal)
    if datatype_rule == XSD.boolean:
        return isinstance(value, bool)
    if datatype_rule == XSD.date:
        return isinstance(value, date)
    if datatype_rule == XSD.time:
        return isinstance(value, time)
    if datatype_rule == XSD.dateTime:
        return isinstance(value, datetime)
    return True


_NODE_KINDS = {
    SH.IRI: ("isIRI", (URIRef,)),
    SH.BlankNode: ("isBlank", (BNode,)),
    SH.Literal: ("isLiteral", (Literal,)),
    SH.BlankNodeOrIRI: ("!isLiteral", (URIRef, BNode)),
    SH.BlankNodeOrLiteral: ("!isIRI", (BNode, Literal)),
    SH.IRIOrLiteral: ("!isBlank", (URIRef, Literal)),
}


class NodeKindConstraint(ValueConstraint):
    component = SH.NodeKindConstraintComponent

    def __init__(self, kind):
        if kind not in _NODE_KINDS:
            raise Unsupported(f"sh:nodeKind {kind}")
        self.kind = kind

    def ok(self, engine, v):
        return f"{_NODE_KINDS[self.kind][0]}({v})"

    def fails(self, engine, v):
        return f"!{_NODE_KINDS[self.kind][0]}({v})"

    def failures(self, engine, v):
        return 0 if isinstance(v, _NODE_KINDS[self.kind][1]) else 1


class InConstraint(ValueConstraint):
    component = SH.InConstraintComponent

    def __init__(self, values):
        self.values = set(values)

    def ok(self, engine, v):
        if not self.values:
            return "false"
        return "(" + " || ".join(f"sameTerm({v}, {sparql_term(x)})" for x in sorted(self.values, key=str)) + ")"

    def fails(self, engine, v):
        # literals can be equal in rdflib and distinct in the store; only IRIs and blank nodes are sure
        return f"(!isLiteral({v}) && !{self.ok(engine, v)})"

    def failures(self, engine, v):
        return 0 if v in self.values else 1


class PatternConstraint(ValueConstraint):
    component = SH.PatternConstraintComponent

    def __init__(self, patterns, flags):
        self.patterns = patterns
        re_flags = 0
        sparql_flags = ""
        if flags:
            text = str(flags.value).lower()
            if "i" in text:
                re_flags |= re.IGNORECASE
                sparql_flags += "i"
            if "m" in text:
                re_flags |= re.MULTILINE
                sparql_flags += "m"
        self.compiled = []
        for p in patterns:
            re_pattern = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
            try:
                self.compiled.append(re.compile(re_pattern, re_flags))
            except re.error as exc:
                raise Unsupported(f"sh:pattern {re_pattern!r} is not a valid regular expression ({exc})") from exc
        self.sparql_flags = sparql_flags

    def ok(self, engine, v):
        tests = []
        for matcher in self.compiled:
            kind = _pattern_support(matcher.pattern)
            if kind is None:
                return None
            if kind == "ascii" or "i" in self.sparql_flags:
                safe = "^[ -~]*$"
            else:
                safe = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
            flags = f", {_string(self.sparql_flags)}" if self.sparql_flags else ""
            tests.append(f"REGEX(STR({v}), {_string(matcher.pattern)}{flags})")
            tests.append(f"REGEX(STR({v}), {_string(safe)})")
        return (f'((isIRI({v}) || (isLiteral({v}) && (LANG({v}) != "" || DATATYPE({v}) = <{XSD_STRING}>))) && '
                + " && ".join(tests) + ")")

    def failures(self, engine, v):
        if isinstance(v, BNode):
            return len(self.compiled)
        text = _value_string(v)
        return sum(1 for m in self.compiled if not (m.match(text) or m.search(text)))


def _value_string(v) -> str:
    if isinstance(v, Literal):
        if v.value is not None and v.datatype in (None, RDF_LANGSTRING, XSD_STRING):
            return str(v.value)
        return str(v)
    return str(v)


class LanguageInConstraint(ValueConstraint):
    component = SH.LanguageInConstraintComponent

    def __init__(self, lists):
        self.lists = lists  # one set of lower-case tags per sh:languageIn

    def ok(self, engine, v):
        return _and([self._ok(tags, v) for tags in self.lists])

    def _ok(self, tags, v):
        if "*" in tags:
            return f'(isLiteral({v}) && LANG({v}) != "")'
        listed = ", ".join(_string(t) for t in sorted(tags))
        return (f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) '
                f'|| LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({listed})))')

    def fails(self, engine, v):
        return _or([f"!{self._ok(tags, v)}" for tags in self.lists])

    def failures(self, engine, v):
        return sum(1 for tags in self.lists if not _language_in(v, tags))


def _language_in(v, languages_need) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = v.language
    if "*" in languages_need or str(lang).lower() in languages_need:
        return True
    return str(lang).split("-")[0].lower() in languages_need


class RangeConstraint(ValueConstraint):
    """sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive."""

    OPERATORS: ClassVar[dict] = {
        SH.minInclusive: (SH.MinInclusiveConstraintComponent, ">=", lambda c: c >= 0),
        SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, "<=", lambda c: c <= 0),
        SH.minExclusive: (SH.MinExclusiveConstraintComponent, ">", lambda c: c > 0),
        SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, "<", lambda c: c < 0),
    }

    def __init__(self, parameter, bounds, pyshacl_class):
        self.component, self.operator, self.passes = self.OPERATORS[parameter]
        for b in bounds:
            if not isinstance(b, Literal):
                raise Unsupported(f"{parameter} needs a literal")
        self.bounds = bounds
        self.pyshacl_class = pyshacl_class

    def ok(self, engine, v):
        tests = []
        for b in self.bounds:
            if b.datatype not in (XSD.integer, XSD.decimal) or getattr(b, "ill_typed", False):
                return None
            tests.append(f"{v} {self.operator} {sparql_term(b)}")
        return (f"(isLiteral({v}) && DATATYPE({v}) IN (<{XSD.integer}>, <{XSD.decimal}>) && isNumeric({v}) && "
                + " && ".join(tests) + ")")

    def failures(self, engine, v):
        from pyshacl.rdfutil.compare import compare_literal

        count = 0
        for bound in self.bounds:
            bound_is_string = isinstance(bound.value, str)
            flag = False
            if isinstance(v, Literal):
                v_is_string = isinstance(v.value, str)
                if bound_is_string == v_is_string:
                    try:
                        flag = self.passes(compare_literal(v, bound))
                    except (TypeError, NotImplementedError):
                        flag = False
            if not flag:
                count += 1
        return count


class LengthConstraint(ValueConstraint):
    """sh:minLength and sh:maxLength."""

    def __init__(self, parameter, bound, pyshacl_class):
        if not isinstance(bound, Literal) or not isinstance(bound.value, int) or bound.value < 0:
            raise Unsupported(f"{parameter} needs a whole number")
        self.minimum = parameter == SH.minLength
        self.component = SH.MinLengthConstraintComponent if self.minimum else SH.MaxLengthConstraintComponent
        self.bound = bound.value
        self.pyshacl_class = pyshacl_class

    def ok(self, engine, v):
        op = ">=" if self.minimum else "<="
        return (f'((isIRI({v}) || (isLiteral({v}) && (LANG({v}) != "" || DATATYPE({v}) = <{XSD_STRING}>))) '
                f"&& STRLEN(STR({v})) {op} {self.bound})")

    def failures(self, engine, v):
        if self.minimum and self.bound == 0:
            return 0
        if isinstance(v, BNode):
            return 1
        length = len(_value_string(v))
        return 0 if (length >= self.bound if self.minimum else length <= self.bound) else 1


class LogicalConstraint(ValueConstraint):
    """sh:and, sh:or, sh:xone (one per list) and sh:not (one per shape)."""

    def __init__(self, kind, members, pyshacl_class):
        self.kind = kind  # "and" | "or" | "xone" | "not"
        self.members = members  # list of lists of shape nodes ("not": lists of one)
        self.component = {"and": SH.AndConstraintComponent, "or": SH.OrConstraintComponent,
                          "xone": SH.XoneConstraintComponent, "not": SH.NotConstraintComponent}[kind]
        self.pyshacl_class = pyshacl_class

    def _shapes(self, engine, nodes):
        return [engine.shapes[n] for n in dict.fromkeys(nodes)]

    def ok(self, engine, v):
        tests = []
        for nodes in self.members:
            shapes = self._shapes(engine, nodes)
            if self.kind == "and":
                tests.append(_and([certainly_conforms(engine, s, v) for s in shapes]))
            elif self.kind == "or":
                tests.append(_or([certainly_conforms(engine, s, v) for s in shapes]))
            elif self.kind == "not":
                tests.append(certainly_fails(engine, shapes[0], v))
            else:
                return None
        return _and(tests)

    def fails(self, engine, v):
        tests = []
        for nodes in self.members:
            shapes = self._shapes(engine, nodes)
            if self.kind == "and":
                tests.append(_or([certainly_fails(engine, s, v) for s in shapes]))
            elif self.kind == "or":
                tests.append(_and([certainly_fails(engine, s, v) for s in shapes]))
            elif self.kind == "not":
                tests.append(certainly_conforms(engine, shapes[0], v))
        return _or(tests)

    def failures(self, engine, v):
        count = 0
        for nodes in self.members:
            verdicts = [engine.conforms(s, v) for s in self._shapes(engine, nodes)]
            if self.kind == "and":
                failed = not all(verdicts)
            elif self.kind == "or":
                failed = not any(verdicts)
            elif self.kind == "xone":
                failed = sum(verdicts) != 1
            else:
                failed = verdicts[0]
            count += failed
        return count


def certainly_conforms(engine: Engine, shape: Shape, v: str) -> str | None:
    """SPARQL true only for nodes that conform to ``shape`` (None when no such test is known)."""
    if shape.deactivated or shape.severity in ALLOWED:
        return "true"
    if shape.is_property or not all(isinstance(c, ValueConstraint) for c in shape.constraints):
        return None
    return _and([c.ok(engine, v) for c in shape.constraints])


def certainly_fails(engine: Engine, shape: Shape, v: str) -> str | None:
    """SPARQL true only for nodes that do not conform to ``shape`` (None when no such test is known)."""
    if shape.deactivated or shape.severity in ALLOWED:
        return "false"
    if shape.is_property:
        return None
    return _or([c.fails(engine, v) for c in shape.constraints if isinstance(c, ValueConstraint)])


class CountConstraint(Constraint):
    """sh:minCount and sh:maxCount: one result per focus node, without a value."""

    def __init__(self, minimum: bool, bound, pyshacl_class):
        if not isinstance(bound, Literal) or not isinstance(bound.value, int):
            raise Unsupported("sh:minCount/sh:maxCount need a whole number")
        self.minimum = minimum
        self.bound = int(bound.value)
        self.component = SH.MinCountConstraintComponent if minimum else SH.MaxCountConstraintComponent
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        if self.minimum and self.bound == 0:
            return []
        return super().evaluate(engine, shape, focus)

    def where(self, engine, shape):
        if not shape.is_property:
            return None
        p = sparql_term(shape.path)
        if self.minimum and self.bound == 1:
            return f"FILTER NOT EXISTS {{ ?this {p} ?any }}"
        if self.minimum:
            # two typed literals may be one value once read by rdflib: keep those focus nodes too
            typed = f'BOUND(?v) && isLiteral(?v) && LANG(?v) = "" && DATATYPE(?v) != <{XSD_STRING}>'
            return lambda group: (
                f"SELECT ?this WHERE {{ {group} OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?v) < {self.bound} || SUM(IF({typed}, 1, 0)) > 1)")
        if self.bound == 1:
            return f"?this {p} ?a . ?this {p} ?b . FILTER (!sameTerm(?a, ?b))"
        return lambda group: (f"SELECT ?this WHERE {{ {group} ?this {p} ?v }} GROUP BY ?this "
                              f"HAVING (COUNT(DISTINCT ?v) > {self.bound})")

    def check(self, engine, shape, f):
        n = len(shape.value_nodes(engine.data, f))
        failed = n < self.bound if self.minimum else n > self.bound
        return [shape.result(f, self.component, generic=self.generic(engine, shape, f, None))] if failed else []


class UniqueLangConstraint(Constraint):
    component = SH.UniqueLangConstraintComponent

    def __init__(self, flag, pyshacl_class):
        self.active = isinstance(flag, Literal) and flag.value is True
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        return super().evaluate(engine, shape, focus) if self.active else []

    def where(self, engine, shape):
        if not shape.is_property:
            return None
        p = sparql_term(shape.path)
        return (f'?this {p} ?a . ?this {p} ?b . FILTER (!sameTerm(?a, ?b) && LANG(?a) != "" '
                f"&& LCASE(LANG(?a)) = LCASE(LANG(?b)))")

    def check(self, engine, shape, f):
        found_langs = {}
        duplicates = set()
        for v in shape.value_nodes(engine.data, f):
            if isinstance(v, Literal) and v.language:
                low = str(v.language).lower()
                if low in found_langs:
                    duplicates.add(low)
                else:
                    found_langs[low] = v.language
        return [shape.result(f, self.component, generic=self.generic(engine, shape, f, None)) for _ in duplicates]


class LessThanOrEqualsConstraint(Constraint):
    component = SH.LessThanOrEqualsConstraintComponent

    def __init__(self, properties, pyshacl_class):
        for p in properties:
            if not isinstance(p, URIRef):
                raise Unsupported("sh:lessThanOrEquals needs an IRI")
        self.properties = properties
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        results = []
        for prop in self.properties:
            where = self.where_for(shape, prop)
            candidates = engine.candidates(focus, where)
            for f in engine.all_nodes(focus) if candidates is None else candidates:
                results.extend(self.check_one(engine, shape, f, prop))
        return results

    def where_for(self, shape, prop):
        value = f"?this {sparql_term(shape.path)} ?a ." if shape.is_property else "BIND (?this AS ?a)"
        numeric = f"DATATYPE({{0}}) IN (<{XSD.integer}>, <{XSD.decimal}>) && isNumeric({{0}})"
        # a blank node on either side is kept too: pySHACL refuses to compare one
        return (f"{value} OPTIONAL {{ ?this {sparql_term(prop)} ?b }} FILTER (isBlank(?a) || isBlank(?b) || "
                f"(BOUND(?b) && !COALESCE(isLiteral(?a) && isLiteral(?b) && "
                f"{numeric.format('?a')} && {numeric.format('?b')} && ?a <= ?b, false)))")

    def check_one(self, engine, shape, f, prop):
        results = []
        compare_values = engine.data.objects(f, prop)
        for value_node in shape.value_nodes(engine.data, f):
            if isinstance(value_node, BNode):
                raise Fallback("sh:lessThanOrEquals on a blank node")
            original = value_node
            value_is_string = False
            if isinstance(value_node, URIRef):
                value_node, value_is_string = str(value_node), True
            elif isinstance(value_node, Literal) and isinstance(value_node.value, str):
                value_node, value_is_string = value_node.value, True
            for compare in compare_values:
                if isinstance(compare, BNode):
                    raise Fallback("sh:lessThanOrEquals on a blank node")
                compare_is_string = False
                if isinstance(compare, URIRef):
                    compare, compare_is_string = str(compare), True
                elif isinstance(compare, Literal) and isinstance(compare.value, str):
                    compare, compare_is_string = compare.value, True
                if value_is_string != compare_is_string or not value_node <= compare:
                    results.append(shape.result(f, self.component, original,
                                                generic=self.generic(engine, shape, f, original)))
        return results


class PropertyConstraint(Constraint):
    """sh:property: the property shapes' own results, on the same focus nodes (or the value nodes)."""

    component = SH.PropertyConstraintComponent

    def __init__(self, nodes):
        self.nodes = nodes

    def evaluate(self, engine, shape, focus):
        if shape.is_property:
            values = []
            for f in engine.all_nodes(focus):
                values.extend(shape.value_nodes(engine.data, f))
            focus = Focus(nodes=values)
        results = []
        for node in self.nodes:
            results.extend(engine.evaluate(engine.shapes[node], focus))
        return results


class QualifiedConstraint(Constraint):
    """sh:qualifiedValueShape with sh:qualifiedMinCount and/or sh:qualifiedMaxCount."""

    def __init__(self, value_shapes, minimum, maximum, disjoint, siblings, pyshacl_class):
        self.value_shapes = value_shapes
        self.minimum = minimum
        self.maximum = maximum
        self.disjoint = disjoint
        self.siblings = siblings  # value shape -> sibling shape nodes
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        results = []
        for node in self.value_shapes:
            value_shape = engine.shapes[node]
            candidates = engine.candidates(focus, self.where_for(engine, shape, value_shape))
            for f in engine.all_nodes(focus) if candidates is None else candidates:
                results.extend(self.check_one(engine, shape, f, node))
        return results

    def where_for(self, engine, shape, value_shape):
        if self.disjoint or not shape.is_property:
            return None
        p = sparql_term(shape.path)
        if self.minimum is not None and self.maximum is None:
            ok = certainly_conforms(engine, value_shape, "?v")
            if ok is None or self.minimum > 1:
                return None
            if self.minimum <= 0:
                return "FILTER (false)"
            return f"FILTER NOT EXISTS {{ ?this {p} ?v . FILTER ({_safe(ok)}) }}"
        if self.maximum is not None and self.minimum is None:
            fails = certainly_fails(engine, value_shape, "?v")
            keep = f"FILTER (!{_safe(fails)})" if fails is not None else ""
            return lambda group: (f"SELECT ?this WHERE {{ {group} ?this {p} ?v . {keep} }} GROUP BY ?this "
                                  f"HAVING (COUNT(DISTINCT ?v) > {self.maximum})")
        return None

    def check_one(self, engine, shape, f, node):
        value_shape = engine.shapes[node]
        siblings = [engine.shapes[s] for s in self.siblings.get(node, ())]
        number = 0
        for v in shape.value_nodes(engine.data, f):
            if engine.conforms(value_shape, v) and not any(engine.conforms(s, v) for s in siblings):
                number += 1
        results = []
        if self.maximum is not None and number > self.maximum:
            results.append(shape.result(f, SH.QualifiedMaxCountConstraintComponent,
                                        generic=self.generic(engine, shape, f, None)))
        if self.minimum is not None and number < self.minimum:
            results.append(shape.result(f, SH.QualifiedMinCountConstraintComponent,
                                        generic=self.generic(engine, shape, f, None)))
        return results


class SparqlConstraint(Constraint):
    """sh:sparql: the SELECT query run once for all focus nodes, ``$this`` joined to them."""

    component = SH.SPARQLConstraintComponent

    def __init__(self, node, select, prefixes, messages):
        self.node = node
        self.select = select
        self.prefixes = prefixes
        self.messages = messages

    def evaluate(self, engine, shape, focus):
        data = engine.data
        text = self.select
        if shape.is_property:
            text = _BIND_PATH.sub(rf"\g<1>{sparql_term(shape.path)}", text)
        elif _BIND_PATH.search(text):
            raise Fallback("$PATH in a node shape's SPARQL constraint")
        group = focus.group(data)
        if group is None:
            raise Fallback("a SPARQL constraint on blank-node focus nodes")
        if focus.nodes is not None and not focus.nodes:
            return []
        query = _prefix(self.prefixes, _inject(text, group))
        names, rows = data.select(query)
        rdf = data.terms.rdf
        by_focus: dict = {}
        this_index = names.index("this") if "this" in names else None
        for row in rows:
            # the focus node this row belongs to: ?this is projected, or the row came from the join
            by_focus.setdefault(rdf(row[this_index]) if this_index is not None else None, []).append(row)
        if this_index is None:
            # ?this not projected: run per focus node so each row is attributed to its focus
            return self._per_focus(engine, shape, focus, text)
        results = []
        nodes = engine.all_nodes(focus) if focus.nodes is None else focus.nodes
        for f in nodes:
            results.extend(self._results(shape, f, names, by_focus.get(f, []), rdf))
        return results

    def _per_focus(self, engine, shape, focus, text):
        data = engine.data
        results = []
        for f in engine.all_nodes(focus):
            if isinstance(f, BNode):
                raise Fallback("a SPARQL constraint on a blank-node focus node")
            query = _prefix(self.prefixes, _inject(text, "VALUES ?this { " + sparql_term(data.terms.ox(f)) + " }"))
            names, rows = data.select(query)
            results.extend(self._results(shape, f, names, rows, data.terms.rdf))
        return results

    def _results(self, shape, f, names, rows, rdf):
        violations = []
        seen_failure = False
        for row in rows:
            var_dict = {n: rdf(t) for n, t in zip(names, row) if t is not None}
            failure = var_dict.pop("failure", None)
            if failure is not None:
                if seen_failure:
                    continue
                violations.append((True, var_dict))
                seen_failure = True
                continue
            p = var_dict.pop("path", None)
            v = var_dict.pop("value", None)
            t = var_dict.pop("this", None)
            if p is not None or v is not None or t is not None:
                if (t, p, v, var_dict) in violations:
                    continue
                violations.append((t, p, v, var_dict))
        result_val = None if shape.is_property else f
        extra = self.messages or None
        out = []
        for item in violations:
            if item[0] is True:
                out.append(shape.result(f, self.component, result_val, source_constraint=self.node,
                                        extra_messages=extra, bound_vars=item[1]))
                continue
            t, p, v, var_dict = item
            if v is None:
                v = result_val
            out.append(shape.result(t or f, self.component, v, path=p, source_constraint=self.node,
                                    extra_messages=extra, bound_vars=(t, p, v, var_dict)))
        return out


_BIND_PATH = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.MULTILINE)


def _prefix(prefixes: dict, sparql: str) -> str:
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    return f"{declared}\n{sparql}"


_LEXICAL = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                      r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*")


def _inject(select: str, group: str) -> str:
    """The query with ``group`` added at the start of its WHERE clause."""
    position = 0
    where_seen = False
    while position < len(select):
        skip = _LEXICAL.match(select, position)
        if skip:
            position = skip.end()
            continue
        if select[position] == "?" or select[position] == "$":
            # a variable: skip its name (a variable called ?where is not the keyword)
            end = position + 1
            while end < len(select) and (select[end].isalnum() or select[end] == "_"):
                end += 1
            position = end
            continue
        if select[position:position + 5].upper() == "WHERE" and not _word(select, position - 1) \
                and not _word(select, position + 5):
            where_seen = True
            position += 5
            continue
        if select[position] == "{":
            if not where_seen and re.search(r"\bEXISTS\s*$", select[:position], flags=re.IGNORECASE):
                raise Fallback("EXISTS in a SELECT clause")
            return select[: position + 1] + " " + group + " " + select[position + 1:]
        position += 1
    raise Unsupported("a SPARQL query without a WHERE clause")


_MASK = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                   r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|#[^\n]*")
_PATH_STEP = r"\^?(?:<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|a)[*?+]?"
_ZERO_PATH = re.compile(
    r"\.\s*"
    r"(?P<triple>(?P<s>[?$][A-Za-z_]\w*)\s+"
    r"(?P<path>" + _PATH_STEP + r"(?:\s*/\s*" + _PATH_STEP + r")*)"
    r"\s+[?$][A-Za-z_]\w*)"
    r"(?=\s*(?:\.|\}|FILTER\b|OPTIONAL\b|BIND\b))", flags=re.IGNORECASE)


def lateral_paths(sparql: str) -> str:
    """The query with each zero-length-capable path joined with LATERAL to what binds its subject.

    Oxigraph evaluates ``?t rdfs:subClassOf* ?c`` on its own before joining it, and with both ends
    free a zero-length path first lists every node of the graph: inside ``FILTER NOT EXISTS`` that
    costs the size of the graph per row. Written ``LATERAL { ... }`` after the pattern that binds
    ``?t``, the path starts from each bound value instead. The results are the same whenever
    ``?t`` is bound by triple patterns only (so to nodes of the graph) or not at all, so the query
    is left as it is otherwise (``?t`` given by VALUES, BIND or AS, or ``?this``).
    """
    masked = _MASK.sub(lambda m: " " * len(m.group(0)), sparql)
    if re.search(r"\bVALUES\b", masked, flags=re.IGNORECASE):
        return sparql
    spans = []
    for m in _ZERO_PATH.finditer(masked):
        steps = re.sub(r"<[^<>\s]*>", "<>", m.group("path"))
        if not re.search(r"[*?]", steps):
            continue
        subject = m.group("s")[1:]
        if subject == "this" or re.search(r"\bAS\s+[?$]" + re.escape(subject) + r"\b", masked, flags=re.IGNORECASE):
            continue
        if not re.search(r"[?$]" + re.escape(subject) + r"\b", masked[: m.start("triple")]):
            continue
        spans.append((m.start("triple"), m.end("triple")))
    # A plain triple pattern right after a sub-SELECT: joined to each of the sub-SELECT's rows
    # (few) by index look-ups, rather than read whole and hash-joined. A join and a LATERAL join
    # with a triple pattern are the same.
    for m in _AFTER_GROUP.finditer(masked):
        if _group_before(masked, m.start()).upper().find("SELECT") >= 0:
            spans.append((m.start("triple"), m.end("triple")))
    out = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(sparql[last:start])
        out.append("LATERAL { " + sparql[start:end] + " }")
        last = end
    out.append(sparql[last:])
    return "".join(out)


_TERM = r"(?:[?$][A-Za-z_]\w*|<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*)"
_AFTER_GROUP = re.compile(
    r"\}\s*(?P<triple>" + _TERM + r"\s+(?:" + _TERM + r"|a)\s+" + _TERM + r")(?=\s*(?:\.|\}|FILTER\b|OPTIONAL\b|BIND\b))")


def _group_before(masked: str, close: int) -> str:
    """The text of the group that the brace at ``close`` ends."""
    depth = 0
    for k in range(close, -1, -1):
        if masked[k] == "}":
            depth += 1
        elif masked[k] == "{":
            depth -= 1
            if depth == 0:
                return masked[k:close + 1]
    return ""


def _word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


# ------------------------------------------------------------------------------------------------
# Compiling a shapes graph, as pySHACL finds and reads its shapes
# ------------------------------------------------------------------------------------------------


def _compile(engine: Engine) -> None:
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    sg = engine.sg
    problems: list[str] = []

    def fail(node, what):
        problems.append(f"{_name(sg, node)}: {what}")

    # Features that change the data or the machinery: never evaluated here.
    for kind, what in ((SH.ConstraintComponent, "a custom constraint component"),
                       (SH.SPARQLFunction, "a SHACL function"), (SH.SHACLFunction, "a SHACL function"),
                       (SH.SPARQLTargetType, "a SPARQL target type"), (SH.JSTargetType, "a JavaScript target type"),
                       (SH.JSFunction, "a JavaScript function")):
        for node in sg.subjects(RDF_TYPE, kind):
            fail(node, what)
    for node in set(sg.subjects(SH.rule, None)):
        fail(node, "SHACL rules (sh:rule)")
    for node in set(sg.subjects(SH.expression, None)):
        fail(node, "node expressions (sh:expression)")

    node_shapes, property_shapes = _find_shapes(sg, fail)
    advanced_params = set(ALL_CONSTRAINT_PARAMETERS)
    for node, path in list(node_shapes.items()) + list(property_shapes.items()):
        is_property = node in property_shapes
        shape = _read_shape(sg, node, is_property, path, fail)
        if shape is None:
            continue
        engine.shapes[node] = shape

    for node, shape in engine.shapes.items():
        _read_targets(sg, shape, fail, SPARQLQueryHelper)
        params = [p for p, _o in sg.predicate_objects(node) if p in advanced_params]
        done = set()
        for p in params:
            cls = CONSTRAINT_PARAMETERS_MAP[p]
            if cls in done:
                continue
            done.add(cls)
            try:
                constraint = _read_constraint(engine, sg, shape, cls, fail, SPARQLQueryHelper)
            except Unsupported as exc:
                fail(node, str(exc))
                continue
            if constraint is not None:
                shape.constraints.append(constraint)

    _check_references(engine, fail)
    if problems:
        raise Unsupported("; ".join(sorted(set(problems))))


def _name(sg, node) -> str:
    if isinstance(node, URIRef):
        from ..rdf.vocab import shorten

        return shorten(str(node))
    return "an anonymous shape" if isinstance(node, BNode) else str(node)


def _find_shapes(sg, fail):
    """pySHACL's shape discovery: declared shapes, shapes by their parameters, shapes as values."""
    node_shapes: dict = {}
    property_shapes: dict = {}
    declared_node = set(sg.subjects(RDF_TYPE, SH.NodeShape))
    declared_property = set(sg.subjects(RDF_TYPE, SH.PropertyShape))
    for s in declared_node:
        if list(sg.objects(s, SH.path)):
            fail(s, "a node shape with sh:path")
        node_shapes[s] = None
    for s in declared_property:
        paths = list(sg.objects(s, SH.path))
        if s in declared_node or len(paths) != 1:
            fail(s, "a property shape needs exactly one sh:path")
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
                fail(lst, "an empty or broken shape list")
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
            fail(s, "a shape with more than one sh:path")
    return node_shapes, property_shapes


def _read_shape(sg, node, is_property, path, fail) -> Shape | None:
    if is_property and not isinstance(path, URIRef):
        fail(node, "a property path other than one IRI")
        return None
    deactivated = list(sg.objects(node, SH.deactivated))
    severities = list(sg.objects(node, SH.severity))
    if len(deactivated) > 1 or (deactivated and not isinstance(deactivated[0], Literal)):
        fail(node, "sh:deactivated must be one literal")
        return None
    if len(set(severities)) > 1:
        fail(node, "more than one sh:severity")
        return None
    return Shape(
        node=node,
        is_property=is_property,
        path=path if is_property else None,
        severity=severities[0] if severities else SH.Violation,
        messages=tuple(set(sg.objects(node, SH.message))),
        deactivated=bool(deactivated[0].value) if deactivated else False,
    )


def _read_targets(sg, shape: Shape, fail, helper) -> None:
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
            fail(node, "a literal sh:targetClass")
    for p in shape.target_subjects_of + shape.target_objects_of:
        if not isinstance(p, URIRef):
            fail(node, "a target property that is not an IRI")
    for target in set(sg.objects(node, SH.target)):
        selects = list(sg.objects(target, SH.select))
        if len(selects) != 1:
            fail(node, "an sh:target that is not a SPARQL target with one sh:select")
            continue
        prefixes = _prefixes(sg, target, fail)
        shape.sparql_targets.append(_prefix(prefixes, lateral_paths(str(selects[0]))))


def _prefixes(sg, node, fail) -> dict:
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
        own = set(sg.objects(value, SH.declare))
        declares = (own | ng_declares) if own and value in onts else (global_declares | own)
        for dec in declares:
            prefix_vals = list(sg.objects(dec, SH.prefix))
            namespace_vals = list(sg.objects(dec, SH.namespace))
            if isinstance(dec, Literal) or len(prefix_vals) != 1 or len(namespace_vals) != 1 \
                    or not isinstance(prefix_vals[0], Literal) or not isinstance(namespace_vals[0], Literal):
                fail(node, "a malformed sh:declare")
                continue
            prefix = str(prefix_vals[0].value)
            namespace = str(namespace_vals[0].value)
            if prefixes.get(prefix, namespace) != namespace:
                fail(node, f"the prefix {prefix}: is declared with two namespaces")
            prefixes[prefix] = namespace
    return prefixes


def _read_constraint(engine, sg, shape: Shape, cls, fail, helper):
    node = shape.node
    name = cls.__name__
    objects = lambda p: list(sg.objects(node, p))
    if name == "ClassConstraintComponent":
        return _with(ClassConstraint(objects(SH["class"])), cls)
    if name == "DatatypeConstraintComponent":
        values = objects(SH.datatype)
        if len(values) != 1:
            raise Unsupported("more than one sh:datatype")
        return _with(DatatypeConstraint(values[0]), cls)
    if name == "NodeKindConstraintComponent":
        values = objects(SH.nodeKind)
        if len(values) != 1:
            raise Unsupported("more than one sh:nodeKind")
        return _with(NodeKindConstraint(values[0]), cls)
    if name == "InConstraintComponent":
        lists = objects(SH["in"])
        if len(lists) != 1:
            raise Unsupported("more than one sh:in")
        return _with(InConstraint(list(sg.items(lists[0]))), cls)
    if name == "PatternConstraintComponent":
        patterns = objects(SH.pattern)
        if any(not isinstance(p, Literal) for p in patterns):
            raise Unsupported("sh:pattern must be a literal")
        flags = set(objects(SH.flags))
        if len(flags) > 1:
            raise Unsupported("more than one sh:flags")
        return _with(PatternConstraint(patterns, next(iter(flags)) if flags else None), cls)
    if name == "LanguageInConstraintComponent":
        lists = []
        for lst in objects(SH.languageIn):
            tags = set()
            for item in sg.items(lst):
                if not isinstance(item, Literal) or not isinstance(item.value, str):
                    raise Unsupported("sh:languageIn must list strings")
                tags.add(str(item.value).lower())
            lists.append(tags)
        return _with(LanguageInConstraint(lists), cls)
    if name == "UniqueLangConstraintComponent":
        values = objects(SH.uniqueLang)
        if len(values) != 1 or not shape.is_property:
            raise Unsupported("sh:uniqueLang needs one value, on a property shape")
        return UniqueLangConstraint(values[0], cls)
    if name in ("MinInclusiveConstraintComponent", "MaxInclusiveConstraintComponent",
                "MinExclusiveConstraintComponent", "MaxExclusiveConstraintComponent"):
        parameter = cls.constraint_parameters()[0]
        return RangeConstraint(parameter, objects(parameter), cls)
    if name in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent"):
        parameter = cls.constraint_parameters()[0]
        values = objects(parameter)
        if len(values) != 1:
            raise Unsupported(f"more than one {parameter}")
        return LengthConstraint(parameter, values[0], cls)
    if name in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
        parameter = cls.constraint_parameters()[0]
        values = objects(parameter)
        if len(values) != 1 or not shape.is_property:
            raise Unsupported(f"{parameter} needs one value, on a property shape")
        return CountConstraint(name.startswith("Min"), values[0], cls)
    if name == "LessThanOrEqualsConstraintComponent":
        return LessThanOrEqualsConstraint(objects(SH.lessThanOrEquals), cls)
    if name in ("AndConstraintComponent", "OrConstraintComponent", "XoneConstraintComponent"):
        kind = name[: -len("ConstraintComponent")].lower()
        members = []
        for lst in objects(SH[kind]):
            items = list(sg.items(lst))
            if not items:
                raise Unsupported(f"sh:{kind} needs a list of shapes")
            members.append(items)
        return LogicalConstraint(kind, members, cls)
    if name == "NotConstraintComponent":
        return LogicalConstraint("not", [[n] for n in objects(SH["not"])], cls)
    if name == "PropertyConstraintComponent":
        return PropertyConstraint(objects(SH.property))
    if name == "QualifiedValueShapeConstraintComponent":
        if not shape.is_property:
            return None  # pySHACL ignores it on a node shape
        value_shapes = list(set(objects(SH.qualifiedValueShape)))
        mins = set(objects(SH.qualifiedMinCount))
        maxs = set(objects(SH.qualifiedMaxCount))
        for values in (mins, maxs):
            if len(values) > 1 or any(not isinstance(v, Literal) or not isinstance(v.value, int) for v in values):
                raise Unsupported("sh:qualifiedMinCount/sh:qualifiedMaxCount need one whole number")
        if not value_shapes or (not mins and not maxs):
            raise Unsupported("sh:qualifiedValueShape needs a shape and a count")
        disjoint = any(isinstance(d, Literal) and isinstance(d.value, bool) and d.value
                       for d in objects(SH.qualifiedValueShapesDisjoint))
        siblings = {}
        if disjoint:
            for v_shape in value_shapes:
                found = set()
                for parent in set(sg.subjects(SH.property, node)):
                    for sibling_property in set(sg.objects(parent, SH.property)):
                        for sibling in set(sg.objects(sibling_property, SH.qualifiedValueShape)):
                            if sibling != v_shape:
                                found.add(sibling)
                siblings[v_shape] = sorted(found, key=str)
        return QualifiedConstraint(value_shapes, next(iter(mins)).value if mins else None,
                                   next(iter(maxs)).value if maxs else None, disjoint, siblings, cls)
    if name == "SPARQLBasedConstraint":
        return _read_sparql(sg, shape, fail, helper)
    parameters = ", ".join(_short(p) for p in cls.constraint_parameters())
    raise Unsupported(f"the constraint {parameters}")


def _short(iri) -> str:
    return "sh:" + str(iri)[len(str(SH)):] if str(iri).startswith(str(SH)) else f"<{iri}>"


def _with(constraint, cls):
    constraint.pyshacl_class = cls
    return constraint


def _read_sparql(sg, shape, fail, helper):
    constraints = []
    for s in set(sg.objects(shape.node, SH.sparql)):
        selects = list(sg.objects(s, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal) or not isinstance(selects[0].value, str):
            raise Unsupported("sh:sparql needs one sh:select")
        text = str(selects[0].value)
        deactivated = list(sg.objects(s, SH.deactivated))
        if deactivated and isinstance(deactivated[0], Literal) and bool(deactivated[0].value):
            continue
        for regex, what in ((helper.has_minus_regex, "MINUS"), (helper.has_values_regex, "VALUES"),
                            (helper.has_service_regex, "SERVICE"), (helper.has_nested_select_regex, "a nested SELECT"),
                            (helper.bind_sg_regex, "$shapesGraph"), (helper.bind_cs_regex, "$currentShape"),
                            (helper.has_as_var_regex, "AS")):
            found = regex.search(text)
            if found and (what != "AS" or found.group(1) in ("this", "shapesGraph", "currentShape")):
                raise Unsupported(f"a SPARQL constraint with {what}")
        if re.search(r"\b(LIMIT|OFFSET|COUNT|SUM|AVG|MIN|MAX|GROUP_CONCAT|SAMPLE)\b", text, flags=re.IGNORECASE):
            # the store repeats a triple found in two files; these would count it twice
            raise Unsupported("a SPARQL constraint with aggregates, LIMIT or OFFSET")
        messages = set(sg.objects(s, SH.message))
        constraints.append(SparqlConstraint(s, lateral_paths(text), _prefixes(sg, s, fail), messages))
    return _Several(constraints)


class _Several(Constraint):
    component = SH.SPARQLConstraintComponent

    def __init__(self, parts):
        self.parts = parts

    def evaluate(self, engine, shape, focus):
        results = []
        for part in self.parts:
            results.extend(part.evaluate(engine, shape, focus))
        return results


def _check_references(engine: Engine, fail) -> None:
    """Every shape a constraint points to exists, property shapes where needed, and no cycles."""
    edges: dict = {}
    for node, shape in engine.shapes.items():
        refs = []
        for c in shape.constraints:
            if isinstance(c, PropertyConstraint):
                for n in c.nodes:
                    if n not in engine.shapes or not engine.shapes[n].is_property:
                        fail(node, "sh:property points to no property shape")
                refs.extend(c.nodes)
            elif isinstance(c, LogicalConstraint):
                for nodes in c.members:
                    for n in nodes:
                        if n not in engine.shapes:
                            fail(node, f"sh:{c.kind} points to no shape")
                    refs.extend(nodes)
            elif isinstance(c, QualifiedConstraint):
                for n in list(c.value_shapes) + [s for ss in c.siblings.values() for s in ss]:
                    if n not in engine.shapes:
                        fail(node, "sh:qualifiedValueShape points to no shape")
                refs.extend(c.value_shapes)
        edges[node] = [r for r in refs if r in engine.shapes]
    state: dict = {}

    def visit(n):
        state[n] = 1
        for m in edges.get(n, ()):
            if state.get(m) == 1:
                fail(n, "shapes that refer to themselves")
            elif m not in state:
                visit(m)
        state[n] = 2

    for n in edges:
        if n not in state:
            visit(n)


def validate_store(store: ox.Store, shapes_graph: rdflib.Graph) -> list[Result]:
    """Validate the data in ``store`` against ``shapes_graph``.

    :raises Unsupported: the shapes use a feature this engine does not evaluate.
    :raises Fallback: the data hold a case this engine leaves to pySHACL.
    """
    return Engine(shapes_graph).validate(store)


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

    def copy(node, source):
        if not isinstance(node, BNode) or (source, node) in copied:
            return
        copied.add((source, node))
        if source == "shapes" and shapes_graph is not None:
            triples = list(shapes_graph.triples((node, None, None)))
        elif source == "data" and data is not None:
            triples = list(_cbd(data, node))
        else:
            triples = []
        for s, p, o in triples:
            g.add((s, p, o))
            copy(o, source)

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
