"""The schema.org view: JSON-LD for search engines and dataset search, a ``schema:Dataset`` and its nodes."""

from __future__ import annotations

import pyoxigraph as ox

from ..rdf.store import OxigraphStore
from ..rdf.vocab import DCTERMS, DEFAULT_BASE, GEO, HG, HGID, OWL, RDF, RDFS, SKOS, XSD
from .. import __version__
from .graph import Facts, all_resources, class_closure, curated_resources, is_a, json_number

SCHEMA = "https://schema.org/"

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
    closure = class_closure(store)
    roots = [HG + "Place", HG + "Event", HG + "Person", HG + "Organisation", HG + "Group"]
    subjects = sorted({s for root in roots for s in curated_resources(store, root)})
    facts = Facts(store, subjects)
    nodes = []
    for iri in subjects:
        kinds = next((types for cls, types in SCHEMA_TYPES if is_a(facts, closure, iri, cls)), None)
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
            node["geo"] = {"@type": "GeoCoordinates", "latitude": json_number(lat), "longitude": json_number(long)}
        is_event = is_a(facts, closure, iri, HG + "Event")
        is_place = is_a(facts, closure, iri, HG + "Place")
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
        if is_place and is_a(facts, closure, iri, HG + "HeritageSite"):
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
