"""The two sides of a reconciliation: the hand-curated resources and their candidates.

:func:`local_resources` takes every resource of a class from the hand-curated data (every named
graph that is not an imported archive, ``…/data/archives/…``, or a linkset, ``…/data/links/…``);
:func:`register_resources` the resources of the class in the imported registers;
:func:`remote_candidates` the entities of a Wikidata-shaped endpoint that carry one of the local
names. Each is described as an :class:`Entity`: its names, kinds and points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox

from ..errors import ConfigError, InputError
from ..rdf.load import ARCHIVE_GRAPHS, LINK_GRAPHS
from ..rdf.store import Store
from ..rdf.vocab import GEO, HG, OWL, RDF, RDFS, SKOS, shorten

#: The languages whose labels are asked of a remote endpoint (and in which local names are looked up).
LANGUAGES = ("en", "lt", "ru", "kk", "uk", "be", "pl", "de", "fr")
#: Classes whose coordinates are the centre of a large area, not a point to measure from.
AREA_CLASSES = (HG + "Country", HG + "Region")

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"

_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)


@dataclass
class Entity:
    """A resource as the reconciliation sees it: its names, kinds and points."""

    iri: str
    names: list[ox.Literal] = field(default_factory=list)
    labels: list[ox.Literal] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    points: list[tuple[float, float]] = field(default_factory=list)
    links: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """The English label, else any label, else an English or any other name, else the IRI."""
        for pool in (self.labels, self.names):
            english = sorted(n.value for n in pool if n.language == "en")
            if english:
                return english[0]
            if pool:
                return sorted(n.value for n in pool)[0]
        return self.iri


def shorten_iri(iri: str) -> str:
    """``iri`` as a prefixed name where a prefix of the project fits, else the IRI."""
    short = shorten(iri)
    return iri if short.startswith("<") else short


def parse_wkt_point(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a WKT ``Point(lon lat)``, or None if it is not one in range.

    >>> parse_wkt_point("Point(76.92848 43.25654)")
    (43.25654, 76.92848)
    """
    match = _POINT.match(text)
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


_ENTITY_FACTS = f"""PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX owl: <{OWL}>
PREFIX geo: <{GEO}>
PREFIX hg: <{HG}>
SELECT ?s ?kind ?value ?lat ?long WHERE {{
  {{ ?s rdfs:label|skos:prefLabel ?value . FILTER(isLiteral(?value)) BIND("label" AS ?kind) }}
  UNION {{ ?s skos:altLabel ?value . FILTER(isLiteral(?value)) BIND("name" AS ?kind) }}
  UNION {{ ?s rdf:type ?value . BIND("type" AS ?kind) }}
  UNION {{ GRAPH ?stated {{ ?s owl:sameAs|skos:exactMatch ?value }} FILTER(!CONTAINS(STR(?stated), "{LINK_GRAPHS}"))
           BIND("link" AS ?kind) }}
  UNION {{ ?s geo:lat ?lat ; geo:long ?long . BIND("point" AS ?kind) }}
  UNION {{
    ?s POINTS ?place .
    ?place geo:lat ?lat ; geo:long ?long .
    FILTER NOT EXISTS {{ ?place rdf:type ?area . VALUES ?area {{ AREAS }} }}
    BIND("point" AS ?kind)
  }}
}}"""


def class_iri_of(type_: str) -> str:
    """The class IRI for ``Camp``, ``hg:Camp`` or a full IRI."""
    text = type_.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text):
        return HG + text
    if text.startswith("hg:"):
        return HG + text[3:]
    if re.match(r"^https?://", text):
        return text
    raise ConfigError(f"--type {type_!r}: give a class of the ontology such as Camp, Place, City or hg:Camp")


def check_class(store: Store, class_iri: str) -> None:
    """:raises ConfigError: ``class_iri`` is not a class of the ontology in ``store``."""
    known = store.query(f"ASK WHERE {{ <{class_iri}> a <{OWL}Class> }}").boolean
    if not known:
        raise ConfigError(f"--type: {shorten_iri(class_iri)} is not a class of the ontology "
                          "(for example Camp, Place, City, Memorial)")


def local_resources(store: Store, class_iri: str) -> list[Entity]:
    """The hand-curated resources of ``class_iri``: typed so in a graph that is no archive or linkset."""
    result = store.query(f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?s WHERE {{
  GRAPH ?g {{ ?s a ?t }}
  ?t rdfs:subClassOf* <{class_iri}> .
  FILTER(isIRI(?s) && !CONTAINS(STR(?g), "{ARCHIVE_GRAPHS}") && !CONTAINS(STR(?g), "{LINK_GRAPHS}"))
}} ORDER BY ?s""")
    iris = [row[0].value for row in result.rows]
    return _describe(store, iris, points="hg:headquarters|hg:location|hg:near")


def register_resources(store: Store, class_iri: str) -> list[Entity]:
    """The resources of ``class_iri`` in the imported archives' graphs."""
    result = store.query(f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?s WHERE {{
  GRAPH ?g {{ ?s a ?t }}
  ?t rdfs:subClassOf* <{class_iri}> .
  FILTER(isIRI(?s) && CONTAINS(STR(?g), "{ARCHIVE_GRAPHS}"))
}} ORDER BY ?s""")
    iris = [row[0].value for row in result.rows]
    return _describe(store, iris, points="hg:headquarters|hg:location")


def _describe(store: Store, iris: list[str], *, points: str) -> list[Entity]:
    entities = {iri: Entity(iri) for iri in iris}
    if not iris:
        return []
    areas = store.query(f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?c WHERE {{ VALUES ?area {{ {' '.join(f'<{a}>' for a in AREA_CLASSES)} }} ?c rdfs:subClassOf* ?area }}""")
    area_values = " ".join(str(row[0]) for row in areas.rows) or " ".join(f"<{a}>" for a in AREA_CLASSES)
    text = _ENTITY_FACTS.replace("POINTS", points).replace("AREAS", area_values)
    for chunk in _chunks(iris, 400):
        values = " ".join(f"<{iri}>" for iri in chunk)
        query = text.replace("WHERE {\n", f"WHERE {{\n  VALUES ?s {{ {values} }}\n", 1)
        for s, kind, value, lat, long in store.query(query).rows:
            entity = entities[s.value]
            if kind.value in ("name", "label"):
                entity.names.append(value)
                if kind.value == "label":
                    entity.labels.append(value)
            elif kind.value == "type":
                entity.types.add(value.value)
            elif kind.value == "link":
                entity.links.add(value.value)
            elif kind.value == "point":
                try:
                    point = (float(lat.value), float(long.value))
                except (AttributeError, ValueError):
                    continue
                if point not in entity.points:
                    entity.points.append(point)
    for entity in entities.values():
        entity.names = sorted(set(entity.names), key=lambda n: (n.language or "", n.value))
        entity.labels = sorted(set(entity.labels), key=lambda n: (n.language or "", n.value))
        entity.points.sort()
    return list(entities.values())


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def class_closure(store: Store, types: Iterable[str], *, down: bool = False) -> set[str]:
    """The classes and all their superclasses (by the ontology in ``store``); with ``down``, their subclasses too."""
    types = sorted(set(types))
    if not types:
        return set()
    values = " ".join(f"<{t}>" for t in types)
    union = " UNION { ?related rdfs:subClassOf* ?t }" if down else ""
    result = store.query(f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?related WHERE {{ VALUES ?t {{ {values} }} {{ ?t rdfs:subClassOf* ?related }}{union} FILTER(isIRI(?related)) }}""")
    return set(types) | {row[0].value for row in result.rows}


def wikidata_classes(store: Store, classes: Iterable[str]) -> set[str]:
    """The Wikidata classes aligned (``skos:closeMatch``, ontology/alignments.ttl) with any of ``classes``."""
    classes = sorted(set(classes))
    if not classes:
        return set()
    values = " ".join(f"<{c}>" for c in classes)
    result = store.query(f"""PREFIX skos: <{SKOS}>
SELECT DISTINCT ?wd WHERE {{ VALUES ?c {{ {values} }} ?c skos:closeMatch ?wd . FILTER(STRSTARTS(STR(?wd), "{WD}")) }}""")
    return {row[0].value for row in result.rows}


def remote_candidates(endpoint: Store, local: list[Entity]) -> tuple[dict[str, set[str]], list[Entity]]:
    """Entities of a Wikidata-shaped endpoint that carry one of the local names, and their facts.

    Every name of every local resource is looked up as it is written in each of
    :data:`LANGUAGES` (``rdfs:label`` or ``skos:altLabel``). Returns (local IRI → candidate IRIs,
    the candidates described: names in :data:`LANGUAGES`, ``wdt:P31`` classes with their direct
    ``wdt:P279`` superclasses as types, ``wdt:P625`` points).
    """
    by_name: dict[ox.Literal, set[str]] = {}
    for entity in local:
        for name in entity.names:
            for language in LANGUAGES:
                by_name.setdefault(ox.Literal(name.value, language=language), set()).add(entity.iri)
    found: dict[str, set[str]] = {e.iri: set() for e in local}
    names = sorted(by_name, key=lambda n: (n.value, n.language))
    for chunk in _chunks(names, 300):
        values = " ".join(str(n) for n in chunk)
        result = endpoint.query(f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT DISTINCT ?name ?item WHERE {{
  VALUES ?name {{ {values} }}
  ?item rdfs:label|skos:altLabel ?name .
  FILTER(isIRI(?item))
}}""")
        for name, item in result.rows:
            for iri in by_name.get(ox.Literal(name.value, language=name.language), ()):
                found[iri].add(item.value)
    items = sorted({i for items in found.values() for i in items})
    described: dict[str, Entity] = {i: Entity(i) for i in items}
    languages = ", ".join(f'"{l}"' for l in LANGUAGES)
    for chunk in _chunks(items, 200):
        values = " ".join(f"<{i}>" for i in chunk)
        result = endpoint.query(f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX wdt: <{WDT}>
SELECT ?item ?kind ?value WHERE {{
  VALUES ?item {{ {values} }}
  {{ ?item rdfs:label ?value . FILTER(LANG(?value) IN ({languages})) BIND("label" AS ?kind) }}
  UNION {{ ?item skos:altLabel ?value . FILTER(LANG(?value) IN ({languages})) BIND("name" AS ?kind) }}
  UNION {{ ?item wdt:P31 ?value . BIND("type" AS ?kind) }}
  UNION {{ ?item wdt:P31/wdt:P279 ?value . BIND("type" AS ?kind) }}
  UNION {{ ?item wdt:P625 ?value . BIND("point" AS ?kind) }}
}}""")
        for item, kind, value in result.rows:
            entity = described[item.value]
            if kind.value in ("name", "label") and isinstance(value, ox.Literal):
                entity.names.append(value)
                if kind.value == "label":
                    entity.labels.append(value)
            elif kind.value == "type" and isinstance(value, ox.NamedNode):
                entity.types.add(value.value)
            elif kind.value == "point" and isinstance(value, ox.Literal):
                point = parse_wkt_point(value.value)
                if point is not None and point not in entity.points:
                    entity.points.append(point)
    for entity in described.values():
        entity.names = sorted(set(entity.names), key=lambda n: (n.language or "", n.value))
        entity.labels = sorted(set(entity.labels), key=lambda n: (n.language or "", n.value))
        entity.points.sort()
    return found, [described[i] for i in items]


def archive_names(store: Store) -> list[str]:
    """The names of the archives imported into ``store`` (the folders under data/archives/)."""
    names = set()
    for graph in store.graph_names():
        if ARCHIVE_GRAPHS in graph:
            names.add(graph.split(ARCHIVE_GRAPHS, 1)[1].split("/", 1)[0])
    return sorted(names)


def target_name(store: Store, endpoint: str | None = None) -> str:
    """The name a linkset is filed under: ``wikidata`` for an endpoint, else the archive's name."""
    if endpoint:
        return "wikidata"
    names = archive_names(store)
    if not names:
        raise InputError("no imported archive in the data (data/archives/): nothing to reconcile with; "
                         "import one first (heritage-graph import ...) or give --endpoint")
    return names[0] if len(names) == 1 else "archives"
