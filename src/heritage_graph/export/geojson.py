"""The GeoJSON view: a FeatureCollection (RFC 7946) of every place, camp and heritage site with coordinates."""

from __future__ import annotations

import pyoxigraph as ox

from ..rdf.store import OxigraphStore
from ..rdf.vocab import GEO, HG, RDFS, shorten
from ..rdf.labels import label
from .graph import Facts, all_resources, class_closure, is_a, number, select_rows, types_of

#: The classes whose coordinates are the centre of a large area (local names in the ontology).
AREAS = ("Country", "Region")


def geojson(store: OxigraphStore, hg: str = HG) -> dict:
    """Every place, camp and heritage site with coordinates, as a GeoJSON FeatureCollection.

    A resource without coordinates of its own takes, in this order, those of its headquarters,
    its locations or the places it is near, following locations up to three steps (a memorial in
    a cemetery at a settlement); countries and regions are never borrowed from, since their
    coordinates are the centre of a large area. Several borrowed points make a MultiPoint.
    ``years`` are the first and last years the graph gives for it (its own ``hg:year``,
    ``hg:startYear``, ``hg:endYear``, and the years of the claims about it or counted at it), or
    null. ``hg`` is the ontology's namespace (that of a graph loaded under another base).
    """
    closure = class_closure(store)
    subjects = all_resources(store, hg + "Place")
    facts = Facts(store, subjects)
    area_classes = tuple(hg + local for local in AREAS)
    claim_years = _claim_years(store, hg)

    def point(iri: str):
        lat, long = facts.first(iri, GEO + "lat"), facts.first(iri, GEO + "long")
        if lat is None or long is None:
            return None
        lat_f, long_f = number(lat), number(long)
        if lat_f is None or long_f is None or not (-90 <= lat_f <= 90 and -180 <= long_f <= 180):
            return None
        return [long_f, lat_f]

    def is_area(iri: str) -> bool:
        return any(is_a(facts, closure, iri, area) for area in area_classes)

    def borrowed(iri: str, depth: int = 0, seen: frozenset = frozenset()) -> tuple[list, str]:
        for relation in ("headquarters", "location", "near"):
            points, via = [], []
            for place in facts.values(iri, hg + relation):
                if not isinstance(place, ox.NamedNode) or place.value in seen or place.value not in facts.by_subject:
                    continue
                if is_area(place.value):
                    continue
                own = point(place.value)
                if own is not None:
                    points.append(own)
                    via.append(label(store, place.value, languages=("en",), any_language=False) or shorten(place.value))
                elif depth < 2:
                    deeper, how = borrowed(place.value, depth + 1, seen | {iri})
                    if deeper:
                        points += deeper
                        via.append(f"{label(store, place.value, languages=('en',), any_language=False) or shorten(place.value)} ({how})")
            if points:
                return points, f"{relation}: " + "; ".join(via)
        return [], ""

    features = []
    for iri in subjects:
        own = point(iri)
        if own is not None:
            geometry, source = {"type": "Point", "coordinates": own}, "own"
        else:
            points, source = borrowed(iri)
            unique = []
            for p in points:
                if p not in unique:
                    unique.append(p)
            if not unique:
                continue
            geometry = ({"type": "Point", "coordinates": unique[0]} if len(unique) == 1
                        else {"type": "MultiPoint", "coordinates": unique})
        labels = {}
        for literal in facts.values(iri, RDFS + "label"):
            if isinstance(literal, ox.Literal) and literal.language and literal.language not in labels:
                labels[literal.language] = literal.value
        types = types_of(facts, iri)
        years = list(claim_years.get(iri, ()))
        for local in ("year", "startYear", "endYear"):
            years += [y for y in (number(v) for v in facts.values(iri, hg + local)) if y is not None]
        features.append({
            "type": "Feature",
            "id": iri,
            "geometry": geometry,
            "properties": {
                "iri": iri,
                "label": labels.get("en") or next(iter(labels.values()), shorten(iri)),
                "type": [shorten(t) for t in types],
                "kind": _kind(facts, closure, iri, hg),
                "labels": labels,
                "coordinates_from": source,
                "years": [int(min(years)), int(max(years))] if years else None,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _claim_years(store: OxigraphStore, hg: str) -> dict[str, tuple[int, int]]:
    """The first and last year of the claims about each resource or counted at each place."""
    rows = select_rows(store, f"""PREFIX hg: <{hg}>
SELECT ?r (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {{
  ?claim hg:about|hg:countedAt ?r ; hg:year ?y . FILTER(isIRI(?r) && isNumeric(?y))
}} GROUP BY ?r""")
    return {r["r"].value: (int(r["first"].value), int(r["last"].value)) for r in rows}


def _kind(facts: Facts, closure, iri: str, hg: str = HG) -> str:
    for cls, name in ((hg + "Camp", "camp"), (hg + "Memorial", "memorial"), (hg + "HeritageSite", "heritage site")):
        if is_a(facts, closure, iri, cls):
            return name
    return "place"
