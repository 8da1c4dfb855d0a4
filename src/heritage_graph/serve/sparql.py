"""The SPARQL 1.1 Protocol endpoint, for queries only, and its service description.

A query is sent to the query workers (:mod:`.pool`), which read it first (:mod:`.policy`: updates,
SERVICE to hosts not allowed and ``file:`` graphs are refused), then run it (:mod:`.job`), all within
the query timeout; their answer becomes the response. The server's own process only reads the
request and checks its length.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from . import negotiation as neg
from .config import config_of
from .description import limits_iri, service_description
from .policy import Refused, check_graphs, check_length
from .pool import PoolBusy
from .responses import BYTES_HEADER, TRUNCATED_HEADER, error, media, not_acceptable

log = logging.getLogger("heritage_graph.serve")

#: Largest SPARQL request body accepted (bytes).
MAX_QUERY_BYTES = 1_000_000
#: Seconds a query waits for a free worker (at least; the query timeout if longer) before the
#: server answers 503 busy: a burst of quick queries queues rather than fails.
WORKER_WAIT = 10


async def sparql(request):
    """The SPARQL 1.1 Protocol, for queries: GET ``?query=``, POST form or ``application/sparql-query``."""
    config = config_of(request)
    try:
        params = await sparql_params(request)
    except Refused as exc:
        return error(request, exc.status, exc.message)
    if params.get("update"):
        return error(request, 403, "this endpoint is read-only: SPARQL Update is refused")
    queries = params.get("query") or []
    if not queries:
        if request.method in ("GET", "HEAD"):
            return service_description(request)
        return error(request, 400, "no query: send query=… (form) or a body of type application/sparql-query")
    if len(queries) > 1:
        return error(request, 400, "send one query, not several")
    text = queries[0]
    if not text.strip():
        return error(request, 400, "no query: the query is empty")
    try:
        check_length(text)
        check_graphs(params.get("default-graph-uri") or [], "default-graph-uri")
        check_graphs(params.get("named-graph-uri") or [], "named-graph-uri")
    except Refused as exc:
        return error(request, exc.status, exc.message)
    # The format named by a parameter, as Virtuoso (format), Fuseki (output) and rasqal (results) read it.
    wanted = (params.get("format") or params.get("output") or params.get("results") or [None])[0]
    formats = {}
    for kind, offers in (("results", neg.RESULTS_TYPES), ("graph", neg.GRAPH_TYPES)):
        offer = neg.by_name(wanted, offers) if wanted else neg.choose(request.headers.get("accept"), offers)
        formats[kind] = offer.suffix if offer is not None else None
    # The query is read, checked against the policy and run in a worker, within the query timeout.
    job = {"sparql": text, "allow_service": list(config.allow_service), "formats": formats,
           "max_rows": config.max_rows, "max_bytes": config.max_bytes, "prefixes": config.prefixes,
           "default_graphs": params.get("default-graph-uri") or [], "named_graphs": params.get("named-graph-uri") or [],
           "limits": limits_iri(config.base)}
    return await run_in_threadpool(run_job, request, job, wanted)


def unacceptable(request, kind: str, wanted: str | None):
    """406 for a query whose form (``results`` or ``graph``) no accepted format fits."""
    offers = neg.GRAPH_TYPES if kind == "graph" else neg.RESULTS_TYPES
    if wanted:
        return error(request, 406, f"format {wanted!r} is not available for this query; available: "
                                   + ", ".join(o.suffix for o in offers))
    return not_acceptable(request, offers)


def ask_workers(config, job: dict) -> dict:
    """Send a job to the query workers; their answer, or ``{"status": "busy"}`` when none was free."""
    started = time.monotonic()
    try:
        answer = config.pool.run(job, config.query_timeout, wait=max(config.query_timeout, WORKER_WAIT))
    except PoolBusy:
        return {"status": "busy"}
    if answer.get("status") == "died":
        log.warning("a query worker stopped after %.1f s: %s", time.monotonic() - started,
                    str(job.get("sparql") or getattr(job.get("stored"), "name", ""))[:200])
    return answer


def run_job(request, job: dict, wanted: str | None = None):
    """Send a job to the query workers and turn the answer into a response."""
    answer = ask_workers(config_of(request), job)
    if answer.get("status") == "unacceptable":
        return unacceptable(request, answer["kind"], wanted)
    return answer_response(request, answer)


def answer_response(request, answer: dict):
    """A worker's answer (or one read from a listing) as a response."""
    config = config_of(request)
    status = answer.get("status")
    if status == "busy":
        return error(request, 503, f"the server is busy: all {config.pool.size} query workers were taken for "
                                   f"{max(config.query_timeout, WORKER_WAIT):g} s; try again shortly",
                     {"Retry-After": "5"})
    if status == "timeout":
        return error(request, 503, f"the query ran longer than {config.query_timeout:g} s and was stopped; "
                                   "narrow it down or add a LIMIT", {"Retry-After": "5"})
    if status == "died":
        return error(request, 503, answer.get("message") or "the query stopped its worker; most likely it "
                                                             "needed more memory than the server allows")
    if status != "ok":
        return error(request, int(answer.get("code", 500)), answer.get("message", "the query failed"))
    headers = {"Vary": "Accept"}
    if answer.get("truncated"):
        headers[TRUNCATED_HEADER] = str(config.max_rows)
    if answer.get("cut_bytes"):
        headers[BYTES_HEADER] = str(config.max_bytes)
    offers = neg.GRAPH_TYPES if answer.get("kind") == "graph" else neg.RESULTS_TYPES
    return Response(answer["body"], media_type=media(neg.by_suffix(answer["format"], offers)), headers=headers)


async def sparql_params(request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_QUERY_BYTES:
        raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
    body = await _body(request)
    if content_type == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    if content_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the form is not UTF-8") from None
        for name, value in parse_qsl(text, keep_blank_values=True):
            params.setdefault(name, []).append(value)
    elif content_type == "application/sparql-query":
        try:
            params.setdefault("query", []).append(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise Refused(400, "the query is not UTF-8") from None
    else:
        raise Refused(415, "send the query as application/x-www-form-urlencoded (query=…) or "
                           "application/sparql-query" + (f", not {content_type}" if content_type
                                                         else "; the request has no Content-Type"))
    return params


async def _body(request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_QUERY_BYTES:
            raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
