"""Names and classes of resources: the one label lookup and the one class closure.

Every command that shows a resource by name (pages, reports, exports, the server) picks its label
here, by the same rule; every command that asks "is this a camp, or a kind of camp" reads
``rdfs:subClassOf`` here.

**The label of a resource.** Among its literal labels (``rdfs:label`` unless told otherwise), the
first language of ``languages`` that has one wins; ``""`` stands for a label without a language
tag. With none in those languages, the least label by (language, text) is taken, unless
``any_language=False``. Several labels in one language: the earlier predicate, then the least
text. The choice depends on the data only, never on the order a store returns it in.

>>> store = ox.Store()
>>> karlag = ox.NamedNode("https://w3id.org/heritage-graph/id/camp/karlag")
>>> for text, lang in (("Karlag", "en"), ("Карлаг", "ru"), ("Karlagas", "lt")):
...     store.add(ox.Quad(karlag, LABEL, ox.Literal(text, language=lang)))
>>> label(store, karlag)
'Karlag'
>>> label(store, karlag, languages=("lt", "en"))
'Karlagas'
>>> label(store, karlag, languages=("de",))  # none in German: the least by (language, text)
'Karlag'
>>> label(store, karlag, languages=("de",), any_language=False) is None
True

**Classes.** :class:`ClassTree` reads ``rdfs:subClassOf`` (over every graph) once and answers the
transitive closure both ways, each class included in its own closure:

>>> hg = "https://w3id.org/heritage-graph/ontology#"
>>> for sub, sup in (("CampSystem", "Camp"), ("Camp", "Place")):
...     store.add(ox.Quad(ox.NamedNode(hg + sub), SUBCLASS_OF, ox.NamedNode(hg + sup)))
>>> tree = ClassTree(store)
>>> sorted(c.value[len(hg):] for c in tree.superclasses(ox.NamedNode(hg + "CampSystem")))
['Camp', 'CampSystem', 'Place']
>>> sorted(c.value[len(hg):] for c in tree.subclasses(ox.NamedNode(hg + "Place")))
['Camp', 'CampSystem', 'Place']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox

from .vocab import RDFS, SKOS

LABEL = ox.NamedNode(RDFS + "label")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")

#: The languages a label is looked for in, in order: English, then a label without a language.
ENGLISH = ("en", "")


def _ox(store) -> ox.Store:
    """The ``pyoxigraph.Store`` of ``store`` (an :class:`~heritage_graph.rdf.store.OxigraphStore`
    or a ``pyoxigraph.Store``)."""
    return store.ox if hasattr(store, "ox") else store


def _node(node) -> ox.NamedNode | ox.BlankNode:
    return ox.NamedNode(node) if isinstance(node, str) else node


def pick(literals: Iterable, languages: Sequence[str] = ENGLISH, *, any_language: bool = True) -> str | None:
    """The text of the label chosen among ``literals``, by the rule of this module; None if there
    is none. Anything not an ``ox.Literal`` is passed over.

    For callers that hold a resource's statements already: ``literals`` come in order of
    preference among equals, by predicate and then by (language, text), as :func:`label` reads
    them; the first in the most wanted language wins, else (``any_language``) the first.

    >>> pick([ox.Literal("Kengir uprising", language="en"), ox.Literal("Kengiro sukilimas", language="lt")],
    ...      ("lt", "en"))
    'Kengiro sukilimas'
    >>> pick([ox.Literal("Kengiro sukilimas", language="lt")], any_language=False) is None
    True
    """
    rank = {lang: i for i, lang in enumerate(languages)}
    others = len(rank)
    best = None
    best_rank = others + 1
    for literal in literals:
        if type(literal) is not ox.Literal:
            continue
        wanted = rank.get(literal.language or "", others)
        if wanted < best_rank and (wanted < others or any_language):
            best, best_rank = literal.value, wanted
            if wanted == 0:
                break
    return best


def _sorted(literals: list[ox.Literal]) -> list[ox.Literal]:
    return sorted(literals, key=lambda literal: (literal.language or "", literal.value))


def label(store, node, *, languages: Sequence[str] = ENGLISH, predicates: Sequence[ox.NamedNode] = (LABEL,),
          any_language: bool = True) -> str | None:
    """The label of ``node`` (an IRI, an ``ox.NamedNode`` or ``ox.BlankNode``) in ``store``, over
    every graph, or None if it has none (see the module's rule).

    :param store: an :class:`~heritage_graph.rdf.store.OxigraphStore` or a ``pyoxigraph.Store``.
    :param languages: the languages wanted, in order; ``""`` is a label without a language.
    :param predicates: the label properties, in order of preference (``rdfs:label``; add
        :data:`PREF_LABEL` for SKOS concepts).
    :param any_language: whether a label in another language will do when none of ``languages`` has one.
    """
    found = _ox(store)
    subject = _node(node)
    literals: list = []
    for predicate in predicates:
        literals += _sorted([q.object for q in found.quads_for_pattern(subject, predicate, None, None)
                              if type(q.object) is ox.Literal])
    return pick(literals, languages, any_language=any_language)


def labeller(store, **options) -> Callable[[object], str | None]:
    """:func:`label` as a function of the node only, remembering what it found: for a report or
    a listing that names the same resources many times. ``options`` are those of :func:`label`."""
    cache: dict = {}

    def label_of(node) -> str | None:
        node = _node(node)
        if node not in cache:
            cache[node] = label(store, node, **options)
        return cache[node]

    return label_of


class ClassTree:
    """The ``rdfs:subClassOf`` hierarchy of a store, read once (over every graph).

    Only IRIs take part unless ``blank_nodes`` is true (an OWL restriction is a blank-node
    superclass). A class with no ``rdfs:subClassOf`` of its own is its own closure.
    """

    def __init__(self, store, *, blank_nodes: bool = False):
        kinds = (ox.NamedNode, ox.BlankNode) if blank_nodes else (ox.NamedNode,)
        self.parents: dict = {}
        self.children: dict = {}
        for q in _ox(store).quads_for_pattern(None, SUBCLASS_OF, None, None):
            if isinstance(q.subject, kinds) and isinstance(q.object, kinds):
                self.parents.setdefault(q.subject, set()).add(q.object)
                self.children.setdefault(q.object, set()).add(q.subject)
        self._up: dict = {}
        self._down: dict = {}

    @staticmethod
    def _closure(edges: dict, cls, cache: dict) -> frozenset:
        found = cache.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            while todo:
                for other in edges.get(todo.pop(), ()):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
            found = cache[cls] = frozenset(seen)
        return found

    def superclasses(self, cls) -> frozenset:
        """``cls`` and every class it is a subclass of (``cls rdfs:subClassOf* ?super``)."""
        return self._closure(self.parents, _node(cls), self._up)

    def subclasses(self, cls) -> frozenset:
        """``cls`` and every class that is a subclass of it (``?sub rdfs:subClassOf* cls``)."""
        return self._closure(self.children, _node(cls), self._down)

    def every_superclass(self) -> dict:
        """Each class with a superclass, mapped to :meth:`superclasses` of it."""
        return {cls: self.superclasses(cls) for cls in self.parents}

    def is_a(self, types: Iterable, cls) -> bool:
        """Whether any of ``types`` is ``cls`` or a subclass of it."""
        cls = _node(cls)
        return any(cls in self.superclasses(t) for t in types)
