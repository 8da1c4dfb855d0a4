"""The DCAT-AP 3 parts of the dataset description: catalogue, SPARQL service, publisher, coverage, themes.

:func:`dcat_ap_triples` adds to the description that :mod:`.void` writes what the DCAT
Application Profile for data portals in Europe (DCAT-AP 3.0.1) asks of it: a ``dcat:Catalog``
listing the dataset and the SPARQL endpoint as a ``dcat:DataService``; the publisher as an
organisation with an IRI and a contact point; spatial coverage (Kazakhstan, in the EU country
table and GeoNames), temporal coverage (the first and last years the data states), themes from
the EU data-theme vocabulary; and what each distribution needs (description, availability, format
from the EU file-type table, typed media types, licence, checksum algorithm). Every term it uses
from another vocabulary is typed as the DCAT-AP range shapes ask, and a ``skos:Concept`` carries
its label as the authority table gives it. The shapes and the tables the tests check it with are
in ``tests/dcat-ap/`` (see ``docs/publish.md``).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ..rdf.vocab import DCTERMS, RDF, SKOS, XSD
from .layout import DATASET
from .release import DCAT, FOAF, LICENSE, PUBLISHER, SPDX, TITLE

#: The EU authority tables (Publications Office, EU Vocabularies).
AUTHORITY = "http://publications.europa.eu/resource/authority/"
DCATAP = "http://data.europa.eu/r5r/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
IANA = "https://www.iana.org/assignments/media-types/"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"

#: The EU file type of each dump, by the dump's suffix (the authority table ``file-type``).
FILE_TYPES = {".ttl": "RDF_TURTLE", ".nt": "RDF_N_TRIPLES", ".nq": "RDF_N_QUADS", ".trig": "RDF_TRIG",
              ".jsonld": "JSON_LD", ".rdf": "RDF_XML"}

#: The data themes (``data-theme``) with their labels in the table: the graph is about people
#: groups and communities (population and society) and about memorials and heritage (culture).
THEMES = {"SOCI": "Population and society", "EDUC": "Education, culture and sport"}
THEME_SCHEME = (AUTHORITY + "data-theme", "Data theme Named Authority List")

#: Where the data is: Kazakhstan, in the EU country table and in GeoNames.
SPATIAL = (AUTHORITY + "country/KAZ", "https://sws.geonames.org/1522867/")

#: How long the dumps stay where they are (``planned-availability``): for the foreseeable
#: future, each release replacing the last at the same URLs.
AVAILABILITY = (AUTHORITY + "planned-availability/AVAILABLE", "available")

#: The language of the catalogue's titles and descriptions (``language``).
LANGUAGE = AUTHORITY + "language/ENG"

#: The kind of publisher (ADMS publisher types): a group of developers, not an incorporated body.
PUBLISHER_TYPE = (ADMS_PUBLISHER_TYPE + "PrivateIndividual(s)", "Private Individual(s)")

#: The kind of licence CC BY 4.0 is (ADMS licence types).
LICENCE_TYPE = (ADMS_LICENCE_TYPE + "Attribution", "Attribution")

#: The specifications the dumps and the endpoint conform to.
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"

KEYWORDS = ("Lithuanian heritage", "GULAG", "Kazakhstan", "memorials", "diaspora")

Add = Callable[[object, str, object], None]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def dcat_ap_triples(add: Add, *, base: str, issued: str, years: tuple[int, int] | None,
                    endpoint: str | None, centroid: tuple[float, float] | None = None,
                    bbox: ox.Literal | None = None) -> None:
    """Add the DCAT-AP statements of the dataset ``{base}dataset`` (not those of its distributions,
    see :func:`distribution_triples`): its publisher, contact point, coverage, themes and landing
    page, the catalogue, and the SPARQL service at ``endpoint`` when there is one. ``years`` is
    the first and the last year the data states (no temporal coverage without one); ``centroid``
    the coordinates (latitude, longitude) and ``bbox`` the bounding box (a WKT literal) the graph
    gives to the place :data:`SPATIAL` names (nothing is said of what the graph does not give)."""
    rdf_type = RDF + "type"
    dataset = _n(base + DATASET)
    publisher = _n(f"{base}{DATASET}#publisher")
    contact = _n(f"{base}{DATASET}#contact")
    catalog = _n(f"{base}{DATASET}#catalog")
    landing = _n(base)

    add(publisher, rdf_type, _n(FOAF + "Agent"))
    add(publisher, rdf_type, _n(FOAF + "Organization"))
    add(publisher, FOAF + "name", ox.Literal(PUBLISHER))
    add(publisher, DCTERMS + "type", _n(PUBLISHER_TYPE[0]))
    concept(add, *PUBLISHER_TYPE)
    add(contact, rdf_type, _n(VCARD + "Kind"))
    add(contact, rdf_type, _n(VCARD + "Organization"))
    add(contact, VCARD + "fn", ox.Literal(PUBLISHER))
    add(contact, VCARD + "hasURL", landing)
    add(landing, rdf_type, _n(FOAF + "Document"))
    licence_document(add)

    add(dataset, DCTERMS + "publisher", publisher)
    add(dataset, DCAT + "contactPoint", contact)
    for place in SPATIAL:
        add(dataset, DCTERMS + "spatial", _n(place))
        add(_n(place), rdf_type, _n(DCTERMS + "Location"))
        if centroid is not None:
            add(_n(place), DCAT + "centroid", ox.Literal(f"POINT({centroid[1]} {centroid[0]})", datatype=_n(WKT)))
        if bbox is not None:
            add(_n(place), DCAT + "bbox", bbox)
    if years is not None:
        period = _n(f"{base}{DATASET}#temporal")
        add(dataset, DCTERMS + "temporal", period)
        add(period, rdf_type, _n(DCTERMS + "PeriodOfTime"))
        add(period, DCAT + "startDate", ox.Literal(f"{years[0]:04d}", datatype=_n(XSD + "gYear")))
        add(period, DCAT + "endDate", ox.Literal(f"{years[1]:04d}", datatype=_n(XSD + "gYear")))
    themes = []
    for code, label in THEMES.items():
        theme = concept(add, f"{THEME_SCHEME[0]}/{code}", label)
        add(dataset, DCAT + "theme", theme)
        themes.append(theme)

    add(catalog, rdf_type, _n(DCAT + "Catalog"))
    add(catalog, DCTERMS + "title", _en(f"{TITLE}: catalogue"))
    add(catalog, DCTERMS + "description", _en("The catalogue of the heritage graph: the dataset, its dumps and "
                                              "the SPARQL endpoint that answers from it."))
    add(catalog, DCTERMS + "publisher", publisher)
    add(catalog, DCTERMS + "issued", ox.Literal(issued, datatype=_n(XSD + "date")))
    add(catalog, DCTERMS + "modified", ox.Literal(issued, datatype=_n(XSD + "date")))
    add(catalog, DCTERMS + "license", _n(LICENSE))
    add(catalog, DCTERMS + "language", _n(LANGUAGE))
    add(_n(LANGUAGE), rdf_type, _n(DCTERMS + "LinguisticSystem"))
    add(catalog, DCTERMS + "spatial", _n(SPATIAL[0]))
    add(catalog, FOAF + "homepage", landing)
    add(catalog, DCAT + "themeTaxonomy", _n(THEME_SCHEME[0]))
    add(_n(THEME_SCHEME[0]), rdf_type, _n(SKOS + "ConceptScheme"))
    add(_n(THEME_SCHEME[0]), DCTERMS + "title", _en(THEME_SCHEME[1]))
    add(catalog, DCAT + "dataset", dataset)

    if endpoint is None:
        return
    service = _n(f"{base}{DATASET}#sparql-service")
    add(catalog, DCAT + "service", service)
    add(service, rdf_type, _n(DCAT + "DataService"))
    add(service, DCTERMS + "title", _en(f"{TITLE}: SPARQL endpoint"))
    add(service, DCTERMS + "description", _en(
        "A SPARQL 1.1 Protocol endpoint (queries only) answering from the same graph as the dumps; "
        "its default graph is the union of all graphs. GET without a query gives its service description."))
    add(service, DCAT + "endpointURL", _n(endpoint))
    add(service, DCAT + "endpointDescription", _n(endpoint))
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCTERMS + "conformsTo", _n(SPARQL_PROTOCOL))
    add(_n(SPARQL_PROTOCOL), rdf_type, _n(DCTERMS + "Standard"))
    add(service, DCTERMS + "publisher", publisher)
    add(service, DCAT + "contactPoint", contact)
    add(service, DCTERMS + "license", _n(LICENSE))
    add(service, DCAT + "landingPage", landing)
    for theme in themes:
        add(service, DCAT + "theme", theme)
    for keyword in KEYWORDS:
        add(service, DCAT + "keyword", _en(keyword))


def distribution_triples(add: Add, distribution: ox.NamedNode, dump: dict, *, compressed: bool) -> None:
    """Add what DCAT-AP asks of one dump's ``dcat:Distribution`` beyond its URLs, size and
    checksum value: a description, its availability, its EU file type, its typed media types."""
    rdf_type = RDF + "type"
    what = f"The whole graph in {dump['format']}"
    if dump.get("graphs"):
        what += ", one named graph per source file"
    add(distribution, DCTERMS + "description", _en(what + (", gzipped." if compressed else ".")))
    add(distribution, DCATAP + "availability", concept(add, *AVAILABILITY))
    file_type = _n(AUTHORITY + "file-type/" + FILE_TYPES[dump["suffix"]])
    add(distribution, DCTERMS + "format", file_type)
    add(file_type, rdf_type, _n(DCTERMS + "MediaTypeOrExtent"))
    media = _n(IANA + dump["media_type"])
    add(distribution, DCAT + "mediaType", media)
    add(media, rdf_type, _n(DCTERMS + "MediaType"))
    if compressed:
        gzip = _n(IANA + "application/gzip")
        add(distribution, DCAT + "compressFormat", gzip)
        add(gzip, rdf_type, _n(DCTERMS + "MediaType"))


def checksum_algorithm(add: Add) -> ox.NamedNode:
    """The SHA-256 algorithm of SPDX, typed as DCAT-AP's range asks."""
    algorithm = _n(SPDX + "checksumAlgorithm_sha256")
    add(algorithm, RDF + "type", _n(SPDX + "ChecksumAlgorithm"))
    return algorithm


def licence_document(add: Add) -> ox.NamedNode:
    """The licence of the data (CC BY 4.0) as a ``dcterms:LicenseDocument`` of its ADMS type."""
    licence = _n(LICENSE)
    add(licence, RDF + "type", _n(DCTERMS + "LicenseDocument"))
    add(licence, DCTERMS + "type", concept(add, *LICENCE_TYPE))
    return licence


def concept(add: Add, iri: str, label: str) -> ox.NamedNode:
    """A term of a controlled vocabulary, typed ``skos:Concept`` with its English label."""
    node = _n(iri)
    add(node, RDF + "type", _n(SKOS + "Concept"))
    add(node, SKOS + "prefLabel", _en(label))
    return node
