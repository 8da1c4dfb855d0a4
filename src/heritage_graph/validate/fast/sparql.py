"""SHACL-SPARQL constraints (``sh:sparql``): each SELECT runs once for all the focus nodes, joined
to them through ``$this``, and its rows become results as pySHACL makes them. A constraint naming
``$shapesGraph`` or ``$currentShape`` runs once per focus node instead, on a copy of the data with
the shapes graph beside it, the three variables pre-bound by the store."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from pyparsing import ParseResults
from rdflib import BNode, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from .components import Constraint
from .rewrite import inject_focus, names_path, project, substitute_path, with_prefixes
from .scope import Fallback
from .terms import SH, sparql_term


#: The operators that keep the solutions of what they wrap at the top of a query's WHERE clause.
_TOP = ("SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "Filter", "Extend", "ToMultiSet")
_THIS = Variable("this")
#: The variables SHACL pre-binds in a SPARQL constraint ($PATH is replaced in the text).
_PRE_BOUND = (_THIS, Variable("shapesGraph"), Variable("currentShape"))
#: The variables bound to the shapes graph and the shape, when a constraint names one of them.
SHAPES_VARIABLES = ("shapesGraph", "currentShape")
#: The name of the shapes graph beside the data, bound to ``$shapesGraph``.
SHAPES_GRAPH = ox.NamedNode("urn:x-heritage-graph:shapes-graph")


@lru_cache(maxsize=512)
def query_algebra(sparql: str):
    """rdflib's algebra of a query (None when it cannot be read), parsed once for every question
    the engine asks of the same text (parsing costs some 20 ms a query). Read it, never change it."""
    try:
        return translateQuery(parseQuery(sparql)).algebra  # its own tree: translating changes it
    except Exception:  # noqa: BLE001 - rdflib's parser raises bare Exceptions (an unknown prefix)
        return None


@lru_cache(maxsize=512)
def query_tree(sparql: str):
    """rdflib's parse tree of a query (raises what rdflib raises); read it, never change it."""
    return parseQuery(sparql)


def tests_this_in_a_group(sparql: str) -> bool:
    """Whether the query tests ``$this`` (a FILTER, BIND or OPTIONAL condition) inside a group of
    its WHERE clause, read from rdflib's algebra of the query.

    SHACL pre-binds ``$this``: every group sees it bound. Joined to the focus nodes at the start
    of the WHERE clause, as this engine runs a query, ``$this`` is unbound inside a group that does
    not bind it itself, and such a test gives another answer. A query that cannot be read says yes.

    >>> tests_this_in_a_group("SELECT $this WHERE { $this <http://e/p> ?v . FILTER (?v != $this) }")
    False
    >>> tests_this_in_a_group("SELECT $this WHERE { { FILTER ($this = <http://e/a>) } UNION { } }")
    True

    rdflib's algebra merges groups that hold only filters, so the groups are read on the parse tree
    as well: a FILTER or BIND of a nested group testing a pre-bound variable its own triple
    patterns do not bind.

    >>> tests_this_in_a_group("SELECT $this WHERE { { { FILTER ($this = <http://e/a>) } FILTER (true) } }")
    True
    """
    node = query_algebra(sparql)
    if node is None:
        return True
    if _in_a_nested_group(query_tree(sparql)[1].get("where"), top=True):
        return True
    while isinstance(node, CompValue) and node.name in _TOP and isinstance(node.get("p"), CompValue):
        node = node["p"]
    return _tests_this(node)


def _tests_this(node) -> bool:
    if isinstance(node, CompValue):
        for key in ("expr", "other"):
            if key in node and node.name in ("Filter", "Extend", "LeftJoin") and _mentions_this(node[key]):
                return True
        return any(_tests_this(v) for k, v in node.items() if k not in ("_vars", "expr"))
    if isinstance(node, (list, tuple)):
        return any(_tests_this(v) for v in node)
    return False


def _in_a_nested_group(node, top: bool = False) -> bool:
    """Whether a group below the WHERE clause (parse tree) tests a pre-bound variable in a FILTER
    or BIND without binding it in its own triple patterns."""
    if isinstance(node, CompValue):
        if node.name == "GroupGraphPatternSub" and not top:
            parts = node.get("part") or []
            bound = {v for p in parts if isinstance(p, CompValue) and p.name == "TriplesBlock" for v in _variables(p)}
            for p in parts:
                if isinstance(p, CompValue) and p.name in ("Filter", "Bind") and \
                        any(v in _variables(p) and v not in bound for v in _PRE_BOUND):
                    return True
        return any(_in_a_nested_group(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_in_a_nested_group(v) for v in node)
    return False


def _variables(node) -> set:
    if isinstance(node, Variable):
        return {node}
    if isinstance(node, CompValue):
        return set().union(*(_variables(v) for k, v in node.items() if k != "_vars"))
    if isinstance(node, (list, tuple, ParseResults)):
        return set().union(*(_variables(v) for v in node))
    return set()


def names_shapes_graph(sparql: str) -> bool:
    """Whether the query names ``$shapesGraph`` or ``$currentShape`` (read on its parse tree; a
    query that cannot be read says no, the other checks refuse it).

    >>> names_shapes_graph("SELECT $this WHERE { GRAPH $shapesGraph { $currentShape ?p ?o } }")
    True
    >>> names_shapes_graph("SELECT $this WHERE { $this ?p ?shapes }")
    False
    """
    try:
        tree = query_tree(sparql)
    except Exception:  # noqa: BLE001 - rdflib's parser raises bare Exceptions
        return False
    return any(Variable(name) in _variables(tree) for name in SHAPES_VARIABLES)


def _mentions_this(expr) -> bool:
    if expr == _THIS:
        return True
    if isinstance(expr, CompValue):
        return any(_mentions_this(v) for k, v in expr.items() if k != "_vars")
    if isinstance(expr, (list, tuple)):
        return any(_mentions_this(v) for v in expr)
    return False


class SparqlConstraint(Constraint):
    """sh:sparql: the SELECT query run once for all focus nodes, ``$this`` joined to them."""

    component = SH.SPARQLConstraintComponent

    def __init__(self, node, select, prefixes, messages, written=None):
        self.node = node
        self.select = select
        #: The query as the shapes write it (``select`` is made to run on the store).
        self.written = written if written is not None else select
        self.prefixes = prefixes
        self.messages = messages
        #: Whether it names $shapesGraph or $currentShape: run per focus node, beside the shapes.
        self.beside_shapes = names_shapes_graph(with_prefixes(prefixes, self.written))

    def evaluate(self, engine, shape, focus):
        data = engine.data
        text = self.select
        if shape.is_property:
            text = substitute_path(text, sparql_term(shape.path))
        elif names_path(text):
            raise Fallback("path-in-node-shape")
        if self.beside_shapes:
            return self._beside_shapes(engine, shape, focus, text)
        group = focus.group(data) or focus.group_with_blank_nodes(data)
        if focus.nodes is not None and not focus.nodes:
            return []
        query = with_prefixes(self.prefixes, inject_focus(text, group))
        names, rows = data.select(query)
        data.check_rows(rows)
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
                raise Fallback("blank-sparql-focus")
            query = with_prefixes(self.prefixes, inject_focus(text, "VALUES ?this { " + sparql_term(data.terms.ox(f)) + " }"))
            names, rows = data.select(query)
            data.check_rows(rows)
            results.extend(self._results(shape, f, names, rows, data.terms.rdf))
        return results

    def _beside_shapes(self, engine, shape, focus, text):
        """Run once per focus node on a copy of the data with the shapes graph beside it, the
        store pre-binding ``$this``, ``$shapesGraph`` and ``$currentShape`` (it binds only the
        variables a query answers with: those it lacks are added, and left out of the rows)."""
        data = engine.data
        projection = query_tree(with_prefixes(self.prefixes, text))[1].get("projection")
        if projection is None:
            raise Fallback("sparql-form", "SELECT * naming $shapesGraph or $currentShape")
        answered = {str(p["var"]) for p in projection if p.get("var") is not None}
        added = [n for n in ("this", *SHAPES_VARIABLES) if n not in answered]
        query = with_prefixes(self.prefixes, project(text, added))
        store, dataset = engine.beside_shapes()
        bindings = {ox.Variable("shapesGraph"): SHAPES_GRAPH, ox.Variable("currentShape"): data.terms.ox(shape.node)}
        results = []
        for f in engine.all_nodes(focus):
            bindings[ox.Variable("this")] = data.terms.ox(f)
            names, rows = data.select(query, store, substitutions=bindings, **dataset)
            data.check_rows(rows)
            kept = [i for i, n in enumerate(names) if n not in added]
            results.extend(self._results(shape, f, [names[i] for i in kept],
                                         [tuple(row[i] for i in kept) for row in rows], data.terms.rdf))
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


class SparqlConstraints(Constraint):
    component = SH.SPARQLConstraintComponent

    def __init__(self, parts):
        self.parts = parts

    def evaluate(self, engine, shape, focus):
        results = []
        for part in self.parts:
            results.extend(part.evaluate(engine, shape, focus))
        return results
