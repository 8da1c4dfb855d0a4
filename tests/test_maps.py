"""The site's maps (heritage_graph.web.maps, heritage_graph.web.basemap): the offline borders,
what a resource's map shows, the GeoJSON of every place, and the map files of a release."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from shapely.geometry import Point, shape
from starlette.testclient import TestClient

from heritage_graph import generate
from heritage_graph.export import geojson
from heritage_graph.publish.build import build
from heritage_graph.rdf.load import load
from heritage_graph.serve.app import create_app
from heritage_graph.web import basemap, maps
from heritage_graph.web.data import SiteData
from heritage_graph.web.values import Page

ID = "https://w3id.org/heritage-graph/id/"


@pytest.fixture(scope="module")
def data() -> SiteData:
    return SiteData(load(None).store)


@pytest.fixture(scope="module")
def places(data) -> dict:
    return json.loads(maps.places_geojson(data))


def test_the_borders_are_natural_earths_countries_where_they_are():
    borders = json.loads(basemap.countries_geojson())
    assert len(borders["features"]) == 241
    by_name = {f["properties"]["name"]: shape(f["geometry"]) for f in borders["features"]}
    assert by_name["Kazakhstan"].is_valid and by_name["Kazakhstan"].contains(Point(73.1, 49.8))  # Karagandy
    assert by_name["Lithuania"].contains(Point(25.28, 54.69))  # Vilnius
    assert not by_name["Kazakhstan"].contains(Point(25.28, 54.69))


def test_the_map_draws_the_geojson_export_with_the_page_of_each_feature(data, places):
    """One job, one place: where a place, camp or site is shown is the export's decision; the
    map adds the page of each feature and nothing else."""
    exported = geojson(data.store)["features"]
    assert [f["id"] for f in places["features"]] == [f["id"] for f in exported]
    for mapped, feature in zip(places["features"], exported):
        properties = dict(mapped["properties"])
        assert properties.pop("page") == data.doc_path(mapped["id"]) is not None
        assert {**mapped, "properties": properties} == feature


def test_the_years_of_a_feature_are_those_of_its_claims_and_its_own(data, places):
    by_id = {f["id"]: f["properties"] for f in places["features"]}
    query = """PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?r (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {
          { ?claim hg:about|hg:countedAt ?r ; hg:year ?y } UNION { ?r hg:year|hg:startYear|hg:endYear ?y }
        } GROUP BY ?r"""
    expected = {row["r"].value: [int(row["first"].value), int(row["last"].value)]
                for row in data.ox.query(query, use_default_graph_as_union=True)}
    assert sum(1 for p in by_id.values() if p["years"]) > 500
    for iri, properties in by_id.items():
        assert properties["years"] == expected.get(iri), iri
    assert by_id[ID + "camp/karlag"]["years"] == [1954, 1954]


def test_the_kind_counts_are_those_of_the_features(data, places):
    counts = {k["key"]: k["count"] for k in maps.kind_counts(data)}
    for key, count in counts.items():
        assert count == sum(1 for f in places["features"] if f["properties"]["kind"] == key)
    assert counts["camp"] > 500 and counts["memorial"] >= 1 and sum(counts.values()) == len(places["features"])


def test_a_resources_map_marks_its_places_and_never_a_countrys_centre_as_its_place(data):
    page = Page(data, "../../")
    karlag = maps.map_figure(data, page, ox.NamedNode(ID + "camp/karlag"))
    assert karlag["via"] == "its headquarters, Dolinka"
    assert karlag["marks"] == [{"lat": 49.67055, "lon": 72.68055, "label": "Karlag", "href": None}]
    balkhash = maps.map_figure(data, page, ox.NamedNode(ID + "event/building-of-balkhash"))
    assert balkhash["marks"] == [{"lat": 46.84806, "lon": 74.995, "label": "Balkhash",
                                  "href": "../../doc/place/balkhash.html"}] and balkhash["via"] == "Balkhash"
    # Spassk has no coordinates and lies in Kazakhstan, whose centre is no place: the export leaves
    # its cemetery off the map, and so does the cemetery's page (no marker at the country's centre)
    assert ID + "site/spassk-memorial-cemetery" not in maps.features(data)
    assert maps.map_figure(data, page, ox.NamedNode(ID + "site/spassk-memorial-cemetery")) is None
    kazakhstan = maps.map_figure(data, page, ox.NamedNode(ID + "place/kazakhstan"))
    assert kazakhstan["marks"][0]["href"] is None and kazakhstan["via"] == ""  # its own coordinates
    assert maps.map_figure(data, page, ox.NamedNode(ID + "group/lithuanians")) is None


def test_a_registers_events_are_shown_where_their_camp_is(tmp_path):
    register = tmp_path / "register.ttl"
    generate.generate(40, 1954, 0.0, register, show_progress=False)
    data = SiteData(load([*generate.context_paths(), register]).store)
    events = [s for s, p in data.incoming(ox.NamedNode(ID + "camp/karlag")) if p == data.hgn("location")]
    assert len(events) >= 5
    for event in events:
        figure = maps.map_figure(data, Page(data, "../../"), event)
        assert figure["marks"] == [{"lat": 49.67055, "lon": 72.68055, "label": "Karlag",
                                    "href": "../../doc/camp/karlag.html"}]
        assert figure["via"] == "Karlag (its headquarters, Dolinka)"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps") / "out"
    build(out, date="2026-12-06", progress=lambda *args, **kwargs: None)
    return out


def test_a_release_holds_the_map_page_its_geojson_the_borders_and_leaflet(release):
    out = release
    manifest = {f["path"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    for path in ["map/index.html", "map/places.geojson", "assets/map/countries.geojson", "assets/map.js",
                 *basemap.STATIC]:
        assert path in manifest and (out / path).is_file(), path
    assert (out / "map" / "places.geojson").read_bytes() == maps.places_geojson(SiteData(load(None).store))
    page = (out / "map" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../map/places.geojson" type="application/geo+json">' in page
    assert '<input type="checkbox" name="kind" value="camp" checked>' in page
    assert '<input type="checkbox" name="kind" value="heritage site" checked>' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="map/places.geojson"' in home and 'href="map/index.html">Map</a>' in home
    rules = (out / ".htaccess").read_text(encoding="utf-8")
    assert "AddType application/geo+json .geojson" in rules and "AddType text/javascript .js" in rules


def test_serve_answers_the_map_files_with_their_media_types(release):
    app = create_app(load(None).store, release=release, workers=1)
    with TestClient(app) as client:
        for path, media in [("/map/places.geojson", "application/geo+json; charset=utf-8"),
                            ("/assets/map/countries.geojson", "application/geo+json; charset=utf-8"),
                            ("/assets/leaflet/leaflet.js", "text/javascript; charset=utf-8"),
                            ("/assets/map.js", "text/javascript; charset=utf-8"),
                            ("/assets/leaflet/images/layers.png", "image/png"),
                            ("/map/index.html", "text/html; charset=utf-8")]:
            answer = client.get(path)
            assert (answer.status_code, answer.headers["content-type"]) == (200, media), path
            assert answer.content == (release / path[1:]).read_bytes(), path
