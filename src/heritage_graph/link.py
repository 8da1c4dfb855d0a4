"""Reconcile the hand-curated resources with an imported register or a Wikidata-shaped endpoint.

:func:`reconcile` takes every resource of one class (``Camp`` by default) from the hand-curated
data, that is from every named graph that is not an imported archive (``…/data/archives/…``) or
a linkset (``…/data/links/…``), and scores candidates for it in the other graph:

* by default the imported register(s) in the same store: every resource of the class in an
  archive graph (for camps, the ~570 camps of the GULAG map register);
* with ``endpoint=URL``, any SPARQL endpoint shaped like Wikidata (``rdfs:label`` and
  ``skos:altLabel`` in several languages, ``wdt:P31`` instance of, ``wdt:P625`` coordinates as
  ``"Point(lon lat)"^^geo:wktLiteral``), through :class:`~heritage_graph.store.EndpointStore`.
  Candidates are the entities with one of the local names as a label or alternative label (in
  any of :data:`LANGUAGES`): an exact lookup that Wikidata answers from its label index.

Each candidate is scored (see ``docs/link.md``)::

    score = 0.50 × label_score + 0.25 × type_score + 0.25 × distance_score

* ``label_score``: the best similarity (rapidfuzz ``ratio`` or ``token_sort_ratio``, 0–1) of any
  name of the local resource to any name of the candidate, after :func:`normalise` (Cyrillic,
  including Kazakh letters, transliterated to Latin, diacritics and punctuation dropped, a few
  spelling variants folded, and common camp words such as ITL, lag, camp, лагерь dropped);
* ``type_score``: 1 when the kinds agree, 0 when they disagree, 0.5 when it cannot be told;
* ``distance_score``: ``exp(-d / 400 km)`` for the shortest distance ``d`` between the points of
  the two (a resource's own coordinates, its headquarters', its locations' and the places it is
  near, countries and regions left out), 0.5 when either has none.

:func:`accept` keeps the best candidate of each local resource at or above a threshold;
:func:`read_review` keeps the rows of a review CSV that a curator marked ``accept = yes``.
:func:`write_linkset` writes the links as Turtle, each link stated as a plain triple
(``skos:exactMatch`` to a resource of the graph's own register, ``owl:sameAs`` to a Wikidata
entity) beside an ``hg:LinkAssertion`` that says how it was made, validated with the shapes
before it is written atomically.

>>> normalise("Карагандинский ИТЛ")
'karagandinsky'
>>> normalise("Steplag Gulag") == normalise("Степлаг")
True
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox

from .errors import ConfigError, InputError
from .rdf.store import Store
from .rdf.vocab import DCTERMS, GEO, HG, HGID, OWL, RDF, RDFS, SKOS, XSD

#################################################################
# Names across scripts
#################################################################

#: Cyrillic to Latin, after BGN/PCGN (Russian) with the letters of Kazakh and Ukrainian, simplified:
#: no apostrophes for the soft and hard signs, ``ё`` as ``e``.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Ukrainian and Belarusian
    "є": "ye", "ї": "yi", "ґ": "g", "ў": "u",
}

#: Spelling variants folded after transliteration, so that "Peshchenlag" meets "Peschanlag",
#: "Qaraghandy" meets "Karagandy" and "Karagandinskiy" meets "Karagandinsky".
FOLDS = [
    (re.compile(r"shch"), "sch"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(?:iy|yy|ij|ii|yi|yj)\b"), "y"),
]

#: Words that name the kind of a camp rather than the camp, dropped before names are compared
#: (in their folded Latin form: "лагерь" is "lager", "ИТЛ" is "itl").
CAMP_WORDS = frozenset({
    "itl", "lag", "lager", "lagerya", "lagerey", "lagernoe", "camp", "camps", "gulag", "lageris",
    "no", "of", "the", "and", "i",
})

_NON_WORD = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """``text`` in lower case with every Cyrillic letter written in Latin letters (:data:`CYRILLIC`).

    >>> transliterate("Қарағанды")
    'qaraghandy'
    """
    return "".join(CYRILLIC.get(ch, ch) for ch in text.lower())


def normalise(name: str, *, drop_camp_words: bool = True) -> str:
    """A name reduced for comparison across scripts and spellings.

    Lower case, Cyrillic transliterated, diacritics dropped (``Balchašas`` → ``balchasas``),
    every run of punctuation made one space, the :data:`FOLDS` applied and, unless told not to,
    the :data:`CAMP_WORDS` dropped (a name made only of them is kept whole).

    >>> normalise("Qaraghandy") == normalise("Karagandy")
    True
    >>> normalise("Особлаг № 4")
    'osoblag 4'
    """
    text = unicodedata.normalize("NFKC", name)
    text = transliterate(text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text).strip()
    for pattern, replacement in FOLDS:
        text = pattern.sub(replacement, text)
    words = text.split()
    if drop_camp_words:
        kept = [w for w in words if w not in CAMP_WORDS]
        words = kept or words
    return " ".join(words)


def label_similarity(a: str, b: str) -> float:
    """How alike two normalised names are, 0–1: the better of rapidfuzz's ``ratio`` and ``token_sort_ratio``.

    >>> label_similarity("karlag", "karlag")
    1.0
    """
    from rapidfuzz import fuzz

    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0


#################################################################
# Places and distances
#################################################################

EARTH_RADIUS_KM = 6371.0088
#: The distance at which the distance score falls to 1/e (about 0.37).
DISTANCE_SCALE_KM = 400.0
#: The weights of the score's three parts.
WEIGHTS = {"label": 0.50, "type": 0.25, "distance": 0.25}
#: The languages whose labels are asked of a remote endpoint (and in which local names are looked up).
LANGUAGES = ("en", "lt", "ru", "kk", "uk", "be", "pl", "de", "fr")
#: Classes whose coordinates are the centre of a large area, not a point to measure from.
AREA_CLASSES = (HG + "Country", HG + "Region")

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"

_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance in km between two (latitude, longitude) points in degrees.

    >>> round(haversine_km((49.67055, 72.68055), (49.83333, 73.1658)))
    39
    """
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


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


#################################################################
# What is compared
#################################################################


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


@dataclass
class Candidate:
    """One row of the review: a local resource, a candidate for it, and how well they match."""

    local: str
    local_label: str
    candidate: str
    candidate_label: str
    score: float
    label_score: float
    type_score: float
    distance_km: float | None
    method: str

    @property
    def predicate(self) -> str:
        return link_predicate(self.candidate)


REVIEW_COLUMNS = ["local", "local_label", "candidate", "candidate_label", "score", "label_score", "type_score",
                  "distance_km", "method", "accept"]


@dataclass
class Reconciliation:
    """The outcome of :func:`reconcile`: the local resources and their scored candidates."""

    type_iri: str
    target: str
    target_name: str
    locals: list[Entity]
    candidates: list[Candidate]
    #: The command (or call) that made it, for the method of the links.
    command: str = "heritage-graph reconcile"

    def for_local(self, iri: str) -> list[Candidate]:
        return [c for c in self.candidates if c.local == iri]

    def best(self) -> dict[str, Candidate | None]:
        """Each local resource's best candidate (None when it has none)."""
        out: dict[str, Candidate | None] = {e.iri: None for e in self.locals}
        for c in self.candidates:
            if out.get(c.local) is None:
                out[c.local] = c
        return out

    def review_csv(self) -> str:
        """The review table: one row per candidate, by local resource, best first; ``accept`` empty."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for c in self.candidates:
            writer.writerow([c.local, c.local_label, c.candidate, c.candidate_label, f"{c.score:.3f}",
                             f"{c.label_score:.3f}", f"{c.type_score:.2f}",
                             "" if c.distance_km is None else f"{c.distance_km:.1f}", c.method, ""])
        return buffer.getvalue()

    def summary(self, links: Sequence["Link"] | None = None, threshold: float | None = None) -> str:
        """One line per local resource: its best candidate with the score, and whether it was linked."""
        linked = {(l.subject, l.object) for l in links or []}
        width = max([len(e.label) for e in self.locals] + [5])
        lines = [f"reconcile {shorten_iri(self.type_iri)} with {self.target}: "
                 f"{len(self.locals)} local resources, {len(self.candidates)} candidates"]
        for entity, best in self.best().items():
            label = next(e.label for e in self.locals if e.iri == entity)
            if best is None:
                lines.append(f"  {label:<{width}}  (no candidate)")
                continue
            mark = "linked" if (entity, best.candidate) in linked else (
                "below threshold" if threshold is not None and best.score < threshold else "")
            distance = "" if best.distance_km is None else f", {best.distance_km:.0f} km"
            lines.append(f"  {label:<{width}}  -> {best.candidate_label} <{best.candidate}> "
                         f"score {best.score:.3f} (label {best.label_score:.2f}, type {best.type_score:.1f}{distance})"
                         + (f"  [{mark}]" if mark else ""))
        return "\n".join(lines)


def command_line(*, type_: str = "Camp", endpoint: str | None = None, threshold: float | None = None,
                 from_review: Path | str | None = None) -> str:
    """The command that makes a linkset, as its header and link assertions record it.

    >>> command_line(threshold=0.8)
    'heritage-graph reconcile --type Camp --accept 0.8'
    """
    parts = ["heritage-graph reconcile", f"--type {type_}"]
    if endpoint:
        parts.append(f"--endpoint {endpoint}")
    if from_review is not None:
        parts.append(f"--from-review {Path(from_review).name}")
    elif threshold is not None:
        parts.append(f"--accept {threshold:g}")
    return " ".join(parts)


def link_predicate(candidate: str) -> str:
    """``skos:exactMatch`` for a resource of the graph itself (a register's camp), ``owl:sameAs`` otherwise."""
    return SKOS + "exactMatch" if candidate.startswith(HGID) else OWL + "sameAs"


def shorten_iri(iri: str) -> str:
    from .rdf.vocab import shorten

    short = shorten(iri)
    return iri if short.startswith("<") else short


#################################################################
# Reading the two sides
#################################################################

ARCHIVE_GRAPHS = "/data/archives/"
LINK_GRAPHS = "/data/links/"

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


def _class_iri(type_: str) -> str:
    """The class IRI for ``Camp``, ``hg:Camp`` or a full IRI."""
    text = type_.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text):
        return HG + text
    if text.startswith("hg:"):
        return HG + text[3:]
    if re.match(r"^https?://", text):
        return text
    raise ConfigError(f"--type {type_!r}: give a class of the ontology such as Camp, Place, City or hg:Camp")


def _check_class(store: Store, class_iri: str) -> None:
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


#################################################################
# Remote, Wikidata-shaped endpoints
#################################################################


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


#################################################################
# Scoring
#################################################################


@dataclass
class _Names:
    """The normalised names of a set of entities, flat, with their owners, for one rapidfuzz call."""

    owners: list[int]
    texts: list[str]
    originals: list[ox.Literal]

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> "_Names":
        owners, texts, originals = [], [], []
        for index, entity in enumerate(entities):
            seen = set()
            for name in entity.names:
                text = normalise(name.value)
                if text and (text, name.value) not in seen:
                    seen.add((text, name.value))
                    owners.append(index)
                    texts.append(text)
                    originals.append(name)
        return cls(owners, texts, originals)


def _best_label_pairs(local: Entity, candidates: Sequence[Entity], names: _Names):
    """For each candidate: (best similarity, the local name, the candidate name)."""
    from rapidfuzz import fuzz, process

    best = [(0.0, None, None)] * len(candidates)
    local_names = _Names.of([local])
    if not local_names.texts or not names.texts:
        return best
    ratio = process.cdist(local_names.texts, names.texts, scorer=fuzz.ratio, workers=1)
    token = process.cdist(local_names.texts, names.texts, scorer=fuzz.token_sort_ratio, workers=1)
    for i, local_name in enumerate(local_names.originals):
        for j, owner in enumerate(names.owners):
            value = max(float(ratio[i][j]), float(token[i][j])) / 100.0
            if value > best[owner][0]:
                best[owner] = (value, local_name, names.originals[j])
    return best


def _describe_name(name: ox.Literal | None) -> str:
    if name is None:
        return "?"
    return f'"{name.value}"' + (f"@{name.language}" if name.language else "")


def score(label: float, type_: float, distance_km: float | None) -> float:
    """The combined score, 0–1 (see the module's docstring and docs/link.md).

    >>> score(1.0, 1.0, 0.0)
    1.0
    >>> score(1.0, 0.0, None)
    0.625
    """
    distance = 0.5 if distance_km is None else math.exp(-distance_km / DISTANCE_SCALE_KM)
    total = WEIGHTS["label"] * label + WEIGHTS["type"] * type_ + WEIGHTS["distance"] * distance
    return round(min(1.0, max(0.0, total)), 3)


def _min_distance(a: Entity, b: Entity) -> float | None:
    if not a.points or not b.points:
        return None
    return min(haversine_km(p, q) for p in a.points for q in b.points)


def rank(local: Entity, candidates: Sequence[Entity], type_of, *, limit: int = 5, min_label: float = 0.5,
         names: _Names | None = None, keep: set[str] | None = None) -> list[Candidate]:
    """The candidates for ``local`` scored, best first: at most ``limit``, plus any in ``keep``.

    ``type_of(candidate)`` gives the type score. Candidates whose label score is below
    ``min_label`` are left out (unless kept), so that the review lists plausible names only.
    """
    names = names or _Names.of(candidates)
    pairs = _best_label_pairs(local, candidates, names)
    rows = []
    for candidate, (label_score, local_name, candidate_name) in zip(candidates, pairs):
        kept = keep is not None and candidate.iri in keep
        if label_score < min_label and not kept:
            continue
        type_score = type_of(candidate)
        distance = _min_distance(local, candidate)
        parts = [f"label {_describe_name(local_name)} ~ {_describe_name(candidate_name)}",
                 f"type {'agrees' if type_score == 1 else 'differs' if type_score == 0 else 'unknown'}",
                 "distance" if distance is not None else "no distance"]
        if candidate.iri in local.links:
            parts.append("already linked")
        rows.append(Candidate(local.iri, local.label, candidate.iri, candidate.label,
                              score(label_score, type_score, distance), round(label_score, 3), type_score,
                              None if distance is None else round(distance, 1), "; ".join(parts)))
    rows.sort(key=lambda c: (-c.score, -c.label_score, c.candidate))
    return rows[:limit] + [c for c in rows[limit:] if keep is not None and c.candidate in keep]


def reconcile(type_: str = "Camp", *, store: Store | None = None, endpoint: Store | str | None = None,
              limit: int = 5, min_label: float = 0.5, timeout: float = 60) -> Reconciliation:
    """Score candidates for every hand-curated resource of class ``type_``.

    ``store`` holds the local data (default: the bundled graph, loaded now) and, unless
    ``endpoint`` is given, the imported registers the candidates come from. ``endpoint`` is a
    Wikidata-shaped SPARQL endpoint (a URL or a :class:`~heritage_graph.store.Store`).

    :raises ConfigError: ``type_`` is not a class of the ontology.
    :raises EndpointError: the endpoint cannot be queried.
    """
    if store is None:
        from .rdf.load import load

        store = load().store
    class_iri = _class_iri(type_)
    _check_class(store, class_iri)
    local = local_resources(store, class_iri)
    if endpoint is None:
        candidates = register_resources(store, class_iri)
        target = "the imported registers (" + ", ".join(archive_names(store)) + ")"
        name = target_name(store)
        names = _Names.of(candidates)
        closures: dict[frozenset, set[str]] = {}

        def type_of(candidate: Entity) -> float:
            key = frozenset(candidate.types)
            if key not in closures:
                closures[key] = class_closure(store, key)
            return 1.0 if class_iri in closures[key] else 0.0

        rows: list[Candidate] = []
        for entity in local:
            rows += rank(entity, candidates, type_of, limit=limit, min_label=min_label, names=names)
    else:
        if isinstance(endpoint, str):
            from .rdf.store import EndpointStore

            endpoint = EndpointStore(endpoint, timeout=timeout)
        found, described = remote_candidates(endpoint, local)
        by_iri = {e.iri: e for e in described}
        target = getattr(endpoint, "url", "the endpoint")
        name = "wikidata"
        rows = []
        for entity in local:
            # The Wikidata classes aligned with the resource's classes, their superclasses and
            # their subclasses: a place typed only hg:Settlement agrees with a city or a village.
            wanted = wikidata_classes(store, class_closure(store, entity.types, down=True))
            pool = [by_iri[i] for i in sorted(found.get(entity.iri, ()))]

            def type_of(candidate: Entity, wanted=wanted) -> float:
                if not wanted or not candidate.types:
                    return 0.5
                return 1.0 if candidate.types & wanted else 0.0

            rows += rank(entity, pool, type_of, limit=limit, min_label=min_label)
    rows.sort(key=lambda c: (c.local, -c.score, -c.label_score, c.candidate))
    return Reconciliation(class_iri, target, name, local, rows)


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


#################################################################
# Links
#################################################################


@dataclass
class Link:
    """One link to write, with how it was made."""

    subject: str
    object: str
    score: float
    label_score: float | None
    type_score: float | None
    distance_km: float | None
    method: str
    subject_label: str = ""
    object_label: str = ""

    @property
    def predicate(self) -> str:
        return link_predicate(self.object)


def accept(reconciliation: Reconciliation, threshold: float) -> tuple[list[Link], list[str]]:
    """The best candidate of each local resource whose score is at least ``threshold``.

    A local resource whose two best candidates score the same is not linked: which one is
    meant is the curator's call. Returns (links, messages about the resources left unlinked
    for a tie).
    """
    if not 0 < threshold <= 1:
        raise ConfigError(f"--accept {threshold}: the threshold is a score between 0 (exclusive) and 1")
    links, notes = [], []
    for entity in reconciliation.locals:
        rows = reconciliation.for_local(entity.iri)
        if not rows or rows[0].score < threshold:
            continue
        best = rows[0]
        if len(rows) > 1 and rows[1].score == best.score:
            notes.append(f"{entity.label}: {best.candidate_label} and {rows[1].candidate_label} both score "
                         f"{best.score:.3f}; not linked (review them)")
            continue
        method = (f"automatic: {reconciliation.command} --type {shorten_iri(reconciliation.type_iri).removeprefix('hg:')}"
                  f" --accept {threshold:g}: the best candidate in {reconciliation.target} "
                  f"(score = 0.50 label + 0.25 type + 0.25 distance; {best.method})")
        links.append(Link(best.local, best.candidate, best.score, best.label_score, best.type_score,
                          best.distance_km, method, best.local_label, best.candidate_label))
    return links, notes


def read_review(path: Path | str) -> list[Link]:
    """The rows of a review CSV that a curator kept (column ``accept`` = yes), as links.

    :raises InputError: the file is missing, has no ``accept`` column, or a kept row lacks an IRI
        or has a score that is not a number.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("local", "candidate", "accept") if c not in header]
    if missing:
        raise InputError(f"{path}: the review has no column {', '.join(missing)} "
                         f"(expected the columns of 'heritage-graph reconcile --review' and 'accept')")
    links = []
    for line, row in enumerate(reader, start=2):
        if (row.get("accept") or "").strip().lower() not in ("yes", "y", "true", "1", "x"):
            continue
        subject, obj = (row.get("local") or "").strip(), (row.get("candidate") or "").strip()
        for column, value in (("local", subject), ("candidate", obj)):
            if not re.match(r"^https?://\S+$", value):
                raise InputError(f"{path}:{line}: column '{column}': {value!r} is not an IRI")

        def number(column: str) -> float | None:
            value = (row.get(column) or "").strip()
            if not value:
                return None
            try:
                return float(value)
            except ValueError as exc:
                raise InputError(f"{path}:{line}: column '{column}': {value!r} is not a number") from exc

        found = number("score")
        method = f"curator review: kept in {path.name}, line {line}, of the candidates of heritage-graph reconcile"
        if row.get("method"):
            method += f" ({row['method'].strip()})"
        links.append(Link(subject, obj, found if found is not None else 1.0, number("label_score"),
                          number("type_score"), number("distance_km"), method,
                          (row.get("local_label") or "").strip(), (row.get("candidate_label") or "").strip()))
    return links


LINK = HGID + "link/"
LINKSET = HGID + "linkset/"


def _slug(iri: str) -> str:
    if iri.startswith(HGID):
        return re.sub(r"[^a-z0-9]+", "-", iri[len(HGID):].lower()).strip("-")
    if iri.startswith(WD):
        return "wikidata-" + iri[len(WD):].lower()
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"^https?://", "", iri.lower())).strip("-")


def link_quads(links: Sequence[Link], *, target_name: str, command: str, created: _dt.date) -> list[ox.Quad]:
    """The linkset as quads: the linkset's description, then each link and its assertion."""
    n = ox.NamedNode
    lit = ox.Literal
    linkset = n(LINKSET + target_name)
    quads = [
        ox.Quad(linkset, n(RDF + "type"), n("http://rdfs.org/ns/void#Linkset")),
        ox.Quad(linkset, n(RDFS + "label"), lit(f"Links of the hand-curated resources to {target_name}", language="en")),
        ox.Quad(linkset, n(RDFS + "comment"), lit(f"Generated by '{command}'; do not edit by hand: run the command "
                                                 "again, or keep rows of a review with --from-review (docs/link.md).",
                                                 language="en")),
        ox.Quad(linkset, n(DCTERMS + "created"), lit(created.isoformat(), datatype=n(XSD + "date"))),
    ]
    predicates = sorted({l.predicate for l in links})
    quads += [ox.Quad(linkset, n("http://rdfs.org/ns/void#linkPredicate"), n(p)) for p in predicates]
    quads.append(ox.Quad(linkset, n("http://rdfs.org/ns/void#triples"), lit(str(len(links)), datatype=n(XSD + "integer"))))
    for link in sorted(links, key=lambda l: (l.subject, l.object)):
        subject, obj, predicate = n(link.subject), n(link.object), n(link.predicate)
        node = n(LINK + f"{_slug(link.subject)}--{_slug(link.object)}")
        quads.append(ox.Quad(subject, predicate, obj))
        quads += [
            ox.Quad(node, n(RDF + "type"), n(HG + "LinkAssertion")),
            ox.Quad(node, n(RDFS + "label"), lit(f"{link.subject_label or _slug(link.subject)} = "
                                                 f"{link.object_label or _slug(link.object)}", language="en")),
            ox.Quad(node, n(HG + "linkSubject"), subject),
            ox.Quad(node, n(HG + "linkPredicate"), predicate),
            ox.Quad(node, n(HG + "linkObject"), obj),
            ox.Quad(node, n(HG + "score"), _decimal(link.score, 3)),
        ]
        if link.label_score is not None:
            quads.append(ox.Quad(node, n(HG + "labelScore"), _decimal(link.label_score, 3)))
        if link.type_score is not None:
            quads.append(ox.Quad(node, n(HG + "typeScore"), _decimal(link.type_score, 2)))
        if link.distance_km is not None:
            quads.append(ox.Quad(node, n(HG + "distanceKm"), _decimal(link.distance_km, 1)))
        quads += [
            ox.Quad(node, n(HG + "method"), lit(link.method)),
            ox.Quad(node, n(DCTERMS + "created"), lit(created.isoformat(), datatype=n(XSD + "date"))),
            ox.Quad(node, n(DCTERMS + "isPartOf"), linkset),
        ]
    return quads


def _decimal(value: float, places: int) -> ox.Literal:
    text = f"{value:.{places}f}"
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def default_out(name: str) -> Path:
    """Where a linkset is written by default: ``data/links/{name}-links.ttl``."""
    from .util import resources

    return resources.folder("data") / "links" / f"{name}-links.ttl"


@dataclass
class LinksetResult:
    """What :func:`write_linkset` wrote and how it validated."""

    path: Path
    links: int
    validation: object = field(repr=False, default=None)
    seconds: float = 0.0


def linkset_turtle(links: Sequence[Link], *, target_name: str, command: str,
                   created: _dt.date | None = None) -> str:
    """The linkset as readable, deterministic Turtle with a header saying it is generated."""
    from .rdf.turtle import serialize_turtle

    created = created or _dt.date.today()
    header = [
        f"Links of the hand-curated resources to {target_name}: generated, do not edit by hand.",
        "",
        f"Made by: {command}",
        "Each link is a plain triple (skos:exactMatch to a camp of an imported register, owl:sameAs to a",
        "Wikidata entity) beside an hg:LinkAssertion that says how it was made: the score and its parts,",
        "the method and the date. To change the links, run the command again, or review the candidates",
        "(--review FILE), mark the rows to keep with accept = yes and run it with --from-review FILE.",
        "See docs/link.md.",
    ]
    quads = link_quads(links, target_name=target_name, command=command, created=created)
    prefixes = {"link": LINK, "linkset": LINKSET, "void": "http://rdfs.org/ns/void#", "wd": WD,
                "concept": HGID + "concept/"}
    return serialize_turtle(quads, header=header, prefixes=prefixes)


def write_linkset(links: Sequence[Link], out: Path | str, *, target_name: str, command: str,
                  created: _dt.date | None = None, context: Iterable[Path | str] | None = None) -> LinksetResult:
    """Validate the linkset with the shapes, then write it atomically to ``out``.

    The validation includes what the shapes need to know of the linked resources, taken from
    ``context`` (default: the bundled data without ``out`` itself); only findings on the
    linkset's own statements count.

    :raises InputError: the linkset does not conform (nothing is written), or cannot be written.
    """
    from .util import resources
    from .ingest.importer import _check_writable, context_extract, validate_turtle, write_atomic

    out = Path(out)
    if out.suffix != ".ttl":
        raise InputError(f"{out}: a linkset is a Turtle file; give a name ending in .ttl")
    text = linkset_turtle(links, target_name=target_name, command=command, created=created)
    quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    if context is None:
        context = [p for p in resources.data_files() if p.resolve() != out.resolve()]
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    report, seconds = validate_turtle(text, out, context=context_extract(quads, list(context)), only=subjects)
    _check_writable(out.parent)
    write_atomic(out, text.encode("utf-8"))
    return LinksetResult(out, len(links), report, seconds)


def write_review(reconciliation: Reconciliation, path: Path | str) -> Path:
    """Write the review CSV atomically."""
    from .ingest.importer import _check_writable, write_atomic

    path = Path(path)
    _check_writable(path.parent)
    write_atomic(path, reconciliation.review_csv().encode("utf-8"))
    return path
