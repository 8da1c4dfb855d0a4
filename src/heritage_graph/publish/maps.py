"""The map of a release: the map page, the GeoJSON of every place, and what the maps load.

``map/index.html`` draws ``map/places.geojson`` (:func:`heritage_graph.web.maps.places_geojson`,
also the release's GeoJSON download) over ``assets/map/countries.geojson`` (Natural Earth's
borders, :mod:`heritage_graph.web.basemap`) with Leaflet, shipped in ``assets/``.
"""

from __future__ import annotations

from ..web import basemap, maps, templating
from .release import Release

#: The map page, and the GeoJSON of every place, in a release.
PAGE = "map/index.html"
PLACES = "map/places.geojson"


def write_map(ctx: Release) -> None:
    """map/index.html, map/places.geojson, the borders and the maps' libraries."""
    ctx.write(PLACES, maps.places_geojson(ctx.data))
    ctx.write(PAGE, templating.render(
        "map_page.html", root="../", title="Map", kinds=maps.kind_counts(ctx.data), years=maps.years_range(ctx.data),
        count=len(maps.features(ctx.data))))
    ctx.write(basemap.COUNTRIES, basemap.countries_geojson())
    for relative, source in basemap.STATIC.items():
        ctx.write(relative, source.read_bytes())
