"""The SPARQL endpoint's query policy: what the server runs, decided on the parsed query.

The endpoint runs queries only: an update (``INSERT``, ``LOAD`` …) answers 403. It calls no other
server unless told to: a ``SERVICE`` clause to an endpoint the server was not started with
(``--allow-service``), or to a variable endpoint, answers 403. It reads no file a query names:
``FROM <file:…>`` and the protocol's ``default-graph-uri`` / ``named-graph-uri`` answer 403.

Every decision is taken on what :func:`heritage_graph.queries.sparql.inspect` reads from the
query's parse tree. A text whose codepoint escapes (``\\u0022``) decode to a quote, a backslash,
``>`` or a line end is refused too: SPARQL decodes escapes before parsing, Oxigraph only inside
strings and IRIs, and such an escape makes the two read different queries from one text.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit

import pyoxigraph as ox

from ..errors import QueryError
from ..queries.sparql import MAX_LENGTH, Inspection, escaped_delimiters, inspect, load_parser


__all__ = ["Refused", "check_graphs", "check_length", "check_query", "load_parser", "service_allowed"]


class Refused(Exception):
    """A request the endpoint will not run; carries the HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def service_allowed(iri: str, allow: Iterable[str]) -> bool:
    """Whether a SERVICE endpoint is allowed: an ``http(s)`` IRI whose host, or the endpoint IRI
    itself, is listed.

    >>> service_allowed("https://query.wikidata.org/sparql", ["query.wikidata.org"])
    True
    >>> service_allowed("https://evil.example/sparql", ["https://query.wikidata.org/sparql"])
    False
    >>> service_allowed("file:///etc/passwd", ["file:///etc/passwd"])
    False
    """
    if iri.startswith("?"):
        return False
    try:
        parts = urlsplit(iri)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username is not None:
        return False
    for entry in allow:
        entry = entry.strip()
        if "://" in entry:
            if iri == entry:
                return True
        elif host == entry.lower():
            return True
    return False


def check_query(text: str, allow_service: Iterable[str] = ()) -> Inspection:
    """Refuse what the endpoint does not run: a text that does not parse (400) or is too long
    (413), updates (403), SERVICE to endpoints not allowed (403), ``FROM <file:…>`` (403: the server
    reads no files a query names), and escapes that SPARQL readers read differently (403).

    :raises Refused: with the status and a one-line reason.

    >>> check_query("SELECT * { ?s ?p ?o }").form
    'SELECT'
    >>> check_query("SELECT * { ?s ?p ?o.SERVICE <http://127.0.0.1:1/> { } }", ["query.wikidata.org"])
    Traceback (most recent call last):
    ...
    heritage_graph.serve.policy.Refused: SERVICE <http://127.0.0.1:1/> is refused: this endpoint calls only allowed hosts (query.wikidata.org)
    """
    check_length(text)
    if escaped_delimiters(text):
        raise Refused(403, "a \\u escape that stands for a quote, a backslash, '>' or a line end is refused: "
                           "SPARQL engines disagree on where it ends a string; write the character itself")
    try:
        info = inspect(text)
    except QueryError as exc:
        raise Refused(400, f"the query does not parse: {exc}") from None
    if not info.read_only:
        operations = ", ".join(dict.fromkeys(info.operations))
        raise Refused(403, f"this endpoint is read-only: SPARQL Update ({operations}) is refused"
                      + (" (LOAD would make the server fetch a URL)" if "LOAD" in info.operations else ""))
    allowed = list(allow_service)
    for iri in info.endpoints:
        if iri.startswith("?"):
            raise Refused(403, f"SERVICE with a variable endpoint ({iri}) is refused: the server calls only "
                               "endpoints it allows")
        if not service_allowed(iri, allowed):
            listed = ", ".join(allowed) if allowed else "none"
            raise Refused(403, f"SERVICE <{iri}> is refused: this endpoint calls only allowed hosts ({listed})")
    check_graphs(info.default_graphs + info.named_graphs, "FROM")
    return info


def check_length(text: str) -> None:
    """Refuse a text longer than the endpoint reads (413), before any reading of it.

    :raises Refused: with the status and a one-line reason.
    """
    if len(text) > MAX_LENGTH:
        raise Refused(413, f"the query is {len(text):,} characters long; this endpoint reads queries of at most "
                           f"{MAX_LENGTH:,} characters")


def check_graphs(iris: Iterable[str], what: str) -> None:
    """Refuse graph names a query may not use: ``file:`` IRIs (403), and what is no IRI (400).

    :raises Refused: with the status and a one-line reason.
    """
    for iri in iris:
        if iri.lower().startswith("file:"):
            raise Refused(403, f"{what} <{iri}> is refused: this endpoint reads no files")
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise Refused(400, f"{what} {iri!r} is not an IRI") from None
