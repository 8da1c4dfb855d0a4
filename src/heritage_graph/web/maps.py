"""The map on a resource's page: an inline SVG of its places among the other places with coordinates.

No tiles and no scripts: the points of the graph on a graticule, the resource's own places marked
and named, the nearest others named where there is room. The drawing is ``templates/map.svg``.
"""

from __future__ import annotations

import math

import pyoxigraph as ox
from markupsafe import Markup, escape

from .data import SiteData
from .formats import degrees
from .templating import render
from .values import Page

#: Where the title goes in a drawn map, until a page puts its own in.
_TITLE = "\x00title\x00"

_MAP_LINKS = ("location", "headquarters", "countedAt", "partOf")


def map_points(data: SiteData, node) -> tuple[list[tuple[ox.NamedNode, float, float]], str]:
    """The points to plot for ``node``: its own coordinates, else those of the places it is at.

    Follows ``hg:location``, ``hg:headquarters``, ``hg:countedAt`` and ``hg:partOf`` up to two
    steps and stops at the first step that reaches coordinates; a country's centre is left out
    where a more precise place is found.
    """
    points = data.points
    if node in points:
        lat, lon = points[node]
        return [(node, lat, lon)], ""
    links = [data.hgn(local) for local in _MAP_LINKS]
    frontier = [node]
    seen = {node}
    for _step in range(2):
        following = []
        for current in frontier:
            for p, o in data.out(current):
                if p in links and isinstance(o, ox.NamedNode) and o not in seen:
                    seen.add(o)
                    following.append(o)
        found = [(o, *points[o]) for o in following if o in points]
        if found:
            precise = [f for f in found if not data.is_a(f[0], "Country")]
            found = precise or found
            return found, ", ".join(data.label(f[0]) for f in found)
        frontier = following
    return [], ""


def map_svg(data: SiteData, page: Page, node, *, width: int = 360, height: int = 240) -> dict | None:
    """The drawing of the map for ``node`` (for the ``map.svg`` template), or None."""
    focus, via = map_points(data, node)
    if not focus:
        return None
    focus_nodes = {f[0] for f in focus}
    lat0 = sum(f[1] for f in focus) / len(focus)
    lon0 = sum(f[2] for f in focus) / len(focus)
    coslat = max(0.2, math.cos(math.radians(lat0)))
    others = [(n, lat, lon) for n, (lat, lon) in data.points.items() if n not in focus_nodes]
    spread = max([0.0] + [max(abs(f[1] - lat0), abs(f[2] - lon0) * coslat) for f in focus])
    distances = sorted(math.hypot(lat - lat0, (lon - lon0) * coslat) for _, lat, lon in others)
    near = distances[min(8, len(distances) - 1)] if distances else 2.0
    half_height = min(20.0, max(1.0, spread * 1.3, near * 1.1))
    half_width = half_height * width / height
    scale = (height / 2) / half_height

    def project(lat, lon):
        return width / 2 + (lon - lon0) * coslat * scale, height / 2 - (lat - lat0) * scale

    def inside(x, y):
        return 4 <= x <= width - 4 and 4 <= y <= height - 4

    around = []
    for n, lat, lon in others:
        x, y = project(lat, lon)
        if inside(x, y):
            distance = math.hypot(lat - lat0, (lon - lon0) * coslat)
            around.append({"x": round(x, 1), "y": round(y, 1), "label": data.label(n), "href": page.href(n.value),
                           "distance": distance, "named": False})
    around.sort(key=lambda a: (a["distance"], a["label"], a["x"], a["y"]))
    around = around[:150]
    taken = [(m_x, m_y) for m_x, m_y in (project(f[1], f[2]) for f in focus)]
    for a in around[:12]:
        if sum(1 for b in around if b["named"]) >= 5:
            break
        if all(abs(a["x"] - x) > 40 or abs(a["y"] - y) > 12 for x, y in taken) and 30 < a["x"] < width - 30:
            a["named"] = True
            taken.append((a["x"], a["y"]))
    around.sort(key=lambda a: (a["label"], a["x"], a["y"]))
    marks = []
    for n, lat, lon in focus:
        x, y = project(lat, lon)
        marks.append({"x": round(x, 1), "y": round(y, 1), "label": data.label(n), "lat": lat, "lon": lon,
                      "href": page.href(n.value) if n != node else None})
    for item, size, gap in [(m, 7.2, 9) for m in marks] + [(a, 5.4, 5) for a in around if a["named"]]:
        text = item["label"] if len(item["label"]) <= 26 else item["label"][:25] + "…"
        room_right = width - item["x"] - gap - 4
        right = len(text) * size <= room_right or item["x"] < width / 2
        item["text"] = text
        item["anchor"] = "start" if right else "end"
        item["tx"] = round(item["x"] + gap if right else item["x"] - gap, 1)
    step = _grid_step(half_height * 2)
    lines = []
    lat_lo, lat_hi = lat0 - half_height, lat0 + half_height
    lon_lo, lon_hi = lon0 - half_width / coslat, lon0 + half_width / coslat
    value = math.ceil(lat_lo / step) * step
    while value <= lat_hi:
        _, y = project(value, lon0)
        lines.append({"x1": 0, "y1": round(y, 1), "x2": width, "y2": round(y, 1), "label": degrees(value, "N", "S"),
                      "lx": 3, "ly": round(y - 2, 1)})
        value += step
    value = math.ceil(lon_lo / step) * step
    while value <= lon_hi:
        x, _ = project(lat0, value)
        lines.append({"x1": round(x, 1), "y1": 0, "x2": round(x, 1), "y2": height, "label": degrees(value, "E", "W"),
                      "lx": round(x + 2, 1), "ly": height - 3})
        value += step
    return {"width": width, "height": height, "marks": marks, "around": around, "lines": lines, "via": via,
            "count": len(around)}


def drawn_map(data: SiteData, page: Page, node, title: str) -> Markup | None:
    """The figure of the map of ``node`` (``map.html``: :func:`map_svg` drawn and its caption),
    named ``title``; None if it has none.

    Every resource located at the same places has the same map: it is drawn once per site and
    root (a register's events at one camp share one), and only its title differs.
    """
    focus, _via = map_points(data, node)
    if not focus:
        return None
    places = tuple(f[0] for f in focus)
    key = (page.root, places, node if node in places else None)
    found = data.maps.get(key)
    if found is None:
        drawing = map_svg(data, page, node)
        found = data.maps[key] = render("map.html", map=drawing, title=Markup(_TITLE))
    return Markup(found.replace(_TITLE, escape(title)))


def _grid_step(span: float) -> float:
    for step in (0.25, 0.5, 1, 2, 5, 10, 20):
        if span / step <= 6:
            return step
    return 30
