"""The offline base of the site's maps: Natural Earth's country borders (1:50m), as GeoJSON.

The borders ship with the package as world-atlas's TopoJSON of Natural Earth
(``static/natural-earth/countries-50m.json``, see ``static/README.md``); :func:`countries_geojson`
decodes it into a GeoJSON FeatureCollection, one feature per country with its ``name``, which
the maps draw under their markers. :data:`STATIC` lists the files of the maps' libraries that a
release ships in ``assets/``.

>>> borders = json.loads(countries_geojson())
>>> [f["properties"]["name"] for f in borders["features"] if f["id"] == "398"]
['Kazakhstan']
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

STATIC_FOLDER = Path(__file__).resolve().parent / "static"
TOPOLOGY = STATIC_FOLDER / "natural-earth" / "countries-50m.json"

#: Where the borders go in a release.
COUNTRIES = "assets/map/countries.geojson"

#: The maps' libraries, by their path in a release: Leaflet and Leaflet.markercluster.
STATIC = {
    f"assets/{relative}": STATIC_FOLDER / relative
    for relative in (
        "leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE",
        "leaflet/images/layers.png", "leaflet/images/layers-2x.png", "leaflet/images/marker-icon.png",
        "leaflet/images/marker-icon-2x.png", "leaflet/images/marker-shadow.png",
        "leaflet-markercluster/leaflet.markercluster.js", "leaflet-markercluster/MarkerCluster.css",
        "leaflet-markercluster/MarkerCluster.Default.css", "leaflet-markercluster/LICENSE",
        "natural-earth/LICENSE",
    )
}

#: Decimal places kept of a border's coordinates (1:50m: about 100 m).
PLACES = 3


@lru_cache(maxsize=1)
def countries_geojson() -> bytes:
    """The country borders as a GeoJSON FeatureCollection (UTF-8, compact)."""
    topology = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    arcs = _decoded_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coordinates = _polygon(geometry["arcs"], arcs)
        elif kind == "MultiPolygon":
            coordinates = [_polygon(polygon, arcs) for polygon in geometry["arcs"]]
        else:
            continue
        features.append({"type": "Feature", "id": str(geometry.get("id", "")),
                         "properties": {"name": (geometry.get("properties") or {}).get("name", "")},
                         "geometry": {"type": kind, "coordinates": coordinates}})
    collection = {"type": "FeatureCollection",
                  "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decoded_arcs(topology: dict) -> list[list[list[float]]]:
    """The topology's arcs in degrees: quantized positions, delta-encoded, then transformed."""
    transform = topology.get("transform")
    if transform is None:
        return [[[round(x, PLACES), round(y, PLACES)] for x, y in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append([round(x * sx + tx, PLACES), round(y * sy + ty, PLACES)])
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list) -> list[list[float]]:
    """A closed ring from arc indexes (a negative index ``~i`` is arc ``i`` reversed); each arc
    after the first starts where the one before ends, so its first position is left out."""
    ring: list[list[float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _polygon(rings: list[list[int]], arcs: list) -> list:
    return [_ring(indexes, arcs) for indexes in rings]
