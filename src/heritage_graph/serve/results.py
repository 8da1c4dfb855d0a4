"""A query result written in one of the formats the endpoint negotiates: the W3C SPARQL 1.1 results
formats for solutions and booleans, the RDF formats for graphs.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import pyoxigraph as ox

from . import negotiation as neg
from ..queries import results
from ..rdf.store import QueryResult


def serialize_result(result: QueryResult, fmt: str, prefixes: Mapping[str, str] | None = None,
                     links: Sequence[str] = ()) -> bytes:
    """A query result in one of the negotiated formats (an offer suffix: ``json``, ``xml``, ``csv``,
    ``tsv`` for solutions and booleans; ``ttl``, ``jsonld``, ``nt``, ``rdf`` for graphs).

    ``links`` (IRIs of documents about the result: why it was cut) go in the head of SPARQL JSON
    (``head.link``) and XML (``<link href=…/>``); the other formats have no place for them, and the
    server says the same in a header."""
    if result.kind == "graph":
        offer = neg.by_suffix(fmt, neg.GRAPH_TYPES)
        if offer is None:
            raise ValueError(f"no graph format {fmt!r}")
        return ox.serialize(result.triples, format=offer.rdf_format, prefixes=dict(prefixes or {}))
    return results.serialize(result, fmt, links)
