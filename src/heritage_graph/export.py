"""Export the graph for other tools: schema.org JSON-LD, Linked Art (CIDOC-CRM), GeoJSON and CSV.

:func:`export` writes one of :data:`FORMATS` (see ``docs/export.md``):

* ``schema-org``: JSON-LD for search engines and dataset search: a ``schema:Dataset`` describing
  the graph, and a node for every hand-curated place (``Place``, ``Country``, ``City``,
  ``LakeBodyOfWater``, ...; camps are places), memorial and heritage site
  (``LandmarksOrHistoricalBuildings``, ``Cemetery``, ``Museum``), event (``Event``), person
  (``Person``) and organisation, group or community (``Organization``). The imported registers are
  named as the dataset's sources (``isBasedOn``), not copied node by node.
* ``linked-art``: a CIDOC-CRM view in Turtle, the way Linked Art uses CRM, made by the SPARQL
  CONSTRUCT queries of ``heritage_graph/mappings/*.rq`` (one per class: claims, places, events,
  memorials, actors, sources), which are data and can be read and changed as such.
* ``geojson``: a GeoJSON (RFC 7946) FeatureCollection of every place, camp and heritage site that
  has coordinates, its own or (for a camp or a memorial) those of its headquarters, location or
  the place it lies near.
* ``csv``: one CSV file per kind of resource (places, camps, sites, events, groups, communities,
  people, organisations, claims, sources), into a folder, for spreadsheet users.

Every output is written atomically (a folder is built beside its place and swapped in whole).

>>> sorted(FORMATS)
['csv', 'geojson', 'linked-art', 'schema-org']
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from .errors import InputError
from .rdf.labels import ClassTree, label
from .rdf.store import OxigraphStore
from .rdf.vocab import DCTERMS, DEFAULT_BASE, GEO, HG, HGID, OWL, RDF, RDFS, SKOS, XSD, shorten

FORMATS = ("schema-org", "linked-art", "geojson", "csv")
SCHEMA = "https://schema.org/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
ARCHIVE_GRAPHS = "/data/archives/"
LINK_GRAPHS = "/data/links/"

MAPPINGS = Path(__file__).resolve().parent / "mappings"


@dataclass
class ExportResult:
    """What an export made: the text (single-file formats), the files written, and counts."""

    format: str
    text: str = ""
    paths: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        where = ", ".join(str(p) for p in self.paths) or "standard output"
        return f"{self.format}: {counted} -> {where}"


def export(fmt: str, out: Path | str | None = None, *, paths: Iterable[Path | str] | None = None,
           store: OxigraphStore | None = None) -> ExportResult:
    """Export the bundled graph (or ``paths``, or ``store``) as ``fmt`` to ``out``.

    Without ``out`` the single-file formats are only returned (``result.text``); ``csv`` needs a
    folder and defaults to ``./export-csv``.

    :raises InputError: an unknown format, or an output that cannot be written.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if store is None:
        from .rdf.load import load

        store = load(list(paths) if paths is not None else None).store
    if fmt == "csv":
        folder = Path(out) if out is not None else Path("export-csv")
        tables = csv_tables(store)
        written = write_folder(folder, {f"{name}.csv": text for name, (text, _) in tables.items()})
        return ExportResult(fmt, "", written, {f"{name}.csv rows": n for name, (_, n) in tables.items()})
    if fmt == "schema-org":
        document = schema_org(store)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        counts = {"nodes": len(document["@graph"])}
    elif fmt == "linked-art":
        triples = linked_art(store)
        text = linked_art_turtle(triples)
        counts = {"triples": len(triples)}
    else:
        collection = geojson(store)
        text = json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
        counts = {"features": len(collection["features"])}
    result = ExportResult(fmt, text, [], counts)
    if out is not None:
        from .ingest.importer import write_atomic

        out = Path(out)
        if out.is_dir():
            raise InputError(f"{out}: is a folder; give the file to write")
        try:
            write_atomic(out, text.encode("utf-8"))
        except OSError as exc:
            raise InputError(f"{out}: cannot be written ({exc.strerror or exc})") from exc
        result.paths.append(out)
    return result


#################################################################
# Reading the graph
#################################################################


def _rows(store: OxigraphStore, sparql: str) -> list[dict]:
    return store.query(sparql).dicts()


def curated_resources(store: OxigraphStore, class_iri: str) -> list[str]:
    """The resources of ``class_iri`` (or a subclass) typed so in hand-curated graphs (no archive, no linkset)."""
    rows = _rows(store, f"""PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?s WHERE {{
  GRAPH ?g {{ ?s a ?t }}
  ?t rdfs:subClassOf* <{class_iri}> .
  FILTER(isIRI(?s) && !CONTAINS(STR(?g), "{ARCHIVE_GRAPHS}") && !CONTAINS(STR(?g), "{LINK_GRAPHS}")
         && !CONTAINS(STR(?g), "/ontology/"))
}} ORDER BY ?s""")
    return [r["s"].value for r in rows]


def all_resources(store: OxigraphStore, class_iri: str) -> list[str]:
    """Every resource of ``class_iri`` or a subclass, in any graph."""
    rows = _rows(store, f"""PREFIX rdfs: <{RDFS}>
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


def _class_closure(store: OxigraphStore) -> dict[str, set[str]]:
    """Each class of the ontology with all its superclasses."""
    return {c.value: {s.value for s in supers} for c, supers in ClassTree(store).every_superclass().items()}


def _types(facts: Facts, iri: str) -> list[str]:
    return sorted(t.value for t in facts.values(iri, RDF + "type") if isinstance(t, ox.NamedNode))


def _is(facts: Facts, closure: dict[str, set[str]], iri: str, class_iri: str) -> bool:
    return any(class_iri in closure.get(t, {t}) for t in _types(facts, iri))


def _number(literal) -> float | None:
    try:
        return float(literal.value)
    except (AttributeError, ValueError):
        return None


def _json_number(literal):
    value = literal.value
    if literal.datatype.value == XSD + "integer":
        return int(value)
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and literal.datatype.value != XSD + "decimal" else number


#################################################################
# schema.org JSON-LD
#################################################################

#: The schema.org type of each heritage-graph class (the first that applies, most specific first).
SCHEMA_TYPES = [
    (HG + "MemorialCemetery", ["Cemetery", "LandmarksOrHistoricalBuildings"]),
    (HG + "Cemetery", ["Cemetery", "LandmarksOrHistoricalBuildings"]),
    (HG + "Museum", ["Museum", "LandmarksOrHistoricalBuildings"]),
    (HG + "HeritageSite", ["LandmarksOrHistoricalBuildings"]),
    (HG + "Country", ["Country"]),
    (HG + "City", ["City"]),
    (HG + "Lake", ["LakeBodyOfWater"]),
    (HG + "Landscape", ["Landform"]),
    (HG + "Place", ["Place"]),
    (HG + "Event", ["Event"]),
    (HG + "Person", ["Person"]),
    (HG + "Embassy", ["Embassy", "Organization"]),
    (HG + "State", ["GovernmentOrganization"]),
    (HG + "Organisation", ["Organization"]),
    (HG + "DiasporaCommunity", ["Organization"]),
    (HG + "Group", ["Organization"]),
]

#: The JSON-LD context: schema.org as the vocabulary (IRIs are written as {"@id": ...} objects and
#: typed values explicitly, so the document means the same under the schema.org context file).
CONTEXT = {"@vocab": SCHEMA, "xsd": XSD}


def _texts(values, *, keep_language: bool = True) -> list:
    out = []
    for value in values:
        if isinstance(value, ox.Literal):
            if value.language and keep_language:
                out.append({"@value": value.value, "@language": value.language})
            else:
                out.append(value.value)
    return out


def _one_or_many(values: list):
    return values[0] if len(values) == 1 else values


def _ids(values) -> list:
    return [{"@id": v.value} for v in values if isinstance(v, ox.NamedNode)]


def schema_org(store: OxigraphStore) -> dict:
    """The graph as schema.org JSON-LD: a Dataset and one node per hand-curated resource."""
    closure = _class_closure(store)
    roots = [HG + "Place", HG + "Event", HG + "Person", HG + "Organisation", HG + "Group"]
    subjects = sorted({s for root in roots for s in curated_resources(store, root)})
    facts = Facts(store, subjects)
    nodes = []
    for iri in subjects:
        kinds = next((types for cls, types in SCHEMA_TYPES if _is(facts, closure, iri, cls)), None)
        if kinds is None:
            continue
        node: dict = {"@id": iri, "@type": _one_or_many(kinds)}
        names = _texts(facts.values(iri, RDFS + "label"))
        if names:
            node["name"] = _one_or_many(names)
        alternates = _texts(facts.values(iri, SKOS + "altLabel"))
        if alternates:
            node["alternateName"] = _one_or_many(alternates)
        descriptions = _texts(facts.values(iri, RDFS + "comment"))
        if descriptions:
            node["description"] = _one_or_many(descriptions)
        same = _ids(facts.values(iri, OWL + "sameAs"))
        if same:
            node["sameAs"] = _one_or_many(same)
        node["additionalType"] = _one_or_many(_ids(facts.values(iri, RDF + "type")))
        lat, long = facts.first(iri, GEO + "lat"), facts.first(iri, GEO + "long")
        if lat is not None and long is not None:
            node["geo"] = {"@type": "GeoCoordinates", "latitude": _json_number(lat), "longitude": _json_number(long)}
        is_event = _is(facts, closure, iri, HG + "Event")
        is_place = _is(facts, closure, iri, HG + "Place")
        within = _ids(facts.values(iri, HG + "partOf"))
        if is_place:
            located = _ids(facts.values(iri, HG + "location"))
            if within or located:
                node["containedInPlace"] = _one_or_many(within + [l for l in located if l not in within])
        elif is_event:
            if within or facts.values(iri, HG + "subEventOf"):
                node["superEvent"] = _one_or_many(_ids(facts.values(iri, HG + "subEventOf")) or within)
            if facts.values(iri, HG + "location"):
                node["location"] = _one_or_many(_ids(facts.values(iri, HG + "location")))
            start = facts.first(iri, HG + "date") or facts.first(iri, HG + "year") or facts.first(iri, HG + "startYear")
            end = facts.first(iri, HG + "date") or facts.first(iri, HG + "year") or facts.first(iri, HG + "endYear")
            if start is not None:
                node["startDate"] = start.value
            if end is not None:
                node["endDate"] = end.value
            participants = _ids(facts.values(iri, HG + "participant") + facts.values(iri, HG + "victim")
                                + facts.values(iri, HG + "perpetrator"))
            if participants:
                node["attendee"] = _one_or_many(participants)
        elif within:
            node["parentOrganization"] = _one_or_many(within)
        if is_place and _is(facts, closure, iri, HG + "HeritageSite"):
            year = facts.first(iri, HG + "year")
            if year is not None:
                node["dateCreated"] = year.value
            funders = _ids(facts.values(iri, HG + "fundedBy"))
            if funders:
                node["funder"] = _one_or_many(funders)
            about = _ids(facts.values(iri, HG + "commemorates"))
            if about:  # schema.org has no "commemorates": what a memorial is about
                node["about"] = _one_or_many(about)
        sources = _ids(facts.values(iri, HG + "source"))
        if sources:
            node["citation"] = _one_or_many(sources)
        nodes.append(node)
    dataset = _dataset_node(store, nodes)
    sources = [_source_node(store, s) for s in all_resources(store, HG + "SourceDocument")]
    return {"@context": CONTEXT, "@graph": [dataset] + sources + nodes}


def _dataset_node(store: OxigraphStore, nodes: list[dict]) -> dict:
    from . import __version__

    places = [n["@id"] for n in nodes if n["@id"].startswith(HGID + "place/")]
    registers = [s for s in all_resources(store, HG + "SourceDocument")
                 if any(isinstance(q.object, ox.Literal) and q.object.value.startswith("archives/")
                        for q in store.ox.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(HG + "localCopy"), None, None))]
    return {
        "@id": DEFAULT_BASE + "dataset",
        "@type": "Dataset",
        "name": [{"@value": "Heritage graph: Lithuanian communities and heritage worldwide", "@language": "en"},
                 {"@value": "Paveldo grafas: lietuvių bendruomenės ir paveldas pasaulyje", "@language": "lt"}],
        "description": {"@value": (
            "A linked-data knowledge graph of Lithuanian communities and heritage worldwide, starting with "
            "Kazakhstan: the Soviet GULAG camps where Lithuanians were imprisoned (Karlag, Spassk, Steplag, "
            "Peschanlag), the memorials built for them, the people groups held there, the 1954 Kengir uprising "
            "and the Lithuanian communities living there today. Every figure is a sourced claim with the "
            "source's own sentence; sources that disagree stand side by side."), "@language": "en"},
        "url": {"@id": DEFAULT_BASE},
        "license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "creator": {"@type": "Organization", "name": "heritage-graph developers"},
        "version": __version__,
        "inLanguage": ["en", "lt", "ru", "kk"],
        "keywords": ["Lithuanian heritage", "GULAG", "Kazakhstan", "Karlag", "Steplag", "Peschanlag", "Spassk",
                     "memorials", "diaspora", "linked data"],
        "spatialCoverage": [{"@id": iri} for iri in places if iri.endswith("/kazakhstan")] or [{"@id": p} for p in places[:1]],
        "temporalCoverage": "1840/..",
        "isBasedOn": [{"@id": s} for s in registers],
        "hasPart": [{"@id": n["@id"]} for n in nodes],
        "measurementTechnique": {"@value": "Sourced claims: each figure with its source, quote, time and approximation", "@language": "en"},
    }


def _source_node(store: OxigraphStore, iri: str) -> dict:
    facts = Facts(store, [iri])
    node: dict = {"@id": iri, "@type": "CreativeWork"}
    names = _texts(facts.values(iri, RDFS + "label"))
    if names:
        node["name"] = _one_or_many(names)
    titles = _texts(facts.values(iri, DCTERMS + "title"), keep_language=False)
    if titles:
        node["headline"] = _one_or_many(titles)
    citations = _texts(facts.values(iri, DCTERMS + "bibliographicCitation"), keep_language=False)
    if citations:
        node["citation"] = _one_or_many(citations)
    see = _ids(facts.values(iri, RDFS + "seeAlso"))
    if see:
        node["url"] = _one_or_many(see)
    return node


#################################################################
# Linked Art (CIDOC-CRM)
#################################################################


def mapping_files() -> list[Path]:
    """The CONSTRUCT queries of the Linked Art view, one per class, in a stable order."""
    return sorted(MAPPINGS.glob("*.rq"))


def linked_art(store: OxigraphStore) -> list[ox.Triple]:
    """The graph seen through every mapping of :func:`mapping_files`, triples made unique and sorted."""
    found: dict[ox.Triple, None] = {}
    for path in mapping_files():
        result = store.query(path.read_text(encoding="utf-8"))
        for triple in result.triples:
            found.setdefault(triple)
    return sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def linked_art_turtle(triples: list[ox.Triple]) -> str:
    prefixes = {"crm": CRM, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "hg": HG,
                "geosparql": "http://www.opengis.net/ont/geosparql#", "unit": "http://qudt.org/vocab/unit/"}
    prefixes.update({kind: f"{HGID}{kind}/" for kind in ("place", "camp", "site", "group", "community", "person",
                                                          "organisation", "event", "claim", "source")})
    header = ("# The heritage graph as CIDOC-CRM, the way Linked Art uses it: generated by "
              "'heritage-graph export linked-art' with the CONSTRUCT queries of heritage_graph/mappings/ "
              "(docs/export.md).\n\n")
    return header + ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


#################################################################
# GeoJSON
#################################################################

AREA_CLASSES = (HG + "Country", HG + "Region")


def geojson(store: OxigraphStore) -> dict:
    """Every place, camp and heritage site with coordinates, as a GeoJSON FeatureCollection.

    A resource without coordinates of its own takes, in this order, those of its headquarters,
    its locations or the places it is near, following locations up to three steps (a memorial in
    a cemetery at a settlement); countries and regions are never borrowed from, since their
    coordinates are the centre of a large area. Several borrowed points make a MultiPoint.
    """
    closure = _class_closure(store)
    subjects = all_resources(store, HG + "Place")
    facts = Facts(store, subjects)

    def point(iri: str):
        lat, long = facts.first(iri, GEO + "lat"), facts.first(iri, GEO + "long")
        if lat is None or long is None:
            return None
        lat_f, long_f = _number(lat), _number(long)
        if lat_f is None or long_f is None or not (-90 <= lat_f <= 90 and -180 <= long_f <= 180):
            return None
        return [long_f, lat_f]

    def is_area(iri: str) -> bool:
        return any(_is(facts, closure, iri, area) for area in AREA_CLASSES)

    def borrowed(iri: str, depth: int = 0, seen: frozenset = frozenset()) -> tuple[list, str]:
        for relation in ("headquarters", "location", "near"):
            points, via = [], []
            for place in facts.values(iri, HG + relation):
                if not isinstance(place, ox.NamedNode) or place.value in seen or place.value not in facts.by_subject:
                    continue
                if is_area(place.value):
                    continue
                own = point(place.value)
                if own is not None:
                    points.append(own)
                    via.append(label(store, place.value, languages=("en",), any_language=False) or shorten(place.value))
                elif depth < 2:
                    deeper, how = borrowed(place.value, depth + 1, seen | {iri})
                    if deeper:
                        points += deeper
                        via.append(f"{label(store, place.value, languages=('en',), any_language=False) or shorten(place.value)} ({how})")
            if points:
                return points, f"{relation}: " + "; ".join(via)
        return [], ""

    features = []
    for iri in subjects:
        own = point(iri)
        if own is not None:
            geometry, source = {"type": "Point", "coordinates": own}, "own"
        else:
            points, source = borrowed(iri)
            unique = []
            for p in points:
                if p not in unique:
                    unique.append(p)
            if not unique:
                continue
            geometry = ({"type": "Point", "coordinates": unique[0]} if len(unique) == 1
                        else {"type": "MultiPoint", "coordinates": unique})
        labels = {}
        for literal in facts.values(iri, RDFS + "label"):
            if isinstance(literal, ox.Literal) and literal.language and literal.language not in labels:
                labels[literal.language] = literal.value
        types = _types(facts, iri)
        features.append({
            "type": "Feature",
            "id": iri,
            "geometry": geometry,
            "properties": {
                "iri": iri,
                "label": labels.get("en") or next(iter(labels.values()), shorten(iri)),
                "type": [shorten(t) for t in types],
                "kind": _kind(facts, closure, iri),
                "labels": labels,
                "coordinates_from": source,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _kind(facts: Facts, closure, iri: str) -> str:
    for cls, name in ((HG + "Camp", "camp"), (HG + "Memorial", "memorial"), (HG + "HeritageSite", "heritage site")):
        if _is(facts, closure, iri, cls):
            return name
    return "place"


#################################################################
# CSV
#################################################################

#: The CSV files and the class of the resources in each (a resource goes to the first that fits).
CSV_KINDS = [
    ("camps", HG + "Camp"),
    ("sites", HG + "HeritageSite"),
    ("places", HG + "Place"),
    ("events", HG + "Event"),
    ("communities", HG + "DiasporaCommunity"),
    ("groups", HG + "Group"),
    ("people", HG + "Person"),
    ("organisations", HG + "Organisation"),
    ("claims", HG + "Claim"),
    ("sources", HG + "SourceDocument"),
]

_PREDICATE_ORDER = [RDFS + "comment", SKOS + "altLabel", HG + "nickname", GEO + "lat", GEO + "long"]


def csv_tables(store: OxigraphStore) -> dict[str, tuple[str, int]]:
    """One CSV text per kind of :data:`CSV_KINDS`: name -> (text, rows).

    Columns: ``iri``, ``type``, ``label_en`` (then ``label_{lang}`` for every other language in
    the table), then one column per property used, named after it (``location``, ``part_of``,
    ``lat``, ``source``, ...). Several values in a cell are joined with `` | ``; IRIs are written
    as prefixed names (``camp:karlag``), numbers and texts as they are.
    """
    placed: set[str] = set()
    tables = {}
    for name, class_iri in CSV_KINDS:
        subjects = [s for s in all_resources(store, class_iri) if s not in placed]
        placed.update(subjects)
        facts = Facts(store, subjects)
        languages = sorted({lit.language for s in subjects for lit in facts.values(s, RDFS + "label")
                            if isinstance(lit, ox.Literal) and lit.language},
                           key=lambda lang: (lang != "en", lang))
        predicates = sorted({p for s in subjects for p in facts.by_subject[s]} - {RDF + "type", RDFS + "label"},
                            key=lambda p: (_PREDICATE_ORDER.index(p) if p in _PREDICATE_ORDER else len(_PREDICATE_ORDER),
                                           _column(p)))
        columns = ["iri", "type"] + [f"label_{lang}" for lang in languages] + [_column(p) for p in predicates]
        if len(set(columns)) != len(columns):  # two namespaces with one local name: keep the prefix
            columns = ["iri", "type"] + [f"label_{lang}" for lang in languages] + [
                re.sub(r"[^a-z0-9]+", "_", shorten(p).lower()).strip("_") for p in predicates]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for s in subjects:
            row = [s, " | ".join(shorten(t).removeprefix("hg:") for t in _types(facts, s))]
            for lang in languages:
                row.append(" | ".join(l.value for l in facts.values(s, RDFS + "label")
                                      if isinstance(l, ox.Literal) and l.language == lang))
            for p in predicates:
                row.append(" | ".join(_cell(v) for v in facts.values(s, p)))
            writer.writerow(row)
        tables[name] = (buffer.getvalue(), len(subjects))
    return tables


def _column(predicate: str) -> str:
    local = re.split(r"[#/]", predicate)[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local).lower()


def _cell(term) -> str:
    if isinstance(term, ox.NamedNode):
        short = shorten(term.value)
        return term.value if short.startswith("<") else short
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f"{term.value} [{term.language}]" if term.language != "en" else term.value
    return term.value


def write_folder(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name -> text) as the folder ``folder``, atomically: built beside it, then swapped in.

    A folder already there is replaced only if it holds nothing but CSV files (a previous export).

    :raises InputError: the folder exists and holds other files, or cannot be written.
    """
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise InputError(f"{folder}: exists and is not a folder")
        others = [p.name for p in folder.iterdir() if p.suffix != ".csv"]
        if others:
            raise InputError(f"{folder}: holds other files than CSV ({', '.join(sorted(others)[:3])}); "
                             "refusing to replace it: give an empty or new folder")
    parent = folder.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise InputError(f"{folder}: cannot be written ({exc.strerror or exc})") from exc
    try:
        for name, text in files.items():
            with open(staging / name, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
        from .util.atomic import swap_folder

        swap_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / name for name in files]
