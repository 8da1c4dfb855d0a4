"""What a query worker does with one job: read the query, run it, cut its result, write it out.

Everything a request asks of the data runs here, in a worker process (:mod:`.pool`) that the server
ends when the query timeout has passed, never in the server's own process:

- a query sent to the endpoint is read and checked first (:func:`heritage_graph.serve.policy.check_query`:
  reading a long query can take seconds, and only a process can be stopped);
- a stored query's parameters are bound here (a label is looked up in the data);
- the result is cut at the row cap (``max_rows``) and at the byte cap (``max_bytes``): rows are
  taken while their terms fit in the cap, and a result whose written form is still larger is cut
  further. A result of which not even the first row fits answers ``507``. A cut result links, in
  the head of SPARQL JSON and XML, the document that explains the cap (the job's ``limits``:
  ``{limits}#max-rows``, ``{limits}#max-bytes``).

A job is a dict; the answer is a dict with ``status`` (``ok``, ``timeout``, ``error``,
``unacceptable``), see :func:`execute`.
"""

from __future__ import annotations

import time
from typing import Mapping

import pyoxigraph as ox

from ..errors import QueryError
from ..queries import params
from ..queries import run as qrun
from ..rdf.store import QueryResult
from .policy import Refused, check_query
from .results import serialize_result

#: How many bytes a term is counted for beyond its text (quotes, tags, separators of a format).
TERM_OVERHEAD = 16


def execute(store, job: Mapping) -> dict:
    """Run one job on ``store`` (a ``pyoxigraph.Store``, or an
    :class:`~heritage_graph.rdf.store.OxigraphStore` for stored queries) and serialise its result;
    never raises for a bad query.

    ``job`` holds either ``sparql`` (a query text; with ``allow_service``, the endpoint's policy is
    applied to it first) or ``stored`` (the stored query the server read) with ``values`` (its parameters as
    text) and optionally ``page``; then ``format`` (an offer suffix) or ``formats`` (``{"results":
    suffix, "graph": suffix}``, either None when the client accepts none: the query's form picks
    one), ``max_rows``, ``max_bytes``, ``timeout`` and optionally ``default_graphs``/``named_graphs``
    and ``limits`` (the IRI of the document explaining the caps, linked from a cut result).

    The answer holds ``status`` (``ok``, ``timeout``, ``error`` with ``code`` and ``message``, or
    ``unacceptable`` with the ``kind`` of result no format was accepted for) and with ``ok`` the
    ``body`` bytes, ``format``, ``truncated`` (cut at the row cap), ``cut_bytes`` (cut at the byte
    cap), ``count`` and ``kind``.
    """
    deadline = time.monotonic() + float(job.get("timeout", 10))
    try:
        text, fmt = _text_and_format(store, job)
    except Refused as exc:
        return {"status": "error", "code": exc.status, "message": exc.message}
    except QueryError as exc:
        return {"status": "error", "code": 400, "message": str(exc)}
    if text is None:
        return {"status": "unacceptable", "kind": fmt}
    try:
        options = _graphs(job)
    except ValueError as exc:
        return {"status": "error", "code": 400, "message": f"a graph named in the request is not an IRI: {one_line(exc)}"}
    max_rows = int(job.get("max_rows", 10000))
    max_bytes = int(job.get("max_bytes") or 0) or None
    try:
        result = getattr(store, "ox", store).query(text, **options)
        if isinstance(result, ox.QueryBoolean):
            answer, truncated, cut = QueryResult("ask", boolean=bool(result)), False, False
        else:
            taken = _take(result, max_rows, max_bytes, deadline)
            if taken is None:
                return {"status": "timeout"}
            answer, truncated, cut = taken
        if time.monotonic() > deadline:
            return {"status": "timeout"}
        body, cut = _written(answer, fmt, job.get("prefixes"), max_bytes, truncated, cut, job.get("limits"))
    except SyntaxError as exc:
        return {"status": "error", "code": 400, "message": f"the query does not parse: {one_line(exc)}"}
    except (OSError, RuntimeError, ValueError, TypeError, AttributeError) as exc:
        return {"status": "error", "code": 500, "message": f"the query failed: {one_line(exc)}"}
    if body is None:
        return {"status": "error", "code": 507, "message": f"the result is larger than this server answers "
                f"({max_bytes:,} bytes) even at its first row; ask for less (a shorter value, fewer columns)"}
    return {"status": "ok", "body": body, "format": fmt, "truncated": truncated, "cut_bytes": cut,
            "count": len(answer), "kind": answer.kind}


def _text_and_format(store, job: Mapping) -> tuple[str | None, str]:
    """The text to run and its format; (None, kind) when no format fits the query's form.

    :raises Refused: the endpoint's policy refuses the text.
    :raises QueryError: a stored query or its parameters cannot be used.
    """
    fmt = job.get("format", "json")
    if "stored" in job:  # the stored query the server read (its text, parameters and pages)
        stored = job["stored"]
        text = params.with_values(stored.text, params.bind(stored, job.get("values") or {}, store))
        if job.get("page") is not None:
            text = qrun.paginate(text, stored.pagination, job["page"], extra=1)
        return text, fmt
    text = job["sparql"]
    if "allow_service" in job:
        info = check_query(text, job["allow_service"])
        if "formats" in job:
            kind = "graph" if info.form in ("CONSTRUCT", "DESCRIBE") else "results"
            fmt = job["formats"].get(kind)
            if fmt is None:
                return None, kind
    return text, fmt


def _graphs(job: Mapping) -> dict:
    options: dict = {}
    if job.get("default_graphs"):
        options["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
    else:
        options["use_default_graph_as_union"] = True
    if job.get("named_graphs"):
        options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    return options


def _take(result, max_rows: int, max_bytes: int | None, deadline: float):
    """The rows (or triples) of a result up to the caps: (result, cut at the rows, cut at the
    bytes), or None when the deadline passed."""
    solutions = isinstance(result, ox.QuerySolutions)
    variables = [v.value for v in result.variables] if solutions else []
    items: list = []
    size, truncated, cut = 0, False, False
    for item in result:
        if len(items) >= max_rows:
            truncated = True
            break
        terms = tuple(item[v] for v in variables) if solutions else (item.subject, item.predicate, item.object)
        if max_bytes is not None:
            size += sum(term_size(t) for t in terms)
            if size > max_bytes:
                cut = True
                break
        items.append(terms if solutions else item)
        if len(items) % 64 == 0 and time.monotonic() > deadline:
            return None
    answer = QueryResult("select", variables, items) if solutions else QueryResult("graph", triples=items)
    return answer, truncated, cut


def term_size(term) -> int:
    """The bytes a term takes at least in any result format (its text, datatype or language).

    >>> term_size(ox.Literal("abc", language="en")), term_size(None)
    (21, 0)
    """
    if term is None:
        return 0
    if isinstance(term, ox.Triple):  # a quoted triple (RDF-star)
        return TERM_OVERHEAD + sum(term_size(t) for t in (term.subject, term.predicate, term.object))
    size = len(term.value) + TERM_OVERHEAD
    if isinstance(term, ox.Literal):
        size += len(term.language or "") or len(term.datatype.value)
    return size


def _written(answer: QueryResult, fmt: str, prefixes, max_bytes: int | None, truncated: bool, cut: bool,
             limits: str | None = None) -> tuple[bytes | None, bool]:
    """The result in ``fmt``, cut further while it is larger than ``max_bytes`` (escapes and a
    format's markup can make it larger than its terms); (None, True) when not even one row fits.
    A cut result links ``limits`` (its fragments ``#max-rows``, ``#max-bytes``) where the format can."""
    body = serialize_result(answer, fmt, prefixes, cut_links(limits, truncated, cut))
    if max_bytes is None or answer.kind == "ask":
        return body, cut
    while len(body) > max_bytes or (cut and not len(answer)):
        items = answer.rows if answer.kind == "select" else answer.triples
        if not items:
            return None, True
        keep = min(len(items) - 1, int(len(items) * max_bytes / len(body)))
        del items[keep:]
        cut = True
        body = serialize_result(answer, fmt, prefixes, cut_links(limits, truncated, cut))
    return body, cut


def cut_links(limits: str | None, truncated: bool, cut: bool) -> list[str]:
    """The links a result cut at the row cap (``truncated``) or the byte cap (``cut``) carries.

    >>> cut_links("https://e/sparql/limits", True, False)
    ['https://e/sparql/limits#max-rows']
    """
    if not limits:
        return []
    return [f"{limits}#{name}" for name, flag in (("max-rows", truncated), ("max-bytes", cut)) if flag]


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]
