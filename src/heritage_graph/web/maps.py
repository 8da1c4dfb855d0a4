"""The site's maps: what a resource's map shows, and the GeoJSON the map page draws.

Where each place, camp and heritage site is shown is decided in one place, the GeoJSON export
(:func:`heritage_graph.export.geojson`: its own coordinates, else those of its headquarters,
locations or the places it is near, never a country's or region's centre). The maps are drawn in
the browser by Leaflet over Natural Earth's borders (:mod:`.basemap`, shipped in the release), so
that they mean something without a network; OpenStreetMap's tiles are a layer the visitor may
switch on. This module gives them their data:

* :func:`places_geojson`: the export's features with the page of each (``page``, from the
  release's root): the map page draws them and a release offers the file as a download;
* :func:`map_figure`: the points of a resource's map: its own feature, else those of the
  resources it is at (an event at a camp is shown where the camp is), listed in the page by
  ``templates/map.html`` (readable without scripts) and drawn by ``assets/map.js``.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from markupsafe import Markup, escape

from ..export.geojson import AREAS, geojson
from .data import SiteData
from .templating import render
from .values import Page

#: Where the title goes in a drawn map, until a page puts its own in.
_TITLE = "\x00title\x00"

#: The links followed from a resource without a place of its own to the places it is at.
_MAP_LINKS = ("location", "headquarters", "countedAt", "partOf")

#: The kinds of the map page's filter: (the export's ``kind``, what the filter calls it).
KINDS = (("camp", "GULAG camps"), ("memorial", "Memorials"), ("heritage site", "Other heritage sites"),
         ("place", "Places"))


def features(data: SiteData) -> dict[str, dict]:
    """The features of the GeoJSON export by IRI, each with its ``page``; worked out once per site."""
    found = data.maps.get("features")
    if found is None:
        collection = geojson(data.store, hg=data.hg)
        found = {}
        for feature in collection["features"]:
            feature["properties"]["page"] = data.doc_path(feature["id"])
            found[feature["id"]] = feature
        data.maps["features"] = found
    return found


def places_geojson(data: SiteData) -> bytes:
    """The map page's GeoJSON (RFC 7946; UTF-8): every feature of :func:`features`."""
    collection = {"type": "FeatureCollection", "features": list(features(data).values())}
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _points(feature: dict) -> list[tuple[float, float]]:
    geometry = feature["geometry"]
    coordinates = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
    return [(lat, lon) for lon, lat in coordinates]


def map_figure(data: SiteData, page: Page, node) -> dict | None:
    """What the map of ``node`` shows (for ``templates/map.html``), or None if it has no place.

    ``marks`` are points (latitude, longitude, name, link unless it is ``node`` itself), ``via``
    says where they come from (and ``drawn`` its markup, once :func:`drawn_map` has drawn it). A resource with a feature of its own is shown where the export
    puts it, and a place without one (Spassk, known only to lie in Kazakhstan) has no map; any other
    resource (an event, a community) is shown where the resources it is at are (``hg:location``,
    ``hg:headquarters``, ``hg:countedAt``, ``hg:partOf``, up to two steps; never at a country's or
    region's centre). Shared by every resource at the same places (a register's events at one camp).
    """
    by_iri = features(data)
    own = by_iri.get(node.value) if isinstance(node, ox.NamedNode) else None
    if own is not None:
        properties = own["properties"]
        marks = [{"lat": lat, "lon": lon, "label": properties["label"], "href": None} for lat, lon in _points(own)]
        return {"marks": marks, "via": _borrowed(properties["coordinates_from"]), "all": f"{page.root}map/index.html"}
    if data.is_a(node, "Place"):  # a place the export leaves off the map (known only to lie in a country)
        return None
    at = _places_at(data, node, by_iri)
    if not at:
        return None
    key = (page.root, tuple(at))
    found = data.maps.get(key)
    if found is None:
        marks, via = [], []
        for iri in at:
            properties = by_iri[iri]["properties"]
            href = page.href(iri)
            marks += [{"lat": lat, "lon": lon, "label": properties["label"], "href": href}
                      for lat, lon in _points(by_iri[iri])]
            borrowed = _borrowed(properties["coordinates_from"])
            via.append(properties["label"] + (f" ({borrowed})" if borrowed else ""))
        found = data.maps[key] = {"marks": marks, "via": "; ".join(via), "all": f"{page.root}map/index.html"}
    return found


def drawn_map(data: SiteData, page: Page, node, title: str) -> Markup | None:
    """The figure of the map of ``node`` (``templates/map.html`` with :func:`map_figure`), named
    ``title``; None if it has none. A figure shared by the resources at the same places (a
    register's events at one camp) is drawn once and kept with it: only the title differs."""
    figure = map_figure(data, page, node)
    if figure is None:
        return None
    drawn = figure.get("drawn")
    if drawn is None:
        drawn = figure["drawn"] = render("map.html", map=figure, title=Markup(_TITLE))
    return Markup(drawn.replace(_TITLE, escape(title)))


def _borrowed(source: str) -> str:
    """Where a feature took its coordinates from, in words: ``headquarters: Dolinka`` → ``its
    headquarters, Dolinka``; nothing for its own."""
    if source == "own":
        return ""
    relation, _, places = source.partition(": ")
    return f"its {relation}, {places}"


def _places_at(data: SiteData, node, by_iri: dict) -> list[str]:
    """The IRIs of the features ``node`` is at, from the nearest step that reaches any."""
    links = [data.hgn(local) for local in _MAP_LINKS]
    frontier, seen = [node], {node}
    for _step in range(2):
        following = []
        for current in frontier:
            for p, o in data.out(current):
                if p in links and isinstance(o, ox.NamedNode) and o not in seen:
                    seen.add(o)
                    following.append(o)
        found = [o.value for o in following if o.value in by_iri and not any(data.is_a(o, a) for a in AREAS)]
        if found:
            return found
        frontier = following
    return []


def kind_counts(data: SiteData) -> list[dict]:
    """The kinds of :data:`KINDS` with how many features of the map have each (the map page's filter)."""
    kinds = [f["properties"]["kind"] for f in features(data).values()]
    return [{"key": key, "name": name, "count": kinds.count(key)} for key, name in KINDS]


def years_range(data: SiteData) -> tuple[int, int] | None:
    """The first and last years of the features of the map, or None if none has years."""
    spans = [f["properties"]["years"] for f in features(data).values() if f["properties"]["years"]]
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)
