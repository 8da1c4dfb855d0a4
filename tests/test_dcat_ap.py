"""The release's dataset description against the DCAT-AP 3.0.1 SHACL shapes, as the EU publishes them.

``tests/dcat-ap/`` holds the shapes (copied from SEMICeu/DCAT-AP with their licence) and the
excerpts of the EU authority tables the controlled-vocabulary shapes look terms up in (see its
README). The release of the bundled data is built once per session (shared with
``test_publish.py``); ``void.ttl`` is validated by pySHACL with each shapes file: the mandatory,
recommended and range shapes and the deprecated-URI checks on the description alone, as a harvester
reads it; the controlled-vocabulary shapes on the description with the tables. Every result is
printed; the only ones allowed are :data:`KNOWN`, each with the reason it cannot be removed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import pyshacl
import rdflib
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from heritage_graph.publish import build as publish
from heritage_graph.publish import dcat as publish_dcat
from heritage_graph.rdf.load import load
from heritage_graph.rdf.vocab import DEFAULT_BASE

SHAPES = Path(__file__).resolve().parent / "dcat-ap"
VOCABULARIES = sorted((SHAPES / "vocabularies").glob("*.ttl"))
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DATASET = rdflib.URIRef(DEFAULT_BASE + "dataset")
DATE = "2026-11-27"

#: The results the shapes still give, by shapes file: (severity, path, constraint component) and
#: why. The publisher is not one of the EU's corporate bodies (the table lists EU institutions and
#: bodies; this project cannot be one); and the shape expects the checksum algorithm under
#: ``https://spdx.org/rdf/terms``, while SPDX, the shapes file's own ``spdx:`` prefix and the
#: DCAT-AP examples name it ``http://spdx.org/rdf/terms#checksumAlgorithm_sha256``: an IRI that
#: matched the pattern would be one SPDX does not define. The mandatory, recommended, range and
#: deprecated-URI shapes give nothing.
KNOWN = {
    "mdr-vocabularies.shape.ttl": {
        ("Warning", str(DCTERMS.publisher), "NodeConstraintComponent"): 3,
        ("Violation", str(SPDX.algorithm), "NodeConstraintComponent"): 12,
    },
}


@pytest.fixture(scope="module")
def description(request, tmp_path_factory) -> rdflib.Graph:
    """The description of the release of the bundled data, built once per session (shared with
    test_publish.py)."""
    cached = getattr(request.config, "_heritage_graph_release", None)
    if cached is None:
        out = tmp_path_factory.mktemp("release") / "out"
        cached = (out, publish.build(out, date=DATE))
        request.config._heritage_graph_release = cached
    out = cached[0]
    return rdflib.Graph().parse(out / "void.ttl", format="turtle")


def top_results(report: rdflib.Graph) -> Counter:
    """The results of a report (not those nested as another's ``sh:detail``), counted by severity,
    path and constraint component."""
    nested = set(report.objects(None, SH.detail))
    counts: Counter = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if result in nested:
            continue
        counts[(str(report.value(result, SH.resultSeverity)).rpartition("#")[2], str(report.value(result, SH.resultPath)),
                str(report.value(result, SH.sourceConstraintComponent)).rpartition("#")[2])] += 1
    return counts


def validate(data: rdflib.Graph, shapes_file: str) -> Counter:
    shapes = rdflib.Graph().parse(SHAPES / "shapes" / shapes_file, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    counts = top_results(report)
    print(f"{shapes_file}: {sum(counts.values())} results", dict(counts))
    return counts


@pytest.mark.parametrize("shapes_file", ["shapes.ttl", "shapes_recommended.ttl", "range.ttl", "deprecateduris.ttl"])
def test_the_description_passes_the_dcat_ap_shapes(description, shapes_file):
    assert validate(description, shapes_file) == Counter(KNOWN.get(shapes_file, {}))


def test_the_description_passes_the_controlled_vocabulary_shapes_with_the_eu_tables(description):
    data = rdflib.Graph()
    for triple in description:
        data.add(triple)
    for table in VOCABULARIES:
        data.parse(table, format="turtle")
    assert validate(data, "mdr-vocabularies.shape.ttl") == Counter(KNOWN["mdr-vocabularies.shape.ttl"])


def test_without_the_tables_the_vocabulary_terms_are_unknown(description):
    """The vocabulary shapes look the terms up in the tables: the description alone does not pass."""
    counts = validate(description, "mdr-vocabularies.shape.ttl")
    assert counts[("Violation", str(DCTERMS.format), "NodeConstraintComponent")] == 12
    assert counts[("Violation", str(DCATAP.availability), "NodeConstraintComponent")] == 12


def test_every_eu_term_of_the_description_is_in_its_table(description):
    tables = rdflib.Graph()
    for table in VOCABULARIES:
        tables.parse(table, format="turtle")
    used = {o for o in description.objects() if isinstance(o, rdflib.URIRef)
            and str(o).startswith((publish_dcat.AUTHORITY, "http://purl.org/adms/"))}
    assert used
    for term in used:
        assert (term, SKOS.inScheme, None) in tables or (term, RDF.type, SKOS.ConceptScheme) in tables, term
        for label in description.objects(term, SKOS.prefLabel):
            assert label in set(tables.objects(term, SKOS.prefLabel)), (term, label)


def test_the_catalogue_lists_the_dataset_and_the_sparql_service(description):
    catalog = description.value(predicate=DCAT.dataset, object=DATASET)
    assert (catalog, RDF.type, DCAT.Catalog) in description
    service = description.value(catalog, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in description
    assert description.value(service, DCAT.endpointURL) == rdflib.URIRef(DEFAULT_BASE + "sparql")
    assert description.value(service, DCAT.servesDataset) == DATASET
    assert description.value(service, DCAT.endpointDescription) is not None


def test_the_publisher_is_an_organisation_with_an_iri(description):
    publisher = description.value(DATASET, DCTERMS.publisher)
    assert isinstance(publisher, rdflib.URIRef)
    assert str(description.value(publisher, rdflib.FOAF.name)) == "heritage-graph developers"
    assert (publisher, RDF.type, rdflib.FOAF.Agent) in description


def test_the_temporal_coverage_is_the_first_and_last_year_of_the_data(description):
    """The years the data states (hg:year, hg:startYear, hg:endYear, hg:date), as the loader reads them."""
    hg = DEFAULT_BASE + "ontology#"
    years = set()
    for quad in load().store.ox:
        if quad.predicate.value in (hg + "year", hg + "startYear", hg + "endYear"):
            years.add(int(quad.object.value))
        elif quad.predicate.value == hg + "date":
            years.add(int(quad.object.value[:4]))
    period = description.value(DATASET, DCTERMS.temporal)
    start, end = description.value(period, DCAT.startDate), description.value(period, DCAT.endDate)
    assert start.datatype == end.datatype == rdflib.XSD.gYear
    assert (int(str(start)), int(str(end))) == (min(years), max(years))
