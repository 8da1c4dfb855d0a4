"""Literals the store holds in another form than the files write them, and what the fast engine
does about them (see :mod:`heritage_graph.validate.written`).

The constraint components read a focus node's values through :class:`~.data.Data`, which gives
the values as written where the store rewrote one, and every focus node holding such a literal
is checked whatever the candidate queries find (:meth:`~.engine.Engine.candidates`). SPARQL (the
shapes' constraints and targets) runs on the store: :func:`check_overlay` leaves to pySHACL the
shapes whose SPARQL could answer differently on the data as written (:mod:`.tells` reads each
query), a blank node holding one (the parser and the store name blank nodes differently), and
literal focus nodes taken from the store. A SPARQL query answering with the stored form of a
rewritten literal is caught as it runs (:meth:`~.data.Data.check_rows`).
"""

from __future__ import annotations

from rdflib import BNode

from .rewrite import substitute_path, with_prefixes
from .scope import Fallback
from .shapes import shape_name
from .sparql import SparqlConstraint, SparqlConstraints
from .tells import tells_rewritten
from .terms import sparql_term


def check_overlay(engine, overlay: dict) -> None:
    """Raise :class:`Fallback` when the shapes could see a rewritten literal other than as written.

    :raises Fallback: see the module's description.
    """
    if any(isinstance(s, BNode) for s, _p in overlay):
        raise Fallback("rewritten-blank")
    predicates = {p for _s, p in overlay} | affected_predicates(engine.data)
    for shape in engine.active_shapes:
        if predicates.intersection(shape.target_objects_of):
            raise Fallback("rewritten-target-objects")
        for text in shape.sparql_target_texts:
            if tells_rewritten(text, predicates):
                raise Fallback("rewritten-sparql", f"the target of {shape_name(engine.sg, shape.node)}")
    for shape in engine.shapes.values():
        for constraint in shape.constraints:
            if not isinstance(constraint, SparqlConstraints):
                continue
            for part in constraint.parts:
                if _part_reads_rewritten(shape, part, predicates):
                    raise Fallback("rewritten-sparql", f"a constraint of {shape_name(engine.sg, shape.node)}")


def _part_reads_rewritten(shape, part: SparqlConstraint, predicates: set) -> bool:
    text = part.written
    if shape.is_property:
        text = substitute_path(text, sparql_term(shape.path))
    return tells_rewritten(with_prefixes(part.prefixes, text), predicates)


def affected_predicates(data) -> set:
    """The predicates of the store's triples whose object is the store's form of a rewritten
    literal (written so in a file, or rewritten from another form)."""
    if not data.stored_forms:
        return set()
    listed = " ".join(str(t) for t in data.stored_forms)
    return set(data.column(f"SELECT DISTINCT ?p WHERE {{ VALUES ?o {{ {listed} }} ?s ?p ?o }}"))
