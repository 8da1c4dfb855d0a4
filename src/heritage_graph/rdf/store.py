"""One store interface, two backends.

:class:`OxigraphStore` keeps the graph in an embedded Oxigraph store (in memory, or on disk with
``path=``); :class:`EndpointStore` sends the same calls to any SPARQL 1.1 endpoint. Both answer
:meth:`Store.query` with a :class:`QueryResult` whose terms are pyoxigraph terms, so that output
formatting never needs to know where the rows came from.
"""

from __future__ import annotations

import ast
import http.client
import json
import socket
import urllib.error
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .. import __version__
from ..errors import EndpointError, QueryError

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class QueryResult:
    """What a query returns: solutions (``kind="select"``), a boolean (``"ask"``) or triples (``"graph"``)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Term | None]]:
        """The solutions as one dict per row, keyed by variable name."""
        return [dict(zip(self.variables, row)) for row in self.rows]

    def __len__(self) -> int:
        if self.kind == "select":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1


class Store(ABC):
    """What every backend answers."""

    #: The pages of the paginated stored queries worked out for this store (see :mod:`.listing`),
    #: or None.
    listings = None

    @abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL 1.1 query. Values are bound to its variables in its text, the same way on
        every store (:func:`heritage_graph.queries.params.with_values`)."""

    @abstractmethod
    def triple_count(self) -> int:
        """How many triples (over all graphs) the store holds."""

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs the store holds."""
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [row[0].value for row in result.rows if row[0] is not None]


class OxigraphStore(Store):
    """The embedded default: a pyoxigraph store, in memory or at ``path``.

    >>> store = OxigraphStore()
    >>> store.add_quads([ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"))])
    >>> store.query("SELECT ?o WHERE { ?s ?p ?o }").rows[0][0].value
    'x'
    """

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        if self.path is None:
            self.ox = ox.Store()
        elif read_only:
            self.ox = ox.Store.read_only(str(self.path))
        else:
            self.ox = ox.Store(str(self.path))

    def add_quads(self, quads, *, bulk: bool = False) -> None:
        """Add quads (an iterable of ``pyoxigraph.Quad``); ``bulk`` streams large inputs."""
        self.listings = None  # worked out for the store as it was
        if bulk:
            self.ox.bulk_extend(quads)
        else:
            self.ox.extend(quads)

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return self.ox.quads_for_pattern(None, None, None, graph)

    def query(self, sparql: str) -> QueryResult:
        try:
            result = self.ox.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {exc}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc
        return _from_oxigraph(result)

    def triple_count(self) -> int:
        return len(self.ox)


def _from_oxigraph(result) -> QueryResult:
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(solution[v] for v in variables) for solution in result]
        return QueryResult("select", variables, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    return QueryResult("graph", triples=list(result))


def _first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of an error body, which SPARQLWrapper gives as a bytes literal.

    >>> _first_line("  b'Virtuoso 37000 Error SP031: bad\\nSPARQL query:\\n...'")
    'Virtuoso 37000 Error SP031: bad'
    """

    text = text.strip()
    if text[:2] in ("b'", 'b"'):
        try:
            text = ast.literal_eval(text).decode("utf-8", "replace")
        except (ValueError, SyntaxError):
            text = text[2:]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:limit] if lines else ""


class EndpointStore(Store):
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper.

    ``timeout`` bounds each request (seconds); ``user``/``password`` use HTTP basic auth, or
    digest with ``auth="digest"``. Every failure (unreachable, too slow, an HTTP error, an answer
    that is not SPARQL results) becomes one :class:`~heritage_graph.errors.EndpointError`.
    """

    def __init__(self, url: str, *, timeout: float = 60, user: str | None = None,
                 password: str | None = None, auth: str = "basic"):
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"{url}: an endpoint URL starts with http:// or https://")
        self.url = url
        self.timeout = timeout
        self.user = user
        self.password = password
        self.auth = auth
        self.user_agent = f"heritage-graph/{__version__} (+https://w3id.org/heritage-graph/)"

    def _wrapper(self):
        wrapper = SPARQLWrapper(self.url, agent=self.user_agent)
        wrapper.setTimeout(int(max(1, self.timeout)))
        wrapper.setMethod(POST)
        if self.user is not None:
            wrapper.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            wrapper.setCredentials(self.user, self.password or "")
        return wrapper

    def query(self, sparql: str) -> QueryResult:
        wrapper = self._wrapper()
        wrapper.setQuery(strip_comment_lines(sparql))
        is_graph = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if is_graph else JSON)
        raw = self._send(wrapper)
        if is_graph:
            try:
                triples = [q.triple for q in ox.parse(raw, format=ox.RdfFormat.TURTLE)]
            except SyntaxError as exc:
                raise EndpointError(f"{self.url} answered with something that is not Turtle: {exc}") from exc
            return QueryResult("graph", triples=triples)
        return parse_json_results(raw, self.url)

    def _send(self, wrapper) -> bytes:
        try:
            response = wrapper.query()
            require_complete(response.response.headers, self.url)
            return response.response.read()
        except SPARQLWrapperException as exc:
            status = _WRAPPER_STATUS.get(type(exc).__name__, "an error")
            detail = _first_line(str(exc).split("Response:", 1)[-1]) if "Response:" in str(exc) else ""
            raise EndpointError(f"{self.url} answered {status}" + (f": {detail}" if detail else "")) from exc
        except urllib.error.HTTPError as exc:
            detail = ""
            try:
                detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()[0]
            except (OSError, IndexError):
                pass
            raise EndpointError(f"{self.url} answered HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise EndpointError(f"{self.url} did not answer within {self.timeout:g} s") from exc
            raise EndpointError(f"cannot reach {self.url}: {reason}") from exc
        except (socket.timeout, TimeoutError) as exc:
            raise EndpointError(f"{self.url} did not answer within {self.timeout:g} s") from exc
        except http.client.HTTPException as exc:  # the answer cut short, or not HTTP
            raise EndpointError(f"{self.url} broke off its answer ({type(exc).__name__})") from exc
        except (OSError, ValueError) as exc:
            raise EndpointError(f"cannot query {self.url}: {exc}") from exc

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(result.rows[0][0].value)


#: Headers by which endpoints mark a result cut at a row or byte cap (``heritage-graph serve``
#: and endpoints like it); Virtuoso marks its "anytime" answers, cut at a time limit, with
#: ``X-SQL-State: S1TAT`` (read by :func:`incomplete` as well).
CUT_HEADERS = ("X-SPARQL-MaxRows", "X-SPARQL-MaxBytes")


def incomplete(headers) -> str | None:
    """Why an answer with these HTTP headers is not the whole result, or None when it is.

    >>> incomplete({"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"})
    'X-SQL-State S1TAT: RC...: Returning incomplete results'
    >>> incomplete({"X-SPARQL-MaxRows": "10000"})
    'cut at X-SPARQL-MaxRows 10000'
    >>> incomplete({"Content-Type": "application/sparql-results+json"}) is None
    True
    """
    state = headers.get("X-SQL-State")
    if state and state.strip().upper() == "S1TAT":
        message = headers.get("X-SQL-Message")
        return "X-SQL-State S1TAT" + (f": {message.strip()}" if message else "")
    for name in CUT_HEADERS:
        if headers.get(name):
            return f"cut at {name} {headers.get(name).strip()}"
    return None


def require_complete(headers, url: str) -> None:
    """:raises EndpointError: the answer with these headers is not the whole result."""
    cut = incomplete(headers)
    if cut:
        raise EndpointError(f"{url} answered an incomplete result ({cut}); nothing of it is used")


def strip_comment_lines(sparql: str) -> str:
    r"""The query without its whole-line comments (a stored query's ``#+`` header among them).

    SPARQLWrapper guesses the query form from the text with its comments removed, and its
    comment removal misses some lines, so a header word such as "copy" could be taken for an
    update. Whole-line comments carry nothing the endpoint needs.

    >>> strip_comment_lines("#+ summary: copy\nSELECT * WHERE { ?s ?p <http://e/#x> } # end")
    'SELECT * WHERE { ?s ?p <http://e/#x> } # end'
    """
    return "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))


_WRAPPER_STATUS = {
    "QueryBadFormed": "HTTP 400 (the query is malformed for this endpoint)",
    "Unauthorized": "HTTP 401 (wrong or missing user and password)",
    "EndPointNotFound": "HTTP 404 (no SPARQL endpoint at this URL)",
    "URITooLong": "HTTP 414 (the query is too long for a GET)",
    "EndPointInternalError": "HTTP 500 (the endpoint failed)",
}


def parse_json_results(raw: bytes, source: str) -> QueryResult:
    """SPARQL 1.1 JSON results into a :class:`QueryResult` of pyoxigraph terms."""

    try:
        document = json.loads(raw)
        if "boolean" in document:
            return QueryResult("ask", boolean=bool(document["boolean"]))
        variables = list(document["head"]["vars"])
        rows = []
        for binding in document["results"]["bindings"]:
            rows.append(tuple(_json_term(binding.get(v)) for v in variables))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EndpointError(f"{source} answered with something that is not SPARQL JSON results") from exc
    return QueryResult("select", variables, rows)


def _json_term(value: dict | None) -> Term | None:
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])
