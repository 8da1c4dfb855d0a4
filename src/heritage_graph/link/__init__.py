"""Reconcile the hand-curated resources with an imported register or a Wikidata-shaped endpoint.

:func:`reconcile` takes every resource of one class (``Camp`` by default) from the hand-curated
data, that is from every named graph that is not an imported archive (``…/data/archives/…``) or
a linkset (``…/data/links/…``), and scores candidates for it in the other graph:

* by default the imported register(s) in the same store: every resource of the class in an
  archive graph (for camps, the ~570 camps of the GULAG map register);
* with ``endpoint=URL``, any SPARQL endpoint shaped like Wikidata (``rdfs:label`` and
  ``skos:altLabel`` in several languages, ``wdt:P31`` instance of, ``wdt:P625`` coordinates as
  ``"Point(lon lat)"^^geo:wktLiteral``), through :class:`~heritage_graph.rdf.store.EndpointStore`.
  Candidates are the entities with one of the local names as a label or alternative label (in
  any of :data:`LANGUAGES`): an exact lookup that Wikidata answers from its label index.

Each candidate is scored (see ``docs/link.md``)::

    score = 0.50 × label_score + 0.25 × type_score + 0.25 × distance_score

* ``label_score``: the best similarity (rapidfuzz ``ratio`` or ``token_sort_ratio``, 0–1) of any
  name of the local resource to any name of the candidate, after :func:`normalise` (Cyrillic,
  including Kazakh letters, transliterated to Latin, diacritics and punctuation dropped, a few
  spelling variants folded, and common camp words such as ITL, lag, camp, лагерь dropped);
* ``type_score``: 1 when the kinds agree, 0 when they disagree, 0.5 when it cannot be told;
* ``distance_score``: ``exp(-d / 400 km)`` for the shortest distance ``d`` between the points of
  the two (a resource's own coordinates, its headquarters', its locations' and the places it is
  near, countries and regions left out), 0.5 when either has none.

:func:`accept` keeps the best candidate of each local resource at or above a threshold;
:func:`read_review` keeps the rows of a review CSV that a curator marked ``accept = yes``.
:func:`write_linkset` writes the links as Turtle, each link stated as a plain triple
(``skos:exactMatch`` to a resource of the graph's own register, ``owl:sameAs`` to a Wikidata
entity) beside an ``hg:LinkAssertion`` that says how it was made, validated with the shapes
before it is written atomically.

>>> normalise("Карагандинский ИТЛ")
'karagandinsky'
>>> normalise("Steplag Gulag") == normalise("Степлаг")
True
"""

from __future__ import annotations

from .candidates import (
    ARCHIVE_GRAPHS, LANGUAGES, LINK_GRAPHS, WD, Entity, archive_names, class_closure, local_resources,
    parse_wkt_point, register_resources, remote_candidates, target_name, wikidata_classes,
)
from .linkset import Link, LinksetResult, command_line, default_out, link_predicate, link_quads, linkset_turtle, write_linkset
from .names import CAMP_WORDS, CYRILLIC, FOLDS, label_similarity, normalise, transliterate
from .reconcile import Reconciliation, reconcile
from .review import accept, read_review, write_review
from .scoring import WEIGHTS, Candidate, haversine_km, rank, score

__all__ = [
    "ARCHIVE_GRAPHS", "CAMP_WORDS", "CYRILLIC", "FOLDS", "LANGUAGES", "LINK_GRAPHS", "WD", "WEIGHTS", "Candidate",
    "Entity", "Link", "LinksetResult", "Reconciliation", "accept", "archive_names", "class_closure",
    "command_line", "default_out", "haversine_km", "label_similarity", "link_predicate", "link_quads",
    "linkset_turtle", "local_resources", "normalise", "parse_wkt_point", "rank", "read_review", "reconcile",
    "register_resources", "remote_candidates", "score", "target_name", "transliterate", "wikidata_classes",
    "write_linkset", "write_review",
]
