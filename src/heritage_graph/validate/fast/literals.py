"""Literals the store holds in another form than the files write them, and what the fast engine
does about them (see :mod:`heritage_graph.validate.written`).

The constraint components read a focus node's values through :class:`~.data.Data`, which gives
the values as written where the store rewrote one, and every focus node holding such a literal
is checked whatever the candidate queries find (:meth:`~.engine.Engine.candidates`). SPARQL (the
shapes' constraints and targets) runs on the store: :func:`check_overlay` leaves to pySHACL the
shapes whose SPARQL could read a rewritten literal differently, a blank node holding one (the
parser and the store name blank nodes differently), and literal focus nodes taken from the store.
A SPARQL constraint answering with the stored form of a rewritten literal is caught as it runs
(:meth:`~.data.Data.check_row`).

>>> from rdflib import URIRef
>>> p = URIRef("http://e/p")
>>> reads_rewritten("SELECT $this WHERE { $this <http://e/p> ?v . FILTER (?v > 1) }", {p})
True
>>> reads_rewritten("SELECT $this ?path ?value WHERE { $this ?path ?value }", {p})
False
>>> reads_rewritten("SELECT $this WHERE { $this ?path ?value . FILTER (STR(?value) = '1') }", {p})
True
"""

from __future__ import annotations

from collections import Counter

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from .rewrite import substitute_path, with_prefixes
from .scope import Fallback
from .sparql import SparqlConstraint, SparqlConstraints
from .terms import sparql_term


def check_overlay(engine, overlay: dict) -> None:
    """Raise :class:`Fallback` when the shapes could see a rewritten literal other than as written.

    :raises Fallback: see the module's description.
    """
    if any(isinstance(s, BNode) for s, _p in overlay):
        raise Fallback("a blank node holding a literal the store keeps in another form")
    predicates = {p for _s, p in overlay}
    for shape in engine.active_shapes:
        if predicates.intersection(shape.target_objects_of):
            raise Fallback("literal focus nodes (sh:targetObjectsOf) the store keeps in another form")
        for text in shape.sparql_target_texts:
            if reads_rewritten(text, predicates):
                raise Fallback("a SPARQL target that may read a literal the store keeps in another form")
    for shape in engine.shapes.values():
        for constraint in shape.constraints:
            if not isinstance(constraint, SparqlConstraints):
                continue
            for part in constraint.parts:
                if _part_reads_rewritten(shape, part, predicates):
                    raise Fallback("a SPARQL constraint that may read a literal the store keeps in another form")


def _part_reads_rewritten(shape, part: SparqlConstraint, predicates: set) -> bool:
    text = part.written
    if shape.is_property:
        text = substitute_path(text, sparql_term(shape.path))
    return reads_rewritten(with_prefixes(part.prefixes, text), predicates)


def reads_rewritten(sparql: str, predicates: set) -> bool:
    """Whether the query may read a value of ``predicates`` (which hold literals the store
    rewrote) other than by answering with it: it names one of them, matches a literal through
    a variable predicate, or uses the value a variable predicate binds anywhere else (a filter, a
    join). A query that cannot be read says yes."""
    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser raises bare Exceptions (an unknown prefix)
        return True
    terms = Counter()
    patterns = []
    _walk(algebra, terms, patterns)
    if any(isinstance(t, URIRef) and t in predicates for t in terms):
        return True
    for _s, p, o in patterns:
        if isinstance(p, Variable) or _negated(p):
            if isinstance(o, Literal) or (isinstance(o, Variable) and terms[o] > 1):
                return True
    return False


def _negated(path) -> bool:
    """Whether a property path holds a negated property set (``!p``), which matches any other."""
    if isinstance(path, NegatedPath):
        return True
    if isinstance(path, Path):
        return any(_negated(v) for v in vars(path).values() if isinstance(v, (Path, list, tuple))) or any(
            _negated(x) for v in vars(path).values() if isinstance(v, (list, tuple)) for x in v)
    return False


def _walk(node, terms: Counter, patterns: list) -> None:
    if isinstance(node, CompValue):
        if node.name == "BGP":
            patterns.extend(node.triples)
        for key, value in node.items():
            if key.startswith("_") or key == "PV":
                continue
            _walk(value, terms, patterns)
    elif isinstance(node, (list, tuple, set)):
        for value in node:
            _walk(value, terms, patterns)
    elif isinstance(node, Path):
        for value in vars(node).values():
            _walk(value, terms, patterns)
    elif isinstance(node, (URIRef, Variable, Literal)):
        terms[node] += 1
