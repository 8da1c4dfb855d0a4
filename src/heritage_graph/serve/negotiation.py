"""Content negotiation: a table of what the server offers, and one pure function that chooses.

The tables list the media types the server can answer with, in the server's order of preference,
each with the file suffix of its document URL and, for RDF, the pyoxigraph format. Some clients
ask by an older or looser name (``application/x-turtle``, ``application/json``); an alias names
the offered type it stands for.

:func:`negotiate` reads an ``Accept`` header the way RFC 9110 §12.5.1 says: each offered type takes
the quality of the most specific range that matches it (``text/turtle`` over ``text/*`` over
``*/*``), ``q=0`` excludes, the highest quality wins and ties go to the server's preference. A
missing or empty header accepts anything. A malformed range is skipped (a header with nothing
usable counts as missing); the function never raises. At equal quality an offer the header names
by its own type beats one it reaches through an alias (``text/*`` picks ``text/csv`` over SPARQL XML
results, an alias of ``text/xml``).

>>> negotiate("text/turtle;q=0.9, application/ld+json", RESOURCE_TYPES)
'application/ld+json'
>>> negotiate("text/*", RESOURCE_TYPES)
'text/html'
>>> negotiate("image/png", RESOURCE_TYPES) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..publish.layout import RESOURCE_OFFERS


@dataclass(frozen=True)
class Offer:
    """One media type the server answers with."""

    media_type: str
    suffix: str
    rdf_format: ox.RdfFormat | None = None
    aliases: tuple[str, ...] = ()


#: The pyoxigraph format of each RDF document suffix.
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
               "rdf": ox.RdfFormat.RDF_XML}

#: A resource's document (``/doc/{kind}/{slug}``): a page for people first, then RDF, as the
#: release's table offers it (:data:`heritage_graph.publish.layout.RESOURCE_OFFERS`).
RESOURCE_TYPES: tuple[Offer, ...] = tuple(Offer(media, suffix, RDF_FORMATS.get(suffix), aliases)
                                          for suffix, media, aliases in RESOURCE_OFFERS)

#: RDF graphs with no page (CONSTRUCT and DESCRIBE results): Turtle first.
GRAPH_TYPES: tuple[Offer, ...] = RESOURCE_TYPES[1:]

#: The whole dataset, graphs kept apart.
DATASET_TYPES: tuple[Offer, ...] = (
    Offer("application/trig", "trig", ox.RdfFormat.TRIG),
    Offer("application/n-quads", "nq", ox.RdfFormat.N_QUADS, ("text/x-nquads",)),
)

#: SPARQL SELECT and ASK results (W3C SPARQL 1.1 Query Results JSON, XML, CSV and TSV).
RESULTS_TYPES: tuple[Offer, ...] = (
    Offer("application/sparql-results+json", "json", None, ("application/json", "text/javascript",
                                                            "application/javascript")),
    Offer("application/sparql-results+xml", "xml", None, ("application/xml", "text/xml")),
    Offer("text/csv", "csv"),
    Offer("text/tab-separated-values", "tsv"),
)

#: Error messages and other small answers.
MESSAGE_TYPES: tuple[Offer, ...] = (
    Offer("text/plain", "txt"),
    Offer("application/json", "json"),
)

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")


@dataclass(frozen=True)
class AcceptRange:
    """One media range of an ``Accept`` header with its quality (``q``)."""

    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[AcceptRange]:
    """The media ranges of an ``Accept`` header, lower-cased, in the order written.

    Ranges that do not parse are left out, and so is a range whose ``q`` is no number; a ``q``
    outside 0–1 is clamped. Parameters other than ``q`` (``charset``, ``profile``) are ignored,
    and so is anything after ``q``.

    >>> parse_accept("text/html;level=1, */*;q=0.1, nonsense, text/turtle;q=x")
    [AcceptRange(type='text', subtype='html', q=1.0), AcceptRange(type='*', subtype='*', q=0.1)]
    """
    ranges = []
    if not header or not isinstance(header, str):
        return ranges
    for item in _split(header):
        media, *params = item.split(";")
        match = _RANGE.match(media)
        if not match:
            continue
        kind, sub = match.group(1).lower(), match.group(2).lower()
        if kind == "*" and sub != "*":
            continue
        q: float | None = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _qvalue(value)
                break
        if q is not None:
            ranges.append(AcceptRange(kind, sub, q))
    return ranges


def _qvalue(text: str) -> float | None:
    """A ``q`` value read leniently (``.5``, ``1.00``, ``2`` taken as 1), or None if it is no number."""
    try:
        q = float(text.strip().strip('"'))
    except ValueError:
        return None
    if q != q:  # NaN
        return None
    return min(1.0, max(0.0, q))


def _split(header: str) -> list[str]:
    """The comma-separated items of a header, keeping commas inside quoted parameter values."""
    items, current, quoted = [], [], False
    for char in header:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item for item in items if item.strip()]


def negotiate(accept: str | None, offers: tuple[Offer, ...] = RESOURCE_TYPES) -> str | None:
    """The media type to answer with, or None when the client accepts none of ``offers``.

    Returns the chosen offer's media type (a ``str``); use :func:`choose` for the :class:`Offer`.
    """
    offer = choose(accept, offers)
    return offer.media_type if offer is not None else None


def choose(accept: str | None, offers: tuple[Offer, ...] = RESOURCE_TYPES) -> Offer | None:
    """The :class:`Offer` to answer with, or None (answer 406 with :func:`offered`)."""
    if not offers:
        return None
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best, best_key = None, (0.0, False)
    for offer in offers:
        q, own = _offer_quality(offer, ranges)
        if q > 0 and (q, own) > best_key:
            best, best_key = offer, (q, own)
    return best


def _offer_quality(offer: Offer, ranges: list[AcceptRange]) -> tuple[float, bool]:
    """An offer's quality: that of the most specific range matching its type or one of its aliases,
    and whether that range named the offer's own type (which wins a tie over an alias).

    The offer's own type also wins a tie in specificity over an alias, so ``application/ld+json;q=0,
    application/json`` excludes JSON-LD.
    """
    best: tuple[int, int, float] | None = None
    for rank, name in enumerate((offer.media_type, *offer.aliases)):
        for r in ranges:
            if r.matches(name):
                key = (r.specificity, -min(rank, 1), r.q)
                if best is None or key[:2] > best[:2]:
                    best = key
    if best is None:
        return 0.0, False
    return best[2], best[1] == 0


def by_suffix(suffix: str, offers: tuple[Offer, ...] = RESOURCE_TYPES) -> Offer | None:
    """The offer whose document suffix is ``suffix`` (``ttl``, ``jsonld`` …)."""
    for offer in offers:
        if offer.suffix == suffix:
            return offer
    return None


#: The names a ``format``, ``output`` or ``results`` parameter may give (Virtuoso's, Fuseki's and
#: the ones SPARQLWrapper and other common clients send), each standing for an offer suffix of the
#: SPARQL results formats and one of the RDF formats (None: that kind of result has no such format).
#: A parameter value holding a ``/`` is read as an ``Accept`` header instead (``text/csv``,
#: SPARQLWrapper's ``application/ld+json,application/x-json+ld``).
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdf"), "srx": ("xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None), "text": (None, None),
    "ttl": (None, "ttl"), "turtle": (None, "ttl"), "n3": (None, "ttl"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "nt": (None, "nt"), "ntriples": (None, "nt"), "n-triples": (None, "nt"),
    "rdf": (None, "rdf"), "rdfxml": (None, "rdf"), "rdf+xml": (None, "rdf"), "rdf/xml": (None, "rdf"),
    "trig": (None, None), "nq": (None, None), "nquads": (None, None), "n-quads": (None, None),
}
#: The dataset's names (no query answers with them; the whole dataset does).
_DATASET_NAMES = {"trig": "trig", "nq": "nq", "nquads": "nq", "n-quads": "nq"}


def by_name(name: str, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer named by a ``format=`` value: a suffix, a common name (:data:`FORMAT_NAMES`), or a
    media type or list of them, read as an ``Accept`` header.

    >>> by_name("n3", GRAPH_TYPES).media_type, by_name("xml", GRAPH_TYPES).media_type
    ('text/turtle', 'application/rdf+xml')
    >>> by_name("application/ld+json,application/x-json+ld", GRAPH_TYPES).suffix
    'jsonld'
    >>> by_name("n3", RESULTS_TYPES) is None
    True
    """
    name = (name or "").strip().lower()
    if "/" in name:
        return choose(name, offers) if parse_accept(name) else None
    for offer in offers:
        if name == offer.suffix:
            return offer
    kinds = FORMAT_NAMES.get(name)
    if kinds is None:
        return by_suffix(_DATASET_NAMES.get(name, ""), offers)
    for suffix in kinds:
        found = by_suffix(suffix, offers) if suffix else None
        if found is not None:
            return found
    return None


def offered(offers: tuple[Offer, ...]) -> str:
    """The body of a 406 answer: what the server can answer with, one type a line."""
    return "None of the media types in the Accept header can be served. Available:\n" + "\n".join(
        f"  {o.media_type}" for o in offers) + "\n"
