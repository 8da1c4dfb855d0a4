"""Describe a resource: the RDF about one thing, the same in a release's files and from the server.

The description of a resource is what a historian needs on one page:

- the resource's own statements, and those of the blank nodes they lead to;
- the claims about it (``?claim hg:about <resource>``), each with its statements and the blank
  nodes they lead to: the figures, their sources, quotes and times;
- the statements linking into it from elsewhere (``?s ?p <resource>``), from the first
  :data:`INCOMING_LIMIT` subjects in IRI order: a resource that tens of thousands of records point
  to (a people group, a camp, the source of a register) is described by what it is and what is
  said of it, not by every record of the register, which the dumps and the SPARQL endpoint hold.

Each statement once, whichever graphs hold it. :func:`describe` reads a *graph*: anything that
answers ``out(node)`` (the (predicate, object) pairs of a subject) and ``incoming(node)`` (the
(subject, predicate) pairs pointing at a node). :class:`StoreGraph` answers them from a
pyoxigraph store, a few index lookups per resource (the server describes one resource at a time);
a build reads the whole store once, grouped by subject and by object
(:meth:`heritage_graph.web.site.SiteData.preload`), and describes every resource from memory.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'''@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
... @prefix camp: <https://w3id.org/heritage-graph/id/camp/> .
... camp:karlag hg:where [ hg:lat 49.7 ] .
... <https://w3id.org/heritage-graph/id/claim/k> hg:about camp:karlag ; hg:value 20500 .
... camp:dolinka hg:partOf camp:karlag .
... ''', format=ox.RdfFormat.TURTLE)
>>> found = describe(StoreGraph(store), ox.NamedNode("https://w3id.org/heritage-graph/id/camp/karlag"))
>>> [s.value.rsplit("/", 1)[-1] for s in found if isinstance(s, ox.NamedNode)]
['karlag', 'dolinka', 'k']
>>> len(description_triples(found))
5
"""

from __future__ import annotations

import pyoxigraph as ox

from .vocab import DEFAULT_BASE

#: The property that says what a claim is about, under the default base.
ABOUT = DEFAULT_BASE + "ontology#about"

#: How many subjects linking into a resource its description names, at most.
INCOMING_LIMIT = 1000


def pair_key(pair) -> tuple:
    """The order of a subject's statements: by predicate, then object (IRIs before literals)."""
    o = pair[1]
    if type(o) is ox.Literal:
        return (pair[0].value, 1, o.language or "", o.value)
    return (pair[0].value, 0, "", getattr(o, "value", str(o)))


def subject_key(subject) -> tuple:
    """The order of the subjects of a description: named nodes by IRI, then blank nodes."""
    return (type(subject) is ox.BlankNode, subject.value)


class StoreGraph:
    """:func:`describe`'s reads answered from a pyoxigraph store (or anything with ``.ox``), by pattern."""

    def __init__(self, store):
        self.ox: ox.Store = store.ox if hasattr(store, "ox") else store

    def out(self, node) -> list:
        """The (predicate, object) pairs of ``node`` over every graph, each once, sorted."""
        pairs = dict.fromkeys((q.predicate, q.object) for q in self.ox.quads_for_pattern(node, None, None, None))
        return sorted(pairs, key=pair_key)

    def incoming(self, node) -> list:
        """The (subject, predicate) pairs pointing at ``node``, each once."""
        return list(dict.fromkeys((q.subject, q.predicate) for q in self.ox.quads_for_pattern(None, None, node, None)))


def closure(graph, node, found: dict) -> None:
    """Add ``node``'s statements to ``found`` (``{subject: pairs}``), and those of the blank nodes
    they lead to, and so on."""
    frontier = [node]
    while frontier:
        current = frontier.pop()
        if current in found:
            continue
        pairs = found[current] = graph.out(current)
        for _p, o in pairs:
            if type(o) is ox.BlankNode and o not in found:
                frontier.append(o)


def describe(graph, node, about: ox.NamedNode | str = ABOUT, incoming_limit: int = INCOMING_LIMIT) -> dict:
    """The description of ``node`` in ``graph``, grouped by subject: ``{subject: [(p, o), ...]}``,
    the resource first, then the other subjects in order (:func:`subject_key`), each subject's
    pairs in order (:func:`pair_key`; ``graph.out`` gives them so). Empty if nothing is said of or about ``node``.

    ``about`` is the property that says what a claim is about (``hg:about`` under the base the
    graph uses); ``incoming_limit`` how many of the other subjects linking into ``node`` it names
    (the first in :func:`subject_key` order).
    """
    about = about if isinstance(about, ox.NamedNode) else ox.NamedNode(about)
    own: dict = {}
    closure(graph, node, own)
    links: dict = {}
    for s, p in graph.incoming(node):
        if p == about:
            closure(graph, s, own)
        else:
            links.setdefault(s, []).append((p, node))
    linking = [s for s in links if s not in own]
    if len(linking) > incoming_limit:
        linking = sorted(linking, key=subject_key)[:incoming_limit]
    for s in linking:
        pairs = links[s]
        own[s] = sorted(pairs, key=pair_key) if len(pairs) > 1 else pairs
    if len(own) == 1 and not own[node]:
        return {}
    first = own.pop(node)
    found = {node: first} if first else {}
    for s in sorted(own, key=subject_key):
        found[s] = own[s]
    return found


def description_triples(groups: dict) -> list[ox.Triple]:
    """The statements of a description (as :func:`describe` groups them) as triples, in order."""
    return [ox.Triple(s, p, o) for s, pairs in groups.items() for p, o in pairs]


def describe_iri(store, iri: str, base: str = DEFAULT_BASE) -> list[ox.Triple]:
    """The description of the resource ``iri`` in ``store`` as triples (none for an IRI that is
    not one, or a resource nothing is said of)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return []
    return description_triples(describe(StoreGraph(store), node, base + "ontology#about"))
