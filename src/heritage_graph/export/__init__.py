"""Export the graph for other tools: schema.org JSON-LD, Linked Art (CIDOC-CRM), GeoJSON and CSV.

:func:`export` writes one of :data:`FORMATS` (see ``docs/export.md``):

* ``schema-org``: JSON-LD for search engines and dataset search: a ``schema:Dataset`` describing
  the graph, and a node for every hand-curated place (``Place``, ``Country``, ``City``,
  ``LakeBodyOfWater``, ...; camps are places), memorial and heritage site
  (``LandmarksOrHistoricalBuildings``, ``Cemetery``, ``Museum``), event (``Event``), person
  (``Person``) and organisation, group or community (``Organization``). The imported registers are
  named as the dataset's sources (``isBasedOn``), not copied node by node.
* ``linked-art``: a CIDOC-CRM view in Turtle, the way Linked Art uses CRM, made by the SPARQL
  CONSTRUCT queries of ``heritage_graph/mappings/*.rq`` (one per class: claims, places, events,
  memorials, actors, sources), which are data and can be read and changed as such.
* ``geojson``: a GeoJSON (RFC 7946) FeatureCollection of every place, camp and heritage site that
  has coordinates, its own or (for a camp or a memorial) those of its headquarters, location or
  the place it lies near.
* ``csv``: one CSV file per kind of resource (places, camps, sites, events, groups, communities,
  people, organisations, claims, sources), into a folder, for spreadsheet users.

Every output is written atomically (a folder is built beside its place and swapped in whole).

>>> sorted(FORMATS)
['csv', 'geojson', 'linked-art', 'schema-org']
"""

from __future__ import annotations

from .csv_tables import CSV_KINDS, csv_tables
from .geojson import geojson
from .graph import Facts, all_resources, curated_resources
from .linked_art import MAPPINGS, linked_art, linked_art_turtle, mapping_files
from .run import FORMATS, ExportResult, export, write_folder
from .schema_org import SCHEMA_TYPES, schema_org

__all__ = ["CSV_KINDS", "FORMATS", "MAPPINGS", "SCHEMA_TYPES", "ExportResult", "Facts", "all_resources", "csv_tables",
           "curated_resources", "export", "geojson", "linked_art", "linked_art_turtle", "mapping_files", "schema_org",
           "write_folder"]
