"""The description of a release with VoID and DCAT: counts, partitions, linksets and distributions.

:func:`void_triples` is the one VoID/DCAT description of the dataset; :func:`write_void` writes
it as ``void.ttl`` and ``void.jsonld``. What DCAT-AP 3 asks beyond VoID (catalogue, SPARQL
service, publisher, coverage, themes, typed terms) comes from :mod:`.dcat`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.jsonld import json_bytes
from ..rdf.turtle import serialize_turtle
from ..rdf.vocab import DCTERMS, GEO, OWL, RDF, RDFS, SKOS, XSD
from .. import web
from .dcat import KEYWORDS, SPATIAL, checksum_algorithm, dcat_ap_triples, distribution_triples
from .layout import DATASET, VOID_FILES
from .release import DCAT, DESCRIPTION, FORMATS_NS, GEONAMES, LICENSE, SPDX, TITLE, VOID, WIKIDATA, Release

#: The properties whose values are the years the data speaks of (its temporal coverage).
YEAR_PROPERTIES = ("year", "startYear", "endYear")


@dataclass
class GraphStats:
    """What the dataset description counts, over the distinct triples of every graph."""

    triples: int
    subjects: int
    entities: int
    objects: int
    classes: dict[str, int]  # class IRI -> its instances
    properties: dict[str, int]  # property IRI -> its triples
    same_as: dict[str, int]  # owl:sameAs links by the start of their target IRI
    years: tuple[int, int] | None = None  # the first and last year stated (hg:year, hg:startYear, hg:endYear, hg:date)

    @classmethod
    def of(cls, data: web.SiteData, base: str, targets: Iterable[str] = ()) -> GraphStats:
        space = base + "id/"
        rdf_type, same_as = web.TYPE, web.SAME_AS
        targets = tuple(targets)
        triples = entities = subjects = 0
        objects: set = set()
        classes: dict = {}
        properties: dict = {}
        links = dict.fromkeys(targets, 0)
        hg = base + "ontology#"
        year_of = {ox.NamedNode(hg + name): int for name in YEAR_PROPERTIES}
        year_of[ox.NamedNode(hg + "date")] = _year_of_date
        years: set[int] = set()
        named = ox.NamedNode
        for subject in data.every_subject():
            pairs = data.out(subject)
            if not pairs:
                continue
            subjects += 1
            triples += len(pairs)
            if type(subject) is named and subject.value.startswith(space):
                entities += 1
            for p, o in pairs:
                properties[p] = properties.get(p, 0) + 1
                objects.add(o)
                if p in year_of and type(o) is ox.Literal:
                    try:
                        years.add(year_of[p](o.value))
                    except ValueError:
                        pass
                if type(o) is named:
                    if p == rdf_type:
                        classes[o] = classes.get(o, 0) + 1
                    elif p == same_as:
                        for target in targets:
                            if o.value.startswith(target):
                                links[target] += 1
        return cls(triples=triples, subjects=subjects, entities=entities, objects=len(objects),
                   classes={c.value: n for c, n in classes.items()},
                   properties={p.value: n for p, n in properties.items()}, same_as=links,
                   years=(min(years), max(years)) if years else None)


def _year_of_date(value: str) -> int:
    return int(value[:value.index("-", 1)])


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    if datatype:
        return ox.Literal(str(value), datatype=_n(datatype))
    return ox.Literal(str(value))


def void_triples(ctx: Release) -> list[ox.Triple]:
    """The VoID and DCAT description of the release."""
    base, hg = ctx.base, ctx.base + "ontology#"
    dataset = _n(base + DATASET)
    triples: list[ox.Triple] = []

    def add(s, p, o):
        triples.append(ox.Triple(s, _n(p), o))

    counter = iter(range(1, 1_000_000))

    def blank() -> ox.BlankNode:  # stable names, so that the description is the same byte for byte
        return ox.BlankNode(f"b{next(counter)}")

    rdf_type = RDF + "type"
    add(dataset, rdf_type, _n(VOID + "Dataset"))
    add(dataset, rdf_type, _n(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", _lit(TITLE, language="en"))
    add(dataset, DCTERMS + "description", _lit(DESCRIPTION, language="en"))
    add(dataset, DCTERMS + "license", _n(LICENSE))
    add(dataset, DCTERMS + "issued", _lit(ctx.date, XSD + "date"))
    add(dataset, DCTERMS + "modified", _lit(ctx.date, XSD + "date"))
    add(dataset, OWL + "versionInfo", _lit(ctx.version))
    add(dataset, DCAT + "version", _lit(ctx.version))
    add(dataset, DCAT + "landingPage", _n(base))
    for keyword in KEYWORDS:
        add(dataset, DCAT + "keyword", _lit(keyword, language="en"))
    endpoint = base + "sparql"  # the release is served at its base with the endpoint (heritage-graph serve)
    add(dataset, VOID + "sparqlEndpoint", _n(endpoint))
    add(dataset, VOID + "uriSpace", _lit(base + "id/"))
    for vocabulary in (hg, RDFS, SKOS, OWL, GEO, DCTERMS):
        add(dataset, VOID + "vocabulary", _n(vocabulary))
    stats = ctx.stats
    where = _place_of(ctx.data, SPATIAL)
    dcat_ap_triples(add, base=base, issued=ctx.date, years=stats.years, endpoint=endpoint,
                    centroid=None if where is None else _point_of(ctx.data, where),
                    bbox=None if where is None else _bbox_of(ctx.data, where))
    add(dataset, VOID + "triples", _lit(stats.triples, XSD + "integer"))
    add(dataset, VOID + "entities", _lit(stats.entities, XSD + "integer"))
    add(dataset, VOID + "distinctSubjects", _lit(stats.subjects, XSD + "integer"))
    add(dataset, VOID + "distinctObjects", _lit(stats.objects, XSD + "integer"))
    classes, properties = stats.classes, stats.properties
    add(dataset, VOID + "classes", _lit(len(classes), XSD + "integer"))
    add(dataset, VOID + "properties", _lit(len(properties), XSD + "integer"))
    for cls in sorted(classes):
        partition = blank()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", _n(cls))
        add(partition, VOID + "entities", _lit(classes[cls], XSD + "integer"))
    for prop in sorted(properties):
        partition = blank()
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", _n(prop))
        add(partition, VOID + "triples", _lit(properties[prop], XSD + "integer"))
    for example in _examples(ctx):
        add(dataset, VOID + "exampleResource", example)
    for target, space_of, title in ((WIKIDATA, WIKIDATA, "Wikidata"), (GEONAMES, GEONAMES, "GeoNames")):
        count = stats.same_as.get(space_of, 0)
        other = _n({"Wikidata": "https://www.wikidata.org/", "GeoNames": "https://www.geonames.org/"}[title])
        linkset = _n(f"{base}{DATASET}#links-{title.lower()}")
        add(other, rdf_type, _n(VOID + "Dataset"))
        add(other, DCTERMS + "title", _lit(title))
        add(other, VOID + "uriSpace", _lit(space_of))
        add(linkset, rdf_type, _n(VOID + "Linkset"))
        add(linkset, DCTERMS + "title", _lit(f"owl:sameAs links to {title}", language="en"))
        add(linkset, VOID + "linkPredicate", _n(OWL + "sameAs"))
        add(linkset, VOID + "subjectsTarget", dataset)
        add(linkset, VOID + "objectsTarget", other)
        add(linkset, VOID + "triples", _lit(count, XSD + "integer"))
        add(dataset, VOID + "subset", linkset)
    for dump in ctx.dumps:
        for name, size, digest, compressed in ((dump["name"], dump["bytes"], dump["sha256"], False),
                                               (dump["gz_name"], dump["gz_bytes"], dump["gz_sha256"], True)):
            url = _n(f"{base}dumps/{name}")
            distribution = _n(f"{base}{DATASET}#distribution-{name}")
            add(dataset, VOID + "dataDump", url)
            add(dataset, DCAT + "distribution", distribution)
            add(distribution, rdf_type, _n(DCAT + "Distribution"))
            add(distribution, DCTERMS + "title", _lit(f"{dump['format']} dump{' (gzip)' if compressed else ''}",
                                                      language="en"))
            add(distribution, DCAT + "downloadURL", url)
            add(distribution, DCAT + "accessURL", url)
            distribution_triples(add, distribution, dump, compressed=compressed)
            add(distribution, DCTERMS + "conformsTo", _n(FORMATS_NS + dump["w3c"]))
            add(_n(FORMATS_NS + dump["w3c"]), rdf_type, _n(DCTERMS + "Standard"))
            add(distribution, DCAT + "byteSize", _lit(size, XSD + "nonNegativeInteger"))
            add(distribution, DCTERMS + "license", _n(LICENSE))
            checksum = blank()
            add(distribution, SPDX + "checksum", checksum)
            add(checksum, rdf_type, _n(SPDX + "Checksum"))
            add(checksum, SPDX + "algorithm", checksum_algorithm(add))
            add(checksum, SPDX + "checksumValue", _lit(digest, XSD + "hexBinary"))
    return list(dict.fromkeys(triples))  # a term typed where each use of it is written, once


def _place_of(data: web.SiteData, iris) -> ox.NamedNode | None:
    """The graph's own resource for the place the IRIs ``iris`` name (``owl:sameAs`` one of them)."""
    for iri in iris:
        for candidate in data.subjects(web.SAME_AS, _n(iri)):
            if isinstance(candidate, ox.NamedNode):
                return candidate
    return None


def _point_of(data: web.SiteData, place: ox.NamedNode) -> tuple[float, float] | None:
    """The coordinates (latitude, longitude) the graph gives to ``place``."""
    lat, lon = data.first(place, _n(GEO + "lat")), data.first(place, _n(GEO + "long"))
    if isinstance(lat, ox.Literal) and isinstance(lon, ox.Literal):
        try:
            return float(lat.value), float(lon.value)
        except ValueError:
            return None
    return None


def _bbox_of(data: web.SiteData, place: ox.NamedNode) -> ox.Literal | None:
    """The bounding box (``dcat:bbox``, a WKT literal) the graph gives to ``place``."""
    found = data.first(place, _n(DCAT + "bbox"))
    return found if isinstance(found, ox.Literal) else None


def _examples(ctx: Release) -> list[ox.NamedNode]:
    wanted = ("camp/karlag", "site/spassk-memorial-cemetery", "claim/karlag-prisoners-1954-gtl", "event/kengir-uprising")
    typed = ctx.data.typed
    found = [_n(ctx.base + "id/" + w) for w in wanted if _n(ctx.base + "id/" + w) in typed]
    if not found:
        found = ctx.data.data_typed[:3]
    return found


def write_void(ctx: Release) -> None:
    triples = void_triples(ctx)
    header = f"The heritage graph release {ctx.version} of {ctx.date}, described with VoID and DCAT."
    ctx.write(VOID_FILES[".ttl"], serialize_turtle(triples, header=[header], prefixes=ctx.prefixes, standard=False,
                                                   ordered=True, first=[_n(ctx.base + DATASET)]))
    ctx.write(VOID_FILES[".jsonld"], json_bytes(ctx.context.graph_document(triples)))
