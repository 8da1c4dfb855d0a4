"""Publishing a release: dumps that read back, the VoID description, the site, safety of the swap,
and the diff of claims between releases.

The release of the bundled data is built once for the module (and shared with
``test_site_browser.py`` when both run in one session); the tests that change the data build
small releases of ``tests/data/valid/claims.ttl`` and variations of it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
import pyoxigraph as ox
import rdflib
from markupsafe import escape
from rdflib.compare import isomorphic

from heritage_graph.publish import build as publish
from heritage_graph.publish import layout, pages as publish_pages, release as publish_release
from heritage_graph.rdf import jsonld
from heritage_graph.util.progress import StepProgress

from heritage_graph import web
from heritage_graph.errors import HeritageGraphError, InputError
from heritage_graph.rdf.describe import describe
from heritage_graph.rdf.load import load
from heritage_graph.validate.run import to_rdflib
from heritage_graph.rdf.vocab import DEFAULT_BASE

TESTS = Path(__file__).resolve().parent
VALID = TESTS / "data" / "valid" / "claims.ttl"
DATE = "2026-11-27"
HG = DEFAULT_BASE + "ontology#"
VOID = rdflib.Namespace(publish_release.VOID)
DCAT = rdflib.Namespace(publish_release.DCAT)
SPDX = rdflib.Namespace(publish_release.SPDX)
XSS = "<script>alert(1)</script>"


def bundled_release(request, tmp_path_factory):
    """The release of the bundled data, built once per test session."""
    cached = getattr(request.config, "_heritage_graph_release", None)
    if cached is None:
        out = tmp_path_factory.mktemp("release") / "out"
        result = publish.build(out, date=DATE)
        cached = (out, result)
        request.config._heritage_graph_release = cached
    return cached


@pytest.fixture(scope="module")
def release(request, tmp_path_factory):
    return bundled_release(request, tmp_path_factory)


@pytest.fixture(scope="module")
def out(release) -> Path:
    return release[0]


@pytest.fixture(scope="module")
def reference():
    """The bundled graph as the loader gives it, as quads."""
    return list(load().store.ox)


def reference_graph(quads) -> rdflib.Graph:
    return to_rdflib(quads)


def reference_graphs(quads) -> dict[str, rdflib.Graph]:
    by_graph: dict[str, list] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    return {g: to_rdflib(qs) for g, qs in by_graph.items()}


def parsed_graphs(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    found = {}
    for graph in dataset.graphs():
        if len(graph):
            found[str(graph.identifier)] = graph
    return found


def no_network(url, options=None):
    """A pyld document loader that loads nothing: every JSON-LD file of a release carries its
    context inline, so reading one never needs the network."""
    raise AssertionError(f"pyld was asked to load {url}")


def pyld_quads(path: Path) -> rdflib.Dataset:
    from pyld import jsonld

    document = json.loads(path.read_text(encoding="utf-8"))
    expanded = jsonld.expand(document, {"base": path.as_uri(), "documentLoader": no_network})
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    return rdflib.Dataset().parse(data=nquads, format="nquads")


# ---------------------------------------------------------------------------------------------
# Dumps
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, fmt", [("heritage-graph.ttl", "turtle"), ("heritage-graph.nt", "nt"),
                                       ("heritage-graph.rdf", "xml")])
def test_triple_dumps_read_back_with_rdflib(out, reference, name, fmt):
    parsed = rdflib.Graph().parse(out / "dumps" / name, format=fmt)
    assert len(parsed) == len({q.triple for q in reference})
    assert isomorphic(parsed, reference_graph(reference))


@pytest.mark.parametrize("name, fmt", [("heritage-graph.nq", "nquads"), ("heritage-graph.trig", "trig"),
                                       ("heritage-graph.jsonld", "json-ld")])
def test_quad_dumps_keep_one_graph_per_file(out, reference, name, fmt):
    parsed = parsed_graphs(rdflib.Dataset().parse(out / "dumps" / name, format=fmt))
    expected = reference_graphs(reference)
    assert set(parsed) == set(expected)
    for graph, triples in expected.items():
        assert isomorphic(parsed[graph], triples), graph


def test_jsonld_dump_expands_with_pyld_to_the_same_graph(out, reference):
    parsed = parsed_graphs(pyld_quads(out / "dumps" / "heritage-graph.jsonld"))
    expected = reference_graphs(reference)
    assert set(parsed) == set(expected)
    for graph, triples in expected.items():
        assert isomorphic(parsed[graph], triples), graph


def test_every_json_ld_file_reads_with_no_network_in_pyld_and_pyoxigraph(out):
    """Each JSON-LD file carries its context inline (a description only the definitions it uses):
    pyld, with a loader that loads nothing, and pyoxigraph, which loads no remote context, read
    every one to the triples of its N-Triples twin (the dump: the N-Quads dump)."""
    files = sorted(out.rglob("*.jsonld"))
    assert len(files) > 800
    for path in files:
        if path.name == "context.jsonld":
            continue
        if path.name == "heritage-graph.jsonld":
            twin, fmt = path.with_suffix(".nq"), ox.RdfFormat.N_QUADS
        elif path.name == "void.jsonld":
            twin, fmt = path.with_suffix(".ttl"), ox.RdfFormat.TURTLE
        else:
            twin, fmt = path.with_suffix(".nt"), ox.RdfFormat.N_TRIPLES
        base = path.as_uri()
        expected = to_rdflib(ox.parse(path=twin, format=fmt, base_iri=base))
        by_oxigraph = to_rdflib(ox.parse(path=path, format=ox.RdfFormat.JSON_LD, base_iri=base))
        assert isomorphic(by_oxigraph, expected), path.relative_to(out)
        if path.parent.name in ("camp", "site") or path.parent == out or path.parent.name == "dumps":
            by_pyld = rdflib.Graph()
            for graph in pyld_quads(path).graphs():
                by_pyld += graph
            assert isomorphic(by_pyld, expected), path.relative_to(out)
    context = json.loads((out / "doc" / "camp" / "karlag.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["camp"] == DEFAULT_BASE + "id/camp/" and "CampSystem" in context and "about" in context
    assert "Memorial" not in context and "lat" not in context  # only what the description uses


def test_context_maps_the_ontology_terms_and_prefixes(out):
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["hg"] == HG
    assert context["camp"] == DEFAULT_BASE + "id/camp/"
    assert context["Claim"] == "hg:Claim"
    assert context["about"] == {"@id": "hg:about", "@type": "@id"}
    assert context["statedAs"] == "hg:statedAs"
    # "source" is the prefix of the source documents; the property keeps its prefixed name
    assert context["source"] == DEFAULT_BASE + "id/source/"
    assert context["hg:source"] == {"@type": "@id"}


def test_gzipped_dumps_hold_the_same_bytes(out):
    for dump in layout.DUMPS:
        name = f"heritage-graph{dump}"
        assert gzip.decompress((out / "dumps" / f"{name}.gz").read_bytes()) == (out / "dumps" / name).read_bytes()


def test_checksums_match(out):
    lines = (out / "dumps" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * len(layout.DUMPS)
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((out / "dumps" / name).read_bytes()).hexdigest() == digest, name


# ---------------------------------------------------------------------------------------------
# The dataset description
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(out) -> rdflib.Graph:
    return rdflib.Graph().parse(out / "void.ttl", format="turtle")


def test_void_counts_the_triples_of_the_store(void, reference):
    dataset = rdflib.URIRef(DEFAULT_BASE + "dataset")
    store_count = len(reference)  # the store's triple_count(): its quads, one graph per file
    assert int(void.value(dataset, VOID.triples)) == store_count == len({q.triple for q in reference})
    assert (dataset, rdflib.RDF.type, DCAT.Dataset) in void
    assert void.value(dataset, rdflib.DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(void.value(dataset, rdflib.OWL.versionInfo)) == publish.__version__
    assert str(void.value(dataset, rdflib.DCTERMS.issued)) == DATE
    assert void.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(DEFAULT_BASE + "sparql")
    assert str(void.value(dataset, VOID.uriSpace)) == DEFAULT_BASE + "id/"
    assert void.value(dataset, rdflib.DCTERMS.publisher) is not None
    examples = set(void.objects(dataset, VOID.exampleResource))
    assert rdflib.URIRef(DEFAULT_BASE + "id/camp/karlag") in examples


def test_void_partitions_count_classes_and_properties(void, reference):
    dataset = rdflib.URIRef(DEFAULT_BASE + "dataset")
    claims = {q.subject for q in reference if q.predicate.value.endswith("#type") and q.object.value == HG + "Claim"}
    classes = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
               for p in void.objects(dataset, VOID.classPartition)}
    assert classes[rdflib.URIRef(HG + "Claim")] == len(claims)
    properties = {void.value(p, VOID.property): int(void.value(p, VOID.triples))
                  for p in void.objects(dataset, VOID.propertyPartition)}
    about = sum(1 for t in {q.triple for q in reference} if t.predicate.value == HG + "about")
    assert properties[rdflib.URIRef(HG + "about")] == about
    assert sum(properties.values()) == int(void.value(dataset, VOID.triples))


def test_void_linksets_count_the_wikidata_and_geonames_links(void, reference):
    same_as = [t for t in {q.triple for q in reference} if t.predicate.value == str(rdflib.OWL.sameAs)]
    counts = {}
    for linkset in void.subjects(rdflib.RDF.type, VOID.Linkset):
        target = void.value(linkset, VOID.objectsTarget)
        counts[str(void.value(target, VOID.uriSpace))] = int(void.value(linkset, VOID.triples))
        assert void.value(linkset, VOID.linkPredicate) == rdflib.OWL.sameAs
    assert counts[publish_release.WIKIDATA] == sum(1 for t in same_as if t.object.value.startswith(publish_release.WIKIDATA))
    assert counts[publish_release.GEONAMES] == sum(1 for t in same_as if t.object.value.startswith(publish_release.GEONAMES))
    assert counts[publish_release.WIKIDATA] > 0 and counts[publish_release.GEONAMES] > 0


def test_void_distributions_give_size_media_type_and_checksum(void, out):
    dataset = rdflib.URIRef(DEFAULT_BASE + "dataset")
    distributions = list(void.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2 * len(layout.DUMPS)
    dumps = set(void.objects(dataset, VOID.dataDump))
    for distribution in distributions:
        url = void.value(distribution, DCAT.downloadURL)
        assert url in dumps
        path = out / str(url)[len(DEFAULT_BASE):]
        content = path.read_bytes()
        assert int(void.value(distribution, DCAT.byteSize)) == len(content)
        checksum = void.value(distribution, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()
        assert "media-types/" in str(void.value(distribution, DCAT.mediaType))


def test_void_in_jsonld_is_the_same_graph(out, void):
    parsed = rdflib.Graph()
    for graph in pyld_quads(out / "void.jsonld").graphs():
        parsed += graph
    assert isomorphic(parsed, void)


# ---------------------------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------------------------


def test_manifest_lists_every_file_with_size_and_hash(out, reference):
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == publish.__version__ and manifest["date"] == DATE
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(listed) == on_disk
    for path in ("index.html", "dumps/heritage-graph.nq", "doc/camp/karlag.html", ".htaccess"):
        content = (out / path).read_bytes()
        assert listed[path]["bytes"] == len(content)
        assert listed[path]["sha256"] == hashlib.sha256(content).hexdigest()
    graphs = {g["graph"]: g["triples"] for g in manifest["graphs"]}
    assert graphs[DEFAULT_BASE + "graph/data/kazakhstan/claims"] > 0
    assert sum(graphs.values()) == len(reference)
    assert manifest["diff"]["previous"] is None


# ---------------------------------------------------------------------------------------------
# The site
# ---------------------------------------------------------------------------------------------


def test_every_typed_resource_has_a_page_and_its_data(out, release):
    data = web.SiteData(load().store)
    assert release[1].resources == len(data.data_typed) > 0
    for node in data.data_typed:
        stem = out / web.doc_path(node.value, suffix="")
        for suffix in (".html",) + layout.RESOURCE_FORMATS:
            assert stem.with_name(stem.name + suffix).is_file(), f"{node.value}{suffix}"


def test_a_resource_description_reads_back_in_every_format(out):
    stem = out / "doc" / "camp" / "karlag"
    turtle = rdflib.Graph().parse(f"{stem}.ttl", format="turtle")
    assert len(turtle) > 10
    assert isomorphic(turtle, rdflib.Graph().parse(f"{stem}.nt", format="nt"))
    assert isomorphic(turtle, rdflib.Graph().parse(f"{stem}.rdf", format="xml"))
    expanded = rdflib.Graph()
    for graph in pyld_quads(Path(f"{stem}.jsonld")).graphs():
        expanded += graph
    assert isomorphic(turtle, expanded)


def test_a_resource_description_holds_its_claims_and_the_links_into_it(out, bundled_dataset):
    """karlag.ttl of a release holds Karlag's own statements, the claims about it with theirs and
    every statement linking into it: as many as SPARQL counts on the graph, and what the server gives."""


    from heritage_graph.rdf.describe import describe_iri

    karlag = ox.NamedNode(DEFAULT_BASE + "id/camp/karlag")
    about = ox.NamedNode(HG + "about")
    triples = {q.triple for q in ox.parse(path=out / "doc" / "camp" / "karlag.ttl", format=ox.RdfFormat.TURTLE)}

    def count(where: str) -> int:
        query = (f"PREFIX hg: <{HG}> PREFIX camp: <{DEFAULT_BASE}id/camp/> "
                 f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}")
        return int(next(iter(bundled_dataset.store.ox.query(query, use_default_graph_as_union=True)))["n"].value)

    claims = {t.subject for t in triples if t.predicate == about and t.object == karlag}
    assert len(claims) == count("?s hg:about camp:karlag BIND(hg:about AS ?p) BIND(camp:karlag AS ?o)") >= 3
    assert len({t for t in triples if t.subject in claims}) == count("?s hg:about camp:karlag ; ?p ?o")
    incoming = {t for t in triples if t.object == karlag and t.predicate != about}
    assert len(incoming) == count("?s ?p camp:karlag FILTER(?p != hg:about) BIND(camp:karlag AS ?o)") > 0
    assert len({t for t in triples if t.subject == karlag}) == count("camp:karlag ?p ?o BIND(camp:karlag AS ?s)")
    assert len(triples) == count("{ camp:karlag ?p ?o BIND(camp:karlag AS ?s) } UNION "
                                 "{ ?s ?p camp:karlag BIND(camp:karlag AS ?o) } UNION { ?s hg:about camp:karlag ; ?p ?o }")
    assert len(triples) > 40
    assert triples == set(describe_iri(bundled_dataset.store, karlag.value))  # what the server describes


def test_resource_page_shows_names_claims_links_and_map(out):
    html = (out / "doc" / "camp" / "karlag.html").read_text(encoding="utf-8")
    assert '<h1 id="title">Karlag</h1>' in html
    assert '<td lang="lt">Karlagas</td>' in html and '<td lang="ru">Карлаг</td>' in html
    assert 'href="../../doc/place/dolinka.html"' in html  # headquarters, a relative link
    assert "Figures the sources give" in html and "some 20500" in html and ">circa<" in html
    assert "Even in 1954 (after Stalin died)" in html  # the quoted sentence
    assert 'href="../../doc/claim/karlag-prisoners-1954-gtl.html"' in html
    assert "Referenced by" in html and 'href="../../doc/camp/spassk.html"' in html
    assert '<div class="leaflet-map small-map" role="region" aria-label="Map of Karlag">' in html
    assert '<li data-lat="49.67055" data-lon="72.68055">Karlag <small>49.6705, 72.6805</small></li>' in html
    assert "Shown at: its headquarters, Dolinka." in html
    assert '<script src="../../assets/map.js" defer data-root="../../"></script>' in html
    assert 'href="karlag.ttl"' in html or 'href="../../doc/camp/karlag.ttl"' in html


def test_a_people_group_page_shows_the_figures_counting_the_group(out, bundled_dataset):
    """The Lithuanians' page answers "how many, where, according to whom": every claim counting the
    group (hg:peopleGroup), with what it is about, and not again among what refers to the page."""
    query = """PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT DISTINCT ?claim WHERE { ?claim a hg:Claim ; hg:peopleGroup <https://w3id.org/heritage-graph/id/group/lithuanians> }"""
    claims = {row["claim"].value.rsplit("/", 1)[-1] for row in bundled_dataset.store.ox.query(query, use_default_graph_as_union=True)}
    assert len(claims) >= 5
    html = (out / "doc" / "group" / "lithuanians.html").read_text(encoding="utf-8")
    section = html[html.index('<section aria-labelledby="group-claims">'):]
    section = section[:section.index("</section>")]
    assert f"Figures about Lithuanians <small>({len(claims)})</small>" in section
    assert section.count('<tbody class="claim">') == section.count('<td data-label="About">') == len(claims)
    assert set(re.findall(r'<td data-label="Figure"><a href="\.\./\.\./doc/claim/([^"]+)\.html"', section)) == claims
    assert 'href="../../doc/camp/karlag.html"' in section and "“~3000”" in section
    referenced = html[html.index('<section aria-labelledby="referenced-by">'):] if "referenced-by" in html else ""
    assert not any(f"doc/claim/{c}.html" in referenced for c in claims)


def test_a_resource_page_names_its_canonical_address_and_the_chart_its_source(out):
    html = (out / "doc" / "camp" / "karlag.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://w3id.org/heritage-graph/doc/camp/karlag.html">' in html
    assert "canonical" not in (out / "index.html").read_text(encoding="utf-8")
    svg = (out / "charts" / "prisoner-shares.svg").read_text(encoding="utf-8")
    assert ('Source: <a href="../doc/source/global-true-lithuania-kazakhstan.html"><tspan fill="#1a4d8f">'
            "Kazakhstan (Global True Lithuania)</tspan></a>") in svg


def test_place_page_links_wikidata_and_geonames(out):
    html = (out / "doc" / "place" / "kazakhstan.html").read_text(encoding="utf-8")
    assert 'href="http://www.wikidata.org/entity/Q232"' in html and ">Wikidata Q232<" in html
    assert 'href="https://sws.geonames.org/1522867/"' in html
    assert '<td lang="kk">Қазақстан</td>' in html


def test_claim_page_shows_the_figure(out):
    html = (out / "doc" / "claim" / "karlag-prisoners-1954-gtl.html").read_text(encoding="utf-8")
    assert "20,500" in html and ">circa<" in html and "1954" in html and "“some 20500”" in html
    assert 'href="../../doc/camp/karlag.html"' in html
    assert "Kazakhstan (Global True Lithuania)" in html


#: The scripts of a page with a map, all files of the release.
MAP_SCRIPTS = ['<script src="../../assets/leaflet/leaflet.js" defer></script>',
               '<script src="../../assets/leaflet-markercluster/leaflet.markercluster.js" defer></script>',
               '<script src="../../assets/map.js" defer data-root="../../"></script>']


def scripts_of(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S)


def test_pages_load_nothing_from_the_network(out):
    for path in [out / "index.html", out / "doc" / "camp" / "karlag.html", out / "queries" / "prisoner-shares.html",
                 out / "class" / "Camp.html", out / "ontology" / "reference.html"]:
        html = path.read_text(encoding="utf-8")
        own = {"karlag.html": MAP_SCRIPTS, "Camp.html": ['<script src="../assets/facets.js" defer></script>']}
        assert scripts_of(html) == own.get(path.name, []), path
        # a link elsewhere that loads nothing (the canonical address) is no load
        loads = [tag for tag in re.findall(r"<(?:link|img|iframe)[^>]*>", html) if 'rel="canonical"' not in tag]
        assert not [tag for tag in loads if re.search(r'(?:href|src)="(?:https?:)?//', tag)], path
        assert not re.search(r'url\(\s*["\']?(?:https?:)?//', html), path


def test_every_internal_link_resolves(out):
    """Every relative href/src of every HTML and SVG file of the site points at a file of the release."""
    broken = []
    pattern = re.compile(r'(?:href|src)="([^"]+)"')
    files = [p for p in out.rglob("*") if p.suffix in (".html", ".svg") and p.parent.name != "ontology"]
    files += [out / "ontology" / "reference.html"]
    for page in files:
        for target in pattern.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0].split("?", 1)[0]
            if not path:
                continue
            if not (page.parent / unquote(path)).resolve().is_file():
                broken.append(f"{page.relative_to(out)} -> {target}")
    assert not broken, broken[:20]


def test_class_pages_list_the_instances(out):
    html = (out / "class" / "Camp.html").read_text(encoding="utf-8")
    assert 'href="../doc/camp/karlag.html"' in html and 'href="../doc/camp/spassk.html"' in html
    index = (out / "class" / "index.html").read_text(encoding="utf-8")
    assert 'href="../class/Claim.html"' in index and 'href="../class/Memorial.html"' in index


def test_query_pages_show_text_parameters_and_result(out):
    from heritage_graph.queries import catalogue as query

    index = (out / "queries" / "index.html").read_text(encoding="utf-8")
    for name, stored in query.catalogue().items():
        assert f'href="../queries/{name}.html"' in index
        html = (out / "queries" / f"{name}.html").read_text(encoding="utf-8")
        assert str(escape(stored.summary)) in html
        assert "SELECT" in html and "Parameters" in html
    html = (out / "queries" / "prisoner-shares.html").read_text(encoding="utf-8")
    assert '<table class="result">' in html and ">Karlag<" in html and "0.146" in html
    assert (out / "queries" / "prisoner-shares.csv").read_text(encoding="utf-8").startswith("camp,camp_label,year")


def test_chart_is_standalone_svg_and_on_the_home_page(out):
    svg = (out / "charts" / "prisoner-shares.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Karlag 1954" in svg and "14.6%" in svg
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in home


def test_home_page_explains_and_links(out):
    home = (out / "index.html").read_text(encoding="utf-8")
    for needle in ("Kazakhstan", "claim", 'href="queries/prisoner-shares.html"', 'href="dumps/heritage-graph.ttl"',
                   'href="dumps/SHA256SUMS"', 'href="void.ttl"', "heritage-graph query", DEFAULT_BASE + "sparql",
                   'href="doc/camp/karlag.html"', 'href="class/index.html"'):
        assert needle in home, needle


def test_ontology_is_documented_with_every_term_and_the_alignments(out):
    from heritage_graph.util import resources

    graph = rdflib.Graph().parse(resources.folder("ontology") / "heritage-graph.ttl")
    pylode = (out / "ontology" / "index.html").read_text(encoding="utf-8")
    reference_page = (out / "ontology" / "reference.html").read_text(encoding="utf-8")
    terms = [s for kind in (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
             for s in graph.subjects(rdflib.RDF.type, kind)]
    assert len(terms) > 50
    for term in terms:
        local = str(term).split("#")[-1]
        label = next(str(o) for o in graph.objects(term, rdflib.RDFS.label) if o.language == "en")
        assert str(escape(label)) in pylode, local
        assert f'id="{local}"' in reference_page, local
        definition = graph.value(term, rdflib.SKOS.definition)
        assert definition is not None
        assert str(escape(" ".join(str(definition).split())))[:40] in " ".join(reference_page.split()), local
    for prop in graph.subjects(rdflib.RDFS.domain, None):
        local = str(prop).split("#")[-1]
        section = reference_page.split(f'id="{local}"', 1)[1].split("</section>", 1)[0]
        assert "Domain" in section
    # the alignments: CIDOC-CRM, schema.org and Wikidata
    assert "crm:E53_Place" in reference_page and "schema:Place" in reference_page and "wd:Q5003624" in reference_page
    assert (out / "ontology" / "heritage-graph.ttl").is_file() and (out / "ontology" / "alignments.ttl").is_file()


def test_release_is_readable_by_a_web_server(out):
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask


def test_server_configuration_answers_303_to_the_documents(out):
    htaccess = (out / ".htaccess").read_text(encoding="utf-8")
    # The negotiated suffix (html, ttl, jsonld, nt, rdf) is chosen into HG_id; tests/test_static_host.py
    # runs the rules on a real Apache.
    assert "R=303" in htaccess and "doc/$1/$2.%{ENV:HG_id} [R=303,L]" in htaccess and "[R=406,L]" in htaccess
    nginx = (out / "nginx.conf").read_text(encoding="utf-8")
    assert "map $http_accept" in nginx and "return 303" in nginx


def test_json_ld_written_as_text_is_what_json_dumps_writes(bundled_dataset):
    """The dumps and the descriptions write their JSON-LD as text directly (a register's release is
    mostly JSON-LD and HTML); it is the text json.dumps(indent=1) gives for the same node objects."""


    data = web.SiteData(bundled_dataset.store, base=DEFAULT_BASE).preload()
    prefixes = publish_release.release_prefixes(bundled_dataset.store, DEFAULT_BASE)
    context = jsonld.JsonLdContext.from_store(bundled_dataset.store, DEFAULT_BASE, prefixes)
    subjects = data.every_subject()
    assert len(subjects) > 1000
    for subject in subjects:
        pairs = data.out(subject)
        node = context.node(subject, pairs)
        assert context.node_text(subject, pairs) == json.dumps(node, ensure_ascii=False, indent=1), subject
        assert context.node_text(subject, pairs, 4) == jsonld.json_text(node, level=4), subject
    for node in data.data_typed:
        described = describe(data, node, data.hgn("about"))
        triples = [ox.Triple(s, p, o) for s, pairs in described.items() for p, o in pairs]
        assert context.description_text(described, "../../context.jsonld").encode("utf-8") == jsonld.json_bytes(
            context.graph_document(triples, "../../context.jsonld")), node.value


# ---------------------------------------------------------------------------------------------
# The IRI ↔ document mapping and live rendering
# ---------------------------------------------------------------------------------------------


def test_doc_path_and_iri_for_doc_are_inverse():
    iri = DEFAULT_BASE + "id/site/spassk-memorial-cemetery"
    path = web.doc_path(iri, base=DEFAULT_BASE)
    assert path == "doc/site/spassk-memorial-cemetery.html"
    assert web.iri_for_doc(path, base=DEFAULT_BASE) == iri
    assert web.iri_for_doc("/" + path.replace(".html", ".jsonld"), base=DEFAULT_BASE) == iri
    assert web.doc_path("https://example.org/x", base=DEFAULT_BASE) is None
    assert web.doc_path(DEFAULT_BASE + "id/camp/../../etc", base=DEFAULT_BASE) is None
    with pytest.raises(ValueError):
        web.iri_for_doc("doc/../secret.html", base=DEFAULT_BASE)
    assert web.iri_for_class_page("class/Camp.html", base=DEFAULT_BASE) == HG + "Camp"
    assert web.class_path(HG + "Camp", base=DEFAULT_BASE) == "class/Camp.html"


def test_live_rendering_uses_absolute_links(bundled_dataset):
    html = web.render_resource(bundled_dataset.store, DEFAULT_BASE + "id/camp/karlag", root="/", base=DEFAULT_BASE)
    assert 'href="/doc/place/dolinka.html"' in html and 'href="/assets/site.css"' in html
    assert web.render_resource(bundled_dataset.store, DEFAULT_BASE + "id/camp/nowhere", base=DEFAULT_BASE) is None
    assert web.render_query(bundled_dataset.store, "no-such-query") is None
    assert "Karlag" in web.render_class(bundled_dataset.store, HG + "CampSystem", base=DEFAULT_BASE)
    assert "prisoner-shares" in web.render_queries(bundled_dataset.store)
    home = web.render_home(bundled_dataset.store, base=DEFAULT_BASE)
    assert 'href="/queries/prisoner-shares.html"' in home
    page = web.render_query(bundled_dataset.store, "prisoner-shares", values={"camp": "camp:steplag"})
    assert ">Steplag<" in page and ">Karlag<" not in page.split('<table class="result">', 1)[1]


# ---------------------------------------------------------------------------------------------
# Builds of small data: refusal, failure, the diff, escaping
# ---------------------------------------------------------------------------------------------

QUIET = {"progress": lambda *args, **kwargs: None}


def small_data(folder: Path, replacements: dict[str, str] | None = None, name: str = "claims.ttl") -> Path:
    text = VALID.read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def siblings(out: Path) -> set[str]:
    return {p.name for p in out.parent.iterdir()} if out.parent.exists() else set()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_invalid_data_is_refused_and_nothing_is_written(tmp_path):
    data = small_data(tmp_path / "data", {"hg:value 3000 ;": "hg:value -3000 ;"})
    out = tmp_path / "site" / "out"
    with pytest.raises(publish.InvalidDataError) as caught:
        publish.build(out, data_paths=[data], date=DATE, **QUIET)
    assert isinstance(caught.value, HeritageGraphError) and caught.value.exit_code == 1
    assert "does not conform" in str(caught.value) and "testlag-tester-prisoners-1954-test" in str(caught.value)
    assert not out.exists() and not out.parent.exists()


def test_a_failed_build_leaves_the_previous_release_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    publish.build(out, data_paths=[small_data(tmp_path / "a")], date=DATE, **QUIET)
    changed = small_data(tmp_path / "b", {"hg:value 7000 ;": "hg:value 7500 ;"})
    before = tree(out)
    around = siblings(out)

    def broken(ctx):
        assert (ctx.staging / "dumps" / "heritage-graph.nq").is_file()  # part of the new release is written
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "write_classes", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        publish.build(out, data_paths=[changed], date=DATE, **QUIET)
    assert tree(out) == before
    assert siblings(out) == around  # the temporary folder is gone


def test_a_killed_build_leaves_the_previous_release_intact(tmp_path):
    out = tmp_path / "out"
    publish.build(out, data_paths=[small_data(tmp_path / "a")], date=DATE, **QUIET)
    before = tree(out)
    changed = small_data(tmp_path / "b", {"hg:value 7000 ;": "hg:value 7500 ;"})
    script = (
        "import os, signal, sys\n"
        "from heritage_graph.publish import build as publish\n"
        "def die(ctx):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "publish.write_queries = die\n"
        f"publish.build({str(out)!r}, data_paths=[{str(changed)!r}], date={DATE!r})\n"
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300, check=False)
    assert process.returncode == -9, process.stderr.decode()
    assert tree(out) == before


def test_refuses_to_replace_a_folder_that_is_not_a_release(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not a release"):
        publish.build(out, data_paths=[small_data(tmp_path / "a")], date=DATE, **QUIET)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_manifest_diff_lists_added_removed_and_changed_claims(tmp_path):
    out = tmp_path / "out"
    first = publish.build(out, data_paths=[small_data(tmp_path / "a")], date="2026-11-01", **QUIET)
    assert first.diff["previous"] is None
    changed = small_data(tmp_path / "b", {
        # changed: the community's size
        "hg:value 7000 ;": "hg:value 7500 ;",
        '"~7000"': '"~7500"',
        "Today ~7000 Testers live in Testland.": "Today ~7500 Testers live in Testland.",
        # removed and added: the temperature claim under a new IRI
        "hgid:claim\\/testland-winter-temperature-test a hg:Claim":
            "hgid:claim\\/testland-winter-temperature-revised-test a hg:Claim",
    })
    second = publish.build(out, data_paths=[changed], date="2026-11-27", **QUIET)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    diff = manifest["diff"]
    assert diff == second.diff
    assert diff["previous"] == {"version": publish.__version__, "date": "2026-11-01"}
    claim = DEFAULT_BASE + "id/claim/"
    assert diff["claims"]["added"] == [{"iri": claim + "testland-winter-temperature-revised-test",
                                        "label": "Winter temperature of Testland (test source)"}]
    assert diff["claims"]["removed"] == [{"iri": claim + "testland-winter-temperature-test",
                                          "label": "Winter temperature of Testland (test source)"}]
    assert [c["iri"] for c in diff["claims"]["changed"]] == [claim + "tester-community-size-today-test"]
    assert set(diff["claims"]["changed"][0]["properties"]) == {HG + "value", HG + "statedAs", HG + "quote"}
    assert diff["counts"] == {"added": 1, "removed": 1, "changed": 1}
    # against an explicit previous release: the same claims
    again = publish.build(tmp_path / "other", data_paths=[changed], previous=out, date="2026-11-28", **QUIET)
    assert again.diff["counts"] == {"added": 0, "removed": 0, "changed": 0}


def test_a_label_with_markup_is_shown_as_text(tmp_path):
    data = small_data(tmp_path / "data", {'rdfs:label "Testers"@en': f'rdfs:label "{XSS}"@en'})
    out = tmp_path / "out"
    publish.build(out, data_paths=[data], date=DATE, **QUIET)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    pages = [out / "doc" / "group" / "testers.html", out / "doc" / "claim" / "testlag-tester-prisoners-1954-test.html",
             out / "doc" / "camp" / "testlag.html", out / "class" / "PeopleGroup.html", out / "index.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert scripts_of(html) == (MAP_SCRIPTS if page.name == "testlag.html" else []), page
        assert "<script>" not in html and "<script " not in html.replace("<script src=", ""), page
        if page.name != "index.html":
            assert escaped in html, page
    svg = (out / "charts" / "prisoner-shares.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg.encode("utf-8"))


def test_build_is_reproducible_with_a_fixed_date(tmp_path):
    data = small_data(tmp_path / "data")
    publish.build(tmp_path / "one", data_paths=[data], date=DATE, **QUIET)
    publish.build(tmp_path / "two", data_paths=[data], date=DATE, **QUIET)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_progress_reports_each_step(tmp_path):
    seen = []
    publish.build(tmp_path / "out", data_paths=[small_data(tmp_path / "a")], date=DATE,
                  progress=lambda step, done=None, total=None: seen.append((step, done, total)))
    steps = [s for s, done, _ in seen if done is None]
    for step in ("load", "validate", "dumps", "resource pages", "manifest", "swap"):
        assert step in steps
    assert any(s == "resource pages" and done == total for s, done, total in seen if done is not None)


def test_terminal_progress_writes_lines():
    import io

    stream = io.StringIO()
    printer = StepProgress("build", stream)
    printer("load")
    printer("resource pages", 1, 2)
    printer("resource pages", 2, 2)
    printer("swap")
    assert stream.getvalue().splitlines()[0] == "build: load"
    assert "resource pages 2/2 (100%)" in stream.getvalue() and stream.getvalue().endswith("build: swap\n")


def test_bad_date_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        publish.build(tmp_path / "out", data_paths=[small_data(tmp_path / "a")], date="27.11.2026", **QUIET)
    assert not (tmp_path / "out").exists()


def test_bundled_build_time(release):
    """The build records how long it took and each step's share (validation measured on its own);
    how fast it is, is measured by benchmarks/run.py, not asserted here."""
    result = release[1]
    assert "validate" in result.steps and 0 <= result.steps["validate"] <= result.seconds, result.steps


# ---------------------------------------------------------------------------------------------
# A generated register: a page and its data for every person
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register_release(tmp_path_factory):
    """A release of 300 generated persons (with the bundled resources they point to)."""
    from heritage_graph import generate

    folder = tmp_path_factory.mktemp("register")
    register = folder / "register.nt"
    generate.generate(300, 1954, 0.0, register, show_progress=False)
    paths = [*generate.context_paths(), register]
    out = folder / "out"
    result = publish.build(out, data_paths=paths, date=DATE, **QUIET)
    return out, result, load(paths), paths


def described_graph(store, iri: str) -> rdflib.Graph:
    """What a resource's documents must hold, read from the store: its statements over every graph
    and those of the blank nodes it leads to, the claims about it with theirs, and the statements
    linking into it."""


    resource = ox.NamedNode(iri)
    about = ox.NamedNode(DEFAULT_BASE + "ontology#about")
    triples, seen = set(), set()
    frontier = [resource] + [q.subject for q in store.ox.quads_for_pattern(None, about, resource, None)]
    while frontier:
        node = frontier.pop()
        for q in store.ox.quads_for_pattern(node, None, None, None):
            triples.add(q.triple)
            if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                seen.add(q.object)
                frontier.append(q.object)
    triples.update(q.triple for q in store.ox.quads_for_pattern(None, None, resource, None))
    return to_rdflib([ox.Quad(t.subject, t.predicate, t.object) for t in triples])


def test_every_generated_person_has_a_page_and_documents_that_read_back(register_release):
    out, result, dataset, _paths = register_release
    data = web.SiteData(dataset.store)
    persons = [n for n in data.data_typed if n.value.startswith(DEFAULT_BASE + "id/person/synthetic-")]
    assert len(persons) == 300
    assert result.resources == len(data.data_typed)
    formats = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}
    for person in persons:
        stem = out / web.doc_path(person.value, suffix="")
        html = Path(f"{stem}.html").read_text(encoding="utf-8")
        labels = {o.language: o.value for p, o in data.out(person) if p == web.LABEL}
        assert set(labels) == {"en", "lt", "ru"}
        for lang, text in labels.items():
            assert f"<td lang=\"{lang}\">{escape(text)}</td>" in html, (person.value, lang)
        assert "Referenced by" in html and 'href="../../doc/event/' in html  # the imprisonment, the release or death
        assert 'href="../../doc/group/lithuanians.html"' in html
        expected = described_graph(dataset.store, person.value)
        assert len(expected) >= 8  # type, three labels, group, birth year, source, the record
        for suffix, fmt in formats.items():
            parsed = rdflib.Graph().parse(f"{stem}{suffix}", format=fmt)
            assert isomorphic(parsed, expected), f"{person.value}{suffix}"
    # JSON-LD expands (pyld, against the release's context) to the same statements: a sample
    for person in persons[::30]:
        stem = out / web.doc_path(person.value, suffix="")
        expanded = rdflib.Graph()
        for graph in pyld_quads(Path(f"{stem}.jsonld")).graphs():
            expanded += graph
        assert isomorphic(expanded, described_graph(dataset.store, person.value)), person.value


def test_generated_events_have_pages_with_their_camp_on_a_map(register_release):
    out, _result, dataset, _paths = register_release
    data = web.SiteData(dataset.store)
    events = [n for n in data.data_typed if n.value.startswith(DEFAULT_BASE + "id/event/synthetic-")]
    assert len(events) == 600  # an imprisonment, and a release or a death, per person
    for event in events[:40]:
        stem = out / web.doc_path(event.value, suffix="")
        html = Path(f"{stem}.html").read_text(encoding="utf-8")
        assert '<div class="leaflet-map small-map"' in html and '<li data-lat="' in html
        assert 'href="../../doc/person/synthetic-' in html
        assert isomorphic(rdflib.Graph().parse(f"{stem}.nt", format="nt"), described_graph(dataset.store, event.value))


def test_the_manifest_of_a_register_lists_every_file_once(register_release):
    out, result, _dataset, _paths = register_release
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(set(paths))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(paths) == on_disk
    assert result.files == len(paths) + 1 and result.bytes == sum(f["bytes"] for f in manifest["files"])
    for entry in manifest["files"][::97]:
        content = (out / entry["path"]).read_bytes()
        assert entry["bytes"] == len(content) and entry["sha256"] == hashlib.sha256(content).hexdigest()


def test_pages_written_by_two_processes_are_those_written_by_one(register_release, tmp_path, monkeypatch):
    """The resource pages are shared out between the build's process and a worker it forks; a
    build without the worker writes the same release, byte for byte."""
    out, _result, _dataset, paths = register_release
    monkeypatch.setattr(publish_pages, "_can_fork", lambda: False)
    alone = tmp_path / "alone"
    publish.build(alone, data_paths=paths, date=DATE, **QUIET)
    assert tree(alone) == tree(out)


def test_an_invalid_register_is_refused_though_pages_were_being_written(tmp_path):
    """The worker process starts on the pages while the data is validated: data that does not
    conform stops it, and nothing it wrote is left."""
    from heritage_graph import generate

    register = tmp_path / "data" / "register.nt"
    register.parent.mkdir()
    summary = generate.generate(300, 1954, 0.05, register, show_progress=False)
    assert summary.broken_persons > 0
    out = tmp_path / "site" / "out"
    with pytest.raises(publish.InvalidDataError):
        publish.build(out, data_paths=[*generate.context_paths(), register], date=DATE, **QUIET)
    assert not out.exists() and not out.parent.exists()


def test_the_files_the_layout_names_are_written(out):
    """The server and the host rules find the ontology and the dataset description by the names in
    publish.layout: the build writes them there."""
    for name in [*layout.ONTOLOGY_FILES.values(), *layout.VOID_FILES.values(), layout.CONTEXT]:
        assert (out / name).is_file(), name
