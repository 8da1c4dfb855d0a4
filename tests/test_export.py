"""Exports (heritage_graph.export), each read back by an independent tool: pyld for the schema.org
JSON-LD, pyoxigraph for the Linked Art Turtle, shapely and the RFC 7946 rules for GeoJSON, the csv
module for the CSV folder."""

from __future__ import annotations

import csv
import json

import pyoxigraph as ox
import pytest

from heritage_graph.util import atomic
from heritage_graph import export as ex
from heritage_graph.errors import InputError
from heritage_graph.rdf.vocab import GEO, HG, HGID, OWL, RDF, RDFS

SCHEMA = "https://schema.org/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"


def _curated(store, class_iri):
    return set(ex.curated_resources(store, class_iri))


def _objects(store, subject, predicate):
    return {q.object for q in store.ox.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None)}


# schema.org JSON-LD, expanded by pyld --------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_graph(bundled_dataset, tmp_path_factory):
    from pyld import jsonld

    out = tmp_path_factory.mktemp("schema") / "dataset.jsonld"
    ex.export("schema-org", out, store=bundled_dataset.store)
    document = json.loads(out.read_text(encoding="utf-8"))

    def no_remote(url, options=None):  # the context is inline: nothing may be fetched
        raise AssertionError(f"pyld tried to load {url}")

    nquads = jsonld.to_rdf(jsonld.expand(document, {"documentLoader": no_remote}),
                           {"format": "application/n-quads", "documentLoader": no_remote})
    graph = ox.Store()
    graph.extend(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    return document, graph


def test_schema_org_has_the_dataset(schema_graph):
    document, graph = schema_graph
    dataset = ox.NamedNode("https://w3id.org/heritage-graph/dataset")
    assert ox.Quad(dataset, ox.NamedNode(RDF + "type"), ox.NamedNode(SCHEMA + "Dataset")) in graph
    licence = {q.object for q in graph.quads_for_pattern(dataset, ox.NamedNode(SCHEMA + "license"), None, None)}
    assert licence == {ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")}
    parts = {q.object.value for q in graph.quads_for_pattern(dataset, ox.NamedNode(SCHEMA + "hasPart"), None, None)}
    assert HGID + "camp/karlag" in parts and HGID + "site/spassk-memorial-cemetery" in parts
    based_on = {q.object.value for q in graph.quads_for_pattern(dataset, ox.NamedNode(SCHEMA + "isBasedOn"), None, None)}
    assert HGID + "source/gulag-map" in based_on


@pytest.mark.parametrize("root, schema_type", [
    (HG + "Place", "Place"), (HG + "Event", "Event"), (HG + "HeritageSite", "LandmarksOrHistoricalBuildings"),
    (HG + "Person", "Person"), (HG + "Organisation", None), (HG + "Group", "Organization"),
])
def test_schema_org_nodes_equal_the_graph(root, schema_type, schema_graph, bundled_dataset):
    _, graph = schema_graph
    store = bundled_dataset.store
    subjects = _curated(store, root)
    assert subjects
    type_of = ox.NamedNode(RDF + "type")
    for iri in subjects:
        node = ox.NamedNode(iri)
        types = {q.object.value for q in graph.quads_for_pattern(node, type_of, None, None)}
        assert types, f"{iri} is not in the export"
        if schema_type and root != HG + "Place":
            assert SCHEMA + schema_type in types or schema_type == "Organization", (iri, types)
        names = {q.object for q in graph.quads_for_pattern(node, ox.NamedNode(SCHEMA + "name"), None, None)}
        assert names == _objects(store, iri, RDFS + "label"), iri
        same = {q.object for q in graph.quads_for_pattern(node, ox.NamedNode(SCHEMA + "sameAs"), None, None)}
        assert same == _objects(store, iri, OWL + "sameAs")
        lat = _objects(store, iri, GEO + "lat")
        if lat:
            geo = next(graph.quads_for_pattern(node, ox.NamedNode(SCHEMA + "geo"), None, None)).object
            latitude = next(graph.quads_for_pattern(geo, ox.NamedNode(SCHEMA + "latitude"), None, None)).object
            assert float(latitude.value) == float(next(iter(lat)).value)


def test_schema_org_memorials_and_camps(schema_graph):
    _, graph = schema_graph
    memorial = ox.NamedNode(HGID + "site/spassk-memorial-cemetery")
    types = {q.object.value for q in graph.quads_for_pattern(memorial, ox.NamedNode(RDF + "type"), None, None)}
    assert {SCHEMA + "Cemetery", SCHEMA + "LandmarksOrHistoricalBuildings"} <= types
    karlag = ox.NamedNode(HGID + "camp/karlag")
    extra = {q.object.value for q in graph.quads_for_pattern(karlag, ox.NamedNode(SCHEMA + "additionalType"), None, None)}
    assert extra == {HG + "CampSystem"}


# Linked Art (CIDOC-CRM), read by pyoxigraph --------------------------------------------------------


@pytest.fixture(scope="module")
def crm_graph(bundled_dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("crm") / "heritage-graph.crm.ttl"
    ex.export("linked-art", out, store=bundled_dataset.store)
    graph = ox.Store()
    graph.extend(ox.parse(out.read_bytes(), format=ox.RdfFormat.TURTLE))
    return graph


def test_every_mapping_is_a_documented_construct_query():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "export.md").read_text(encoding="utf-8")
    files = ex.mapping_files()
    assert {p.stem for p in files} >= {"claims", "places", "events", "memorials"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#") and "CONSTRUCT" in text
        ox.Store().query(text)  # parses
        assert f"`{path.name}`" in docs


def test_every_claim_is_an_attribute_assignment_with_a_dimension(crm_graph, bundled_dataset):
    store = bundled_dataset.store
    claims = {q.subject for q in store.ox.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(HG + "Claim"), None)}
    assert len(claims) > 2000
    rows = crm_graph.query(f"""PREFIX crm: <{CRM}>
SELECT ?claim ?dimension ?value WHERE {{
  ?claim a crm:E13_Attribute_Assignment ; crm:P141_assigned ?dimension ; crm:P140_assigned_attribute_to ?about .
  ?dimension a crm:E54_Dimension ; crm:P2_has_type ?kind .
  OPTIONAL {{ ?dimension crm:P90_has_value ?value }}
}}""")
    found = {}
    for row in rows:
        found[row["claim"]] = row["value"]
    assert set(found) == claims
    for claim, value in found.items():
        stated = _objects(store, claim.value, HG + "value")
        assert ({value} if value is not None else set()) == stated


def test_claim_bounds_units_and_time(crm_graph):
    claim = ox.NamedNode(HGID + "claim/karlag-prisoners-1954-gtl")
    rows = list(crm_graph.query(f"""PREFIX crm: <{CRM}>
SELECT ?unit ?begin ?end ?source WHERE {{
  <{claim.value}> crm:P141_assigned ?d ; crm:P4_has_time-span ?span ; crm:P70i_is_documented_in ?source .
  ?d crm:P91_has_unit ?unit .
  ?span crm:P82a_begin_of_the_begin ?begin ; crm:P82b_end_of_the_end ?end .
}}"""))
    assert len(rows) == 1
    assert rows[0]["unit"].value == "http://qudt.org/vocab/unit/NUM"
    assert rows[0]["begin"].value.startswith("1954-01-01") and rows[0]["end"].value.startswith("1954-12-31")
    at_least = list(crm_graph.query(f"""PREFIX crm: <{CRM}>
SELECT ?low WHERE {{ ?c crm:P141_assigned ?d . ?d crm:P2_has_type <{HG}AtLeast> ; crm:P90a_has_lower_value_limit ?low }}"""))
    assert at_least, "an 'at least' claim keeps its lower limit"


def test_places_events_and_memorials(crm_graph, bundled_dataset):
    store = bundled_dataset.store
    type_of = ox.NamedNode(RDF + "type")

    def typed(iri, cls):
        return ox.Quad(ox.NamedNode(iri), type_of, ox.NamedNode(CRM + cls)) in crm_graph

    memorials = set(ex.all_resources(store, HG + "Memorial"))
    for place in ex.all_resources(store, HG + "Place"):
        assert typed(place, "E22_Human-Made_Object" if place in memorials else "E53_Place"), place
    for event in ex.all_resources(store, HG + "Event"):
        assert typed(event, "E5_Event"), event
    uprising = list(crm_graph.query(f"""PREFIX crm: <{CRM}>
SELECT ?begin WHERE {{ ?e a crm:E5_Event ; crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?begin }}"""))
    assert uprising
    wkt = list(crm_graph.quads_for_pattern(ox.NamedNode(HGID + "place/almaty"), ox.NamedNode(CRM + "P168_place_is_defined_by"), None, None))
    assert wkt[0].object.value == "POINT(76.92848 43.25654)"


# GeoJSON: RFC 7946 structure, shapely geometry ----------------------------------------------------


@pytest.fixture(scope="module")
def collection(bundled_dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("geo") / "places.geojson"
    ex.export("geojson", out, store=bundled_dataset.store)
    return json.loads(out.read_text(encoding="utf-8"))


def test_geojson_structure_and_geometry(collection):
    from shapely.geometry import shape

    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    ids = [f["id"] for f in collection["features"]]
    assert len(ids) == len(set(ids))
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        assert geometry["type"] in ("Point", "MultiPoint")
        points = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        for lon, lat in points:  # RFC 7946: [longitude, latitude]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert shape(geometry).is_valid
        properties = feature["properties"]
        assert {"iri", "label", "type", "labels", "kind", "coordinates_from"} <= set(properties)
        assert properties["iri"] == feature["id"]


def test_geojson_has_every_place_with_coordinates(collection, bundled_dataset):
    store = bundled_dataset.store
    by_id = {f["id"]: f for f in collection["features"]}
    for quad in store.ox.quads_for_pattern(None, ox.NamedNode(GEO + "lat"), None, None):
        iri = quad.subject.value
        feature = by_id[iri]
        lon, lat = feature["geometry"]["coordinates"]
        assert lat == float(quad.object.value)
        assert lon == float(next(iter(_objects(store, iri, GEO + "long"))).value)
    karlag = by_id[HGID + "camp/karlag"]
    assert karlag["geometry"]["coordinates"] == [72.68055, 49.67055]  # its headquarters, Dolinka
    assert karlag["properties"]["coordinates_from"] == "headquarters: Dolinka"
    assert karlag["properties"]["labels"]["ru"] == "Карлаг"
    # A camp of the register with several located places is a MultiPoint.
    steplag = by_id[HGID + "camp/gulag-map-287"]
    assert steplag["geometry"]["type"] == "MultiPoint"
    # Nothing borrows a country's centre: Spassk lies only "in Kazakhstan".
    assert HGID + "camp/spassk" not in by_id


# CSV, read by the csv module ----------------------------------------------------------------------


def test_csv_folder_has_one_file_per_kind(bundled_dataset, tmp_path):
    out = tmp_path / "csv"
    result = ex.export("csv", out, store=bundled_dataset.store)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{name}.csv" for name, _ in ex.CSV_KINDS)
    seen = set()
    for path in result.paths:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, path.name
        assert list(rows[0])[:3] == ["iri", "type", "label_en"]
        for row in rows:
            assert row["iri"] not in seen, "each resource is in one file"
            seen.add(row["iri"])
    with (out / "camps.csv").open(encoding="utf-8", newline="") as handle:
        camps = {r["iri"]: r for r in csv.DictReader(handle)}
    karlag = camps[HGID + "camp/karlag"]
    assert karlag["label_en"] == "Karlag" and karlag["label_ru"] == "Карлаг"
    assert karlag["headquarters"] == "place:dolinka" and karlag["type"] == "CampSystem"
    assert karlag["exact_match"] == "camp:gulag-map-195"
    with (out / "claims.csv").open(encoding="utf-8", newline="") as handle:
        claims = {r["iri"]: r for r in csv.DictReader(handle)}
    claim = claims[HGID + "claim/karlag-prisoners-1954-gtl"]
    assert claim["value"] == "20500" and claim["approximation"] == "hg:Circa" and claim["year"] == "1954"


def test_csv_export_replaces_a_previous_export_whole(bundled_dataset, tmp_path):
    out = tmp_path / "csv"
    out.mkdir()
    (out / "old.csv").write_text("x\n", encoding="utf-8")
    ex.export("csv", out, store=bundled_dataset.store)
    assert not (out / "old.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_csv_export_refuses_a_folder_with_other_files(bundled_dataset, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(InputError, match="other files than CSV"):
        ex.export("csv", out, store=bundled_dataset.store)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def test_file_export_is_atomic(bundled_dataset, tmp_path, monkeypatch):
    from heritage_graph.ingest import importer

    out = tmp_path / "places.geojson"
    out.write_text("previous\n", encoding="utf-8")

    def broken(handle, data):
        handle.write(data[:100])
        raise OSError("disk full")

    monkeypatch.setattr(atomic, "_write_all", broken)
    with pytest.raises(InputError, match="cannot be written"):
        ex.export("geojson", out, store=bundled_dataset.store)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["places.geojson"]


def test_unknown_format_is_an_input_error(bundled_dataset):
    with pytest.raises(InputError, match="unknown export format"):
        ex.export("kml", store=bundled_dataset.store)


# The commands -----------------------------------------------------------------------------------


def test_cli_export_geojson(run_cli, tmp_path):
    out = tmp_path / "places.geojson"
    result = run_cli("export", "geojson", "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_cli_reconcile_review_and_accept(run_cli, tmp_path):
    review, out = tmp_path / "review.csv", tmp_path / "links.ttl"
    result = run_cli("reconcile", "--review", review, "--accept", "0.8", "--out", out)
    assert result.exit_code == 0, result.output
    assert "Karagandinsky ITL" in result.output and review.exists()
    assert "skos:exactMatch camp:gulag-map-195" in out.read_text(encoding="utf-8")
    both = run_cli("reconcile", "--accept", "0.8", "--from-review", review)
    assert both.exit_code == 2 and "not both" in both.stderr
