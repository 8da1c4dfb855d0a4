"""Oxigraph terms and quads as rdflib terms and graphs, and back.

Both validation engines and pyLODE read the data through rdflib; every term crosses over the
same way, so that a literal compares equal on both sides: Oxigraph writes ``"x"^^xsd:string``
where rdflib keeps a plain ``"x"``, and the plain form is what crosses. A typed literal keeps its
lexical form as given (rdflib would otherwise rewrite ``"01"^^xsd:integer`` as ``"1"``): a term
parsed from a file crosses as it is written there.

>>> import pyoxigraph as ox
>>> to_rdflib_term(ox.Literal("x"))
rdflib.term.Literal('x')
>>> to_ox_term(to_rdflib_term(ox.Literal("x", language="en")))
<Literal value=x language=en>
>>> str(to_rdflib_term(ox.Literal("01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
'01'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

_XSD_STRING = str(rdflib.XSD.string)


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
    """An Oxigraph term as rdflib term; ``xsd:string`` literals become plain literals, typed
    literals keep their lexical form."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def to_ox_term(term):
    """An rdflib term as Oxigraph term (a plain literal stays plain: ``xsd:string``)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def to_rdflib(quads: Iterable[ox.Quad], graph=None):
    """Copy quads into one rdflib ``Graph`` (graph names dropped), ``xsd:string`` literals made plain."""
    graph = graph if graph is not None else rdflib.Graph()
    convert = Terms().rdf
    add = graph.add
    for quad in quads:
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph
