"""The data as written in their files, which the store does not keep for every literal.

Oxigraph holds numbers, booleans, dates and durations in a canonical encoding:
``"4.0"^^xsd:decimal`` comes back from the store as ``"4"``, ``"1.50"`` as ``"1.5"``,
``"01"^^xsd:integer`` as ``"1"``, ``"1"^^xsd:boolean`` as ``"true"``, and every integer type
derived from ``xsd:integer`` (``xsd:int``, ``xsd:byte``, ``xsd:nonNegativeInteger``...) as an
``xsd:integer``, so that ``"300"^^xsd:byte``, which is no byte, is no longer seen as one. Two
literals written differently may become one. A shape checks the literal as written (``sh:in``,
``sh:pattern``, ``sh:maxLength``, ``sh:datatype``, ``sh:maxCount``), and a report names the value
found in the file; so validation reads the literals from the files, not from the store:

- :meth:`WrittenData.rewritten` names the literals of the files that the store holds in another
  form (none, in data written in canonical form, as the project's own data are);
- :meth:`WrittenData.overlay` gives the values as written where the store rewrote one, which the
  fast engine reads in place of the store's;
- :meth:`WrittenData.graph` is the data as written, an rdflib graph for pySHACL.

>>> import pyoxigraph as ox
>>> decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
>>> stored_forms([ox.Literal("4.0", datatype=decimal), ox.Literal("4.5", datatype=decimal)])
{<Literal value=4.0 datatype=<http://www.w3.org/2001/XMLSchema#decimal>>: <Literal value=4 datatype=<http://www.w3.org/2001/XMLSchema#decimal>>}
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from ..rdf.convert import Terms, to_rdflib
from ..rdf.load import Dataset, parse_file

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PREDICATE = ox.NamedNode("urn:heritage-graph:written")


def stored_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """The literals among ``literals`` that an Oxigraph store holds in another form, each with
    that form (found by storing each once in a scratch store and reading it back)."""
    distinct = list(dict.fromkeys(lit for lit in literals
                                  if not lit.language and lit.datatype.value not in (_XSD_STRING, _LANG_STRING)))
    if not distinct:
        return {}
    scratch = ox.Store()
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:heritage-graph:literal:{k}"), _PREDICATE, lit)
                   for k, lit in enumerate(distinct))
    found = {}
    for quad in scratch.quads_for_pattern(None, _PREDICATE, None, None):
        written = distinct[int(quad.subject.value.rsplit(":", 1)[1])]
        if quad.object != written:
            found[written] = quad.object
    return found


class WrittenData:
    """The quads of a dataset's files as parsed (literals as written), read once when first asked.

    Graphs of the store that no file gives (quads added otherwise) are taken from the store.
    """

    def __init__(self, dataset: Dataset, base: str | None = None):
        self.dataset = dataset
        self.base = base
        self._quads: list[ox.Quad] | None = None
        self._rewritten: dict | None = None

    def quads(self) -> list[ox.Quad]:
        if self._quads is None:
            quads = []
            for loaded in self.dataset.files:
                quads.extend(parse_file(loaded.path, graph=loaded.graph, base=self.base))
            from_files = {q.graph_name for q in quads}
            store = self.dataset.store.ox
            for graph in [*store.named_graphs(), ox.DefaultGraph()]:
                if graph not in from_files:
                    quads.extend(store.quads_for_pattern(None, None, None, graph))
            self._quads = quads
        return self._quads

    def rewritten(self) -> dict[ox.Literal, ox.Literal]:
        """The literals of the files the store holds in another form, each with its stored form."""
        if self._rewritten is None:
            self._rewritten = stored_forms(q.object for q in self.quads() if isinstance(q.object, ox.Literal))
        return self._rewritten

    def graph(self) -> rdflib.Graph:
        """The data as written, one rdflib graph (graph names dropped), as pySHACL reads it."""
        return to_rdflib(self.quads())

    def overlay(self) -> dict[tuple, set]:
        """For each (subject, predicate) holding a literal the store rewrote, its objects as written
        (rdflib terms), which the fast engine reads instead of the store's."""
        rewritten = self.rewritten()
        if not rewritten:
            return {}
        pairs = {(q.subject, q.predicate) for q in self.quads() if q.object in rewritten}
        found: dict[tuple, set] = {}
        rdf = Terms().rdf
        for q in self.quads():
            if (q.subject, q.predicate) in pairs:
                found.setdefault((rdf(q.subject), rdf(q.predicate)), set()).add(rdf(q.object))
        return found
