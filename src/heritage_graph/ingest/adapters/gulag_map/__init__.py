"""The GULAG map register (Memorial / Urbica, gulagmap.ru, after Smirnov 1998).

The archive is six PostgreSQL seed files (see ``archives/gulag-map/README.md``): ``camps``,
``camp_locations``, ``camp_statistics`` and three classifications (``camp_types``,
``camp_activities``, ``camp_regions``). This adapter reads them with the real SQL reader of
:mod:`heritage_graph.ingest.adapters.pgsql` and maps them to the project's ontology:

=====================  ==================================================================
archive                graph
=====================  ==================================================================
camp                   ``hg:Camp`` ``camp:gulag-map-{id}``: ``rdfs:label`` per language,
                       ``skos:altLabel`` per sub-title, ``dcterms:identifier``
                       ``"gulag-map:camp:{id}"``, ``hg:campType``, ``hg:economicActivity``,
                       ``hg:campRegion`` (SKOS concepts), ``hg:location`` (its locations)
camp location          ``hg:Place`` ``place:gulag-map-location-{id}``: ``geo:lat``/``geo:long``
                       (GeoJSON is [lon, lat]), the description as ``rdfs:comment`` per language
camp statistics row    ``hg:Claim`` ``claim:gulag-map-{camp}-prisoners-{year}-record-{id}``:
                       ``hg:PrisonerCount`` about the camp, ``hg:year``, ``hg:value``,
                       ``hg:Exact``; ``hg:countedAt`` the location when the camp has several
type/activity/region   ``skos:Concept`` ``concept:gulag-map-{type|activity|region}-{id}`` in
                       the schemes ``concept:gulag-map-{types|activities|regions}``
=====================  ==================================================================

Every resource has ``hg:source source:gulag-map``, the register as a source document.

How faults of the export are handled (each affected row is reported with its file, line, row id
and what was done; see ``docs/import.md``):

- a row whose id was already read: skipped (reported ``duplicate`` when identical,
  ``conflicting-duplicate`` when it differs: the first row is kept);
- titles and sub-titles are trimmed and their white space collapsed (``whitespace``);
- the German title "Neue Gefängnis" (on every camp that has a German title) and the English
  title "New prison" beside it are form defaults, not names: they are not imported
  (``placeholder-title``); a camp left without an English title gets the Latin transliteration
  of its Russian title as its English label (``transliterated-title``), and a comment saying so;
- coordinates written as strings are read as decimals (``string-coordinates``); the point
  [90, 62] is the register's default for a location nobody placed (nine rows, seven of them
  for camps that do not exist): its coordinates are dropped (``placeholder-coordinates``);
  coordinates outside ±90/±180 are dropped (``coordinates-out-of-range``);
- a location of a camp that is not in the register, or was not imported, is skipped
  (``missing-camp``); a camp left with no location is skipped (``camp-without-location``),
  since the shapes require every camp to have one;
- a prisoner count of 0 is read as "no figure": the register lists the camp at that location in
  that year but states no number. It becomes an ``hg:Unknown`` claim with no value and
  ``hg:statedAs "0"`` (``zero-count``); a NULL count likewise, without ``hg:statedAs``
  (``null-count``). Statistics of a location that is missing or was skipped are skipped
  (``missing-location``);
- an id or a reference that is not a whole number (NULL, text such as ``'10'``) is reported and its
  row skipped (``bad-id``); a year or a count written as text, or a count above
  :data:`MAX_COUNT`, likewise (``bad-year``, ``bad-count``); a location whose ``geom`` is NULL is
  imported without coordinates (``bad-geometry``);
- a text column longer than :data:`MAX_TEXT_LENGTH` characters is left out (``too-long``).

A file of the export that is empty, or that holds no ``INSERT`` into its table, makes the archive
unusable (:class:`~heritage_graph.errors.InputError`): importing it would replace the previous
import with a register that lost a table.
"""


from __future__ import annotations

from .adapter import GulagMapAdapter
from .tables import (
    FIRST_YEAR, LAST_YEAR, MAX_COUNT, MAX_TEXT_LENGTH, NAME, PLACEHOLDER_POINT, PLACEHOLDER_TITLES, SCHEMES, SOURCE,
    TABLES, camp_iri, claim_iri, location_iri,
)
from .text import clean, split_names, transliterate

__all__ = ["FIRST_YEAR", "GulagMapAdapter", "LAST_YEAR", "MAX_COUNT", "MAX_TEXT_LENGTH", "NAME", "PLACEHOLDER_POINT",
           "PLACEHOLDER_TITLES", "SCHEMES", "SOURCE", "TABLES", "camp_iri", "claim_iri", "clean", "location_iri",
           "split_names", "transliterate"]
