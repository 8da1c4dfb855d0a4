"""Reading the graph for an export: which resources, their facts, labels, classes and numbers."""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from ..rdf.labels import ClassTree
from ..rdf.load import ARCHIVE_GRAPHS, LINK_GRAPHS
from ..rdf.store import OxigraphStore
from ..rdf.vocab import RDF, RDFS, XSD


def select_rows(store: OxigraphStore, sparql: str) -> list[dict]:
    """The rows of a SELECT query, each a dict of variable to term."""
    return store.query(sparql).dicts()


def curated_resources(store: OxigraphStore, class_iri: str) -> list[str]:
    """The resources of ``class_iri`` (or a subclass) typed so in hand-curated graphs (no archive, no linkset)."""
    rows = select_rows(store, f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?s WHERE {{
  GRAPH ?g {{ ?s a ?t }}
  ?t rdfs:subClassOf* <{class_iri}> .
  FILTER(isIRI(?s) && !CONTAINS(STR(?g), "{ARCHIVE_GRAPHS}") && !CONTAINS(STR(?g), "{LINK_GRAPHS}")
         && !CONTAINS(STR(?g), "/ontology/"))
}} ORDER BY ?s""")
    return [r["s"].value for r in rows]


def all_resources(store: OxigraphStore, class_iri: str) -> list[str]:
    """Every resource of ``class_iri`` or a subclass, in any graph."""
    rows = select_rows(store, f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?s WHERE {{ ?s a ?t . ?t rdfs:subClassOf* <{class_iri}> . FILTER(isIRI(?s)) }} ORDER BY ?s""")
    return [r["s"].value for r in rows]


class Facts:
    """The statements about a set of resources, by subject and predicate, read once."""

    def __init__(self, store: OxigraphStore, subjects: Iterable[str]):
        self.store = store
        self.by_subject: dict[str, dict[str, list]] = {}
        for iri in subjects:
            predicates: dict[str, list] = {}
            for quad in store.ox.quads_for_pattern(ox.NamedNode(iri), None, None, None):
                values = predicates.setdefault(quad.predicate.value, [])
                if quad.object not in values:
                    values.append(quad.object)
            self.by_subject[iri] = predicates

    def values(self, subject: str, predicate: str) -> list:
        return self.by_subject.get(subject, {}).get(predicate, [])

    def first(self, subject: str, predicate: str):
        values = self.values(subject, predicate)
        return values[0] if values else None


def class_closure(store: OxigraphStore) -> dict[str, set[str]]:
    """Each class with all its superclasses (:class:`heritage_graph.rdf.labels.ClassTree`)."""
    return {c.value: {s.value for s in supers} for c, supers in ClassTree(store).every_superclass().items()}


def types_of(facts: Facts, iri: str) -> list[str]:
    """The classes the resource is typed with, sorted."""
    return sorted(t.value for t in facts.values(iri, RDF + "type") if isinstance(t, ox.NamedNode))


def is_a(facts: Facts, closure: dict[str, set[str]], iri: str, class_iri: str) -> bool:
    """Whether the resource is of ``class_iri`` or a subclass of it (``closure``: :func:`class_closure`)."""
    return any(class_iri in closure.get(t, {t}) for t in types_of(facts, iri))


def number(literal) -> float | None:
    """A literal's value as a float, or None when it is not a number."""
    try:
        return float(literal.value)
    except (AttributeError, ValueError):
        return None


def json_number(literal):
    """A numeric literal as a JSON number (int or float), or its text when it is not one."""
    value = literal.value
    if literal.datatype.value == XSD + "integer":
        return int(value)
    try:
        found = float(value)
    except ValueError:
        return value
    return int(found) if found.is_integer() and literal.datatype.value != XSD + "decimal" else found
