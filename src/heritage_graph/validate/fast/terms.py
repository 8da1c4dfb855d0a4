"""The terms the fast engine speaks of: the SHACL, RDF and XSD names it uses, a term written
into a SPARQL query, and a term named in a note.

>>> sparql_term(XSD_STRING)
'<http://www.w3.org/2001/XMLSchema#string>'
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import Literal

from ...rdf.convert import to_ox_term
from ...rdf.vocab import shorten

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = rdflib.RDF.type
RDFS_SUBCLASSOF = rdflib.RDFS.subClassOf
XSD = rdflib.XSD
XSD_STRING = XSD.string
RDF_LANGSTRING = rdflib.RDF.langString
#: Severities that do not make a shape fail (pySHACL's ``allow_warnings=True``).
ALLOWED = frozenset({SH.Warning, SH.Info})


def sparql_term(term) -> str:
    """An rdflib or Oxigraph term written for a SPARQL query (N-Triples syntax)."""
    if not isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        term = to_ox_term(term)
    return str(term)


def note_term(term) -> str:
    """A term as a note names it: a typed literal with its datatype, cut short if it is long."""
    if isinstance(term, Literal) and term.datatype is not None:
        text = str(term)
        if len(text) > 60:  # a note names the value, it does not copy a huge one
            text = f"{text[:40]}…({len(text):,} characters)"
        return f'"{text}"^^{shorten(str(term.datatype))}'
    return term.n3()

