"""The data graph as the fast engine reads it: the Oxigraph store, all its graphs as one, through
rdflib terms (SELECT queries, the values of a property, the subclasses of a class, read
through the one class closure, :class:`~heritage_graph.rdf.labels.ClassTree`)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal

from ...rdf.convert import Terms
from ...rdf.labels import ClassTree
from .scope import Fallback
from .terms import RDF_TYPE


class Data:
    """The data graph: the union of the store's graphs, each triple counted once.

    ``overlay`` gives, for a (subject, predicate) holding a literal the store rewrote, the objects
    as written in the files (:meth:`heritage_graph.validate.written.WrittenData.overlay`); they are
    read in place of the store's.
    """

    def __init__(self, store: ox.Store, overlay: dict | None = None, stored_forms: frozenset = frozenset()):
        self.store = store
        self.overlay = overlay or {}
        #: The store's forms of the rewritten literals (Oxigraph terms).
        self.stored_forms = stored_forms
        #: The subjects whose values the overlay gives (some of their values are not the store's).
        self.rewritten_subjects = frozenset(s for s, _p in self.overlay)
        self.terms = Terms()
        self._objects: dict = {}
        self._classes: dict = {}
        self._tree: ClassTree | None = None
        self.queries = 0

    def select(self, sparql: str, store: ox.Store | None = None, **options) -> tuple[list[str], list[tuple]]:
        """Run a SELECT on the union of the graphs; rows of Oxigraph terms (``None`` when unbound).
        ``store`` and ``options`` (of :meth:`pyoxigraph.Store.query`) run it on another store."""
        self.queries += 1
        try:
            solutions = (store or self.store).query(sparql, **(options or {"use_default_graph_as_union": True}))
        except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
            raise Fallback("store-query", str(exc)) from exc
        if not isinstance(solutions, ox.QuerySolutions):  # the store read an ASK, CONSTRUCT or DESCRIBE
            raise Fallback("not-select")
        names = [v.value for v in solutions.variables]
        return names, [tuple(solution[n] for n in names) for solution in solutions]

    def check_rows(self, rows) -> None:
        """Refuse rows of a SPARQL query of the shapes holding the store's form of a rewritten
        literal: the answer would name a value that is not in the files.

        :raises Fallback: a row holds one.
        """
        if self.stored_forms and any(t in self.stored_forms for row in rows for t in row):
            raise Fallback("rewritten-answer")

    def column(self, sparql: str) -> list:
        """The first column of a SELECT's rows, as rdflib terms."""
        _names, rows = self.select(sparql)
        rdf = self.terms.rdf
        return [rdf(row[0]) for row in rows if row[0] is not None]

    def objects(self, subject, predicate) -> set:
        """The values of ``predicate`` on ``subject`` (rdflib terms), as a set like rdflib's graph."""
        key = (subject, predicate)
        found = self.overlay.get(key) or self._objects.get(key)
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
            if self._tree is None:
                self._tree = ClassTree(self.store, blank_nodes=True)
            rdf = self.terms.rdf
            found = self._classes[cls] = frozenset(rdf(c) for c in self._tree.subclasses(self.terms.ox(cls)))
        return found

    def is_instance(self, node, cls) -> bool:
        if isinstance(node, Literal):
            return False
        closure = self.subclasses(cls)
        return any(t in closure for t in self.objects(node, RDF_TYPE))

    def describe(self, node, seen=None):
        """The triples about a blank node and the blank nodes below it (its bounded description), but
        those of the nodes in ``seen``, which it adds to."""
        seen = seen if seen is not None else set()
        below = [node]  # a list, not recursion: blank nodes may nest thousands deep
        while below:
            node = below.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in self.rewritten_subjects:
                raise Fallback("rewritten-blank")
            for q in self.store.quads_for_pattern(self.terms.ox(node), None, None, None):
                o = self.terms.rdf(q.object)
                yield node, self.terms.rdf(q.predicate), o
                if isinstance(o, BNode):
                    below.append(o)
