"""Whether a SPARQL query of the shapes could answer differently on the data as written than on
the store, which holds some literals in another form (:mod:`heritage_graph.validate.written`).

The two graphs differ only in the triples whose object is one of those literals, as written or in
the store's form (call them *affected*); their predicates are the *affected predicates*. The query
is read in rdflib's algebra, bottom up, following which variables may hold an affected literal
(*tainted*):

- a triple pattern taints its object variable when its predicate is a variable or an affected
  predicate (a property path, both ends, when it may take such a step or none); a typed literal
  written in the query where an affected literal could match is a difference;
- a join on a variable tainted on both sides is a difference (``"4.0"`` and ``"4"`` join in the
  store, not as written); tainted on one side only, it comes out clean (the other side never holds
  an affected literal), and so does a variable also met as a subject;
- a filter or a ``BIND`` that reads a tainted variable is a difference, unless only through
  ``isIRI``, ``isBlank``, ``isLiteral`` or ``bound`` (the same for a literal in any form), or the
  filter is a conjunction one of whose terms is ``isIRI(?v)`` or ``isBlank(?v)``: the rows where
  ``?v`` is a literal fail in both, and ``?v`` comes out clean;
- ``EXISTS`` is read as a join with the row outside it; a count, a LIMIT or an ORDER BY over rows a
  tainted variable went through is a difference (two literals as written may be one in the store);
- the answer may name a tainted variable as it is bound from the data (the rows naming the
  store's form of an affected literal are refused as the query runs,
  :meth:`~.data.Data.check_rows`), not a value computed from one.

Anything else, a query that cannot be read included, is taken for a difference.

>>> from rdflib import URIRef
>>> p = URIRef("http://e/p")
>>> tells_rewritten("SELECT $this WHERE { $this <http://e/p> ?v . FILTER (?v > 1) }", {p})
True
>>> tells_rewritten("SELECT $this ?path ?value WHERE { $this ?path ?value }", {p})
False
>>> tells_rewritten("SELECT $this WHERE { $this ?p ?v . FILTER (isIRI(?v) && STRSTARTS(STR(?v), 'x')) }", {p})
False
>>> tells_rewritten("SELECT $this WHERE { $this ?p ?v . ?o ?q ?v }", {p})
True
>>> tells_rewritten("SELECT $this WHERE { $this ?p ?v . ?v ?q ?o . FILTER (?v != $this) }", {p})
False
"""

from __future__ import annotations

from rdflib import Literal, URIRef, Variable
from rdflib.namespace import RDF, XSD
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
from rdflib.plugins.sparql.parserutils import CompValue

from .sparql import query_algebra

#: Functions whose answer is the same for a literal in any form.
_FORM_BLIND = ("Builtin_isIRI", "Builtin_isURI", "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_BOUND")
#: Filter terms that no literal passes.
_NOT_LITERAL = ("Builtin_isIRI", "Builtin_isURI", "Builtin_isBLANK")
#: Operators that pass on the rows of what they wrap.
_PASS = ("SelectQuery", "Distinct", "Reduced", "ToMultiSet", "SubSelect")
#: Operators whose answer depends on how many rows there are, or in which order.
_COUNTING = ("Slice", "OrderBy", "Group", "AggregateJoin")


class _Differs(Exception):
    """The query may answer differently on the data as written."""


def tells_rewritten(sparql: str, predicates: set) -> bool:
    """Whether ``sparql`` may answer differently on the data as written than on the store, where
    ``predicates`` are the affected predicates (rdflib terms); see the module's description."""
    algebra = query_algebra(sparql)
    if algebra is None:
        return True
    try:
        rows = _Reader(frozenset(predicates)).pattern(algebra, _NONE)
        for var in algebra.get("PV") or ():
            if not rows.taint.get(var, frozenset()) <= {var}:
                raise _Differs  # a value computed from a tainted one
    except _Differs:
        return True
    return False


class _Rows:
    """What the rows of a pattern may hold: ``taint`` maps each variable that may hold an affected
    literal to the variables it came from (itself, for one bound from the data); ``bound`` are the
    variables it may bind, ``clean`` those bound in every row to something that is no affected
    literal (a variable bound otherwise, by BIND or VALUES, is the same on both graphs but may
    equal an affected literal); ``dirty`` says whether rows went through a tainted variable
    (their number may differ)."""

    def __init__(self, taint: dict, bound: set, clean: set, dirty: bool):
        self.taint, self.bound, self.clean, self.dirty = taint, bound, clean, dirty
        #: For an object tainted only through variable predicates, those variables.
        self.via: dict = {}


_NONE = _Rows({}, set(), set(), False)


class _Reader:
    def __init__(self, predicates: frozenset):
        self.predicates = predicates

    def pattern(self, node, outer: _Rows) -> _Rows:
        """The rows of ``node``; ``outer`` is the row an EXISTS sees."""
        if not isinstance(node, CompValue):
            raise _Differs
        name = node.name
        if name == "GroupGraphPatternSub":
            return self.pattern(translateGroupGraphPattern(node), outer)
        if name == "BGP":
            return self.bgp(node.triples, outer)
        if name in _PASS:
            return self.pattern(node.p, outer)
        if name == "Project":
            rows = self.pattern(node.p, outer)
            kept = set(node.PV)
            return _Rows({v: s for v, s in rows.taint.items() if v in kept}, rows.bound & kept,
                         rows.clean & kept, rows.dirty)
        if name in _COUNTING:
            rows = self.pattern(node.p, outer)
            if rows.dirty:
                raise _Differs
            if name == "AggregateJoin":
                return _Rows({}, rows.bound | {a.res for a in node.A}, set(), False)
            return rows
        if name == "Filter":
            return self.filter(node.expr, self.pattern(node.p, outer), outer)
        if name == "Extend":
            rows = self.pattern(node.p, outer)
            if node.var in rows.bound:
                raise _Differs  # bound twice: a join by another name
            taint = dict(rows.taint)
            sources = self.reads(node.expr, rows, outer)
            if sources:
                taint[node.var] = sources
            extended = _Rows(taint, rows.bound | {node.var}, rows.clean - {node.var}, rows.dirty)
            extended.via = rows.via
            return extended
        if name in ("Join", "LeftJoin", "Minus"):
            return self.join(name, self.pattern(node.p1, outer), self.pattern(node.p2, outer), node, outer)
        if name == "Union":
            left = self.pattern(node.p1, outer)
            right = self.pattern(node.p2, outer)
            taint = dict(left.taint)
            for v, s in right.taint.items():
                taint[v] = taint.get(v, frozenset()) | s
            return _Rows(taint, left.bound | right.bound, left.clean & right.clean, left.dirty or right.dirty)
        if name in ("values", "ToMultiSet_values"):
            bound = {v for row in node.res for v in row}
            typed = {v for row in node.res for v, term in row.items() if isinstance(term, Literal) and _typed(term)}
            every = set.intersection(*(set(row) for row in node.res)) if node.res else set()
            return _Rows({}, bound, every - typed, False)
        raise _Differs

    def join(self, name: str, left: _Rows, right: _Rows, node, outer: _Rows) -> _Rows:
        """A join, an OPTIONAL or a MINUS: a variable tainted on one side comes out clean where the
        other side binds it clean in every row, and is a difference where it binds it otherwise."""
        dirty = left.dirty or right.dirty
        for one, other in ((left, right), (right, left)):
            for v in one.taint:
                if v in other.bound and v not in other.clean:
                    raise _Differs  # "4.0" and "4" join in the store only
        if name == "Minus":
            return _Rows(left.taint, left.bound, left.clean, dirty)
        if name == "Join":
            clean = left.clean | right.clean
            taint = {v: s for v, s in {**left.taint, **right.taint}.items() if v not in clean}
            return _Rows(taint, left.bound | right.bound, clean, dirty)
        expr = node.get("expr")
        if expr is not None and not (isinstance(expr, CompValue) and expr.name == "TrueFilter"):
            both = _Rows({**left.taint, **right.taint}, left.bound | right.bound, left.clean | right.clean, dirty)
            if self.reads(expr, both, outer):
                raise _Differs
        taint = {**left.taint, **{v: s for v, s in right.taint.items() if v not in left.clean}}
        return _Rows(taint, left.bound | right.bound, left.clean, dirty)

    def bgp(self, triples, outer: _Rows) -> _Rows:
        tainted: dict = {}
        via: dict = {}
        clean: set = set()
        linked = []
        everything = {t for triple in triples for t in triple if isinstance(t, Variable)}
        for s, p, o in triples:
            if isinstance(p, Path):
                ends = [] if self.path_steps_clean(p) else [s, o]
                if not ends and _may_be_empty(p):
                    linked.append((s, o))  # zero steps: one end is the other
                    continue
            elif isinstance(p, Variable) or p in self.predicates:
                ends = [o]
                if isinstance(p, Variable) and isinstance(o, Variable):
                    via.setdefault(o, set()).add(p)
            else:
                ends = []
            for end in ends:
                if isinstance(end, Variable):
                    tainted[end] = tainted.get(end, 0) + 1
                elif isinstance(end, Literal) and _typed(end):
                    raise _Differs  # a literal of the query matched against affected ones
            clean.update(t for t in (s, p, o) if isinstance(t, Variable) and t not in ends)
        while linked:
            known = [(a, b) for a, b in linked if _clean_term(a, clean) or _clean_term(b, clean)]
            if not known:
                for a, b in linked:
                    for end in (a, b):
                        if isinstance(end, Variable):
                            tainted[end] = tainted.get(end, 0) + 1
                        elif isinstance(end, Literal) and _typed(end):
                            raise _Differs
                break
            clean.update(t for pair in known for t in pair if isinstance(t, Variable))
            linked = [pair for pair in linked if pair not in known]
        if any(n > 1 and v not in clean for v, n in tainted.items()):
            raise _Differs  # two data values joined: "4.0" and "4" join in the store only
        if any(v in outer.bound and v not in outer.clean and v not in clean for v in tainted):
            raise _Differs  # joined to a value of the row outside an EXISTS
        taint = {v: frozenset({v}) for v in tainted if v not in clean}
        rows = _Rows(taint, everything, clean, bool(taint))
        rows.via = {v: ps for v, ps in via.items() if v in taint and tainted[v] == len(ps)}
        return rows

    def path_steps_clean(self, path) -> bool:
        """Whether a property path never takes a step through an affected predicate."""
        if isinstance(path, NegatedPath):
            return False
        if isinstance(path, URIRef):
            return path not in self.predicates
        if isinstance(path, Path):
            parts = [v for v in vars(path).values() if isinstance(v, (Path, URIRef))]
            parts += [x for v in vars(path).values() if isinstance(v, (list, tuple)) for x in v]
            return all(self.path_steps_clean(x) for x in parts)
        return False

    def filter(self, expr, rows: _Rows, outer: _Rows) -> _Rows:
        """The rows a FILTER keeps (see the module's description)."""
        terms = _conjuncts(expr)
        guarded = {t.arg for t in terms if isinstance(t, CompValue) and t.name in _NOT_LITERAL
                   and isinstance(t.get("arg"), Variable) and rows.taint.get(t.arg) == {t.arg}}
        # ?p IN (...) or ?p = <iri>, naming no affected predicate: the objects met through ?p only
        kept_predicates = {t.expr for t in terms if self.names_no_affected(t)}
        guarded |= {v for v, ps in rows.via.items() if ps <= kept_predicates and rows.taint.get(v) == {v}}
        kept = {}
        for v, sources in rows.taint.items():
            if sources - guarded:
                kept[v] = sources - guarded
        via = {v: ps for v, ps in rows.via.items() if v in kept}
        rows = _Rows(kept, rows.bound, rows.clean | guarded, rows.dirty)
        rows.via = via
        for term in terms:
            if self.reads(term, rows, outer):
                raise _Differs
        return rows

    def names_no_affected(self, term) -> bool:
        """Whether a filter term is ``?p = <iri>`` or ``?p IN (<iri>, ...)`` naming no affected predicate."""
        if not (isinstance(term, CompValue) and term.name == "RelationalExpression"
                and isinstance(term.expr, Variable)):
            return False
        if term.op == "=":
            listed = [term.other]
        elif term.op == "IN":
            listed = list(term.other)
        else:
            return False
        return all(isinstance(t, URIRef) and t not in self.predicates for t in listed)

    def reads(self, expr, rows: _Rows, outer: _Rows) -> frozenset:
        """The tainted variables (their sources) an expression's value depends on."""
        if isinstance(expr, Variable):
            return rows.taint.get(expr, outer.taint.get(expr, frozenset()))
        if isinstance(expr, CompValue):
            if expr.name in _FORM_BLIND:
                return frozenset()
            if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                seen = _Rows({**outer.taint, **rows.taint}, outer.bound | rows.bound,
                             (outer.clean - rows.bound) | rows.clean, False)
                self.pattern(expr.graph, seen)
                return frozenset()
            return frozenset().union(*(self.reads(v, rows, outer) for k, v in expr.items() if k != "_vars"))
        if isinstance(expr, (list, tuple)):
            return frozenset().union(*(self.reads(v, rows, outer) for v in expr))
        return frozenset()


def _conjuncts(expr) -> list:
    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        return [part for term in [expr.expr, *(expr.other or [])] for part in _conjuncts(term)]
    return [expr]


def _may_be_empty(path) -> bool:
    """Whether a property path may take no step (``p*``, ``p?``), anywhere in a sequence."""
    if isinstance(path, MulPath):
        return path.zero
    if isinstance(path, SequencePath):
        return all(_may_be_empty(p) for p in path.args)
    if isinstance(path, AlternativePath):
        return any(_may_be_empty(p) for p in path.args)
    if isinstance(path, InvPath):
        return _may_be_empty(path.arg)
    return False


def _clean_term(term, clean: set) -> bool:
    return (isinstance(term, Variable) and term in clean) or isinstance(term, URIRef)


def _typed(literal: Literal) -> bool:
    """Whether a literal has a datatype the store may write in another form (not a string)."""
    return literal.datatype is not None and literal.datatype not in (XSD.string, RDF.langString)
