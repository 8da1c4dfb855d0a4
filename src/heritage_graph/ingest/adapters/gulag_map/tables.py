"""The GULAG map register's tables and the graph's names for its rows.

The files and columns the adapter reads (:data:`TABLES`), the classifications (:data:`SCHEMES`),
the limits past which a row is taken as damaged, and the IRIs of the camps, locations, claims and
concepts made from the rows.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from ....rdf.vocab import HGID
from ..base import hgid

NAME = "gulag-map"
SOURCE = hgid("source", "gulag-map")
CONCEPT_NS = f"{HGID}concept/"

#: table name → (file name, the columns the adapter needs)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "camps": ("camps.sql", ("id", "title", "sub_titles", "type_id", "activity_id", "region_id")),
    "camp_locations": ("camp-locations.sql", ("id", "geom", "description", "camp_id", "order_index")),
    "camp_statistics": ("camp-statistics.sql", ("id", "location_id", "year", "prisoners_count")),
    "camp_types": ("camp-types.sql", ("id", "title")),
    "camp_activities": ("camp-activities.sql", ("id", "title")),
    "camp_regions": ("camp-regions.sql", ("id", "title")),
}

#: The classifications: table → (IRI stem, scheme slug, linking property, scheme label)
SCHEMES: dict[str, tuple[str, str, str, str]] = {
    "camp_types": ("type", "types", "campType", "GULAG map camp types"),
    "camp_activities": ("activity", "activities", "economicActivity", "GULAG map main economic activities"),
    "camp_regions": ("region", "regions", "campRegion", "GULAG map regions"),
}

LANGUAGES = ("en", "ru", "de")

#: Titles that are the register's form defaults, not names (see the module's documentation).
PLACEHOLDER_TITLES = {"de": {"Neue Gefängnis"}, "en": {"New prison"}}

#: The point the register gives a location nobody placed, as [lon, lat].
PLACEHOLDER_POINT = (Decimal(90), Decimal(62))

FIRST_YEAR, LAST_YEAR = 1700, 2100

#: The longest text column the adapter reads, in characters (the register's longest is 12,450);
#: a longer one is a damaged row, reported and ignored rather than carried into the graph.
MAX_TEXT_LENGTH = 1_000_000

#: The largest prisoner count taken as a figure: a larger one is a damaged row.
MAX_COUNT = 10**9

SOURCE_TITLE = "Memorial, GULAG map (gulagmap.ru), after Smirnov 1998"


def concept_iri(kind: str, record_id: int) -> ox.NamedNode:
    return ox.NamedNode(f"{CONCEPT_NS}gulag-map-{kind}-{record_id}")


def scheme_iri(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{CONCEPT_NS}gulag-map-{slug}")


def camp_iri(camp_id: int) -> ox.NamedNode:
    return hgid("camp", f"gulag-map-{camp_id}")


def location_iri(location_id: int) -> ox.NamedNode:
    return hgid("place", f"gulag-map-location-{location_id}")


def claim_iri(camp_id: int, year: int, record_id: int) -> ox.NamedNode:
    return hgid("claim", f"gulag-map-{camp_id}-prisoners-{year}-record-{record_id}")

