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
  form (few or none: the project's own data write one, a distance of ``0.0`` km);
- :meth:`WrittenData.overlay` gives the values as written where the store rewrote one, which the
  fast engine reads in place of the store's;
- :meth:`WrittenData.graph` is the data as written, an rdflib graph for pySHACL (the store's
  triples, with the values as written where the store rewrote one).

>>> import pyoxigraph as ox
>>> decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
>>> {str(k): str(v) for k, v in stored_forms([ox.Literal("4.0", datatype=decimal),
...                                            ox.Literal("4.5", datatype=decimal)]).items()}
{'"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>': '"4"^^<http://www.w3.org/2001/XMLSchema#decimal>'}
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from ..rdf.convert import Terms, to_rdflib
from ..rdf.guard import guard
from ..rdf.load import FORMATS, Dataset, graph_iri, parse_file, read_bytes

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PREDICATE = ox.NamedNode("urn:heritage-graph:written")
_TRIPLE_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N3, ox.RdfFormat.RDF_XML)


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
    """The literals of a dataset's files as written, read from the files when first asked.

    Finding the rewritten literals reads each file once, keeping only its typed literals (a
    million triples: about a second); the quads of a file are kept only for the files holding a
    rewritten literal (and those sharing a graph with one), or for :meth:`graph`. Graphs of the
    store that no file gives (quads added otherwise) are taken from the store.
    """

    def __init__(self, dataset: Dataset, base: str | None = None):
        self.dataset = dataset
        self.base = base
        self._quads: list[ox.Quad] | None = None
        self._rewritten: dict | None = None
        self._holding: dict = {}  # file → (its typed literals, the graphs it writes into)
        self._overlay: dict | None = None
        self._pairs: set = set()  # the (subject, predicate) holding a rewritten literal (Oxigraph terms)

    def quads(self) -> list[ox.Quad]:
        """Every quad of the files as parsed, and those of the store's other graphs."""
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
            for loaded in self.dataset.files:
                self._holding[loaded.path] = _typed_literals(loaded.path, loaded.graph, self.base)
            self._rewritten = stored_forms(lit for literals, _graphs in self._holding.values() for lit in literals)
        return self._rewritten

    def graph(self) -> rdflib.Graph:
        """The data as written, one rdflib graph (graph names dropped), as pySHACL reads it: the
        store's triples, with the objects as written (:meth:`overlay`) where the store rewrote one,
        so that a blank node has the same name in both engines' reports. Where a blank node holds
        a rewritten literal (which the store names otherwise), the files as parsed."""
        overlay = self.overlay()
        if any(isinstance(s, rdflib.BNode) for s, _p in overlay):
            return to_rdflib(self.quads())
        store = self.dataset.store.ox
        pairs = self._pairs
        graph = to_rdflib(q for q in store.quads_for_pattern(None, None, None, None)
                          if (q.subject, q.predicate) not in pairs)
        for (subject, predicate), objects in overlay.items():
            for o in objects:
                graph.add((subject, predicate, o))
        return graph

    def overlay(self) -> dict[tuple, set]:
        """For each (subject, predicate) holding a literal the store rewrote, its objects as written
        (rdflib terms), which the fast engine reads instead of the store's: those of the files
        holding a rewritten literal, parsed again, and the store's in the graphs no such file
        writes into (whose literals are all as written)."""
        if self._overlay is None:
            self._overlay = self._read_overlay()
        return self._overlay

    def _read_overlay(self) -> dict[tuple, set]:
        rewritten = self.rewritten()
        if not rewritten:
            return {}
        graphs = set()
        for literals, in_graphs in self._holding.values():
            if literals & rewritten.keys():
                graphs |= in_graphs
        reread = [loaded for loaded in self.dataset.files
                  if self._holding[loaded.path][1] & graphs or any(isinstance(g, ox.BlankNode)
                                                                   for g in self._holding[loaded.path][1])]
        quads = [q for loaded in reread for q in parse_file(loaded.path, graph=loaded.graph, base=self.base)]
        pairs = self._pairs = {(q.subject, q.predicate) for q in quads if q.object in rewritten}
        rdf = Terms().rdf
        found: dict[tuple, set] = {}
        for q in quads:
            if (q.subject, q.predicate) in pairs:
                found.setdefault((rdf(q.subject), rdf(q.predicate)), set()).add(rdf(q.object))
        store = self.dataset.store.ox
        for subject, predicate in pairs:
            if isinstance(subject, ox.BlankNode):
                continue  # the store names it otherwise: the engine leaves it to pySHACL
            key = (rdf(subject), rdf(predicate))
            for q in store.quads_for_pattern(subject, predicate, None, None):
                if q.graph_name not in graphs and not isinstance(q.graph_name, ox.BlankNode):
                    found[key].add(rdf(q.object))
        return found


def _typed_literals(path, graph: str, base: str | None) -> tuple[set, set]:
    """The literals of a file with a datatype the store may rewrite (not strings), and the graphs
    the file writes into, read without keeping its quads (a file of triples is read as it is
    parsed; a file of quads through :func:`~heritage_graph.rdf.load.parse_file`, which names its
    graphs as the store does)."""
    fmt = FORMATS[path.suffix]
    if fmt in _TRIPLE_FORMATS:
        quads = ox.parse(guard(read_bytes(path), path), format=fmt, base_iri=path.resolve().as_uri())
        graphs = {ox.NamedNode(graph or graph_iri(path))}
    else:
        quads = parse_file(path, graph=graph, base=base)
        graphs = {q.graph_name for q in quads}
    literals = set()
    string = (_XSD_STRING, _LANG_STRING)
    literal = ox.Literal
    for quad in quads:
        o = quad.object
        if type(o) is literal and not o.language and o.datatype.value not in string:
            literals.add(o)
    return literals, graphs
